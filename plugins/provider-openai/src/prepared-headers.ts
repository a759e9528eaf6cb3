/**
 * Request headers the reused-headers client hands to the pooled fetch, which sends the record as it
 * is. Between the two, the SDK formats every request's details for its debug log, whatever the log
 * level, and copies the headers for it: that reads an object's own enumerable properties, and this
 * one has none, so the copy is empty. Only fetches that know this class may be given it
 * (`takesPreparedHeaders`): any other fetch would see no headers at all.
 */
export class PreparedHeaders {
  readonly #record: Readonly<Record<string, string>>;

  constructor(record: Readonly<Record<string, string>>) {
    this.#record = record;
  }

  /** Lower-case names; never changed once built, so one instance serves every call of its kind. */
  get record(): Readonly<Record<string, string>> {
    return this.#record;
  }
}

const takers = new WeakSet<object>();

/** Marks a fetch that reads PreparedHeaders (the pooled fetch). */
export function acceptPreparedHeaders<F extends object>(fetch: F): F {
  takers.add(fetch);
  return fetch;
}

export function takesPreparedHeaders(fetch: unknown): boolean {
  return typeof fetch === 'function' && takers.has(fetch);
}
