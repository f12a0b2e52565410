import { cacheKey } from '../cache/build-cache.ts';
import path from 'node:path';
import { makeIssue, type Issue } from '../model/issue.ts';
import { BUILTIN_PIPELINES, targetsOfPipeline, type UserPipelines } from '../sigma/convert-collection.ts';
import type { LogSourceCondition, ProcessingItem, ProcessingPipeline } from '../sigma/pipelines/processing-pipeline.ts';
import { FieldReader, describe, isRecord } from './read-fields.ts';
import { readYamlFile } from './read-yaml-file.ts';

/**
 * User field-mapping pipelines: YAML files that turn into the same data as the built-in pipelines
 * (src/sigma/pipelines/), so that any text target can use a SIEM's own field names without code.
 * The format is documented in README.md ("Custom field mappings"):
 *
 *   title: My SIEM                       # optional, one line
 *   base: splunk_windows                 # optional: a built-in pipeline applied first
 *   targets: [splunk]                    # optional: targets it may be used with (default: the base's, else any)
 *   fields: {EventID: event_id}          # renames for every rule (a list: any of the names)
 *   logsources:                          # in order; every entry whose `when` matches the rule applies
 *     - when: {product: windows, category: process_creation}
 *       index: wineventlog               # adds `index=wineventlog` to the query
 *       table: SecurityEvent             # KQL: the table the query starts with
 *       conditions: {sourcetype: XmlWinEventLog}   # extra field = value conditions (a list: any of them)
 *       fields: {Image: process_path, CommandLine: [process, cmdline]}
 *       strict: true                     # a field this entry does not rename refuses the rule
 */

/** A user pipeline named in atc.config.yml, loaded. */
export interface LoadedPipeline {
  readonly name: string;
  /** The file as given (relative to the config file's folder). */
  readonly file: string;
  readonly pipeline: ProcessingPipeline;
  /** Targets it may be used with; empty: any target that applies pipelines (not the sigmac ones). */
  readonly targets: readonly string[];
  /** A hash of the file's text: cached conversions through this pipeline are keyed by it (src/cache/build-cache.ts). */
  readonly fingerprint: string;
}

const PIPELINE_KEYS = new Set(['name', 'title', 'base', 'targets', 'fields', 'logsources']);
const LOGSOURCE_KEYS = new Set(['when', 'fields', 'conditions', 'index', 'table', 'strict']);
const WHEN_KEYS = new Set(['product', 'category', 'service']);

/** Reads one pipeline file; problems are issues at their `file:line:col`, and a file with errors yields no pipeline. */
export function loadPipelineFile(absolutePath: string, displayPath: string, name: string): { pipeline?: LoadedPipeline; issues: Issue[] } {
  const issues: Issue[] = [];
  const yaml = readYamlFile(absolutePath, displayPath);
  issues.push(...yaml.issues);
  const document = yaml.documents[0];
  if (!document) return { issues };
  if (yaml.documents.length > 1) issues.push(makeIssue(displayPath, yaml.documents[1]!.position, 'pipeline-invalid', 'a pipeline file holds one YAML document'));
  const reader = FieldReader.forDocument(document, issues, 'pipeline');
  if (!reader) return { issues };
  const errorsBefore = issues.filter((issue) => issue.severity === 'error').length;
  reader.warnUnknownKeys(PIPELINE_KEYS, 'a pipeline file');
  const items: ProcessingItem[] = [];
  const baseName = reader.string('base');
  let base: ProcessingPipeline | undefined;
  if (baseName !== undefined) {
    base = BUILTIN_PIPELINES.get(baseName);
    if (!base) reader.report('base', 'pipeline-invalid', `unknown built-in pipeline "${baseName}"; known: ${[...BUILTIN_PIPELINES.keys()].join(', ')}`);
    else items.push(...base.items);
  }
  const targets = reader.has('targets') ? reader.stringList('targets') : base ? targetsOfPipeline(base.id) : [];
  const id = `user:${name}`;
  const globalFields = readFieldMap(reader, 'fields');
  // Log-source entries first: their renames win over the file-wide ones.
  reader.children('logsources').forEach((entry, index) => {
    entry.warnUnknownKeys(LOGSOURCE_KEYS, 'a log-source entry');
    const when = readWhen(entry);
    if (!when) return;
    const prefix = `${id}:logsources[${index}]`;
    const fields = readFieldMap(entry, 'fields');
    const conditions = readFieldMap(entry, 'conditions');
    const index_ = entry.string('index');
    const table = entry.string('table');
    if (index_ !== undefined) items.push({ id: `${prefix}:index`, kind: 'add-condition', when, field: 'index', values: [index_] });
    for (const [field, values] of Object.entries(conditions ?? {})) {
      items.push({ id: `${prefix}:condition:${field}`, kind: 'add-condition', when, field, values: typeof values === 'string' ? [values] : values });
    }
    if (table !== undefined) items.push({ id: `${prefix}:table`, kind: 'set-state', when, key: 'query_table', value: table });
    if (entry.boolean('strict') && fields) {
      items.push({
        id: `${prefix}:strict`,
        kind: 'require-fields',
        when,
        fields: Object.keys(fields),
        message: `field {field} has no mapping in pipeline "${name}" (${displayPath}) for this log source`,
      });
    }
    if (fields) items.push({ id: `${prefix}:fields`, kind: 'map-fields', when, fields });
  });
  if (globalFields) items.push({ id: `${id}:fields`, kind: 'map-fields', when: {}, fields: globalFields });
  if (issues.filter((issue) => issue.severity === 'error').length > errorsBefore) return { issues };
  const title = reader.string('title') ?? `User pipeline ${name} (${displayPath})${base ? ` on ${base.id}` : ''}`;
  return { pipeline: { name, file: displayPath, targets, pipeline: { id: name, title, items }, fingerprint: cacheKey(name, yaml.text) }, issues };
}

