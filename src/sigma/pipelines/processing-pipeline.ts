import { isItemGroup, isSelectionGroup, keepOrigin, markItemGroup, type QueryNode, type QueryStringPart, type QueryValue } from '../query-tree.ts';
import { ConversionError, pythonNumber } from '../conversion-error.ts';
import { ANY, parseSigmaString } from '../sigma-string.ts';
import type { Detection, LogSource } from '../sigma-rule.ts';

/**
 * A field-mapping pipeline as data (pySigma's ProcessingPipeline, reduced to the transformations the
 * knowledge base needs): an ordered list of items, each guarded by a condition on the rule's log source
 * (and on the table an earlier item chose), applied to the query tree of a rule before a backend renders
 * it. Backends never see source field names that a pipeline renamed, and the same pipeline serves every
 * backend that lists it.
 *
 * Items run in order, each over the whole tree (as pySigma applies its items one after the other): rule
 * items (`set-state`, `table-from-event-ids`, `fail-rule`) decide the table or data model, field items
 * rename, drop, check and rewrite the matches. A user's field-mapping file becomes `map-fields` items
 * (src/load/load-pipelines.ts); Splunk's `source="WinEventLog:…"` is `add-condition`; the Kusto pipelines
 * (microsoft-xdr.ts, sentinel-asim.ts) are tables by category / EventID, per-table `map-fields` and
 * `require-fields`, and value rewrites.
 */
export interface ProcessingPipeline {
  readonly id: string;
  /** One line, for `atc convert --help` and the docs. */
  readonly title: string;
  readonly items: readonly ProcessingItem[];
}

/**
 * Every given key must hold; an empty condition matches every rule. `product`, `category`, `service`
 * must equal the rule's `logsource` key.
 */
export interface LogSourceCondition {
  readonly product?: string;
  readonly category?: string;
  readonly service?: string;
  /** false: only rules without a `category` (true: only rules with one). */
  readonly hasCategory?: boolean;
  /** The pipeline state's `query_table`, as an earlier item set it, must be this table. */
  readonly table?: string;
  /** Holds when this condition does not (pySigma's rule_condition_negation). */
  readonly not?: LogSourceCondition;
}

/** A case-insensitive prefix of a value's leading literal text and what replaces it. */
export interface PrefixReplacement {
  readonly prefix: string;
  readonly replacement: string;
}

