import { issueText, makeIssue, type Issue, type IssueCode, type SourcePosition } from '../model/issue.ts';
import type { PathSegment, SourceDocument } from '../model/source-document.ts';
import type { ParsedCondition } from './condition-ast.ts';
import { ConditionDepthError, ConditionSyntaxError, parseCondition } from './condition-parser.ts';
import { describe, FieldReader, type SourceLocator } from '../load/read-fields.ts';
import { parseNetwork } from './ip-address.ts';
import { canonicalModifier, checkModifierChain, kindOfRawValue } from './modifiers.ts';
import { regexProblem } from './regex-dialect.ts';
import { isUuid, parseSigmaDate, SIGMA_LEVELS, SIGMA_RELATION_TYPES, SIGMA_RULE_KEYS, SIGMA_STATUSES } from './rule-metadata.ts';
import type {
  CorrelationCondition,
  CorrelationType,
  Detection,
  DetectionItem,
  LogSource,
  NamedSelection,
  RawValue,
  RelatedRule,
  Selection,
  SigmaCorrelation,
  SigmaRule,
  SigmaRuleMetadata,
} from './sigma-rule.ts';

export interface SigmaCollection {
  readonly rules: SigmaRule[];
  readonly correlations: SigmaCorrelation[];
  readonly issues: Issue[];
}

type PlainMap = Record<string, unknown>;

/**
 * A merged document remembers which source documents contributed, so that issues point at the line
 * where a key was written even when `action: global` supplied it.
 */
interface MergedDocument {
  readonly value: PlainMap;
  readonly sources: readonly SourceDocument[];
  readonly main: SourceDocument;
}

/**
 * Parses the YAML documents of one rule file into rules and correlation rules. Multi-document files
 * follow the Sigma collection actions as sigmac implemented them: `action: global` documents are merged
 * into every following rule (the global values win on conflicting scalars, as in sigmac's
 * deep_update_dict), `action: reset` forgets them, `action: repeat` re-emits the previous rule with the
 * document's changes. Without actions every document is its own rule.
 */
export function parseSigmaCollection(documents: readonly SourceDocument[]): SigmaCollection {
  const rules: SigmaRule[] = [];
  const correlations: SigmaCorrelation[] = [];
  const issues: Issue[] = [];
  let global: PlainMap = {};
  let globalSources: SourceDocument[] = [];
  let previous: MergedDocument | undefined;

  for (const document of documents) {
    const value = document.value;
    if (value === null || value === undefined) continue;
    if (!isPlainMap(value)) {
      issues.push(makeIssue(document.file, document.position, 'sigma-collection', 'a Sigma document must be a mapping'));
      continue;
    }
    const action = value.action;
    if (action !== undefined && action !== 'global' && action !== 'reset' && action !== 'repeat') {
      issues.push(makeIssue(document.file, document.locate(['action']), 'sigma-collection', `unknown collection action "${String(action)}" (expected global, reset or repeat)`));
      continue;
    }
    const body = withoutAction(value);
    if (action === 'global') {
      deepUpdate(global, cloneMap(body));
      globalSources = [document, ...globalSources];
      continue;
    }
    if (action === 'reset') {
      global = {};
      globalSources = [];
      continue;
    }
    let merged: MergedDocument;
    if (action === 'repeat') {
      if (!previous) {
        issues.push(makeIssue(document.file, document.locate(['action']), 'sigma-collection', '"action: repeat" needs a rule before it'));
        continue;
      }
      merged = { value: deepUpdate(cloneMap(previous.value), cloneMap(body)), sources: [document, ...previous.sources], main: document };
    } else {
      // Rule documents are only copied when something is merged into them: most files have no globals.
      const value = globalSources.length ? deepUpdate(cloneMap(body), cloneMap(global)) : body;
      merged = { value, sources: [document, ...globalSources], main: document };
    }
    if ('correlation' in merged.value) {
      const correlation = readCorrelation(merged, correlations.length, issues);
      if (correlation) correlations.push(correlation);
      continue;
    }
    const rule = readRule(merged, rules.length, issues);
    if (rule) {
      rules.push(rule);
      previous = merged;
    }
  }
  return { rules, correlations, issues: withoutRepeats(issues) };
}

/** A value of an `action: global` document is read once per rule it merges into, but reported once. */
function withoutRepeats(issues: readonly Issue[]): Issue[] {
  const seen = new Set<string>();
  return issues.filter((issue) => {
    const text = issueText(issue);
    if (seen.has(text)) return false;
    seen.add(text);
    return true;
  });
}

