import { errors, GatewayError } from '@switchyard/core';
import type { AuthMethod, AuthRequest, Principal } from '@switchyard/spec';
import { presentedToken } from './credentials-from-request';

/**
 * Asks each auth method in order. The first `ok` wins; a `deny` stops the chain with its
 * error; when every method skips, the caller is unauthenticated (401).
 */
export class AuthChain {
  private methods: Array<{ id: string; method: AuthMethod }> = [];

  set(methods: Array<{ id: string; method: AuthMethod }>): void {
    this.methods = methods;
  }

  list(): string[] {
    return this.methods.map((m) => m.id);
  }

  async authenticate(req: AuthRequest): Promise<Principal> {
    for (const { method } of this.methods) {
      const result = await method.authenticate(req);
      if (result.outcome === 'ok') return result.principal;
      if (result.outcome === 'deny') throw new GatewayError(result.error);
    }
    throw presentedToken(req) === undefined
      ? errors.unauthorized("You didn't provide an API key. You need to provide your API key in an Authorization header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY).", 'missing_api_key')
      : errors.unauthorized('Incorrect API key provided.', 'invalid_api_key');
  }
}