export type ProcessingItem =
  /** pySigma AddConditionTransformation: `field = value` (several values: any of them) AND the rule's condition. */
  | { readonly id: string; readonly kind: 'add-condition'; readonly when: LogSourceCondition; readonly field: string; readonly values: readonly string[] }
  /**
   * pySigma FieldMappingTransformation: source field → target field (several: any of them). With
   * `unlessMappedBy`, fields that one of those items renamed (or kept, mapping them to themselves) are
   * left alone: the Kusto pipelines' generic mapping after the per-table one.
   */
  | {
      readonly id: string;
      readonly kind: 'map-fields';
      readonly when: LogSourceCondition;
      readonly fields: Readonly<Record<string, string | readonly string[]>>;
      readonly unlessMappedBy?: readonly string[];
    }
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
  | {
      readonly id: string;
      readonly kind: 'require-fields';
      readonly when: LogSourceCondition;
      readonly fields: readonly string[];
      readonly message: string;
      /**
       * A keyword (a value without a field) is refused too: pySigma's ExcludeFieldCondition holds for an
       * item without a field, and a keyword has no place in a data model's `where` clause.
       */
      readonly refuseKeywords?: boolean;
    }
  /**
   * pySigma RuleFailureTransformation: the rule is refused unless one of the items `unlessApplied` applied
   * to it, or (`unlessState`) an earlier item set that state key.
   */
  | {
      readonly id: string;
      readonly kind: 'fail-rule';
      readonly when: LogSourceCondition;
      readonly unlessApplied: readonly string[];
      readonly unlessState?: string;
      readonly message: string;
    }
  /** pySigma SetStateTransformation: a value for the backend's output format (Splunk's data model, Kusto's table). */
  | { readonly id: string; readonly kind: 'set-state'; readonly when: LogSourceCondition; readonly key: string; readonly value: string | readonly string[] }
  /**
   * The Kusto pipelines' table from an event ID: unless `key` is set, the first selection whose name
   * matches `sections` with a top-level item on one of `fields` whose value (in order) is an event ID
   * listed in `tables` sets `key` to that table (pySigma-backend-kusto SetQueryTableStateTransformation).
   */
  | {
      readonly id: string;
      readonly kind: 'table-from-event-ids';
      readonly when: LogSourceCondition;
      readonly key: string;
      readonly sections: RegExp;
      readonly fields: readonly string[];
      readonly tables: Readonly<Record<string, string>>;
    }
  /**
   * pySigma DropDetectionItemTransformation: matches on these fields are removed (the table implies
   * them). Only a test that is a conjunct may go: when removing leaves a whole query, an alternative of
   * an OR or the operand of a NOT without anything to test, the query would select rows the rule does not
   * describe, and the rule is refused with `message` (`{field}`: the dropped field).
   */
  | { readonly id: string; readonly kind: 'drop-fields'; readonly when: LogSourceCondition; readonly fields: readonly string[]; readonly message: string }
  /**
   * Rewrites the leading literal text of string values of these fields: each replacement in order
   * replaces its prefix (case-insensitive). Wildcards and the rest of the value are kept (deviation K8).
   */
  | { readonly id: string; readonly kind: 'replace-prefix'; readonly when: LogSourceCondition; readonly fields: readonly string[]; readonly replacements: readonly PrefixReplacement[] }
  /**
   * YAML booleans (not the strings 'true'/'false') compared with these fields become the string of
   * `values`: a Sysmon flag whose target field holds words.
   */
  | {
      readonly id: string;
      readonly kind: 'map-booleans';
      readonly when: LogSourceCondition;
      readonly fields: readonly string[];
      readonly values: { readonly true: string; readonly false: string };
    }
  /** Plain values of these fields that are keys of `values` become the listed value(s) (several: any of them). */
  | {
      readonly id: string;
      readonly kind: 'map-values';
      readonly when: LogSourceCondition;
      readonly fields: readonly string[];
      readonly values: Readonly<Record<string, string | readonly string[]>>;
    }
  /**
   * `DOMAIN\user` values: a string value of a field listed in `fields` whose literal text holds exactly one
   * `separator` becomes `field = <after> AND fields[field] = <before>` (wildcards kept on both sides).
   */
  | { readonly id: string; readonly kind: 'split-value'; readonly when: LogSourceCondition; readonly fields: Readonly<Record<string, string>>; readonly separator: string }
  /**
   * Sysmon `Hashes` values (`ALGO=value`, `ALGO|value` or a bare hash recognised by its length) as one
   * field per algorithm, `prefix + ALGO`; values of other algorithms are dropped, and the rule is refused
   * (`errorClass`, `message`) when the values of one item name no algorithm of `algorithms`.
   */
  | {
      readonly id: string;
      readonly kind: 'hashes';
      readonly when: LogSourceCondition;
      readonly field: string;
      readonly algorithms: readonly string[];
      readonly prefix: string;
      readonly errorClass: string;
      readonly message: string;
    }
  /** String values of these fields keep only their last path element (after the last `\` or `/`). */
  | { readonly id: string; readonly kind: 'basename'; readonly when: LogSourceCondition; readonly fields: readonly string[] };

/** Values items of kind `set-state` set for the output format. */
export type PipelineState = Readonly<Record<string, string | readonly string[]>>;

export function logSourceMatches(condition: LogSourceCondition, logsource: LogSource, state: PipelineState = NO_STATE): boolean {
  return (
    (condition.product === undefined || condition.product === logsource.product) &&
    (condition.category === undefined || condition.category === logsource.category) &&
    (condition.service === undefined || condition.service === logsource.service) &&
    (condition.hasCategory === undefined || condition.hasCategory === (logsource.category !== undefined)) &&
    (condition.table === undefined || condition.table === state['query_table']) &&
    (condition.not === undefined || !logSourceMatches(condition.not, logsource, state))
  );
}

/** The rule's trees with the pipeline applied; items whose log-source condition fails are skipped. */
export function applyPipeline(pipeline: ProcessingPipeline, logsource: LogSource, tree: QueryNode, detection?: Detection): QueryNode {
  return applyPipelineWithState(pipeline, logsource, tree, detection).tree;
}

/**
 * The tree with the pipeline applied and the state its `set-state` items set. Refusals (`require-fields`,
 * `fail-rule`, …) are thrown as ConversionError with the category `field` or `logsource`. `detection`
 * (the rule's selections by name) is needed by `table-from-event-ids` items only.
 */
