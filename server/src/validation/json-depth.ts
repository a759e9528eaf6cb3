import { errors, type GatewayError } from '@switchyard/core';

/**
 * How deeply objects and arrays may nest in a request body. Far beyond any real request (a tool's
 * JSON Schema a few dozen levels deep fits), and far below where recursive code gives out:
 * JSON.stringify and structuredClone overflow the stack at a few thousand levels, which a 20 kB
 * body reaches.
 */
export const MAX_JSON_DEPTH = 64;

/** Whether objects/arrays in `value` nest deeper than `max` (the body itself is level 1). Iterative: safe at any depth. */
export function nestsDeeperThan(value: unknown, max: number): boolean {
  const stack: Array<[unknown, number]> = [[value, 1]];
  while (stack.length > 0) {
    const [v, depth] = stack.pop()!;
    if (v === null || typeof v !== 'object') continue;
    if (depth > max) return true;
    for (const child of Array.isArray(v) ? v : Object.values(v)) {
      if (child !== null && typeof child === 'object') stack.push([child, depth + 1]);
    }
  }
  return false;
}

export function tooDeeplyNested(max = MAX_JSON_DEPTH): GatewayError {
  return errors.invalidRequest(`The request body nests objects and arrays more than ${max} levels deep.`, null, 'nesting_too_deep');
}
