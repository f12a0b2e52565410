/**
 * The parse tree of sigmac (the legacy Sigma converter, 0.13), which the legacy targets render. It
 * differs from the modern query tree on purpose: sigmac kept values as raw rule text (escapes and all),
 * applied modifiers as string operations, wrapped every selection in a subexpression and then ran its
 * boolean optimizer; the seed page's queries are byte-for-byte products of those steps.
 */
export type LegacyScalar = string | number;

export type LegacyValue =
  | LegacyScalar
  | readonly LegacyScalar[]
  | { readonly kind: 'regex'; readonly pattern: string; readonly id: number }
  | { readonly kind: 'compare'; readonly operator: '>' | '>=' | '<' | '<='; readonly value: string; readonly id: number };

export type LegacyNode =
  | { kind: 'and' | 'or'; items: LegacyNode[] }
  | { kind: 'not'; item: LegacyNode }
  | { kind: 'sub'; inner: LegacyNode }
  | { kind: 'null' | 'notnull'; field: string }
  /** sigmac's `(field, value)` tuple. */
  | { kind: 'map'; field: string; value: LegacyValue }
  /** A keyword (a value without field). */
  | { kind: 'value'; value: LegacyScalar };

/** sigmac compared tuples by value and every other node by identity (its classes had no __eq__). */
export function legacyEquals(a: LegacyNode, b: LegacyNode): boolean {
  if (a === b) return true;
  if (a.kind === 'map' && b.kind === 'map') return a.field === b.field && valueEquals(a.value, b.value);
  // Keyword values were Python strings and ints: equal by value.
  if (a.kind === 'value' && b.kind === 'value') return a.value === b.value;
  return false;
}

function valueEquals(a: LegacyValue, b: LegacyValue): boolean {
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((item, i) => scalarEquals(item, b[i]!));
  if (typeof a === 'object' || typeof b === 'object') return a === b;
  return scalarEquals(a, b as LegacyScalar);
}

function scalarEquals(a: LegacyScalar, b: LegacyScalar): boolean {
  // Python: 4688 == '4688' is False, 4688 == 4688 True.
  return a === b;
}

/**
 * sigmac's SigmaConditionOptimizer, step for step, including its faults: it does not look inside NOT
 * (a NOT keeps its subexpressions verbatim), and its factoring of common terms out of an OR of ANDs
 * drops a disjunct that becomes empty — `(all of them) or s3` turns into an AND (conversion.md §6.4).
 */
export function optimizeLegacyTree(tree: LegacyNode): LegacyNode {
  let current: LegacyNode | null = strip(tree);
  let changed = true;
  while (changed) {
    const result = optimizeNode(current, false);
    current = result.node;
    changed = result.changed;
  }
  return current === null ? { kind: 'and', items: [] } : unstrip(current);
}

function strip(node: LegacyNode): LegacyNode {
  if (node.kind === 'sub') return strip(node.inner);
  if (node.kind === 'and' || node.kind === 'or') node.items = node.items.map(strip);
  return node;
}

function unstrip(node: LegacyNode): LegacyNode {
  if (node.kind === 'and' || node.kind === 'or') {
    node.items = node.items.map(unstrip);
    return { kind: 'sub', inner: node };
  }
  return node;
}

function orderedUnique(items: readonly LegacyNode[]): LegacyNode[] {
  const result: LegacyNode[] = [];
  for (const item of items) if (!result.some((seen) => legacyEquals(seen, item))) result.push(item);
  return result;
}

function optimizeNode(node: LegacyNode | null, changes: boolean): { node: LegacyNode | null; changed: boolean } {
  if (node === null) return { node, changed: changes };
  if (node.kind === 'and' || node.kind === 'or') {
    if (node.items.length === 0) return { node: null, changed: true };
    if (node.items.length === 1) return optimizeNode(node.items[0]!, true);
    const unique = orderedUnique(node.items);
    if (unique.length < node.items.length) {
      node.items = unique;
      return optimizeNode(node, true);
    }
    if (node.items.some((child) => child.kind === node.kind) && node.items.every((child) => child.kind === node.kind || child.kind === 'map')) {
      node.items = node.items.flatMap((child) => (child.kind === node.kind ? child.items : [child]));
      return optimizeNode(node, true);
    }
    const other = node.kind === 'or' ? 'and' : 'or';
    if (node.items.every((child) => child.kind === other)) {
      const children = node.items as { kind: 'and' | 'or'; items: LegacyNode[] }[];
      const promoted = children[0]!.items.filter((candidate) => children.slice(1).every((child) => child.items.some((item) => legacyEquals(item, candidate))));
      if (promoted.length > 0) {
        for (const child of children) {
          for (const candidate of promoted) {
            const at = child.items.findIndex((item) => legacyEquals(item, candidate));
            if (at >= 0) child.items.splice(at, 1);
          }
        }
        const replacement: LegacyNode = { kind: other, items: [...promoted, node] };
        return optimizeNode(replacement, true);
      }
    }
    let any = changes;
    const items: LegacyNode[] = [];
    for (const item of node.items) {
      const result = optimizeNode(item, changes);
      // sigmac put None into the list here and removed it on the next pass; same outcome.
      if (result.node !== null) items.push(result.node);
      if (result.changed || result.node === null) any = true;
    }
    node.items = items;
    return { node, changed: any };
  }
  if (node.kind === 'not') {
    const item = node.item;
    if (item.kind === 'not') return optimizeNode(item.item, true);
    if (item.kind === 'null') return optimizeNode({ kind: 'notnull', field: item.field }, true);
    if (item.kind === 'notnull') return optimizeNode({ kind: 'null', field: item.field }, true);
    const result = optimizeNode(item, changes);
    if (result.node) node.item = result.node;
    return { node, changed: result.changed };
  }
  return { node, changed: changes };
}
