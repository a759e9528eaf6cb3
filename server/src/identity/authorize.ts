import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { errors } from '@switchyard/core';
import { ADMIN_ROUTE_RULES, type Access, type RouteRule } from './route-rules';
import { compileRoutePath } from './route-pattern';
import { atLeast } from './roles';

export interface RuleMatcher {
  /** The rule for a request (path relative to /api); undefined when the table has none. */
  find(method: string, path: string): RouteRule | undefined;
}

export function ruleMatcher(rules: RouteRule[] = ADMIN_ROUTE_RULES): RuleMatcher {
  const compiled = rules.map((rule) => ({ rule, re: compileRoutePath(rule.path) }));
  return {
    find(method, path) {
      const m = method.toUpperCase() === 'HEAD' ? 'GET' : method.toUpperCase();
      return compiled.find((c) => c.rule.method === m && c.re.test(path))?.rule;
    },
  };
}

/** A route missing from the table is admin-only: a forgotten rule must not open a route to everyone. */
const UNLISTED: Access = 'admin';

/** Runs after authentication on /api: checks the caller's role against the route's rule. */
export function authorizeAdmin(rules: RouteRule[] = ADMIN_ROUTE_RULES) {
  const matcher = ruleMatcher(rules);
  return (req: Request, res: Response, next: NextFunction): void => {
    const access = matcher.find(req.method, req.path)?.access ?? UNLISTED;
    if (access === 'public') return next();
    const role = res.locals.principal?.role;
    if (!atLeast(role, access)) {
      return next(errors.forbidden(`Your role (${role ?? 'none'}) cannot do this: it needs ${access} or higher.`, 'insufficient_role'));
    }
    next();
  };
}

/**
 * The gate in front of everything under /api: public routes (by the table) pass untouched; every
 * other request is authenticated (the `admin` scope) and then checked against its rule. Mounted
 * once, before any /api router, so routers added later are covered without doing anything.
 */
export function adminGuard(authenticateAdmin: RequestHandler, rules: RouteRule[] = ADMIN_ROUTE_RULES): RequestHandler {
  const matcher = ruleMatcher(rules);
  const authorize = authorizeAdmin(rules);
  return (req, res, next) => {
    if (matcher.find(req.method, req.path)?.access === 'public') return next();
    authenticateAdmin(req, res, (err?: unknown) => (err ? next(err) : authorize(req, res, next)));
  };
}
