export type Role = 'owner' | 'admin' | 'member' | 'viewer';

export interface ResolvedOidcSettings {
  issuer: string;
  audiences: string[];
  /** From settings, or discovered at <issuer>/.well-known/openid-configuration. */
  jwksUri?: string;
  emailClaim: string;
  subjectClaim: string;
  /** A claim holding a string or a list of strings (groups, roles) that roleMapping reads. */
  roleClaim?: string;
  roleMapping: Record<string, Role>;
  defaultRole: Role;
  autoProvision: boolean;
  clockSkewSeconds: number;
  /** Unknown key ids refetch the JWKS at most this often (a flood of forged kids must not hammer the provider). */
  jwksRefetchIntervalMs: number;
}

const ROLES = ['owner', 'admin', 'member', 'viewer'];

export const settingsSchema = {
  type: 'object',
  required: ['issuer', 'audience'],
  additionalProperties: false,
  properties: {
    issuer: { type: 'string', minLength: 1, description: 'The provider issuer URL, exactly as in the tokens (iss).' },
    audience: { description: 'Accepted aud values (this gateway\'s client id at the provider).', anyOf: [{ type: 'string', minLength: 1 }, { type: 'array', minItems: 1, items: { type: 'string', minLength: 1 } }] },
    jwksUri: { type: 'string', description: 'Defaults to the jwks_uri of the issuer\'s discovery document.' },
    emailClaim: { type: 'string', default: 'email' },
    subjectClaim: { type: 'string', default: 'sub' },
    roleClaim: { type: 'string', description: 'e.g. groups or roles' },
    roleMapping: { type: 'object', additionalProperties: { enum: ROLES }, description: 'claim value -> role; the strongest match wins' },
    defaultRole: { enum: ROLES, default: 'member' },
    autoProvision: { type: 'boolean', default: false, description: 'Create a gateway user on first sight of an unknown email.' },
    clockSkewSeconds: { type: 'integer', minimum: 0, maximum: 300, default: 60 },
    jwksRefetchIntervalMs: { type: 'integer', minimum: 0, default: 30000 },
  },
} as const;

export function resolveSettings(s: Record<string, unknown>): ResolvedOidcSettings {
  const audience = s.audience as string | string[];
  return {
    issuer: String(s.issuer),
    audiences: Array.isArray(audience) ? audience : [audience],
    jwksUri: typeof s.jwksUri === 'string' ? s.jwksUri : undefined,
    emailClaim: typeof s.emailClaim === 'string' ? s.emailClaim : 'email',
    subjectClaim: typeof s.subjectClaim === 'string' ? s.subjectClaim : 'sub',
    roleClaim: typeof s.roleClaim === 'string' ? s.roleClaim : undefined,
    roleMapping: (s.roleMapping as Record<string, Role> | undefined) ?? {},
    defaultRole: (s.defaultRole as Role | undefined) ?? 'member',
    autoProvision: s.autoProvision === true,
    clockSkewSeconds: typeof s.clockSkewSeconds === 'number' ? s.clockSkewSeconds : 60,
    jwksRefetchIntervalMs: typeof s.jwksRefetchIntervalMs === 'number' ? s.jwksRefetchIntervalMs : 30_000,
  };
}

/** The strongest role any of the claim's values maps to; the default when none does. */
export function mappedRole(claims: Record<string, unknown>, settings: ResolvedOidcSettings): Role {
  if (!settings.roleClaim) return settings.defaultRole;
  const raw = claims[settings.roleClaim];
  const values = Array.isArray(raw) ? raw.filter((v): v is string => typeof v === 'string') : typeof raw === 'string' ? [raw] : [];
  const roles = values.map((v) => settings.roleMapping[v]).filter((r): r is Role => r !== undefined);
  return roles.length ? roles.sort((a, b) => ROLES.indexOf(a) - ROLES.indexOf(b))[0] : settings.defaultRole;
}
