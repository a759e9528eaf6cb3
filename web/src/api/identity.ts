import type { Role } from '../auth/session';

/* Shapes of the identity admin API (server/src/http/admin/{user,key,audit}-routes.ts). */

export interface UserView {
  id: string;
  email: string;
  name: string;
  role: Role;
  disabled: boolean;
  hasPassword: boolean;
  createdAt: number;
  updatedAt: number;
  lastLoginAt: number | null;
  passwordChangedAt: number | null;
}

export const KEY_SCOPES = ['chat', 'embeddings', 'images', 'models', 'messages', 'admin'] as const;
export const DEFAULT_KEY_SCOPES = ['chat', 'embeddings', 'images', 'models', 'messages'];

export interface ApiKeyInfo {
  id: string;
  prefix: string;
  display: string;
  name: string;
  userId: string;
  projectId: string | null;
  scopes: string[];
  allowedModels: string[] | null;
  allowedPipelines: string[] | null;
  limits: { rpm: number | null; tpm: number | null };
  budget: { microCredits: number; period: 'total' | 'day' | 'month' } | null;
  expiresAt: number | null;
  createdAt: number;
  createdBy: string | null;
  revokedAt: number | null;
  lastUsedAt: number | null;
  status: 'active' | 'revoked' | 'expired';
}

export interface AuditEntry {
  seq: number;
  at: number;
  actor: { type: string; id: string | null; label: string | null; credentialId: string | null };
  ip: string | null;
  action: string;
  target: { type: string; id: string | null; label: string | null } | null;
  outcome: string;
  requestId: string | null;
  details: Record<string, unknown>;
  prevHash: string;
  hash: string;
}

export interface AuditVerification {
  ok: boolean;
  count: number;
  head: { seq: number; hash: string };
  problem?: { seq: number; reason: string };
}
