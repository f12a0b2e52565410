/**
 * Cycles in a graph of references between entities (correlation rules naming correlation rules). Each
 * cycle is found once, at the reference that closes it, visiting nodes and references in the order
 * given so that reports are stable. The walk keeps its own stack: a chain of any length cannot
 * overflow the call stack.
 */
export interface ReferenceCycle<Node, Reference> {
  /** From the first node of the cycle back to it: `a, b, a`. */
  readonly nodes: readonly Node[];
  /** The reference from the last distinct node back to the first. */
  readonly closing: Reference;
}

interface Frame<Node, Reference> {
  readonly node: Node;
  readonly references: readonly Reference[];
  next: number;
}

export function findReferenceCycles<Node, Reference extends { readonly target: Node }>(
  nodes: readonly Node[],
  referencesOf: (node: Node) => readonly Reference[],
): ReferenceCycle<Node, Reference>[] {
  const cycles: ReferenceCycle<Node, Reference>[] = [];
  const finished = new Set<Node>();
  // Nodes on the current path, with their place in `stack`.
  const onPath = new Map<Node, number>();
  for (const start of nodes) {
    if (finished.has(start)) continue;
    const stack: Frame<Node, Reference>[] = [{ node: start, references: referencesOf(start), next: 0 }];
    onPath.set(start, 0);
    while (stack.length > 0) {
      const frame = stack[stack.length - 1]!;
      const reference = frame.references[frame.next++];
      if (reference === undefined) {
        stack.pop();
        onPath.delete(frame.node);
        finished.add(frame.node);
        continue;
      }
      const target = reference.target;
      const place = onPath.get(target);
      if (place !== undefined) {
        cycles.push({ nodes: [...stack.slice(place).map((entry) => entry.node), target], closing: reference });
      } else if (!finished.has(target)) {
        onPath.set(target, stack.length);
        stack.push({ node: target, references: referencesOf(target), next: 0 });
      }
    }
  }
  return cycles;
}
