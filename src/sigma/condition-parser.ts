import type { Aggregation, AggregationFunction, ComparisonOperator, ConditionNode, ParsedCondition } from './condition-ast.ts';
import { ConditionSyntaxError, tokenizeCondition, type ConditionToken } from './condition-lexer.ts';

export { ConditionSyntaxError };

/**
 * Deepest nesting of parentheses and `not` a condition may have. Real rules stay below ten; the limit
 * keeps the recursive descent (and every later walk over the tree) far from the call stack's end.
 */
export const MAX_CONDITION_DEPTH = 100;

/** A condition nested deeper than MAX_CONDITION_DEPTH: reported under its own code, not as a syntax error. */
export class ConditionDepthError extends ConditionSyntaxError {
  constructor(offset: number) {
    super(`nested deeper than ${MAX_CONDITION_DEPTH} levels of parentheses and "not"`, offset);
    this.name = 'ConditionDepthError';
  }
}

const AGGREGATION_FUNCTIONS = new Set<AggregationFunction>(['count', 'min', 'max', 'avg', 'sum', 'near']);

/**
 * Parses one condition by precedence climbing (not > and > or), resolving identifiers and `x of`
 * patterns against the detection's selection names as it goes, so that a typo is an error with an
 * offset instead of a silently empty query. Throws ConditionSyntaxError.
 */
export function parseCondition(text: string, selectionNames: readonly string[]): ParsedCondition {
  const tokens = tokenizeCondition(text);
  const parser = new ConditionParser(tokens, text, selectionNames);
  return parser.parse();
}

const PRECEDENCE = { or: 0, and: 1 } as const;

class ConditionParser {
  private position = 0;
  private depth = 0;
  private readonly names: ReadonlySet<string>;

  constructor(
    private readonly tokens: readonly ConditionToken[],
    private readonly text: string,
    private readonly selectionNames: readonly string[],
  ) {
    this.names = new Set(selectionNames);
  }

  parse(): ParsedCondition {
    if (this.tokens.length === 0) throw new ConditionSyntaxError('empty condition', 0);
    const expression = this.binary(this.unary(), 0);
    let aggregation: Aggregation | undefined;
    const next = this.peek();
    if (next?.kind === 'pipe') {
      this.position++;
      aggregation = this.aggregation();
    }
    const rest = this.peek();
    if (rest) throw new ConditionSyntaxError(`unexpected "${rest.text}"`, rest.offset);
    return aggregation ? { text: this.text, expression, aggregation } : { text: this.text, expression };
  }

  private peek(): ConditionToken | undefined {
    return this.tokens[this.position];
  }

  private expect(kind: ConditionToken['kind'], what: string): ConditionToken {
    const token = this.tokens[this.position];
    if (!token || token.kind !== kind) {
      throw new ConditionSyntaxError(`expected ${what}${token ? ` but found "${token.text}"` : ' at the end of the condition'}`, token?.offset ?? this.text.length);
    }
    this.position++;
    return token;
  }

  private binary(left: ConditionNode, minPrecedence: number): ConditionNode {
    for (;;) {
      const operator = this.peek();
      if (!operator || (operator.kind !== 'and' && operator.kind !== 'or')) return left;
      const precedence = PRECEDENCE[operator.kind];
      if (precedence < minPrecedence) return left;
      this.position++;
      let right = this.unary();
      for (;;) {
        const next = this.peek();
        if (!next || (next.kind !== 'and' && next.kind !== 'or') || PRECEDENCE[next.kind] <= precedence) break;
        right = this.binary(right, PRECEDENCE[next.kind]);
      }
      left = join(operator.kind, left, right);
    }
  }

  private unary(): ConditionNode {
    const token = this.peek();
    if (!token) throw new ConditionSyntaxError('expected a selection name at the end of the condition', this.text.length);
    switch (token.kind) {
      case 'not': {
        this.enter(token);
        const operand = this.unary();
        this.depth--;
        return { kind: 'not', operand, offset: token.offset };
      }
      case 'lpar': {
        this.enter(token);
        const inner = this.binary(this.unary(), 0);
        this.expect('rpar', '")"');
        this.depth--;
        return { kind: 'group', inner, offset: token.offset };
      }
      case 'of-any':
      case 'of-all': {
        this.position++;
        const target = this.peek();
        if (!target || (target.kind !== 'them' && target.kind !== 'identifier')) {
          throw new ConditionSyntaxError(`expected a selection name, a pattern or "them" after "${token.text}"`, target?.offset ?? this.text.length);
        }
        this.position++;
        const matches = this.resolvePattern(target);
        return { kind: 'of', quantifier: token.kind === 'of-all' ? 'all' : 'any', pattern: target.text, matches, offset: token.offset };
      }
      case 'identifier': {
        this.position++;
        if (token.text.includes('*')) throw new ConditionSyntaxError(`a pattern like "${token.text}" needs "1 of" or "all of"`, token.offset);
        if (!this.names.has(token.text)) throw new ConditionSyntaxError(`unknown selection "${token.text}"`, token.offset);
        return { kind: 'identifier', name: token.text, offset: token.offset };
      }
      default:
        throw new ConditionSyntaxError(`unexpected "${token.text}"`, token.offset);
    }
  }

