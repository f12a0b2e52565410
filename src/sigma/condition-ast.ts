/**
 * The parsed `condition:` of a Sigma detection. Parentheses are kept as `group` nodes because sigmac
 * rendered them differently from implicit precedence; `of` nodes keep their pattern and what it matched,
 * since `1 of x` over a list selection is not the same as the selection itself in every converter.
 */
export type ConditionNode =
  | { readonly kind: 'identifier'; readonly name: string; readonly offset: number }
  | {
      readonly kind: 'of';
      readonly quantifier: 'any' | 'all';
      /** `them`, a name, or a name pattern with `*`. */
      readonly pattern: string;
      /** Selection names the pattern matched, in detection order. */
      readonly matches: readonly string[];
      readonly offset: number;
    }
  | { readonly kind: 'not'; readonly operand: ConditionNode; readonly offset: number }
  | { readonly kind: 'and'; readonly operands: readonly ConditionNode[] }
  | { readonly kind: 'or'; readonly operands: readonly ConditionNode[] }
  | { readonly kind: 'group'; readonly inner: ConditionNode; readonly offset: number };

export type AggregationFunction = 'count' | 'min' | 'max' | 'avg' | 'sum' | 'near';
export type ComparisonOperator = '==' | '!=' | '<' | '<=' | '>' | '>=';

/** The legacy `| count(field) by group > n` and `| near a and not b` tails (Sigma 1.0, removed in 2.0). */
export interface Aggregation {
  readonly kind: 'aggregation';
  readonly function: AggregationFunction;
  readonly field?: string;
  readonly groupBy?: string;
  readonly operator?: ComparisonOperator;
  /** As written, e.g. `5`; converters that need a number parse it themselves. */
  readonly threshold?: string;
  readonly nearInclude?: readonly string[];
  readonly nearExclude?: readonly string[];
}

export interface ParsedCondition {
  readonly text: string;
  readonly expression: ConditionNode;
  readonly aggregation?: Aggregation;
}

/** S-expression form, for tests and debugging: `(and sel (not (or f1 f2)))`. */
export function formatCondition(node: ConditionNode): string {
  switch (node.kind) {
    case 'identifier':
      return node.name;
    case 'of':
      return `(${node.quantifier}-of ${node.pattern}${node.matches.length ? ' ' + node.matches.join(' ') : ''})`;
    case 'not':
      return `(not ${formatCondition(node.operand)})`;
    case 'and':
    case 'or':
      return `(${node.kind} ${node.operands.map(formatCondition).join(' ')})`;
    case 'group':
      return `[${formatCondition(node.inner)}]`;
  }
}

export function formatParsedCondition(parsed: ParsedCondition): string {
  const expression = formatCondition(parsed.expression);
  const a = parsed.aggregation;
  if (!a) return expression;
  if (a.function === 'near') {
    return `${expression} | near ${[...(a.nearInclude ?? []), ...(a.nearExclude ?? []).map((n) => `!${n}`)].join(' ')}`;
  }
  return `${expression} | ${a.function}(${a.field ?? ''})${a.groupBy ? ` by ${a.groupBy}` : ''}${a.operator ? ` ${a.operator} ${a.threshold}` : ''}`;
}
