import { Router } from 'express';
import type { PluginRegistry } from '@switchyard/core';

/** Installed plugins with their manifests (the console draws settings forms from the schemas), and refused ones with why. */
export function pluginRoutes(deps: { registry: PluginRegistry }): Router {
  const r = Router();
  r.get('/plugins', (_req, res) => {
    res.json({
      data: deps.registry.entries().map(({ plugin, source }) => ({ ...plugin.manifest, package: source.packageName ?? null, status: 'loaded' })),
      refused: deps.registry.refused().map((p) => ({ name: p.name, package: p.source.packageName ?? null, reasons: p.reasons, status: 'refused' })),
    });
  });
  return r;
}