function withoutAction(value: PlainMap): PlainMap {
  if (!('action' in value)) return value;
  const { action: _action, ...rest } = value;
  return rest;
}

function isPlainMap(value: unknown): value is PlainMap {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function cloneMap(value: PlainMap): PlainMap {
  return structuredClone(value);
}

/** sigmac's deep_update_dict: maps merge recursively, anything else from `source` replaces. */
function deepUpdate(target: PlainMap, source: PlainMap): PlainMap {
  for (const [key, value] of Object.entries(source)) {
    const existing = target[key];
    if (isPlainMap(value) && isPlainMap(existing)) deepUpdate(existing, value);
    else target[key] = value;
  }
  return target;
}

class DocumentReader implements SourceLocator {
  private cachedFields: FieldReader | undefined;

  constructor(
    readonly merged: MergedDocument,
    private readonly issues: Issue[],
  ) {}

  get file(): string {
    return this.merged.main.file;
  }

  /** Position of `path` in the first contributing document that has it (the rule's own document first). */
  locate(path: readonly PathSegment[], part: 'key' | 'value' = 'value'): SourcePosition {
    for (const source of this.merged.sources) {
      if (hasPath(source.value, path)) return source.locate(path, part);
    }
    // Missing: point at the deepest existing ancestor in the rule's own document.
    return this.merged.main.locate(path, part);
  }

  push(issue: Issue): void {
    this.issues.push(issue);
  }

  issue(path: readonly PathSegment[], code: IssueCode, message: string, part: 'key' | 'value' = 'value'): void {
    this.issues.push(makeIssue(this.file, this.locate(path, part), code, message));
  }

  /** Typed reads of the merged document's keys, reported where each key was written. */
  get fields(): FieldReader {
    return (this.cachedFields ??= new FieldReader(this, this.issues, this.merged.value));
  }
}

function hasPath(value: unknown, path: readonly PathSegment[]): boolean {
  let node = value;
  for (const segment of path) {
    if (Array.isArray(node) && typeof segment === 'number') node = node[segment];
    else if (isPlainMap(node) && Object.hasOwn(node, String(segment))) node = node[String(segment)];
    else return false;
  }
  return true;
}

/** The Sigma specification requires lists where older tools also took a lone text. */
const LIST_ONLY = { singleText: false } as const;

/**
 * A level, status, related type or date outside the specification describes the rule but changes no query:
 * a warning that leaves the value out, so one upstream typo does not stop a whole knowledge base from
 * publishing (`--strict` still fails on it).
 */
const METADATA = { code: 'sigma-metadata-value' } as const;

/** The metadata keys shared by detection and correlation rules, in the order the specification lists them. */
function readMetadata(reader: DocumentReader, title: string | undefined): SigmaRuleMetadata {
  const fields = reader.fields;
  fields.warnUnknownKeys(SIGMA_RULE_KEYS, 'a Sigma rule');
  // Keys no page shows are still read, so that a value of the wrong type is reported.
  fields.string('license');
  fields.string('taxonomy');
  fields.stringList('scope', LIST_ONLY);
  fields.children('simulation');
  fields.string('regression_tests_path');
  return {
    ...optional('id', readId(fields, 'id')),
    ...optional('name', fields.string('name')),
    title: title ?? '',
    ...optional('status', fields.choice('status', SIGMA_STATUSES, METADATA)),
    ...optional('description', fields.string('description')),
    references: fields.stringList('references', LIST_ONLY),
    ...optional('author', fields.string('author')),
    ...optional('date', readDate(fields, 'date')),
    ...optional('modified', readDate(fields, 'modified')),
    tags: fields.stringList('tags', LIST_ONLY),
    falsepositives: fields.stringList('falsepositives', LIST_ONLY),
    ...optional('level', fields.choice('level', SIGMA_LEVELS, METADATA)),
    related: fields.children('related').flatMap((entry): RelatedRule[] => {
      const id = readId(entry, 'id', true);
      const type = entry.choice('type', SIGMA_RELATION_TYPES, { ...METADATA, required: true });
      return id !== undefined && type !== undefined ? [{ id, type }] : [];
    }),
  };
}

/** Older rules lack ids or use other forms, and nothing breaks without a UUID: a warning, not an error. */
function readId(fields: FieldReader, key: string, required = false): string | undefined {
  const id = fields.string(key, { required });
  if (id !== undefined && !isUuid(id)) fields.report(key, 'sigma-id-format', `"${key}" should be a UUID (8-4-4-4-12 hexadecimal digits), found ${describe(id)}`);
  return id;
}

function readDate(fields: FieldReader, key: string): string | undefined {
  const raw = fields.raw(key);
  // A YAML loader that reads timestamps hands over a Date: keep the day the rule wrote.
  const text = raw instanceof Date ? parseSigmaDate(raw) : fields.string(key);
  if (text === undefined || parseSigmaDate(text) !== undefined) return text;
  fields.report(key, METADATA.code, `"${key}" must be a date written YYYY-MM-DD (or YYYY/MM/DD), found ${describe(text)}`);
  return undefined;
}

function readRule(merged: MergedDocument, index: number, issues: Issue[]): SigmaRule | undefined {
  const reader = new DocumentReader(merged, issues);
  const doc = merged.value;
  const before = issues.length;
  const title = reader.fields.string('title', { required: true });
  const logsource = readLogSource(reader);
  if (doc.detection === undefined || doc.detection === null) reader.issue(['detection'], 'field-missing', 'missing "detection"');
  const detection = doc.detection === undefined || doc.detection === null ? undefined : readDetection(reader);
  const rule: SigmaRule = {
    index,
    documentIndex: merged.main.index,
    file: merged.main.file,
    // Positions are computed on demand: the loader builds its position index lazily, per file.
    get position() {
      return merged.main.position;
    },
    ...readMetadata(reader, title),
    logsource: logsource ?? {},
    fields: reader.fields.stringList('fields', LIST_ONLY),
    // Our extension, written by hand in the older tool's files, where a lone title is common.
    enrichment: reader.fields.stringList('enrichment'),
    detection: detection ?? { selections: [], conditions: [], position: { line: 1, column: 1 } },
    document: doc,
  };
  // A rule whose required parts are missing is still returned when it can be shown; the caller decides
  // from the issues. A rule without a usable detection cannot be converted, so it is dropped.
  if (!detection || !title) return issues.length > before && !detection ? undefined : rule;
  return rule;
}

function optional<K extends string, V extends string>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
}

