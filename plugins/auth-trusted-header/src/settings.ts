import { defineSchema, type SchemaValue } from '@switchyard/plugin-kit';

const HEADER_NAME = '^[A-Za-z0-9-]{1,64}$';

export const settingsSchema = defineSchema({
  type: 'object',
  additionalProperties: false,
  required: ['proxySecret'],
  properties: {
    userHeader: { type: 'string', title: 'User header', pattern: HEADER_NAME, default: 'x-forwarded-user', 'x-ui': { order: 1, help: 'Set by the proxy to the signed-in user (oauth2-proxy: X-Forwarded-User).' } },
    emailHeader: { type: 'string', title: 'Email header', pattern: HEADER_NAME, default: 'x-forwarded-email', 'x-ui': { order: 2 } },
    groupsHeader: { type: 'string', title: 'Groups header', pattern: HEADER_NAME, default: 'x-forwarded-groups', 'x-ui': { order: 3, help: 'Comma-separated group names.' } },
    proxySecretHeader: { type: 'string', title: 'Proxy secret header', pattern: HEADER_NAME, default: 'x-proxy-secret', 'x-ui': { order: 4 } },
    proxySecret: {
      type: 'string',
      title: 'Proxy secret',
      minLength: 16,
      'x-ui': { order: 5, widget: 'password', help: 'The proxy adds it to every request it forwards (and must drop any copy a client sends). Without it, identity headers are refused.' },
    },
    scopes: {
      type: 'array',
      title: 'Scopes of signed-in users',
      items: { type: 'string', minLength: 1 },
      default: ['chat', 'embeddings', 'images', 'models'],
      'x-ui': { order: 6 },
    },
    allowedGroups: { type: 'array', title: 'Only these groups', items: { type: 'string', minLength: 1 }, 'x-ui': { order: 7, help: 'Empty: every user the proxy lets through.' } },
    adminGroups: { type: 'array', title: 'Admin groups', items: { type: 'string', minLength: 1 }, 'x-ui': { order: 8, help: 'Members also get the admin scope (the /api admin API).' } },
  },
});

export type TrustedHeaderSettings = SchemaValue<typeof settingsSchema>;

/** Settings with every default applied and header names in lower case (Node lower-cases incoming names). */
export interface ResolvedSettings {
  userHeader: string;
  emailHeader: string;
  groupsHeader: string;
  proxySecretHeader: string;
  proxySecret: string;
  scopes: string[];
  allowedGroups: string[];
  adminGroups: string[];
}

export function resolveSettings(raw: Record<string, unknown>): ResolvedSettings {
  const s = raw as TrustedHeaderSettings;
  if (typeof s.proxySecret !== 'string' || s.proxySecret.length < 16) throw new Error('trusted-header: proxySecret must be at least 16 characters');
  return {
    userHeader: (s.userHeader ?? 'x-forwarded-user').toLowerCase(),
    emailHeader: (s.emailHeader ?? 'x-forwarded-email').toLowerCase(),
    groupsHeader: (s.groupsHeader ?? 'x-forwarded-groups').toLowerCase(),
    proxySecretHeader: (s.proxySecretHeader ?? 'x-proxy-secret').toLowerCase(),
    proxySecret: s.proxySecret,
    scopes: s.scopes ?? ['chat', 'embeddings', 'images', 'models'],
    allowedGroups: s.allowedGroups ?? [],
    adminGroups: s.adminGroups ?? [],
  };
}
