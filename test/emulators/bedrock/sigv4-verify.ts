import { timingSafeEqual } from 'node:crypto';
import { Sha256 } from '@aws-crypto/sha256-js';
import { HttpRequest } from '@smithy/protocol-http';
import { SignatureV4, createScope, getCanonicalHeaders, getSigningKey } from '@smithy/signature-v4';

/**
 * Server-side SigV4 check, the way AWS front doors do it: recompute the signature of the
 * received request with the secret we know for the presented access key, compare, and
 * otherwise answer with the error AWS would send (status, x-amzn-ErrorType, JSON body).
 */

export interface AwsCredentialPair {
  accessKeyId: string;
  secretAccessKey: string;
}

export interface ReceivedRequest {
  method: string;
  /** Path exactly as received on the wire (still percent-encoded), without the query. */
  path: string;
  /** Raw query string without the leading `?` (may be empty). */
  rawQuery: string;
  /** Header names lowercased, as node:http gives them. */
  headers: Record<string, string | string[] | undefined>;
  body: Uint8Array;
}

export type AuthFailure = { status: number; errorType: string; message: string; messageKey?: 'message' | 'Message' };
export type VerifyResult = { ok: true; accessKeyId: string } | { ok: false; failure: AuthFailure };

export interface VerifyOptions {
  credentials: AwsCredentialPair[];
  region: string;
  service: string;
  now?: Date;
}

const ALGORITHM = 'AWS4-HMAC-SHA256';
const MAX_SKEW_MS = 5 * 60_000;

const SIGNATURE_MISMATCH =
  'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.';

export async function verifySigV4(request: ReceivedRequest, options: VerifyOptions): Promise<VerifyResult> {
  const authorization = headerValue(request.headers, 'authorization');
  if (!authorization) {
    // What Bedrock answers when neither a SigV4 signature nor a bearer API key is present.
    return fail(403, 'AccessDeniedException', 'Authorization header is missing', 'Message');
  }
  const parsed = parseAuthorization(authorization);
  if ('problem' in parsed) return fail(403, 'IncompleteSignatureException', parsed.problem);

  const [accessKeyId, shortDate, scopeRegion, scopeService, terminator] = parsed.credential.split('/');
  const known = options.credentials.find((c) => c.accessKeyId === accessKeyId);
  if (!known) return fail(403, 'UnrecognizedClientException', 'The security token included in the request is invalid.');

  const amzDate = headerValue(request.headers, 'x-amz-date');
  if (!amzDate || !/^\d{8}T\d{6}Z$/.test(amzDate)) {
    return fail(403, 'IncompleteSignatureException', `Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header. Authorization=${ALGORITHM} Credential=${accessKeyId}/...`);
  }
  if (terminator !== 'aws4_request' || shortDate !== amzDate.slice(0, 8)) {
    return fail(403, 'InvalidSignatureException', `Credential should be scoped to a valid date and terminated by 'aws4_request'.`);
  }
  if (scopeRegion !== options.region) {
    return fail(403, 'InvalidSignatureException', `Credential should be scoped to a valid region. `);
  }
  if (scopeService !== options.service) {
    return fail(403, 'InvalidSignatureException', `Credential should be scoped to correct service: '${options.service}'. `);
  }
  if (!parsed.signedHeaders.includes('host')) {
    return fail(403, 'InvalidSignatureException', `'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization.`);
  }

  const signingDate = parseAmzDate(amzDate);
  const now = options.now ?? new Date();
  if (Math.abs(now.getTime() - signingDate.getTime()) > MAX_SKEW_MS) {
    const earliest = formatAmzDate(new Date(now.getTime() - MAX_SKEW_MS));
    return fail(403, 'InvalidSignatureException', `Signature expired: ${amzDate} is now earlier than ${earliest} (${formatAmzDate(now)} - 5 min.)`);
  }

  const payloadHash = await sha256Hex(request.body);
  const declaredHash = headerValue(request.headers, 'x-amz-content-sha256');
  if (declaredHash && declaredHash !== 'UNSIGNED-PAYLOAD' && declaredHash !== payloadHash) {
    return fail(403, 'InvalidSignatureException', "The provided 'x-amz-content-sha256' header does not match what was computed.");
  }

  const expected = await expectedSignature(request, parsed.signedHeaders, {
    credentials: { ...known, sessionToken: headerValue(request.headers, 'x-amz-security-token') },
    region: scopeRegion,
    service: scopeService,
    longDate: amzDate,
    payloadHash: declaredHash ?? payloadHash,
  });
  if (!sameText(expected.signature, parsed.signature)) {
    const detail = `\n\nThe Canonical String for this request should have been\n'${expected.canonicalRequest}'\n\nThe String-to-Sign should have been\n'${expected.stringToSign}'\n`;
    return fail(403, 'InvalidSignatureException', SIGNATURE_MISMATCH + detail);
  }
  return { ok: true, accessKeyId: known.accessKeyId };
}

