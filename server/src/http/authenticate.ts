import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { errors } from '@switchyard/core';
import type { AuthRequest, Principal } from '@switchyard/spec';
import type { AuthChain } from '../auth/auth-chain';

export function toAuthRequest(req: Request): AuthRequest {
  return { method: req.method, path: req.path, ip: req.ip ?? '', headers: req.headers };
}

/** Authenticates with the auth chain and, when `scope` is given, requires it. */
export function authenticate(chain: AuthChain, scope?: string): RequestHandler {
  const admit = (principal: Principal, res: Response, next: NextFunction) => {
    if (scope && !hasScope(principal, scope)) return next(missingScope(scope));
    res.locals.principal = principal;
    next();
  };
  return (req: Request, res: Response, next: NextFunction) => {
    // Already authenticated by an earlier gate (the /api guard): check the scope, do not ask the chain again.
    if (res.locals.principal) return admit(res.locals.principal, res, next);
    chain.authenticate(toAuthRequest(req)).then((principal) => admit(principal, res, next), next);
  };
}

export function hasScope(principal: Principal, scope: string): boolean {
  return principal.scopes.includes('*') || principal.scopes.includes(scope);
}

export function missingScope(scope: string) {
  return errors.forbidden(`This key does not have the '${scope}' scope.`, 'missing_scope');
}
