import type { PluginKind } from '@switchyard/spec';

export const SCAFFOLD_KINDS: readonly PluginKind[] = ['provider', 'auth', 'billing', 'node'];

/** Thrown for anything the author should fix in the command line; the message says what. */
export class ScaffoldError extends Error {
  override name = 'ScaffoldError';
}

export function checkKind(kind: string): PluginKind {
  if ((SCAFFOLD_KINDS as readonly string[]).includes(kind)) return kind as PluginKind;
  throw new ScaffoldError(`unknown plugin kind '${kind}': use one of ${SCAFFOLD_KINDS.join(', ')}`);
}

const NAME_RE = /^[a-z][a-z0-9]*(?:-[a-z0-9]+)*$/;

/**
 * A plugin name becomes its manifest id, the folder `<kind>-<name>`, the package name and (for
 * node plugins) the node type, so it must suit all four: lowercase words joined by single dashes.
 */
export function checkName(name: string, kind: PluginKind): string {
  if (name.length < 2 || name.length > 40) throw new ScaffoldError(`plugin name '${name}' must be 2 to 40 characters long`);
  if (!NAME_RE.test(name)) {
    throw new ScaffoldError(`plugin name '${name}' must be lowercase letters and digits in words joined by single dashes, starting with a letter (e.g. acme or acme-cloud)`);
  }
  if (name.startsWith(`${kind}-`)) {
    throw new ScaffoldError(`leave the kind out of the name: '${name}' would make the folder ${kind}-${name}; use '${name.slice(kind.length + 1)}'`);
  }
  return name;
}

/** `acme-cloud` -> `Acme Cloud`, for display names. */
export function titleOf(name: string): string {
  return name
    .split('-')
    .map((w) => w.charAt(0).toUpperCase() + w.slice(1))
    .join(' ');
}

/** `acme-cloud` -> `acmeCloud`, for identifiers in generated code. */
export function camelOf(name: string): string {
  return name.replace(/-([a-z0-9])/g, (_m, c: string) => c.toUpperCase());
}
