export * from './errors';
export * from './plugins';
export { HOST_VERSION } from './version';
export { createAjv } from './json-schema';
export * from './pipeline';
export { chunkJson, forgetChunkJson, rememberChunkJson } from './chunk-json';