function readLogSource(reader: DocumentReader): LogSource | undefined {
  const value = reader.merged.value.logsource;
  if (value === undefined || value === null) {
    reader.issue(['logsource'], 'field-missing', 'missing "logsource"');
    return undefined;
  }
  if (!isPlainMap(value)) {
    reader.issue(['logsource'], 'field-type', `"logsource" must be a mapping, not ${describe(value)}`);
    return undefined;
  }
  const result: Record<string, string> = {};
  for (const key of ['category', 'product', 'service', 'definition'] as const) {
    const item = value[key];
    if (item === undefined || item === null) continue;
    if (typeof item === 'string' || typeof item === 'number') result[key] = String(item);
    else reader.issue(['logsource', key], 'field-type', `"logsource.${key}" must be a string, not ${describe(item)}`);
  }
  return result;
}

function readDetection(reader: DocumentReader): Detection | undefined {
  const value = reader.merged.value.detection;
  if (!isPlainMap(value)) {
    reader.issue(['detection'], 'field-type', `"detection" must be a mapping, not ${describe(value)}`);
    return undefined;
  }
  const selections: NamedSelection[] = [];
  let timeframe: string | undefined;
  for (const [name, definition] of Object.entries(value)) {
    if (name === 'condition') continue;
    if (name === 'timeframe') {
      if (typeof definition === 'string' || typeof definition === 'number') timeframe = String(definition);
      else reader.issue(['detection', 'timeframe'], 'field-type', '"timeframe" must be a string like 5m');
      continue;
    }
    const selection = readSelection(reader, ['detection', name], definition);
    if (selection) selections.push({ name, selection });
  }
  const conditions: ParsedCondition[] = [];
  const condition = value.condition;
  // Every selection key counts as a name, valid or not: a selection already reported as invalid must not
  // also make the condition that names it "unknown".
  const names = Object.keys(value).filter((name) => name !== 'condition' && name !== 'timeframe');
  if (condition === undefined || condition === null) {
    reader.issue(['detection'], 'field-missing', 'missing "detection.condition"');
  } else {
    const list = Array.isArray(condition) ? condition : [condition];
    list.forEach((text, i) => {
      const path = Array.isArray(condition) ? ['detection', 'condition', i] : ['detection', 'condition'];
      if (typeof text !== 'string') {
        reader.issue(path, 'field-type', `a condition must be a string, not ${describe(text)}`);
        return;
      }
      try {
        conditions.push(parseCondition(text, names));
      } catch (error) {
        if (!(error instanceof ConditionSyntaxError)) throw error;
        reader.issue(path, error instanceof ConditionDepthError ? 'sigma-condition-depth' : 'sigma-condition', `condition "${text}": ${error.message} (at offset ${error.offset})`);
      }
    });
  }
  if (conditions.length === 0) return undefined;
  return {
    selections,
    conditions,
    ...(timeframe !== undefined && { timeframe }),
    get position() {
      return reader.locate(['detection']);
    },
  };
}

