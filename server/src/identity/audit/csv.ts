import type { AuditEntry } from './audit-log';

export const AUDIT_CSV_COLUMNS = ['seq', 'time', 'actor_type', 'actor_id', 'actor_label', 'credential_id', 'ip', 'action', 'target_type', 'target_id', 'target_label', 'outcome', 'request_id', 'details', 'hash'];

/**
 * One CSV field. Quoted when needed (RFC 4180); text a spreadsheet would run as a formula
 * (starting with = + - @ or a control character) gets a leading apostrophe.
 */
export function csvField(value: unknown): string {
  let s = value === null || value === undefined ? '' : String(value);
  if (/^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function auditCsvRow(e: AuditEntry): string {
  return [
    e.seq,
    new Date(e.at).toISOString(),
    e.actor.type,
    e.actor.id,
    e.actor.label,
    e.actor.credentialId,
    e.ip,
    e.action,
    e.target?.type,
    e.target?.id,
    e.target?.label,
    e.outcome,
    e.requestId,
    JSON.stringify(e.details),
    e.hash,
  ]
    .map(csvField)
    .join(',');
}

export function auditCsvHeader(): string {
  return AUDIT_CSV_COLUMNS.join(',');
}
