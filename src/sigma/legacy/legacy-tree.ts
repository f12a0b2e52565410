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

/** Numbers objects by identity, for keys of nodes that sigmac compared by identity. */
class IdentityKeys {
  readonly #ids = new Map<object, number>();

  of(value: object): string {
    let id = this.#ids.get(value);
    if (id === undefined) this.#ids.set(value, (id = this.#ids.size));
    return `#${id}`;
  }
}

/**
 * sigmac compared tuples (field, value) and keyword values by value and every other node by identity
 * (its classes had no __eq__). Two nodes are equal in that sense exactly when they have the same key,
 * so finding equal nodes is one pass over a Set rather than a comparison of every pair (a
 * 20,000-keyword selection took seconds that way).
 */
function equalityKey(node: LegacyNode, identities: IdentityKeys): string {
  if (node.kind === 'value') return Number.isNaN(node.value) ? identities.of(node) : `v${scalarKey(node.value)}`;
  if (node.kind !== 'map') return identities.of(node);
  const { value } = node;
  const field = JSON.stringify(node.field);
  if (Array.isArray(value)) return value.some((item) => Number.isNaN(item)) ? identities.of(node) : `m${field}[${value.map(scalarKey).join(',')}]`;
  if (typeof value === 'object') return `m${field}${identities.of(value)}`;
  return Number.isNaN(value) ? identities.of(node) : `m${field}${scalarKey(value)}`;
}

/** Strings JSON-quoted, numbers bare: as in Python, 4688 == '4688' is False. NaN, equal to nothing, is left to the caller. */
function scalarKey(value: LegacyScalar): string {
  return typeof value === 'string' ? JSON.stringify(value) : `n${value}`;
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
  const identities = new IdentityKeys();
  const seen = new Set<string>();
  return items.filter((item) => {
    const key = equalityKey(item, identities);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
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
      const identities = new IdentityKeys();
      const key = (item: LegacyNode): string => equalityKey(item, identities);
      const others = children.slice(1).map((child) => new Set(child.items.map(key)));
      const promoted = children[0]!.items.filter((candidate) => others.every((keys) => keys.has(key(candidate))));
      if (promoted.length > 0) {
        for (const child of children) {
          // Each promoted term removes the first remaining equal term of every child.
          const toRemove = new Map<string, number>();
          for (const candidate of promoted) toRemove.set(key(candidate), (toRemove.get(key(candidate)) ?? 0) + 1);
          child.items = child.items.filter((item) => {
            const left = toRemove.get(key(item)) ?? 0;
            if (left === 0) return true;
            toRemove.set(key(item), left - 1);
            return false;
          });
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
