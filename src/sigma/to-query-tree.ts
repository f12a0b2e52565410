import type { ConditionNode, ParsedCondition } from './condition-ast.ts';
import { ConversionError } from './conversion-error.ts';
import { markItemGroup, markSelectionGroup, type QueryNode } from './query-tree.ts';
import type { DetectionItem, Selection, SigmaRule } from './sigma-rule.ts';
import { applyModifiers } from './value-modifiers.ts';

/**
 * Lowers the conditions of a rule into query trees with pySigma's semantics (sigma/rule/detection.py,
 * sigma/conditions.py): a selection map is the AND of its items, a list the OR of its entries, an item
 * with several values the OR (or with `all` the AND) of one match per value; single-element ANDs and ORs
 * collapse to their element; parentheses leave no trace; `1 of x*` / `all of x*` are an OR / AND of the
 * matching selections. `null` is the tree of a condition that selects nothing (pySigma emits no query).
 */
export function toQueryTrees(rule: SigmaRule): (QueryNode | null)[] {
  const cached = CACHE.get(rule);
  if (cached instanceof ConversionError) throw cached;
  if (cached) return cached;
  try {
    const trees = rule.detection.conditions.map((condition) => lowerCondition(rule, condition));
    CACHE.set(rule, trees);
    return trees;
  } catch (error) {
    if (error instanceof ConversionError) CACHE.set(rule, error);
    throw error;
  }
}

// The trees do not depend on the target, so the six targets of a rule page share one lowering.
const CACHE = new WeakMap<SigmaRule, (QueryNode | null)[] | ConversionError>();

function lowerCondition(rule: SigmaRule, condition: ParsedCondition): QueryNode | null {
  if (condition.aggregation) {
    throw new ConversionError(
      'SigmaConditionError',
      "The pipe syntax in Sigma conditions has been deprecated and replaced by Sigma correlations. pySigma doesn't supports this syntax.",
    );
  }
  const selections = rule.detection.selections;
  // By name once: `1 of sel*` over thousands of selections searched the list once per match.
  const byName = new Map(selections.map((s) => [s.name, s.selection]));
  const lowered = new Map<string, QueryNode | null>();
  const selection = (name: string): QueryNode | null => {
    if (!lowered.has(name)) lowered.set(name, lowerSelection(byName.get(name)!));
    return lowered.get(name)!;
  };
  const lower = (node: ConditionNode): QueryNode | null => {
    switch (node.kind) {
      case 'identifier':
        return selection(node.name);
      case 'of': {
        const names = selectorMatches(node.pattern, selections.map((s) => s.name));
        return link(node.quantifier === 'all' ? 'and' : 'or', names.map(selection));
      }
      case 'not': {
        const arg = lower(node.operand);
        return arg === null ? null : { kind: 'not', arg };
      }
      case 'group':
        return lower(node.inner);
      case 'and':
      case 'or':
        return link(node.kind, node.operands.map(lower));
    }
  };
  return lower(condition.expression);
}

/**
 * pySigma's selector resolution: `them` is every selection, otherwise the pattern is a regular expression
 * with `*` as `.*`, matched at the start of the name (Python's re.match, so `sel` also selects `sel2`);
 * names starting with `_` are never selected.
 */
function selectorMatches(pattern: string, names: readonly string[]): string[] {
  const selected = names.filter((name) => !name.startsWith('_'));
  return pattern === 'them' ? selected : selected.filter((name) => selectorPrefixMatches(pattern, name));
}

/**
 * The condition lexer lets a pattern hold only word characters, `-`, `.` and `*`, so as a regular
 * expression it is literals, `.` (any character but a newline) and `.*`. Such a pattern, anchored at the
 * start only, matches exactly when its `*`-separated pieces occur in order with the first at position 0,
 * and taking each piece at its leftmost occurrence never loses a match. That is at most
 * |pattern| × |name| steps, where a backtracking regex needed exponential time (`a*a*a*…b` against `aaaa…`).
 */
export function selectorPrefixMatches(pattern: string, name: string): boolean {
  const text = [...name];
  const pieces = pattern.split('*').map((piece) => [...piece]);
  let at = 0;
  for (const [index, piece] of pieces.entries()) {
    if (index === 0) {
      if (!pieceMatchesAt(piece, text, 0)) return false;
    } else {
      // `.*` does not cross a newline, so the next piece must start before the next one.
      let start = at;
      while (!pieceMatchesAt(piece, text, start)) {
        if (start >= text.length || text[start] === '\n') return false;
        start++;
      }
      at = start;
    }
    at += piece.length;
  }
  return true;
}

function pieceMatchesAt(piece: readonly string[], text: readonly string[], start: number): boolean {
  if (start + piece.length > text.length) return false;
  return piece.every((char, i) => (char === '.' ? text[start + i] !== '\n' : char === text[start + i]));
}

/** ConditionAND/OR.postprocess: missing operands dropped, a single one returned as is, none is null. */
function link(kind: 'and' | 'or', operands: readonly (QueryNode | null)[]): QueryNode | null {
  const args = operands.filter((arg): arg is QueryNode => arg !== null);
  if (args.length === 0) return null;
  return args.length === 1 ? args[0]! : { kind, args };
}

function lowerSelection(selection: Selection): QueryNode | null {
  switch (selection.kind) {
    case 'map': {
      const node = link('and', selection.items.map(lowerItem));
      return node !== null && selection.items.length > 1 ? markSelectionGroup(node) : node;
    }
    case 'list':
      return link('or', selection.entries.map(lowerSelection));
    case 'keywords':
      return lowerItem(selection.item);
  }
}

function lowerItem(item: DetectionItem): QueryNode | null {
  const state = applyModifiers(item.modifiers, item.values, item.field);
  const field = item.field;
  let node: QueryNode | null;
  if (state.values.length === 0) {
    if (field === undefined) throw new ConversionError('SigmaConditionError', 'Null value must be bound to a field');
    node = { kind: 'match', field, value: { kind: 'null' } };
  } else {
    const nodes = state.values.map((value): QueryNode => (field === undefined ? { kind: 'keyword', value } : { kind: 'match', field, value }));
    node = nodes.length === 1 ? nodes[0]! : markItemGroup<QueryNode>({ kind: state.linking, args: nodes });
  }
  return state.negated ? { kind: 'not', arg: node } : node;
}
