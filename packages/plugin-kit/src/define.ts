import type { AuthPlugin, BillingPlugin, NodePlugin, ProviderPlugin } from '@switchyard/spec';

/*
 * Identity helpers: they exist so a plugin author gets type checking and editor help on the
 * object they export, with no runtime magic. The host validates the manifest when it loads it.
 */

export function defineProviderPlugin<P extends ProviderPlugin>(plugin: P): P {
  return plugin;
}

export function defineAuthPlugin<P extends AuthPlugin>(plugin: P): P {
  return plugin;
}

export function defineBillingPlugin<P extends BillingPlugin>(plugin: P): P {
  return plugin;
}

export function defineNodePlugin<P extends NodePlugin>(plugin: P): P {
  return plugin;
}