function readSelection(reader: DocumentReader, path: readonly PathSegment[], definition: unknown): Selection | undefined {
  if (isPlainMap(definition)) {
    const items: DetectionItem[] = [];
    for (const [key, value] of Object.entries(definition)) {
      const item = readItem(reader, [...path, key], key, value);
      if (item) items.push(item);
    }
    if (items.length === 0) {
      if (Object.keys(definition).length === 0) reader.issue(path, 'sigma-detection', `selection "${String(path[path.length - 1])}" is empty`, 'key');
      return undefined;
    }
    return attachPosition({ kind: 'map' as const, items }, reader, path, 'value');
  }
  if (Array.isArray(definition)) {
    if (definition.length === 0) {
      reader.issue(path, 'sigma-detection', `selection "${String(path[path.length - 1])}" is an empty list`, 'key');
      return undefined;
    }
    if (definition.every(isScalar)) return attachPosition({ kind: 'keywords' as const, item: keywordItem(reader, path, definition as RawValue[], true) }, reader, path, 'value');
    const entries: Selection[] = [];
    definition.forEach((entry, index) => {
      if (isScalar(entry)) {
        entries.push(attachPosition({ kind: 'keywords' as const, item: keywordItem(reader, [...path, index], [entry], false) }, reader, [...path, index], 'value'));
        return;
      }
      const selection = readSelection(reader, [...path, index], entry);
      if (selection) entries.push(selection);
    });
    return entries.length ? attachPosition({ kind: 'list' as const, entries }, reader, path, 'value') : undefined;
  }
  if (isScalar(definition) && definition !== null) {
    return attachPosition({ kind: 'keywords' as const, item: keywordItem(reader, path, [definition], false) }, reader, path, 'value');
  }
  reader.issue(path, 'sigma-detection', `selection "${String(path[path.length - 1])}" is empty`, 'key');
  return undefined;
}

function keywordItem(reader: DocumentReader, path: readonly PathSegment[], values: RawValue[], list: boolean): DetectionItem {
  return attachPosition({ kind: 'item' as const, modifiers: [], values, list }, reader, path, 'value');
}

/**
 * Adds a `position` computed on first read: the loader builds its position index lazily, per file, and
 * most rules never need one. (A getter, so the object must not be spread before it is returned.)
 */
function attachPosition<T extends object>(target: T, reader: DocumentReader, path: readonly PathSegment[], part: 'key' | 'value'): T & { readonly position: SourcePosition } {
  let cached: SourcePosition | undefined;
  return Object.defineProperty(target, 'position', {
    enumerable: true,
    get: () => (cached ??= reader.locate(path, part)),
  }) as T & { readonly position: SourcePosition };
}

function isScalar(value: unknown): value is RawValue {
  return value === null || typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean';
}

function readItem(reader: DocumentReader, path: readonly PathSegment[], key: string, value: unknown): DetectionItem | undefined {
  const [field, ...modifiers] = key.split('|');
  let values: RawValue[];
  let list = false;
  if (Array.isArray(value)) {
    list = true;
    values = [];
    for (const [index, entry] of value.entries()) {
      if (!isScalar(entry)) {
        reader.issue([...path, index], 'sigma-detection', `values of "${key}" must be strings, numbers, booleans or null, not ${describe(entry)}`);
        return undefined;
      }
      values.push(entry);
    }
    if (values.length === 0) {
      reader.issue(path, 'sigma-detection', `"${key}" has an empty list of values`, 'key');
      return undefined;
    }
  } else if (isScalar(value)) {
    values = [value];
  } else {
    reader.issue(path, 'sigma-detection', `the value of "${key}" must be a scalar or a list of scalars, not ${describe(value)}`);
    return undefined;
  }
  const problem = checkModifierChain(modifiers, values.map(kindOfRawValue));
  if (problem) {
    reader.issue(path, 'sigma-modifier', `"${key}": ${problem}`, 'key');
    return undefined;
  }
  if (!valuesFitModifiers(reader, path, modifiers, values, list)) return undefined;
  const item = { kind: 'item', ...(field !== '' && { field }), modifiers, values, list } as const;
  return attachPosition(item, reader, path, 'key');
}