/** `field: name` or `field: [names]`; values must be text. */
function readFieldMap(reader: FieldReader, key: string): Record<string, string | readonly string[]> | undefined {
  if (!reader.has(key)) return undefined;
  const raw = reader.raw(key);
  if (!isRecord(raw)) {
    reader.report(key, 'field-type', `"${key}" must be a mapping of field names, found ${describe(raw)}`);
    return undefined;
  }
  const child = reader.child(key)!;
  const map: Record<string, string | readonly string[]> = {};
  for (const [field, value] of Object.entries(raw)) {
    const text = (item: unknown): string | undefined => (typeof item === 'string' || typeof item === 'number' || typeof item === 'boolean' ? String(item) : undefined);
    if (Array.isArray(value) && value.length > 0 && value.every((item) => text(item) !== undefined)) map[field] = value.map((item) => text(item)!);
    else if (text(value) !== undefined && text(value) !== '') map[field] = text(value)!;
    else child.report(field, 'pipeline-invalid', `"${key}.${field}" must be a name or a non-empty list of names, found ${describe(value)}`);
  }
  return map;
}

function readWhen(entry: FieldReader): LogSourceCondition | undefined {
  const when = entry.child('when', { required: true });
  if (!when) return undefined;
  when.warnUnknownKeys(WHEN_KEYS, 'a log-source condition (product, category, service)');
  const product = when.string('product');
  const category = when.string('category');
  const service = when.string('service');
  return { ...(product !== undefined && { product }), ...(category !== undefined && { category }), ...(service !== undefined && { service }) };
}

/** The `pipelines:` entries of atc.config.yml, loaded relative to `rootDir`. */
export function loadPipelines(entries: readonly { readonly name: string; readonly file: string }[], rootDir: string): { pipelines: LoadedPipeline[]; issues: Issue[] } {
  const pipelines: LoadedPipeline[] = [];
  const issues: Issue[] = [];
  for (const entry of entries) {
    const loaded = loadPipelineFile(path.resolve(rootDir, entry.file), entry.file, entry.name);
    issues.push(...loaded.issues);
    if (loaded.pipeline) pipelines.push(loaded.pipeline);
  }
  return { pipelines, issues };
}

/** The loaded pipelines in the shape convertCollection takes. */
export function userPipelineMap(pipelines: readonly LoadedPipeline[]): UserPipelines {
  return new Map(pipelines.map((loaded) => [loaded.name, { pipeline: loaded.pipeline, targets: loaded.targets, fingerprint: loaded.fingerprint }]));
}
