import { Router } from 'express';
import type { Identity } from '../../identity';
import { auditRoutes } from './audit-routes';
import { accountRoutes } from './auth-routes';
import { keyRoutes } from './key-routes';
import { userRoutes } from './user-routes';

/** The signed-in part of identity under /api: own account, users, keys, audit. Roles come from authorizeAdmin. */
export function identityRoutes(deps: { identity: Identity }): Router {
  const r = Router();
  r.use(accountRoutes(deps), userRoutes(deps), keyRoutes(deps), auditRoutes(deps));
  return r;
}
