import type { QueryNode, QueryValue } from '../query-tree.ts';
import { ConversionError, pythonNumber } from '../conversion-error.ts';
import { parseSigmaString } from '../sigma-string.ts';
import type { LogSource } from '../sigma-rule.ts';

/**
 * A field-mapping pipeline as data (pySigma's ProcessingPipeline, reduced to the transformations the
 * knowledge base needs): an ordered list of items, each guarded by a log-source condition, applied to
 * the query tree of a rule before a backend renders it. Backends never see source field names that a
 * pipeline renamed, and the same pipeline serves every backend that lists it.
 *
 * The shape is meant to be loadable from YAML later (a user's field-mapping file becomes one
 * `map-fields` item), and to carry the Splunk and Kusto pipelines of the next targets: `add-condition`
 * is Splunk's `source="WinEventLog:…"` prefix, `map-fields` with lists is ASIM's one-to-many mapping;
 * splunk_cim's refusal of unmapped fields would be one more item kind (`require-mapped`).
 */
export interface ProcessingPipeline {
  readonly id: string;
  /** One line, for `atc convert --help` and the docs. */
  readonly title: string;
  readonly items: readonly ProcessingItem[];
}

/** Every given key must equal the rule's `logsource` key; an empty condition matches every rule. */
export interface LogSourceCondition {
  readonly product?: string;
  readonly category?: string;
  readonly service?: string;
}

export type ProcessingItem =
  /** pySigma AddConditionTransformation: `field = value` (several values: any of them) AND the rule's condition. */
  | { readonly id: string; readonly kind: 'add-condition'; readonly when: LogSourceCondition; readonly field: string; readonly values: readonly string[] }
  /** pySigma FieldMappingTransformation: source field → target field (several: any of them). */
  | { readonly id: string; readonly kind: 'map-fields'; readonly when: LogSourceCondition; readonly fields: Readonly<Record<string, string | readonly string[]>> }
  /**
   * pySigma AddFieldnamePrefixTransformation with its usual guard: fields that an item listed in
   * `unlessMappedBy` renamed, or whose name matches `unlessMatches` (already a target name), keep
   * their name. Items comparing two fields (`fieldref`) are left alone, as pySigma 1.5.0 did.
   */
  | {
      readonly id: string;
      readonly kind: 'prefix-fields';
      readonly when: LogSourceCondition;
      readonly prefix: string;
      readonly unlessMappedBy: readonly string[];
      readonly unlessMatches: RegExp;
    }
  /** Numbers compared with these (target) fields are written as strings: the fields are keywords in the index. */
  | { readonly id: string; readonly kind: 'numbers-as-strings'; readonly when: LogSourceCondition; readonly fields: readonly string[]; readonly fieldPrefixes: readonly string[] }
  /**
   * pySigma DetectionItemFailureTransformation with an ExcludeFieldCondition: the rule is refused when it
   * matches a field (by its name at this point of the pipeline) outside `fields`. `message` gets `{field}`.
   */
  | { readonly id: string; readonly kind: 'require-fields'; readonly when: LogSourceCondition; readonly fields: readonly string[]; readonly message: string }
  /** pySigma RuleFailureTransformation: the rule is refused unless one of the items `unlessApplied` applied to it. */
  | { readonly id: string; readonly kind: 'fail-rule'; readonly when: LogSourceCondition; readonly unlessApplied: readonly string[]; readonly message: string }
  /** pySigma SetStateTransformation: a value for the backend's output format (Splunk's data model and its fields). */
  | { readonly id: string; readonly kind: 'set-state'; readonly when: LogSourceCondition; readonly key: string; readonly value: string | readonly string[] };

/** Values items of kind `set-state` set for the output format. */
export type PipelineState = Readonly<Record<string, string | readonly string[]>>;

export function logSourceMatches(condition: LogSourceCondition, logsource: LogSource): boolean {
  return (
    (condition.product === undefined || condition.product === logsource.product) &&
    (condition.category === undefined || condition.category === logsource.category) &&
    (condition.service === undefined || condition.service === logsource.service)
  );
}

/** The rule's trees with the pipeline applied; items whose log-source condition fails are skipped. */
export function applyPipeline(pipeline: ProcessingPipeline, logsource: LogSource, tree: QueryNode): QueryNode {
  return applyPipelineWithState(pipeline, logsource, tree).tree;
}

/**
 * The tree with the pipeline applied and the state its `set-state` items set. Refusals (`require-fields`,
 * `fail-rule`) are thrown as ConversionError with the category `field` or `logsource`.
 */
