/** Version of the canonical types and plugin contracts in this package. */
export const SPEC_VERSION = '1.0.0';

export type * from './chat';
export type * from './embeddings';
export type * from './images';
export type * from './models';
export type * from './errors';
export type * from './plugins';
export type * from './pipeline';
