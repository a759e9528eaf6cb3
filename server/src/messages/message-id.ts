import { randomBytes } from 'node:crypto';

/**
 * An Anthropic-style message id for a canonical completion id: kept when the upstream already
 * issued a msg_ id, otherwise derived from it (so logs can be matched), or fresh when absent.
 */
export function messageId(completionId: string | undefined): string {
  if (completionId?.startsWith('msg_')) return completionId;
  const tail = completionId?.replace(/^chatcmpl-/, '').replace(/[^A-Za-z0-9_-]/g, '');
  return `msg_${tail || randomBytes(12).toString('hex')}`;
}