export function applyPipelineWithState(pipeline: ProcessingPipeline, logsource: LogSource, tree: QueryNode): { tree: QueryNode; state: PipelineState } {
  const items = pipeline.items.filter((item) => logSourceMatches(item.when, logsource));
  let state: Record<string, string | readonly string[]> | undefined;
  for (const item of items) {
    if (item.kind === 'set-state') (state ??= {})[item.key] = item.value;
    if (item.kind === 'fail-rule' && !item.unlessApplied.some((id) => items.some((applied) => applied.id === id))) {
      throw new ConversionError('SigmaTransformationError', item.message, 'logsource');
    }
  }
  return { tree: items.length === 0 ? tree : transformTree(items, tree), state: state ?? NO_STATE };
}

const NO_STATE: PipelineState = Object.freeze({});

function transformTree(items: readonly ProcessingItem[], tree: QueryNode): QueryNode {
  let result = tree;
  for (const item of items) {
    if (item.kind !== 'add-condition') continue;
    const values = item.values.map((value): QueryNode => ({ kind: 'match', field: item.field, value: { kind: 'string', parts: parseSigmaString(value).parts } }));
    const added: QueryNode = values.length === 1 ? values[0]! : { kind: 'or', args: values };
    result = { kind: 'and', args: [added, result] };
  }
  const fieldItems = items.filter((item) => item.kind !== 'add-condition' && item.kind !== 'set-state' && item.kind !== 'fail-rule');
  if (!fieldItems.length) return result;
  // Fields of added conditions (`source`, `index`, …) are the pipeline's own: `require-fields` lets them be.
  const added = new Set(items.flatMap((item) => (item.kind === 'add-condition' ? [item.field] : [])));
  return mapFields(result, fieldItems, added);
}

function mapFields(node: QueryNode, items: readonly ProcessingItem[], added: ReadonlySet<string>): QueryNode {
  switch (node.kind) {
    case 'and':
    case 'or':
      return { kind: node.kind, args: node.args.map((arg) => mapFields(arg, items, added)) };
    case 'not':
      return { kind: 'not', arg: mapFields(node.arg, items, added) };
    case 'keyword':
      return node;
    case 'match':
      return mapMatch(node, items, added);
  }
}

function mapMatch(node: Extract<QueryNode, { kind: 'match' }>, items: readonly ProcessingItem[], added: ReadonlySet<string>): QueryNode {
  const fieldref = node.value.kind === 'fieldref';
  let names: readonly string[] = [node.field];
  let value = node.value;
  let referenced = fieldref ? (node.value as Extract<QueryValue, { kind: 'fieldref' }>).field : undefined;
  const appliedBy = new Set<string>();
  for (const item of items) {
    switch (item.kind) {
      case 'map-fields': {
        let changed = false;
        names = names.flatMap((name) => {
          const mapped = Object.hasOwn(item.fields, name) ? item.fields[name]! : undefined;
          if (mapped === undefined) return [name];
          changed = true;
          return typeof mapped === 'string' ? [mapped] : mapped;
        });
        if (referenced !== undefined && Object.hasOwn(item.fields, referenced)) {
          const mapped = item.fields[referenced]!;
          referenced = typeof mapped === 'string' ? mapped : mapped[0]!;
          changed = true;
        }
        if (changed) appliedBy.add(item.id);
        break;
      }
      case 'prefix-fields':
        if (fieldref || item.unlessMappedBy.some((id) => appliedBy.has(id))) break;
        names = names.map((name) => (item.unlessMatches.test(name) ? name : item.prefix + name));
        break;
      case 'numbers-as-strings':
        if (names.some((name) => item.fields.includes(name) || item.fieldPrefixes.some((prefix) => name.startsWith(prefix)))) value = numbersAsStrings(value);
        break;
      case 'require-fields':
        for (const name of names) {
          if (!item.fields.includes(name) && !added.has(name)) throw new ConversionError('SigmaTransformationError', item.message.replaceAll('{field}', name), 'field');
        }
        break;
      case 'add-condition':
      case 'set-state':
      case 'fail-rule':
        break;
    }
  }
  if (referenced !== undefined) value = { ...(value as Extract<QueryValue, { kind: 'fieldref' }>), field: referenced };
  const matches = names.map((field): QueryNode => ({ kind: 'match', field, value }));
  return matches.length === 1 ? matches[0]! : { kind: 'or', args: matches };
}

function numbersAsStrings(value: QueryValue): QueryValue {
  if (value.kind === 'number') return { kind: 'string', parts: [pythonNumber(value.value)] };
  if (value.kind === 'expansion') return { kind: 'expansion', values: value.values.map(numbersAsStrings) };
  return value;
}
