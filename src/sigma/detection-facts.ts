import type { ConditionNode } from './condition-ast.ts';
import type { RawValue, Selection, SigmaRule } from './sigma-rule.ts';

/** Field names a rule's detection uses, modifiers stripped, sorted and unique. */
export function detectionFieldNames(rule: SigmaRule): string[] {
  const names = new Set<string>();
  const visit = (selection: Selection): void => {
    if (selection.kind === 'map') for (const item of selection.items) if (item.field !== undefined) names.add(item.field);
    if (selection.kind === 'list') selection.entries.forEach(visit);
  };
  for (const { selection } of rule.detection.selections) visit(selection);
  return [...names].sort();
}

export interface DetectionItemFact {
  readonly selection: string;
  readonly field?: string;
  readonly modifiers: readonly string[];
  readonly values: readonly RawValue[];
  /** True when the selection is reachable only under an odd number of `not`s in every condition. */
  readonly negated: boolean;
}

/**
 * Every detection item with the selection it belongs to. `negated` lets the knowledge base ignore
 * filters (`not filter`) when it reads facts such as EventIDs for log-source matching.
 */
export function detectionItemsOf(rule: SigmaRule): DetectionItemFact[] {
  const polarity = selectionPolarity(rule);
  const facts: DetectionItemFact[] = [];
  for (const { name, selection } of rule.detection.selections) {
    const seen = polarity.get(name);
    // A selection used both plainly and under `not` counts as positive; unused ones are neither.
    const negated = seen !== undefined && seen.negative && !seen.positive;
    const visit = (node: Selection): void => {
      if (node.kind === 'map') {
        for (const item of node.items) facts.push({ selection: name, ...(item.field !== undefined && { field: item.field }), modifiers: item.modifiers, values: item.values, negated });
      } else if (node.kind === 'list') {
        node.entries.forEach(visit);
      } else {
        facts.push({ selection: name, modifiers: node.item.modifiers, values: node.item.values, negated });
      }
    };
    visit(selection);
  }
  return facts;
}

function selectionPolarity(rule: SigmaRule): Map<string, { positive: boolean; negative: boolean }> {
  const result = new Map<string, { positive: boolean; negative: boolean }>();
  const mark = (name: string, negative: boolean): void => {
    const entry = result.get(name) ?? { positive: false, negative: false };
    if (negative) entry.negative = true;
    else entry.positive = true;
    result.set(name, entry);
  };
  const walk = (node: ConditionNode, negative: boolean): void => {
    switch (node.kind) {
      case 'identifier':
        mark(node.name, negative);
        break;
      case 'of':
        for (const name of node.matches) mark(name, negative);
        break;
      case 'not':
        walk(node.operand, !negative);
        break;
      case 'group':
        walk(node.inner, negative);
        break;
      case 'and':
      case 'or':
        for (const operand of node.operands) walk(operand, negative);
        break;
    }
  };
  for (const condition of rule.detection.conditions) {
    walk(condition.expression, false);
    // `near` selections of legacy aggregations are searched too.
    for (const name of condition.aggregation?.nearInclude ?? []) mark(name, false);
    for (const name of condition.aggregation?.nearExclude ?? []) mark(name, true);
  }
  return result;
}
