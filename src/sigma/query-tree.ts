import type { Wildcard } from './sigma-string.ts';

/**
 * The condition of a rule after modifier expansion, as pySigma's condition tree: boolean operators over
 * `field = value` matches and field-less keyword values. Built once per rule (see to-query-tree.ts),
 * rewritten by field-mapping pipelines (pipelines/), rendered by the text backends (backends/).
 */
export type QueryNode =
  | { readonly kind: 'and' | 'or'; readonly args: readonly QueryNode[] }
  | { readonly kind: 'not'; readonly arg: QueryNode }
  /** pySigma's ConditionFieldEqualsValueExpression. */
  | { readonly kind: 'match'; readonly field: string; readonly value: QueryValue }
  /** pySigma's ConditionValueExpression: a value searched in any field. */
  | { readonly kind: 'keyword'; readonly value: QueryValue };

/** `%name%` inside a value written with the `expand` modifier, to be filled by a pipeline. */
export interface Placeholder {
  readonly placeholder: string;
}

export type QueryStringPart = string | Wildcard | Placeholder;

export type CompareOperator = '<' | '<=' | '>' | '>=';

export type QueryValue =
  /** Literal text and wildcards; `cased` after the `cased` modifier. */
  | { readonly kind: 'string'; readonly parts: readonly QueryStringPart[]; readonly cased?: boolean }
  | { readonly kind: 'number'; readonly value: number }
  | { readonly kind: 'bool'; readonly value: boolean }
  | { readonly kind: 'null' }
  /** `flags` is a sorted subset of `ims`. */
  | { readonly kind: 'regex'; readonly pattern: string; readonly flags: string }
  /** `address` is the network address in Python's canonical spelling (IPv6 compressed, lower case). */
  | { readonly kind: 'cidr'; readonly address: string; readonly prefix: number; readonly version: 4 | 6 }
  | { readonly kind: 'compare'; readonly operator: CompareOperator; readonly value: number }
  | { readonly kind: 'fieldref'; readonly field: string; readonly startsWith?: boolean; readonly endsWith?: boolean }
  | { readonly kind: 'exists'; readonly exists: boolean }
  /** Alternatives produced by one value (windash, base64offset): matched as an OR. */
  | { readonly kind: 'expansion'; readonly values: readonly QueryValue[] };

export function isPlaceholder(part: QueryStringPart): part is Placeholder {
  return typeof part === 'object' && 'placeholder' in part;
}

/** S-expression form for tests: `(and (= Image "*\\x.exe") (not (= User null)))`. */
export function formatQueryTree(node: QueryNode): string {
  switch (node.kind) {
    case 'and':
    case 'or':
      return `(${node.kind} ${node.args.map(formatQueryTree).join(' ')})`;
    case 'not':
      return `(not ${formatQueryTree(node.arg)})`;
    case 'match':
      return `(= ${node.field} ${formatQueryValue(node.value)})`;
    case 'keyword':
      return formatQueryValue(node.value);
  }
}

export function formatQueryValue(value: QueryValue): string {
  switch (value.kind) {
    case 'string': {
      let text = '';
      for (const part of value.parts) {
        if (typeof part === 'string') text += part.replace(/[*?\\%]/g, '\\$&');
        else if (isPlaceholder(part)) text += `%${part.placeholder}%`;
        else text += part.wildcard;
      }
      return `${value.cased ? 'cased:' : ''}"${text}"`;
    }
    case 'number':
    case 'bool':
      return String(value.value);
    case 'null':
      return 'null';
    case 'regex':
      return `/${value.pattern}/${value.flags}`;
    case 'cidr':
      return `cidr:${value.address}/${value.prefix}`;
    case 'compare':
      return `${value.operator}${value.value}`;
    case 'fieldref':
      return `ref:${value.startsWith ? '*' : ''}${value.field}${value.endsWith ? '*' : ''}`;
    case 'exists':
      return `exists:${value.exists}`;
    case 'expansion':
      return `{${value.values.map(formatQueryValue).join(' | ')}}`;
  }
}

/**
 * Where a group of the tree came from, as pySigma's detection structure keeps it and the pipelines need
 * it: the values of one detection item (`F: [a, b]`, `F|all: …`) and the items of one selection map.
 * Items that transform a whole detection item at once (one-to-many field mappings, Kusto's Hashes) and
 * the dropping of items implied by a table look at it. Marked by to-query-tree.ts; a pipeline that
 * rebuilds a group keeps its mark (`keepOrigin`).
 */
const ITEM_GROUPS = new WeakSet<QueryNode>();
const SELECTION_GROUPS = new WeakSet<QueryNode>();

export function markItemGroup<T extends QueryNode>(node: T): T {
  ITEM_GROUPS.add(node);
  return node;
}

export function markSelectionGroup<T extends QueryNode>(node: T): T {
  SELECTION_GROUPS.add(node);
  return node;
}

/** An AND or OR of the values of one detection item. */
export function isItemGroup(node: QueryNode): boolean {
  return ITEM_GROUPS.has(node);
}

/** An AND of the items of one selection map. */
export function isSelectionGroup(node: QueryNode): boolean {
  return SELECTION_GROUPS.has(node);
}

/** `to` rebuilt from `from`: it keeps `from`'s origin marks. */
export function keepOrigin<T extends QueryNode>(from: QueryNode, to: T): T {
  if (ITEM_GROUPS.has(from)) ITEM_GROUPS.add(to);
  if (SELECTION_GROUPS.has(from)) SELECTION_GROUPS.add(to);
  return to;
}
