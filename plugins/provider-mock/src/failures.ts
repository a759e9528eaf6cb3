import { errorFromHttpStatus } from '@switchyard/plugin-kit';
import type { FailureRule } from './settings';

/**
 * Injected failures, for demos and tests of fallbacks and retries:
 * - settings.failures: fail every Nth request with a status;
 * - a model named `error-<status>` (e.g. `error-503`) always fails with that status.
 */
export class FailureInjector {
  private count = 0;

  constructor(private readonly rules: FailureRule[]) {}

  check(model: string): void {
    this.count += 1;
    const byName = /^error-(\d{3})$/.exec(model);
    if (byName) throw this.error({ status: Number(byName[1]) });
    for (const rule of this.rules) {
      if (this.count % (rule.every ?? 1) === 0) throw this.error(rule);
    }
  }

  private error(rule: FailureRule) {
    return errorFromHttpStatus({
      status: rule.status,
      provider: 'mock',
      message: rule.message ?? `injected failure (${rule.status})`,
      retryAfterMs: rule.retryAfterSeconds === undefined ? undefined : rule.retryAfterSeconds * 1000,
    });
  }
}
