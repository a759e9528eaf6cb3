import type { Express } from 'express';

interface Layer {
  rawPath?: unknown;
  route?: { path: string; methods: Record<string, boolean> };
  handle?: { stack?: Layer[] };
}

/**
 * Every route the express app really serves, as `METHOD /full/path`, found by walking the router
 * stack (express 5 / router 2 layers keep the path they were mounted with in `rawPath`).
 */
export function listRoutes(app: Express): Array<{ method: string; path: string }> {
  const out: Array<{ method: string; path: string }> = [];
  const walk = (stack: Layer[], prefix: string) => {
    for (const layer of stack) {
      if (layer.route) {
        for (const [method, on] of Object.entries(layer.route.methods)) if (on && method !== '_all') out.push({ method: method.toUpperCase(), path: prefix + layer.route.path });
      } else if (layer.handle?.stack) {
        const mount = typeof layer.rawPath === 'string' && layer.rawPath !== '/' ? layer.rawPath : '';
        if (layer.rawPath !== undefined && typeof layer.rawPath !== 'string') throw new Error(`a router is mounted on a non-string path (${String(layer.rawPath)}): teach listRoutes about it`);
        walk(layer.handle.stack, prefix + mount);
      }
    }
  };
  const router = (app as unknown as { router: { stack: Layer[] } }).router;
  walk(router.stack, '');
  return out;
}

/** The admin API's routes, with paths relative to /api as the rule table writes them. */
export function listAdminRoutes(app: Express): string[] {
  return [...new Set(listRoutes(app).filter((r) => r.path.startsWith('/api/')).map((r) => `${r.method} ${r.path.slice('/api'.length)}`))].sort();
}
