import type { NodeTypeManifest } from '@switchyard/spec';

/** The graph format version written by this code. */
export const PIPELINE_SCHEMA_VERSION = 1;
export const SUPPORTED_SCHEMA_VERSIONS: readonly number[] = [1];

/** Bounds that keep validation and compilation cheap whatever is submitted. */
export const MAX_NODES = 500;
export const MAX_EDGES = 2000;

/** Node ids and repeated-handle ids: short, and safe in URLs, keys and the editor's DOM ids. */
export const ID_PATTERN = '^[A-Za-z0-9_-]{1,64}$';
export const ID_RE = new RegExp(ID_PATTERN);

/** The handle type of the built-in nodes: "a request flows here". */
export const REQUEST_HANDLE = 'request';
/** A handle type that connects to any other. */
export const ANY_HANDLE = 'any';

export function manifestKey(type: string, typeVersion: number): string {
  return `${type}@${typeVersion}`;
}

/** A node type with no outputs ends a path (a target or a terminal). */
export function isSink(manifest: NodeTypeManifest): boolean {
  return manifest.outputs.length === 0;
}

export function handleTypesMatch(a: string, b: string): boolean {
  return a === b || a === ANY_HANDLE || b === ANY_HANDLE;
}

/** Manifests as given (an array, e.g. fetched by the editor) or already indexed by `type@version`. */
export type ManifestSource = readonly NodeTypeManifest[] | ReadonlyMap<string, NodeTypeManifest>;

export interface ManifestIndex {
  get(type: string, typeVersion: number): NodeTypeManifest | undefined;
  versions(type: string): number[];
}

const indexCache = new WeakMap<object, ManifestIndex>();

export function indexManifests(source: ManifestSource): ManifestIndex {
  const cached = indexCache.get(source);
  if (cached) return cached;
  const byKey = new Map<string, NodeTypeManifest>();
  const versions = new Map<string, number[]>();
  const all = Array.isArray(source) ? (source as readonly NodeTypeManifest[]) : [...(source as ReadonlyMap<string, NodeTypeManifest>).values()];
  for (const m of all) {
    byKey.set(manifestKey(m.type, m.typeVersion), m);
    const list = versions.get(m.type) ?? [];
    list.push(m.typeVersion);
    versions.set(m.type, list);
  }
  const index: ManifestIndex = {
    get: (type, v) => byKey.get(manifestKey(type, v)),
    versions: (type) => [...(versions.get(type) ?? [])].sort((a, b) => a - b),
  };
  indexCache.set(source, index);
  return index;
}
