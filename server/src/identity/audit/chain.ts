import { canonicalJson } from '../canonical-json';
import { sha256Hex } from '../secrets';

/** The hash the chain starts from (the same value the migration puts in audit_head). */
export const GENESIS_HASH = '0'.repeat(64);

/** The stored fields of one entry that its hash covers: everything except the hash itself. */
export interface ChainedFields {
  seq: number;
  at: number;
  actorType: string;
  actorId: string | null;
  actorLabel: string | null;
  credentialId: string | null;
  ip: string | null;
  action: string;
  targetType: string | null;
  targetId: string | null;
  targetLabel: string | null;
  outcome: string;
  requestId: string | null;
  /** The details exactly as stored (canonical JSON text). */
  details: string;
  prevHash: string;
}

/** SHA-256 over the previous hash and the canonical serialization of the entry. */
export function entryHash(fields: ChainedFields): string {
  return sha256Hex(`${fields.prevHash}\n${canonicalJson(fields)}`);
}

/** The database row's columns in the shape the hash covers. */
export interface AuditRow {
  seq: number | string;
  at: number | string;
  actor_type: string;
  actor_id: string | null;
  actor_label: string | null;
  credential_id: string | null;
  ip: string | null;
  action: string;
  target_type: string | null;
  target_id: string | null;
  target_label: string | null;
  outcome: string;
  request_id: string | null;
  details: string;
  prev_hash: string;
  hash: string;
}

export function fieldsOfRow(r: AuditRow): ChainedFields {
  return {
    seq: Number(r.seq),
    at: Number(r.at),
    actorType: r.actor_type,
    actorId: r.actor_id,
    actorLabel: r.actor_label,
    credentialId: r.credential_id,
    ip: r.ip,
    action: r.action,
    targetType: r.target_type,
    targetId: r.target_id,
    targetLabel: r.target_label,
    outcome: r.outcome,
    requestId: r.request_id,
    details: r.details,
    prevHash: r.prev_hash,
  };
}

export function rowOfFields(f: ChainedFields, hash: string): AuditRow {
  return {
    seq: f.seq,
    at: f.at,
    actor_type: f.actorType,
    actor_id: f.actorId,
    actor_label: f.actorLabel,
    credential_id: f.credentialId,
    ip: f.ip,
    action: f.action,
    target_type: f.targetType,
    target_id: f.targetId,
    target_label: f.targetLabel,
    outcome: f.outcome,
    request_id: f.requestId,
    details: f.details,
    prev_hash: f.prevHash,
    hash,
  };
}
