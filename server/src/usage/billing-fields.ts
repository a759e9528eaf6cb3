/**
 * The extension point between billing and usage recording.
 *
 * Billing prices each attempt in its `afterAttempt` hook. The `outcome` it receives is the very
 * AttemptRecord object that ends up in `RequestSummary.attempts`, and every afterAttempt runs
 * before `onRequestEnd`, so billing writes its figures onto that record:
 *
 *   afterAttempt(start, token, outcome) {
 *     const { cost, credits } = settle(...);
 *     outcome.costMicros = cost;       // what the upstream call cost the operator
 *     outcome.creditsMicros = credits; // what was charged to the caller (revenue)
 *     outcome.billing = { ..., usage }; // its own token count when the upstream gave none
 *   }
 *
 * The usage event sums them over the attempts. A charge that belongs to the request rather than
 * to an attempt (a cache hit served without any attempt, a flat fee) goes on the summary's
 * fields of the same names; when set there they replace the sums. Both stay undefined when no
 * billing rule priced the request, and the event stores NULL (unknown), not 0.
 */
// The attempt fields are also declared in dispatch/hooks.ts by billing (identical types merge).
declare module '../dispatch/hooks' {
  interface AttemptRecord {
    /** Micro-credits the attempt cost upstream, set by billing. */
    costMicros?: number;
    /** Micro-credits charged to the caller for the attempt, set by billing. */
    creditsMicros?: number;
  }
  interface RequestSummary {
    /** Request-level cost (replaces the attempts' sum when set). */
    costMicros?: number;
    /** Request-level charge (replaces the attempts' sum when set). */
    creditsMicros?: number;
  }
}

export {};