export function applyPipelineWithState(
  pipeline: ProcessingPipeline,
  logsource: LogSource,
  tree: QueryNode,
  detection?: Detection,
): { tree: QueryNode; state: PipelineState } {
  let state: Record<string, string | readonly string[]> | undefined;
  const applied: ProcessingItem[] = [];
  for (const item of pipeline.items) {
    if (!logSourceMatches(item.when, logsource, state)) continue;
    switch (item.kind) {
      case 'set-state':
        (state ??= {})[item.key] = item.value;
        break;
      case 'table-from-event-ids': {
        if (state?.[item.key] !== undefined || !detection) continue;
        const table = tableFromEventIds(item, detection);
        if (table === undefined) continue;
        (state ??= {})[item.key] = table;
        break;
      }
      case 'fail-rule':
        if (item.unlessState !== undefined && state?.[item.unlessState] !== undefined) break;
        if (!item.unlessApplied.some((id) => applied.some((done) => done.id === id))) {
          throw new ConversionError('SigmaTransformationError', item.message, 'logsource');
        }
        break;
      default:
        break;
    }
    applied.push(item);
  }
  return { tree: applied.length === 0 ? tree : transformTree(applied, tree), state: state ?? NO_STATE };
}

const NO_STATE: PipelineState = Object.freeze({});

function tableFromEventIds(item: Extract<ProcessingItem, { kind: 'table-from-event-ids' }>, detection: Detection): string | undefined {
  for (const { name, selection } of detection.selections) {
    // Only the items of a selection map count (pySigma-backend-kusto looks no deeper than the top level).
    if (!item.sections.test(name) || selection.kind !== 'map') continue;
    for (const detectionItem of selection.items) {
      if (detectionItem.field === undefined || !item.fields.includes(detectionItem.field)) continue;
      for (const value of detectionItem.values) {
        const table = Object.hasOwn(item.tables, String(value)) ? item.tables[String(value)] : undefined;
        if (table !== undefined) return table;
      }
    }
  }
  return undefined;
}

type FieldItem = Exclude<ProcessingItem, { kind: 'add-condition' | 'set-state' | 'fail-rule' | 'table-from-event-ids' }>;
type Match = Extract<QueryNode, { kind: 'match' }>;
type Group = Extract<QueryNode, { kind: 'and' | 'or' }>;

/** A match removed by a `drop-fields` item, until its parent decides whether the removal is allowed. */
class Dropped {
  constructor(
    readonly item: Extract<ProcessingItem, { kind: 'drop-fields' }>,
    readonly field: string,
  ) {}
  error(): ConversionError {
    return new ConversionError('SigmaTransformationError', this.item.message.replaceAll('{field}', this.field), 'logsource');
  }
}

/** Per application: the ids of the `map-fields` items that renamed each match (pySigma's applied-items record). */
interface Context {
  readonly mappedBy: Map<QueryNode, ReadonlySet<string>>;
  /** Fields of added conditions (`source`, `index`, …) are the pipeline's own: `require-fields` lets them be. */
  readonly added: ReadonlySet<string>;
}

const NONE: ReadonlySet<string> = new Set();

function transformTree(items: readonly ProcessingItem[], tree: QueryNode): QueryNode {
  // Each added condition goes in front of the ones before it, all in one AND with the rule's tree: one
  // AND per condition nested them as deep as there were conditions, and a user pipeline adding thousands
  // overflowed the stack of every later walk over the tree.
  const added: QueryNode[] = [];
  for (const item of items) {
    if (item.kind !== 'add-condition') continue;
    const values = item.values.map((value): QueryNode => ({ kind: 'match', field: item.field, value: { kind: 'string', parts: parseSigmaString(value).parts } }));
    added.unshift(values.length === 1 ? values[0]! : { kind: 'or', args: values });
  }
  let result: QueryNode = added.length === 0 ? tree : { kind: 'and', args: [...added, tree] };
  const fieldItems = items.filter((item): item is FieldItem => item.kind !== 'add-condition' && item.kind !== 'set-state' && item.kind !== 'fail-rule' && item.kind !== 'table-from-event-ids');
  if (!fieldItems.length) return result;
  const context: Context = { mappedBy: new Map(), added: new Set(items.flatMap((item) => (item.kind === 'add-condition' ? [item.field] : []))) };
  for (const item of fieldItems) {
    const next = transformNode(result, item, context);
    if (next instanceof Dropped) throw next.error();
    result = next;
  }
  return result;
}