function readCorrelation(merged: MergedDocument, index: number, issues: Issue[]): SigmaCorrelation | undefined {
  const reader = new DocumentReader(merged, issues);
  const title = reader.fields.string('title', { required: true });
  const body = merged.value.correlation;
  if (!isPlainMap(body)) {
    reader.issue(['correlation'], 'sigma-correlation', '"correlation" must be a mapping');
    return undefined;
  }
  const type = body.type;
  const types: readonly CorrelationType[] = ['event_count', 'value_count', 'temporal', 'temporal_ordered'];
  if (typeof type !== 'string' || !types.includes(type as CorrelationType)) {
    reader.issue(['correlation', 'type'], 'sigma-correlation', `correlation "type" must be one of ${types.join(', ')}`);
    return undefined;
  }
  const fields = new FieldReader(reader, issues, body, ['correlation']);
  const rules = fields.stringList('rules');
  if (rules.length === 0) reader.issue(['correlation', 'rules'], 'sigma-correlation', 'a correlation needs "rules" (ids or names)');
  const groupBy = fields.stringList('group-by');
  const timespan = fields.string('timespan') ?? fields.string('timeframe');
  if (timespan === undefined) reader.issue(['correlation'], 'sigma-correlation', 'a correlation needs a "timespan"');
  let condition: CorrelationCondition | undefined;
  if (body.condition !== undefined) {
    if (!isPlainMap(body.condition)) {
      reader.issue(['correlation', 'condition'], 'sigma-correlation', 'the correlation "condition" must be a mapping like {gte: 10}');
    } else {
      const comparisons: { operator: 'gt' | 'gte' | 'lt' | 'lte' | 'eq' | 'neq'; value: number }[] = [];
      let field: string | undefined;
      for (const [key, item] of Object.entries(body.condition)) {
        if (key === 'field' && typeof item === 'string') field = item;
        else if (['gt', 'gte', 'lt', 'lte', 'eq', 'neq'].includes(key) && typeof item === 'number') comparisons.push({ operator: key as 'gt', value: item });
        else reader.issue(['correlation', 'condition', key], 'sigma-correlation', `unknown correlation condition "${key}"`, 'key');
      }
      condition = { ...(field !== undefined && { field }), comparisons };
    }
  } else if (type === 'event_count' || type === 'value_count') {
    reader.issue(['correlation'], 'sigma-correlation', `a ${type} correlation needs a "condition"`);
  }
  const aliases = fields.child('aliases') ? (body.aliases as Record<string, Record<string, string>>) : undefined;
  return {
    index,
    documentIndex: merged.main.index,
    file: merged.main.file,
    get position() {
      return merged.main.position;
    },
    ...readMetadata(reader, title),
    type: type as CorrelationType,
    rules,
    groupBy,
    ...(timespan !== undefined && { timespan }),
    ...(condition && { condition }),
    generate: fields.boolean('generate') === true,
    ...(aliases && { aliases }),
  };
}

/**
 * Values that only make sense in one form (a network after `cidr`, a pattern after `re`) are checked
 * when the rule is loaded, at the value, rather than failing later in every target's conversion.
 */
function valuesFitModifiers(reader: DocumentReader, path: readonly PathSegment[], modifiers: readonly string[], values: readonly RawValue[], list: boolean): boolean {
  const names = modifiers.map(canonicalModifier);
  let fits = true;
  values.forEach((value, index) => {
    const at = list ? [...path, index] : path;
    if (names.includes('cidr') && typeof value === 'string') {
      const network = parseNetwork(value);
      if (typeof network === 'string') {
        reader.issue(at, 'field-value', `"${String(path[path.length - 1])}": ${network}`);
        fits = false;
      }
    }
    if (names.includes('re')) {
      // pySigma reads every `re` value as text, YAML numbers and booleans included.
      const problem = regexProblem(typeof value === 'string' ? value : String(value));
      if (problem !== undefined) {
        reader.issue(at, 'field-value', `"${String(path[path.length - 1])}": the regular expression does not compile: ${problem}`);
        fits = false;
      }
    }
  });
  return fits;
}
