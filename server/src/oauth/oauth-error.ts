import type { Response } from 'express';

/** An RFC 6749 error: rendered as `{ error, error_description }`, never in the OpenAI shape. */
export class OAuthError extends Error {
  constructor(
    readonly error: string,
    readonly description: string,
    readonly status = 400,
  ) {
    super(description);
  }
}

export function sendOAuthError(res: Response, err: OAuthError): void {
  if (err.error === 'invalid_client' && err.status === 401) res.setHeader('WWW-Authenticate', 'Basic realm="switchyard"');
  res.setHeader('Cache-Control', 'no-store');
  res.status(err.status).json({ error: err.error, error_description: err.description });
}
