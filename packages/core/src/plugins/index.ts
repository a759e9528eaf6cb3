export { PluginRegistry } from './registry';
export type { LoadedPlugin, RefusedPlugin, PluginSource } from './registry';
export { checkPlugin, PLUGIN_KINDS } from './manifest';
export { discoverPlugins, loadCandidate, loadPlugins, PLUGIN_PACKAGE_FIELD } from './loader';
export type { PluginCandidate } from './loader';