  /** Consumes a `(` or `not`, one level deeper. */
  private enter(token: ConditionToken): void {
    if (++this.depth > MAX_CONDITION_DEPTH) throw new ConditionDepthError(token.offset);
    this.position++;
  }

  private resolvePattern(target: ConditionToken): string[] {
    if (target.kind === 'them') {
      // pySigma leaves out `_`-prefixed helper selections from `them`.
      const all = this.selectionNames.filter((name) => !name.startsWith('_'));
      if (all.length === 0) throw new ConditionSyntaxError('"them" matches no selection', target.offset);
      return all;
    }
    if (!target.text.includes('*')) {
      if (!this.names.has(target.text)) throw new ConditionSyntaxError(`unknown selection "${target.text}"`, target.offset);
      return [target.text];
    }
    const matches = this.selectionNames.filter((name) => matchesPattern(target.text, name));
    if (matches.length === 0) throw new ConditionSyntaxError(`pattern "${target.text}" matches no selection`, target.offset);
    return matches;
  }

  private aggregation(): Aggregation {
    const name = this.expect('identifier', 'an aggregation function');
    const fn = name.text.toLowerCase() as AggregationFunction;
    if (!AGGREGATION_FUNCTIONS.has(fn)) throw new ConditionSyntaxError(`unknown aggregation function "${name.text}"`, name.offset);
    if (fn === 'near') return this.near();
    this.expect('lpar', '"("');
    let field: string | undefined;
    if (this.peek()?.kind === 'identifier') field = this.tokens[this.position++]!.text;
    this.expect('rpar', '")"');
    let groupBy: string | undefined;
    if (this.peek()?.kind === 'identifier' && this.peek()!.text.toLowerCase() === 'by') {
      this.position++;
      groupBy = this.expect('identifier', 'a field name after "by"').text;
    }
    let operator: ComparisonOperator | undefined;
    let threshold: string | undefined;
    if (this.peek()?.kind === 'operator') {
      operator = this.tokens[this.position++]!.text as ComparisonOperator;
      const value = this.peek();
      if (!value || (value.kind !== 'number' && value.kind !== 'identifier')) {
        throw new ConditionSyntaxError(`expected a number after "${operator}"`, value?.offset ?? this.text.length);
      }
      this.position++;
      threshold = value.text;
    }
    return { kind: 'aggregation', function: fn, ...(field !== undefined && { field }), ...(groupBy !== undefined && { groupBy }), ...(operator && { operator, threshold }) };
  }

  private near(): Aggregation {
    const include: string[] = [];
    const exclude: string[] = [];
    let negate = false;
    for (;;) {
      const token = this.peek();
      if (token?.kind === 'not') {
        negate = true;
        this.position++;
        continue;
      }
      const name = this.expect('identifier', 'a selection name after "near"');
      if (!this.names.has(name.text)) throw new ConditionSyntaxError(`unknown selection "${name.text}"`, name.offset);
      (negate ? exclude : include).push(name.text);
      negate = false;
      if (this.peek()?.kind !== 'and') break;
      this.position++;
    }
    return { kind: 'aggregation', function: 'near', nearInclude: include, nearExclude: exclude };
  }
}

function join(kind: 'and' | 'or', left: ConditionNode, right: ConditionNode): ConditionNode {
  // Keep chains flat (a and b and c) but never merge through a group: parentheses stay visible.
  if (left.kind === kind) return { kind, operands: [...left.operands, right] };
  return { kind, operands: [left, right] };
}

/** `selection_*`-style patterns: `*` is the only wildcard, everything else is literal. */
export function matchesPattern(pattern: string, name: string): boolean {
  const pieces = pattern.split('*');
  if (pieces.length === 1) return pattern === name;
  const first = pieces[0]!;
  const last = pieces[pieces.length - 1]!;
  if (!name.startsWith(first) || name.length < first.length + last.length || !name.endsWith(last)) return false;
  let at = first.length;
  const limit = name.length - last.length;
  for (let i = 1; i < pieces.length - 1; i++) {
    const found = name.indexOf(pieces[i]!, at);
    if (found < 0 || found + pieces[i]!.length > limit) return false;
    at = found + pieces[i]!.length;
  }
  return true;
}
