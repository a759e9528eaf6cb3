import { defineAuthPlugin } from '@switchyard/plugin-kit';
import { authenticateTrustedHeader } from './authenticate';
import { resolveSettings, settingsSchema } from './settings';

export default defineAuthPlugin({
  manifest: {
    id: 'trusted-header',
    kind: 'auth',
    version: '0.1.0',
    hostRange: '^0.1.0',
    name: 'Trusted proxy headers',
    description: 'Signs users in from the identity headers of an authenticating reverse proxy (oauth2-proxy, Pomerium, Cloudflare Access), proven by a shared secret header.',
    settingsSchema,
  },
  createAuth(settings) {
    const resolved = resolveSettings(settings);
    return {
      async authenticate(req) {
        return authenticateTrustedHeader(req, resolved);
      },
    };
  },
});

export { authenticateTrustedHeader } from './authenticate';
export { resolveSettings, settingsSchema } from './settings';
export type { ResolvedSettings, TrustedHeaderSettings } from './settings';
