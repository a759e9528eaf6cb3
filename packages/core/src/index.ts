export * from './errors';
export * from './plugins';
export { HOST_VERSION } from './version';
export * from './pipeline';
