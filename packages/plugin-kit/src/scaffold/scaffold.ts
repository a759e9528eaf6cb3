import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { PluginKind } from '@switchyard/spec';
import { HOST_VERSION } from '@switchyard/core';
import { camelOf, checkKind, checkName, ScaffoldError, titleOf } from './names';
import { authTemplate } from './templates/auth';
import { billingTemplate } from './templates/billing';
import type { TemplateFiles, TemplateInput } from './templates/common';
import { nodeTemplate } from './templates/node';
import { providerTemplate } from './templates/provider';

export interface ScaffoldOptions {
  kind: string;
  name: string;
  /** The folder plugin folders go in (the server reads `<repo>/plugins`). */
  pluginsDir: string;
  /** Default `@switchyard/<kind>-<name>`; use your own scope to publish on npm. */
  packageName?: string;
  /** Default: the current host's minor line, e.g. `^0.1.0`. */
  hostRange?: string;
}

export interface ScaffoldResult {
  kind: PluginKind;
  /** The plugin id (manifest id, config `plugin:` value). */
  id: string;
  dir: string;
  /** Paths relative to `dir`, in the order written. */
  files: string[];
}

const TEMPLATES: Record<PluginKind, (input: TemplateInput) => TemplateFiles> = {
  provider: providerTemplate,
  auth: authTemplate,
  billing: billingTemplate,
  node: nodeTemplate,
};

/** `^0.1.0` for host 0.1.x: plugins declare the host line they were written against. */
function currentHostRange(): string {
  const [major, minor] = HOST_VERSION.split('.');
  return `^${major}.${minor}.0`;
}

/**
 * Creates `<pluginsDir>/<kind>-<name>/` with a package.json that declares the plugin, a manifest
 * with a settings schema, src/index.ts, passing tests and a README. Refuses bad names and
 * existing folders (ScaffoldError, with the reason) and never overwrites anything.
 */
export async function scaffoldPlugin(options: ScaffoldOptions): Promise<ScaffoldResult> {
  const kind = checkKind(options.kind);
  const name = checkName(options.name, kind);
  const folder = `${kind}-${name}`;
  const dir = path.resolve(options.pluginsDir, folder);
  if (existsSync(dir)) throw new ScaffoldError(`${dir} already exists: choose another name, or remove the folder first`);
  const packageName = options.packageName ?? `@switchyard/${folder}`;
  if (!/^(?:@[a-z0-9-~][a-z0-9-._~]*\/)?[a-z0-9-~][a-z0-9-._~]*$/.test(packageName)) throw new ScaffoldError(`'${packageName}' is not a valid npm package name`);

  const files = TEMPLATES[kind]({ kind, name, title: titleOf(name), camel: camelOf(name), packageName, hostRange: options.hostRange ?? currentHostRange() });
  await mkdir(dir, { recursive: true });
  const written: string[] = [];
  for (const [relative, content] of Object.entries(files)) {
    const target = path.join(dir, relative);
    await mkdir(path.dirname(target), { recursive: true });
    await writeFile(target, content, { flag: 'wx' });
    written.push(relative);
  }
  return { kind, id: name, dir, files: written };
}
