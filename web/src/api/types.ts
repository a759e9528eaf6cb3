import type { Schema } from '../components/SchemaForm';

export interface CredentialState {
  id: string;
  name: string;
  weight: number;
  state: 'active' | 'disabled' | 'cooling';
  reason: string | null;
  cooldownUntil: number | null;
}

export interface ProviderView {
  id: string;
  plugin: string;
  name: string;
  settings: Record<string, unknown>;
  enabled: boolean;
  source: 'api' | 'config' | 'seed';
  status: 'ready' | 'unavailable';
  problem: string | null;
  credentials: CredentialState[];
}

export interface PluginView {
  id: string;
  kind: 'provider' | 'auth' | 'billing' | 'node';
  name: string;
  version: string;
  hostRange: string;
  description?: string;
  settingsSchema?: Schema;
  credentialSchema?: Schema;
  package: string | null;
  status: 'loaded';
}

export interface RefusedPluginView {
  name: string;
  package: string | null;
  reasons: string[];
  status: 'refused';
}

export interface ModelView {
  id: string;
  providerId: string;
  upstreamModel: string;
  aliases: string[];
  capabilities: string[];
  enabled: boolean;
  source: string;
}