interface ParsedAuthorization {
  credential: string;
  signedHeaders: string[];
  signature: string;
}

function parseAuthorization(value: string): ParsedAuthorization | { problem: string } {
  if (!value.startsWith(`${ALGORITHM} `)) {
    return { problem: `Authorization header requires 'Credential' parameter. Authorization header requires 'Signature' parameter. Authorization header requires 'SignedHeaders' parameter. Authorization=${value.split(' ')[0]}` };
  }
  const fields = new Map<string, string>();
  for (const part of value.slice(ALGORITHM.length + 1).split(',')) {
    const eq = part.indexOf('=');
    if (eq > 0) fields.set(part.slice(0, eq).trim(), part.slice(eq + 1).trim());
  }
  const missing = ['Credential', 'Signature', 'SignedHeaders'].filter((k) => !fields.get(k));
  if (missing.length > 0) {
    return { problem: missing.map((k) => `Authorization header requires '${k}' parameter.`).join(' ') + ` Authorization=${ALGORITHM}` };
  }
  return { credential: fields.get('Credential')!, signedHeaders: fields.get('SignedHeaders')!.split(';'), signature: fields.get('Signature')! };
}

/**
 * Exposes the canonical-request and string-to-sign steps of the SDK's own signer, so the
 * emulator computes them exactly as the client did (and can quote them in the error, as AWS does).
 */
class SignatureRecomputer extends SignatureV4 {
  canonicalRequestOf(request: HttpRequest, signedHeaders: string[], payloadHash: string): string {
    const canonicalHeaders = getCanonicalHeaders(request, new Set(), new Set(signedHeaders));
    return this.createCanonicalRequest(request, canonicalHeaders, payloadHash);
  }
  stringToSignOf(longDate: string, scope: string, canonicalRequest: string): Promise<string> {
    return this.createStringToSign(longDate, scope, canonicalRequest, ALGORITHM);
  }
}

async function expectedSignature(
  request: ReceivedRequest,
  signedHeaders: string[],
  input: { credentials: AwsCredentialPair & { sessionToken?: string }; region: string; service: string; longDate: string; payloadHash: string },
): Promise<{ signature: string; canonicalRequest: string; stringToSign: string }> {
  const headers: Record<string, string> = {};
  for (const name of signedHeaders) {
    const value = request.headers[name];
    if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(',') : value;
  }
  const httpRequest = new HttpRequest({
    method: request.method,
    path: request.path,
    query: Object.fromEntries(new URLSearchParams(request.rawQuery)),
    headers,
  });
  const recomputer = new SignatureRecomputer({ credentials: input.credentials, region: input.region, service: input.service, sha256: Sha256 });
  const canonicalRequest = recomputer.canonicalRequestOf(httpRequest, signedHeaders, input.payloadHash);
  const shortDate = input.longDate.slice(0, 8);
  const stringToSign = await recomputer.stringToSignOf(input.longDate, createScope(shortDate, input.region, input.service), canonicalRequest);
  const key = await getSigningKey(Sha256, input.credentials, shortDate, input.region, input.service);
  const hmac = new Sha256(key);
  hmac.update(stringToSign);
  return { signature: toHex(await hmac.digest()), canonicalRequest, stringToSign };
}

async function sha256Hex(data: Uint8Array): Promise<string> {
  const hash = new Sha256();
  hash.update(data);
  return toHex(await hash.digest());
}

function toHex(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('hex');
}

function sameText(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

function headerValue(headers: ReceivedRequest['headers'], name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value.join(',') : value;
}

function parseAmzDate(value: string): Date {
  return new Date(`${value.slice(0, 4)}-${value.slice(4, 6)}-${value.slice(6, 8)}T${value.slice(9, 11)}:${value.slice(11, 13)}:${value.slice(13, 15)}Z`);
}

function formatAmzDate(date: Date): string {
  return date.toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
}

function fail(status: number, errorType: string, message: string, messageKey: 'message' | 'Message' = 'message'): VerifyResult {
  return { ok: false, failure: { status, errorType, message, messageKey } };
}
