export { PluginRegistry } from './registry';
export type { LoadedPlugin, RefusedPlugin, PluginSource } from './registry';
export { checkPlugin, PLUGIN_KINDS } from './manifest';
export { activeConditions, candidateAt, discoverPlugins, exportTarget, loadCandidate, loadPlugins, registerModule, PLUGIN_PACKAGE_FIELD } from './loader';
export type { PluginCandidate } from './loader';
export { PluginReloader, watchPlugins, pluginReloadRequested } from './reload';
export type { PluginRef, PluginReloadEvent, PluginReloaderOptions } from './reload';
export { createAuthMethods } from './auth-methods';
export type { EnabledAuthPlugin } from './auth-methods';