/** One item over the tree (pySigma applies each item to every detection item before the next one). */
function transformNode(node: QueryNode, item: FieldItem, context: Context): QueryNode | Dropped {
  switch (node.kind) {
    case 'and':
    case 'or': {
      if (isItemGroup(node)) {
        const group = transformItemGroup(node, item, context);
        if (group !== undefined) return group;
      }
      const args: QueryNode[] = [];
      let dropped: Dropped | undefined;
      let changed = false;
      for (const arg of node.args) {
        const next = transformNode(arg, item, context);
        if (next !== arg) changed = true;
        if (next instanceof Dropped) dropped = next;
        // A value mapped to several values stays one list of values of its item (pySigma flattens it).
        else if (node.kind === 'or' && next.kind === 'or' && arg.kind === 'match' && item.kind === 'map-values' && isItemGroup(node)) args.push(...next.args);
        else args.push(next);
      }
      if (!changed) return node;
      if (dropped) {
        if (args.length === 0) return dropped;
        // A conjunct implied by the table goes; an alternative cannot (the OR would then match less).
        if (node.kind === 'or') throw dropped.error();
        // pySigma removes a dropped item from its selection map, which then holds one item less; a
        // selection left empty stays an operand of the condition's AND (which keeps its parentheses).
        if (args.length === 1 && (isSelectionGroup(node) || args[0]!.kind === 'match' || args[0]!.kind === 'keyword')) return args[0]!;
      }
      return keepOrigin(node, { kind: node.kind, args });
    }
    case 'not': {
      const arg = transformNode(node.arg, item, context);
      if (arg instanceof Dropped) throw arg.error();
      return arg === node.arg ? node : { kind: 'not', arg };
    }
    case 'keyword':
      if (item.kind === 'require-fields' && item.refuseKeywords) {
        throw new ConversionError('SigmaTransformationError', item.message.replaceAll('{field}', '(a keyword without a field)'), 'field');
      }
      return node;
    case 'match':
      return transformMatch(node, item, context);
  }
}

/**
 * Items that work on a whole detection item in pySigma (every value of `F: [a, b]` together) see the
 * group of its values as that item: a one-to-many mapping gives `(F1 a or F1 b) or (F2 a or F2 b)`,
 * `hashes` groups the values by algorithm and refuses only when none of them names one.
 */
function transformItemGroup(node: Group, item: FieldItem, context: Context): QueryNode | Dropped | undefined {
  const first = node.args[0];
  if (first?.kind !== 'match' || !node.args.every((arg) => arg.kind === 'match' && arg.field === first.field)) return undefined;
  const matches = node.args as readonly Match[];
  if (item.kind === 'hashes' && first.field === item.field && node.kind === 'or') return hashMatches(matches, item, context);
  if (item.kind === 'map-fields' && !skipMapping(first, item, context)) {
    const mapped = Object.hasOwn(item.fields, first.field) ? item.fields[first.field]! : undefined;
    if (typeof mapped === 'object' && matches.every((match) => match.value.kind !== 'fieldref')) {
      return {
        kind: 'or',
        args: mapped.map((field): QueryNode => markItemGroup({ kind: node.kind, args: matches.map((match) => remember(context, { kind: 'match', field, value: match.value }, match, item.id)) })),
      };
    }
  }
  return undefined;
}

function skipMapping(match: Match, item: Extract<FieldItem, { kind: 'map-fields' }>, context: Context): boolean {
  const mappedBy = context.mappedBy.get(match);
  return item.unlessMappedBy !== undefined && mappedBy !== undefined && item.unlessMappedBy.some((id) => mappedBy.has(id));
}

/** `created` replaces `from`: it keeps `from`'s record of mapping items, plus `id` when given. */
function remember(context: Context, created: QueryNode, from: Match, id?: string): QueryNode {
  const before = context.mappedBy.get(from) ?? NONE;
  if (id === undefined && before === NONE) return created;
  context.mappedBy.set(created, id === undefined ? before : new Set([...before, id]));
  return created;
}

