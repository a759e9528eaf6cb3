import { chunkSizes, randomCase, wrongTypeCases, type FuzzCase } from './mutations';
import { routeBodyLimit, seedBody, type Route } from './fuzz-target';
import { seededRandom } from './random';
import type { RawRequest } from './raw-http';

export type Caller = 'admin' | 'user';

export interface PlannedRequest {
  seq: number;
  route: Route;
  caller: Caller;
  fuzz: FuzzCase;
  request: RawRequest;
}

/**
 * The fuzz plan, in a fixed order for a seed: first a wrong type at every path of every route's
 * valid body (as the admin and as the user, alternately), then random mutations of random routes
 * without end. Lazy, so huge bodies exist only while they are sent.
 */
export function* fuzzPlan(seed: number, routes: Route[], keys: Record<Caller, string>, v1Limit: string): Generator<PlannedRequest> {
  const rng = seededRandom(seed);
  let seq = 0;
  const plan = (route: Route, caller: Caller, fuzz: FuzzCase): PlannedRequest => {
    const headers: Array<[string, string]> = [
      ['Authorization', `Bearer ${keys[caller]}`],
      ['X-Request-Id', `fz-${seed}-${seq}`],
    ];
    if (fuzz.contentType !== null) headers.push(['Content-Type', fuzz.contentType]);
    if (fuzz.contentEncoding !== undefined) headers.push(['Content-Encoding', fuzz.contentEncoding]);
    headers.push(...(fuzz.extraHeaders ?? []));
    // Half the small requests ask the server to close after answering. Large ones keep the
    // connection, as real clients do: node closes without draining what the client is still
    // sending, so a client that asked to close may get a reset instead of an early answer (413).
    const connection = fuzz.body.length <= 64 * 1024 && rng.chance(0.5) ? 'close' : 'keep-alive';
    const request: RawRequest = { method: route.method, path: route.path, headers, body: fuzz.body, framing: fuzz.framing, connection };
    if (fuzz.framing === 'chunked') request.chunks = chunkSizes(rng, fuzz.body.length);
    return { seq: seq++, route, caller, fuzz, request };
  };
  for (const route of routes) {
    for (const fuzz of wrongTypeCases(seedBody(route))) yield plan(route, seq % 2 === 0 ? 'admin' : 'user', fuzz);
  }
  for (;;) {
    const route = rng.pick(routes);
    const caller: Caller = rng.chance(0.5) ? 'admin' : 'user';
    yield plan(route, caller, randomCase(rng, seedBody(route), { bodyLimit: routeBodyLimit(route, v1Limit) }));
  }
}
