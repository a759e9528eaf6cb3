/*
 * Plain graph algorithms over node ids, shared by the validator, the editor's connection rules
 * and the compiler.
 */

export type Adjacency = ReadonlyMap<string, readonly string[]>;

export function buildAdjacency(nodeIds: Iterable<string>, edges: Iterable<{ source: string; target: string }>): Map<string, string[]> {
  const adj = new Map<string, string[]>();
  for (const id of nodeIds) adj.set(id, []);
  for (const e of edges) adj.get(e.source)?.push(e.target);
  return adj;
}

/** Finds cycles (each as the list of node ids around it, first id repeated at the end), up to `limit`. */
export function findCycles(adj: Adjacency, limit = 10): string[][] {
  const WHITE = 0;
  const GREY = 1;
  const BLACK = 2;
  const color = new Map<string, number>();
  const cycles: string[][] = [];
  for (const start of adj.keys()) {
    if ((color.get(start) ?? WHITE) !== WHITE) continue;
    // Iterative DFS keeps deep graphs off the call stack.
    const stack: { id: string; next: number }[] = [{ id: start, next: 0 }];
    const path: string[] = [start];
    color.set(start, GREY);
    while (stack.length > 0) {
      const top = stack[stack.length - 1];
      const out = adj.get(top.id) ?? [];
      if (top.next >= out.length) {
        color.set(top.id, BLACK);
        stack.pop();
        path.pop();
        continue;
      }
      const to = out[top.next++];
      const c = color.get(to) ?? WHITE;
      if (c === GREY) {
        const from = path.indexOf(to);
        cycles.push([...path.slice(from), to]);
        if (cycles.length >= limit) return cycles;
      } else if (c === WHITE) {
        color.set(to, GREY);
        stack.push({ id: to, next: 0 });
        path.push(to);
      }
    }
  }
  return cycles;
}

/** True when `to` can be reached from `from` following edges. */
export function reaches(adj: Adjacency, from: string, to: string): boolean {
  const seen = new Set<string>([from]);
  const queue = [from];
  while (queue.length > 0) {
    const id = queue.pop()!;
    if (id === to) return true;
    for (const next of adj.get(id) ?? []) {
      if (!seen.has(next)) {
        seen.add(next);
        queue.push(next);
      }
    }
  }
  return false;
}
