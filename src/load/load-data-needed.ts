import type { DataNeeded, Enrichment, LoggingPolicy } from '../model/entities.ts';
import type { KnowledgeBaseBudget } from './knowledge-base-budget.ts';
import type { LoadMemo } from './load-memo.ts';
import { loadEntityFiles, singleDocument, type LoadedFiles } from './load-entities.ts';
import { FieldReader } from './read-fields.ts';

const DATA_NEEDED_KEYS = new Set([
  'title', 'author', 'contributors', 'description', 'loggingpolicy', 'mitigation_policy', 'references', 'category',
  'platform', 'type', 'channel', 'provider', 'event_id', 'fields', 'sample', 'enriched_sample',
]);

const LOGGING_POLICY_KEYS = new Set([
  'title', 'author', 'contributors', 'description', 'default', 'volume', 'eventID', 'references', 'configuration', 'sample',
]);

const ENRICHMENT_KEYS = new Set([
  'title', 'author', 'contributors', 'description', 'data_needed', 'data_to_enrich', 'references', 'requirements',
  'new_fields', 'config',
]);

/** atc-data names entries `DN_0001_4688_windows_process_creation`: the third token is the Windows event id when numeric. */
const EVENT_ID_IN_TITLE = /^[A-Za-z]+_\d+_(\d+)_/;

export function loadDataNeeded(folders: readonly string[], cwd?: string, budget?: KnowledgeBaseBudget, memo?: LoadMemo): LoadedFiles<DataNeeded> {
  return loadEntityFiles(folders, (file, _text, documents, issues) => singleDocument(file, documents, issues, 'Data Needed entry', (reader, document) => {
    reader.warnUnknownKeys(DATA_NEEDED_KEYS, 'a Data Needed entry');
    checkContributors(reader);
    const title = reader.string('title', { required: true });
    const description = reader.string('description', { required: true });
    if (!title || description === undefined) return undefined;
    const explicitEventId = reader.integer('event_id');
    const titleEventId = EVENT_ID_IN_TITLE.exec(title)?.[1];
    const eventId = explicitEventId ?? (titleEventId === undefined ? undefined : Number(titleEventId));
    return {
      kind: 'data-needed',
      file: file.displayPath,
      relativePath: file.relativePath,
      position: document.position,
      title,
      author: reader.string('author'),
      description: description.trim(),
      loggingPolicies: reader.references('loggingpolicy'),
      mitigationPolicies: reader.stringList('mitigation_policy').filter((title) => title !== 'None'),
      references: reader.stringList('references'),
      category: reader.string('category'),
      platform: reader.string('platform'),
      type: reader.string('type'),
      channel: reader.string('channel'),
      provider: reader.string('provider'),
      eventId,
      eventIdSource: explicitEventId !== undefined ? 'event_id' : titleEventId !== undefined ? 'title' : undefined,
      fields: reader.stringList('fields', { required: true }),
      sample: reader.string('sample'),
      enrichedSample: reader.string('enriched_sample'),
    } satisfies DataNeeded;
  }), cwd, budget, undefined, memo && { memo, kind: 'data-needed' });
}

export function loadLoggingPolicies(folders: readonly string[], cwd?: string, budget?: KnowledgeBaseBudget, memo?: LoadMemo): LoadedFiles<LoggingPolicy> {
  return loadEntityFiles(folders, (file, _text, documents, issues) => singleDocument(file, documents, issues, 'Logging Policy', (reader, document) => {
    reader.warnUnknownKeys(LOGGING_POLICY_KEYS, 'a Logging Policy');
    checkContributors(reader);
    const title = reader.string('title', { required: true });
    const description = reader.string('description', { required: true });
    if (!title || description === undefined) return undefined;
    return {
      kind: 'logging-policy',
      file: file.displayPath,
      relativePath: file.relativePath,
      position: document.position,
      title,
      author: reader.string('author'),
      description: description.trim(),
      default: reader.string('default'),
      volume: reader.string('volume'),
      eventIds: reader.integerList('eventID'),
      references: reader.stringList('references'),
      configuration: reader.string('configuration'),
      sample: reader.string('sample'),
    } satisfies LoggingPolicy;
  }), cwd, budget, undefined, memo && { memo, kind: 'logging-policies' });
}

export function loadEnrichments(folders: readonly string[], cwd?: string, budget?: KnowledgeBaseBudget, memo?: LoadMemo): LoadedFiles<Enrichment> {
  return loadEntityFiles(folders, (file, _text, documents, issues) => singleDocument(file, documents, issues, 'Enrichment', (reader, document) => {
    reader.warnUnknownKeys(ENRICHMENT_KEYS, 'an Enrichment');
    checkContributors(reader);
    const title = reader.string('title', { required: true });
    const description = reader.string('description', { required: true });
    if (!title || description === undefined) return undefined;
    return {
      kind: 'enrichment',
      file: file.displayPath,
      relativePath: file.relativePath,
      position: document.position,
      title,
      author: reader.string('author'),
      description: description.trim(),
      dataNeeded: reader.references('data_needed'),
      dataToEnrich: reader.references('data_to_enrich'),
      references: reader.stringList('references'),
      requirements: reader.references('requirements'),
      newFields: reader.stringList('new_fields'),
      config: reader.string('config'),
    } satisfies Enrichment;
  }), cwd, budget, undefined, memo && { memo, kind: 'enrichments' });
}

/** The older tool's schema allows `contributors`; pages do not show them, but a malformed value is still the author's mistake to hear about. */
function checkContributors(reader: FieldReader): void {
  reader.stringList('contributors');
}

