import type { SourcePosition } from '../model/issue.ts';

/** A reference from one entity to another, where its author wrote it. */
export interface Reference<T> {
  readonly to: T;
  readonly position: SourcePosition;
}

/** A cycle closed by `reference`, written in `from`; `path` runs from `from` along the references back to `from`. */
export interface ReferenceCycle<T> {
  readonly from: T;
  readonly reference: Reference<T>;
  readonly path: readonly T[];
}

/**
 * The cycles among references (enrichments requiring each other, say), each found once at the reference
 * that closes it when the entities are walked depth first in the given order. The walk keeps its own
 * stack, so a hostile chain of 100,000 references cannot exhaust the call stack.
 */
export function findReferenceCycles<T>(nodes: readonly T[], referencesOf: (node: T) => readonly Reference<T>[]): ReferenceCycle<T>[] {
  const cycles: ReferenceCycle<T>[] = [];
  const finished = new Set<T>();
  const onPath = new Map<T, number>();
  for (const start of nodes) {
    if (finished.has(start)) continue;
    const stack: Array<{ node: T; references: readonly Reference<T>[]; next: number }> = [];
    const enter = (node: T): void => {
      onPath.set(node, stack.length);
      stack.push({ node, references: referencesOf(node), next: 0 });
    };
    enter(start);
    while (stack.length > 0) {
      const frame = stack[stack.length - 1]!;
      const reference = frame.references[frame.next];
      if (reference === undefined) {
        stack.pop();
        onPath.delete(frame.node);
        finished.add(frame.node);
        continue;
      }
      frame.next += 1;
      const depth = onPath.get(reference.to);
      if (depth !== undefined) {
        const loop = stack.slice(depth).map((entry) => entry.node);
        // Written from the entity whose reference closes the cycle, as its author reads it.
        cycles.push({ from: frame.node, reference, path: [frame.node, ...loop.slice(0, -1), frame.node] });
      } else if (!finished.has(reference.to)) enter(reference.to);
    }
  }
  return cycles;
}
