import { GatewayError } from '@switchyard/plugin-kit';

export interface AwsCredential {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

/** Reads the decrypted credential fields; a missing field is the operator's configuration problem. */
export function readCredential(fields: Record<string, string>): AwsCredential {
  const { accessKeyId, secretAccessKey, sessionToken } = fields;
  if (!accessKeyId || !secretAccessKey) {
    throw new GatewayError({
      status: 500,
      type: 'server_error',
      code: 'credential_missing',
      message: 'bedrock: the credential for this provider needs accessKeyId and secretAccessKey.',
      // Another credential or target may be configured correctly.
      retryable: true,
    });
  }
  return sessionToken ? { accessKeyId, secretAccessKey, sessionToken } : { accessKeyId, secretAccessKey };
}

/** The parts of a credential that must never appear in messages or logs. */
export function secretsOf(credential: AwsCredential): string[] {
  return [credential.secretAccessKey, credential.sessionToken ?? ''].filter(Boolean);
}
