/*
 * `@switchyard/plugin-kit/scaffold`: creates a new plugin folder. Used by `npm run plugin:new`
 * (cli.ts) and meant for any other front end (a `switchyard plugin new` command).
 */
export { scaffoldPlugin } from './scaffold';
export type { ScaffoldOptions, ScaffoldResult } from './scaffold';
export { ScaffoldError, SCAFFOLD_KINDS, checkKind, checkName } from './names';
export { runScaffoldCli } from './cli-main';