function transformMatch(match: Match, item: FieldItem, context: Context): QueryNode | Dropped {
  const field = match.field;
  const value = match.value;
  switch (item.kind) {
    case 'map-fields': {
      if (skipMapping(match, item, context)) return match;
      const mapped = Object.hasOwn(item.fields, field) ? item.fields[field]! : undefined;
      let reference = value;
      if (value.kind === 'fieldref' && Object.hasOwn(item.fields, value.field)) {
        const target = item.fields[value.field]!;
        reference = { ...value, field: typeof target === 'string' ? target : target[0]! };
      }
      if (mapped === undefined && reference === value) return match;
      if (mapped === undefined || typeof mapped === 'string') return remember(context, { kind: 'match', field: mapped ?? field, value: reference }, match, item.id);
      const matches = mapped.map((target): QueryNode => remember(context, { kind: 'match', field: target, value: reference }, match, item.id));
      return matches.length === 1 ? matches[0]! : { kind: 'or', args: matches };
    }
    case 'prefix-fields': {
      const mappedBy = context.mappedBy.get(match);
      if (value.kind === 'fieldref' || item.unlessMatches.test(field) || (mappedBy && item.unlessMappedBy.some((id) => mappedBy.has(id)))) return match;
      return remember(context, { kind: 'match', field: item.prefix + field, value }, match);
    }
    case 'numbers-as-strings':
      if (!item.fields.includes(field) && !item.fieldPrefixes.some((prefix) => field.startsWith(prefix))) return match;
      return rewriteValue(context, match, numbersAsStrings(value));
    case 'require-fields':
      if (!fieldSet(item.fields).has(field) && !context.added.has(field)) {
        throw new ConversionError('SigmaTransformationError', item.message.replaceAll('{field}', field), 'field');
      }
      return match;
    case 'drop-fields':
      return item.fields.includes(field) ? new Dropped(item, field) : match;
    case 'replace-prefix':
      return item.fields.includes(field) ? rewriteValue(context, match, mapStrings(value, (parts) => replacePrefix(parts, item.replacements))) : match;
    case 'basename':
      return item.fields.includes(field) ? rewriteValue(context, match, mapStrings(value, basename)) : match;
    case 'map-booleans':
      if (!item.fields.includes(field) || value.kind !== 'bool') return match;
      return rewriteValue(context, match, { kind: 'string', parts: [value.value ? item.values.true : item.values.false] });
    case 'map-values': {
      if (!item.fields.includes(field) || value.kind !== 'string' || !value.parts.every((part) => typeof part === 'string')) return match;
      const plain = value.parts.join('');
      if (!Object.hasOwn(item.values, plain)) return match;
      const mapped = item.values[plain]!;
      const values = (typeof mapped === 'string' ? [mapped] : mapped).map((text): QueryNode => remember(context, { kind: 'match', field, value: { kind: 'string', parts: text ? [text] : [] } }, match));
      return values.length === 1 ? values[0]! : markItemGroup<QueryNode>({ kind: 'or', args: values });
    }
    case 'split-value': {
      const domainField = Object.hasOwn(item.fields, field) ? item.fields[field] : undefined;
      if (domainField === undefined || value.kind !== 'string') return match;
      const split = splitParts(value.parts, item.separator);
      if (split === undefined) return match;
      return {
        kind: 'and',
        args: [
          remember(context, { kind: 'match', field, value: { kind: 'string', parts: split[1] } }, match),
          remember(context, { kind: 'match', field: domainField, value: { kind: 'string', parts: split[0] } }, match),
        ],
      };
    }
    case 'hashes':
      return field === item.field ? hashMatches([match], item, context) : match;
  }
}

function rewriteValue(context: Context, match: Match, value: QueryValue): QueryNode {
  return value === match.value ? match : remember(context, { kind: 'match', field: match.field, value }, match);
}

// require-fields lists are long (a table's columns); look them up in a set.
const FIELD_SETS = new WeakMap<readonly string[], ReadonlySet<string>>();
function fieldSet(fields: readonly string[]): ReadonlySet<string> {
  let set = FIELD_SETS.get(fields);
  if (!set) FIELD_SETS.set(fields, (set = new Set(fields)));
  return set;
}

function numbersAsStrings(value: QueryValue): QueryValue {
  if (value.kind === 'number') return { kind: 'string', parts: [pythonNumber(value.value)] };
  if (value.kind === 'expansion') return { kind: 'expansion', values: value.values.map(numbersAsStrings) };
  return value;
}

/** The value with `rewrite` applied to the parts of its strings (also inside alternatives); unchanged parts keep the value. */
function mapStrings(value: QueryValue, rewrite: (parts: readonly QueryStringPart[]) => readonly QueryStringPart[]): QueryValue {
  if (value.kind === 'string') {
    const parts = rewrite(value.parts);
    return parts === value.parts ? value : { ...value, parts };
  }
  if (value.kind === 'expansion') {
    const values = value.values.map((inner) => mapStrings(inner, rewrite));
    return values.every((inner, i) => inner === value.values[i]) ? value : { kind: 'expansion', values };
  }
  return value;
}

