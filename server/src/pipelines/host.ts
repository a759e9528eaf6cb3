import { systemClock } from '@switchyard/core';
import type {
  BudgetCheck,
  BudgetDecision,
  ChatCompletionRequest,
  Clock,
  EmbeddingRequest,
  ImageGenerationRequest,
  Logger,
  OpenedStream,
  PipelineHost,
  PipelineStores,
  PriceCard,
  RequestBody,
  ResponseBody,
  TargetCall,
  TargetRef,
} from '@switchyard/spec';
import { invokeChat, invokeEmbeddings, invokeImages, openChatStream, type CallOptions } from '../dispatch/invoke';
import type { RequestTracker } from '../dispatch/tracker';
import type { TargetRouter } from './target-routes';

/** What every request's host shares: built once when the gateway starts. */
export interface HostServices {
  stores: PipelineStores;
  clock?: Clock;
  logger?: Logger;
  /** Billing's price of a provider's model, for the lowest-cost router; absent without billing. */
  priceOf?(provider: string, upstreamModel: string): PriceCard | undefined;
  /** Billing's budget check, for budget nodes; absent, budget nodes fail closed (`budget_unavailable`). */
  checkBudget?(check: BudgetCheck): Promise<BudgetDecision>;
}

/**
 * The gateway's PipelineHost for one request. Each target call goes through invoke.ts, the same
 * code the direct route uses: the credential pool, the beforeAttempt/afterAttempt hooks
 * (billing reserves and settles there) and the request tracker (usage) all see every attempt.
 * Cheap to make: it only points at shared services.
 */
export class RequestHost implements PipelineHost {
  readonly stores: PipelineStores;
  readonly clock: Clock;
  readonly logger?: Logger;
  readonly priceOf?: HostServices['priceOf'];
  readonly checkBudget?: HostServices['checkBudget'];

  constructor(
    services: HostServices,
    private readonly router: TargetRouter,
    private readonly tracker: RequestTracker,
    /** The stall guard's limit for streamed target calls (CallOptions.streamIdleMs). */
    private readonly streamIdleMs?: number,
  ) {
    this.stores = services.stores;
    this.clock = services.clock ?? systemClock;
    if (services.logger) this.logger = services.logger;
    if (services.priceOf) this.priceOf = services.priceOf;
    if (services.checkBudget) this.checkBudget = services.checkBudget;
  }

  async invokeTarget(target: TargetRef, request: RequestBody, call: TargetCall): Promise<ResponseBody | OpenedStream> {
    const route = this.router.route(target);
    const opts: CallOptions = { signal: call.signal, requestId: call.requestId, tracker: this.tracker, credentialId: target.credentialId, emptyStreamFails: true, streamIdleMs: this.streamIdleMs };
    switch (call.kind) {
      case 'chat': {
        if (!call.stream) return invokeChat(route, request as ChatCompletionRequest, opts);
        const opened = await openChatStream(route, request as ChatCompletionRequest, opts);
        // emptyStreamFails: the first step always carries a chunk here.
        return { first: opened.first.value!, rest: opened.rest };
      }
      case 'embeddings':
        return invokeEmbeddings(route, request as EmbeddingRequest, opts);
      case 'images':
        return invokeImages(route, request as ImageGenerationRequest, opts);
    }
  }
}
