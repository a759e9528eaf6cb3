import type { Logger } from '@switchyard/spec';
import type { GatewayHooks, RequestSummary } from '../dispatch/hooks';
import { RateLimitedLog } from './rate-limited-log';
import { toUsageEvent, type UsageEvent } from './usage-event';

export type RequestListener = (summary: RequestSummary, event: UsageEvent | undefined) => void;

/**
 * One request-end hook for usage recording, metrics and the live feed: the usage event is built
 * once (undefined for requests refused before any attempt) and handed to each listener. A
 * listener's failure is logged and never reaches the request or the other listeners.
 */
export function observeRequests(listeners: RequestListener[], logger: Logger): GatewayHooks {
  const log = new RateLimitedLog(logger, 'error');
  return {
    onRequestEnd(summary) {
      let event: UsageEvent | undefined;
      try {
        event = toUsageEvent(summary);
      } catch (err) {
        log.log({ err: { message: (err as Error).message }, requestId: summary.requestId }, 'building the usage event failed');
      }
      for (const listener of listeners) {
        try {
          listener(summary, event);
        } catch (err) {
          log.log({ err: { message: (err as Error).message }, requestId: summary.requestId }, 'a request listener failed');
        }
      }
    },
  };
}