function replacePrefix(parts: readonly QueryStringPart[], replacements: readonly PrefixReplacement[]): readonly QueryStringPart[] {
  const head = parts[0];
  if (typeof head !== 'string') return parts;
  let text = head;
  for (const { prefix, replacement } of replacements) {
    if (text.length >= prefix.length && text.slice(0, prefix.length).toLowerCase() === prefix.toLowerCase()) text = replacement + text.slice(prefix.length);
  }
  return text === head ? parts : [text, ...parts.slice(1)];
}

/** The parts after the last literal `\` or `/`; a value without one is kept. */
function basename(parts: readonly QueryStringPart[]): readonly QueryStringPart[] {
  for (let i = parts.length - 1; i >= 0; i--) {
    const part = parts[i];
    if (typeof part !== 'string') continue;
    const cut = Math.max(part.lastIndexOf('\\'), part.lastIndexOf('/'));
    if (cut < 0) continue;
    const rest = part.slice(cut + 1);
    return [...(rest ? [rest] : []), ...parts.slice(i + 1)];
  }
  return parts;
}

/** The parts before and after the only literal `separator`; undefined when there are none or several. */
function splitParts(parts: readonly QueryStringPart[], separator: string): [QueryStringPart[], QueryStringPart[]] | undefined {
  let at: [number, number] | undefined;
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i];
    if (typeof part !== 'string') continue;
    const first = part.indexOf(separator);
    if (first < 0) continue;
    if (at || part.indexOf(separator, first + 1) >= 0) return undefined;
    at = [i, first];
  }
  if (!at) return undefined;
  const [index, offset] = at;
  const part = parts[index] as string;
  const before = [...parts.slice(0, index), part.slice(0, offset)].filter((p) => p !== '');
  const after = [part.slice(offset + separator.length), ...parts.slice(index + 1)].filter((p) => p !== '');
  return [before, after];
}

const HASH_LENGTHS: Readonly<Record<number, string>> = { 32: 'MD5', 40: 'SHA1', 64: 'SHA256', 128: 'SHA512' };

/**
 * pySigma-backend-kusto BaseHashesValuesTransformation on the literal parts of each value: `ALGO|hash`,
 * then `ALGO=hash`, else a bare hash by its length. Values whose algorithm is not in the list are left
 * out; a Hashes item none of whose values names one is refused.
 */
function hashMatches(matches: readonly Match[], item: Extract<FieldItem, { kind: 'hashes' }>, context: Context): QueryNode {
  const byField = new Map<string, QueryNode[]>();
  let valid = false;
  for (const match of matches) {
    if (match.value.kind !== 'string') continue;
    const parts = match.value.parts;
    const split = splitFirst(parts, '|') ?? splitFirst(parts, '=');
    let algorithm = '';
    let hash: readonly QueryStringPart[];
    if (split) {
      const name = split[0].filter((part): part is string => typeof part === 'string').join('').toUpperCase();
      algorithm = item.algorithms.includes(name) ? name : '';
      hash = split[1];
    } else {
      hash = parts;
      const length = parts.reduce((sum, part) => sum + (typeof part === 'string' ? part.length : 1), 0);
      algorithm = HASH_LENGTHS[length] ?? '';
    }
    if (!algorithm) continue;
    valid = true;
    const field = item.prefix + algorithm;
    const list = byField.get(field) ?? [];
    list.push(remember(context, { kind: 'match', field, value: { kind: 'string', parts: hash } }, match));
    byField.set(field, list);
  }
  if (!valid) throw new ConversionError(item.errorClass, item.message, 'field');
  const groups = [...byField.values()].map((list): QueryNode => (list.length === 1 ? list[0]! : markItemGroup<QueryNode>({ kind: 'or', args: list })));
  return groups.length === 1 ? groups[0]! : { kind: 'or', args: groups };
}

/**
 * The parts before and after the first literal `separator`, when it splits the literal text in exactly
 * two (pySigma splits the plain text and wants two pieces). Leading wildcards of the algorithm name go.
 */
function splitFirst(parts: readonly QueryStringPart[], separator: string): [QueryStringPart[], QueryStringPart[]] | undefined {
  let count = 0;
  for (const part of parts) if (typeof part === 'string') count += part.split(separator).length - 1;
  if (count !== 1) return undefined;
  const split = splitParts(parts, separator)!;
  while (split[0][0] === ANY) split[0].shift();
  return split;
}
