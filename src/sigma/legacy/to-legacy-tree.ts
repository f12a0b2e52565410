import type { ConditionNode, ParsedCondition } from '../condition-ast.ts';
import type { Detection, DetectionItem, Selection } from '../sigma-rule.ts';
import { applyLegacyModifiers } from './legacy-modifiers.ts';
import { optimizeLegacyTree, type LegacyNode, type LegacyScalar } from './legacy-tree.ts';

export class LegacyUnsupportedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'LegacyUnsupportedError';
  }
}

let typedValueIds = 0;

/** One condition of a detection as sigmac 0.13 parsed and optimized it. Throws LegacyUnsupportedError. */
export function toLegacyTree(detection: Detection, condition: ParsedCondition): LegacyNode {
  const byName = new Map(detection.selections.map((s) => [s.name, s.selection]));
  const definition = (name: string, override?: 'and' | 'or'): LegacyNode => lowerSelection(byName.get(name)!, override);
  const lower = (node: ConditionNode): LegacyNode => {
    switch (node.kind) {
      case 'identifier':
        return { kind: 'sub', inner: definition(node.name) };
      case 'of': {
        const linking = node.quantifier === 'all' ? 'and' : 'or';
        if (node.pattern === 'them' || node.pattern.includes('*')) {
          // sigmac's `them` covered every definition, `_`-prefixed ones included.
          const names = node.pattern === 'them' ? detection.selections.map((s) => s.name) : node.matches;
          return { kind: 'sub', inner: { kind: linking, items: names.map((name) => ({ kind: 'sub', inner: definition(name) })) } };
        }
        return { kind: 'sub', inner: definition(node.pattern, linking) };
      }
      case 'not':
        return { kind: 'not', item: lower(node.operand) };
      case 'group':
        // sigmac parsed a parenthesised part as a condition of its own, optimizer included.
        return { kind: 'sub', inner: optimizeLegacyTree(lower(node.inner)) };
      case 'and':
      case 'or': {
        // sigmac reduced operators pairwise from the left: a and b and c = AND(AND(a, b), c).
        let left = lower(node.operands[0]!);
        for (const operand of node.operands.slice(1)) left = { kind: node.kind, items: [left, lower(operand)] };
        return left;
      }
    }
  };
  return optimizeLegacyTree(lower(condition.expression));
}

function lowerSelection(selection: Selection, override?: 'and' | 'or'): LegacyNode {
  switch (selection.kind) {
    case 'keywords': {
      const values = selection.item.values.map(keywordScalar);
      return { kind: override ?? 'or', items: values.map((value) => ({ kind: 'value', value })) };
    }
    case 'list':
      return {
        kind: override ?? 'or',
        items: selection.entries.flatMap((entry): LegacyNode[] =>
          entry.kind === 'keywords' && !entry.item.list ? entry.item.values.map((value) => ({ kind: 'value', value: keywordScalar(value) })) : [lowerSelection(entry)],
        ),
      };
    case 'map':
      return { kind: 'and', items: selection.items.map(lowerItem) };
  }
}

function keywordScalar(value: unknown): LegacyScalar {
  if (typeof value === 'number' && Number.isInteger(value)) return value;
  if (typeof value === 'string') return value;
  return value === null ? '' : String(value);
}

function lowerItem(item: DetectionItem): LegacyNode {
  const field = item.field;
  if (field === undefined) {
    // `'|all': [...]`: keywords linked by the modifiers.
    const result = applyLegacyModifiers(item.modifiers, item.values, item.list);
    if (result.kind !== 'values') throw new LegacyUnsupportedError('modifiers on keywords other than value transformations are not supported by this target');
    const nodes: LegacyNode[] = result.values.map((value) => ({ kind: 'value', value: value as LegacyScalar }));
    return { kind: 'sub', inner: { kind: result.all ? 'and' : 'or', items: nodes } };
  }
  if (item.modifiers.length === 0) {
    if (!item.list && item.values[0] === null) return { kind: 'null', field };
    if (!item.list && item.values[0] === 'not null') return { kind: 'notnull', field };
  }
  const nulls = item.values.some((value) => value === null);
  if (nulls && item.list) {
    // sigmac rejected null inside a value list; rendered here as "any of the values, or absent".
    const rest = item.values.filter((value) => value !== null);
    const withoutNull = rest.length ? [lowerItem({ ...item, values: rest, position: { line: 1, column: 1 } })] : [];
    return { kind: 'sub', inner: { kind: 'or', items: [...withoutNull, { kind: 'null', field }] } };
  }
  const result = applyLegacyModifiers(item.modifiers, item.values, item.list);
  switch (result.kind) {
    case 'unsupported':
      throw new LegacyUnsupportedError(result.reason);
    case 'exists':
      return { kind: result.exists ? 'notnull' : 'null', field };
    case 'regex':
      return { kind: 'map', field, value: { kind: 'regex', pattern: result.flags ? `(?${result.flags})${result.pattern}` : result.pattern, id: ++typedValueIds } };
    case 'compare': {
      const nodes: LegacyNode[] = result.values.map((value) => ({ kind: 'map', field, value: { kind: 'compare', operator: result.operator, value, id: ++typedValueIds } }));
      return nodes.length === 1 ? nodes[0]! : { kind: 'sub', inner: { kind: result.all ? 'and' : 'or', items: nodes } };
    }
    case 'neq': {
      const value = result.list ? result.values : result.values[0]!;
      return { kind: 'not', item: { kind: 'sub', inner: { kind: 'map', field, value } } };
    }
    case 'values': {
      const values = result.values as LegacyScalar[];
      if (result.all && values.length > 1) {
        return { kind: 'sub', inner: { kind: 'and', items: values.map((value) => ({ kind: 'map', field, value })) } };
      }
      return { kind: 'map', field, value: result.list ? values : values[0]! };
    }
  }
}
