import type { QuerySection } from '../config.ts';
import { queryTargets } from '../present/query-targets.ts';
import type { QuerySectionResult } from '../convert/convert-knowledge-base.ts';
import type { KnowledgeBase } from '../link/knowledge-base.ts';
import type { DetectionRule } from '../model/detection-rule.ts';
import { safeName } from '../present/page-addresses.ts';
import type { ListedFile, StreamedFiles, TextSink } from '../present/output-file.ts';
import type { JsonObject } from './api-json.ts';
import { writeElasticDetectionRules, type ElasticLanguage } from './elastic-detection-rules.ts';
import { exportedQueries, type ExportedQuery } from './exported-query.ts';
import { writeKibanaSavedSearches } from './kibana-saved-searches.ts';
import type { SiteUrls } from '../present/site-urls.ts';
import { writeSplunkSavedSearches, type LeftOutQuery } from './splunk-saved-searches.ts';
import { stableJson } from './stable-json.ts';

/**
 * Every rule's queries in the files SIEMs import (README.md, "Bulk SIEM exports"), per configured query
 * target: exports/<target>/savedsearches.conf, kibana-saved-searches.ndjson, elastic-detection-rules.ndjson;
 * exports/queries.jsonl with every target's queries; exports/index.json, the list of these files with what
 * each holds and what it left out, for other tools (the Downloads page is told the same by each file's
 * `download` entry).
 */

export const SIEM_EXPORTS_INDEX = 'exports/index.json';
export const QUERIES_JSONL = 'exports/queries.jsonl';
export const SIEM_EXPORTS_FORMAT_VERSION = 1;

export type BulkFileKind = 'splunk-saved-searches' | 'kibana-saved-searches' | 'elastic-detection-rules';

interface BulkFile {
  readonly kind: BulkFileKind;
  readonly file: string;
  /** Writes the file's text to `write`; returns the queries it cannot hold. */
  write(kb: KnowledgeBase, entries: readonly ExportedQuery[], write: TextSink['write']): readonly LeftOutQuery[];
}

const SPLUNK: BulkFile = { kind: 'splunk-saved-searches', file: 'savedsearches.conf', write: (_kb, entries, write) => writeSplunkSavedSearches(entries, write) };
const KIBANA_LUCENE: BulkFile = {
  kind: 'kibana-saved-searches',
  file: 'kibana-saved-searches.ndjson',
  write: (_kb, entries, write) => {
    writeKibanaSavedSearches(entries, 'lucene', write);
    return [];
  },
};
const elastic = (language: ElasticLanguage): BulkFile => ({
  kind: 'elastic-detection-rules',
  file: 'elastic-detection-rules.ndjson',
  write: (kb, entries, write) => {
    writeElasticDetectionRules(kb, entries, language, write);
    return [];
  },
});

/**
 * The files a target's queries go into. Only plain query text can go into another tool's file: an output
 * format that wraps the query (lucene@kibana_ndjson, splunk@savedsearches) is left to queries.jsonl, as are
 * targets no file here takes (graylog, kusto, xpack-watcher).
 */
const BULK_FILES: Readonly<Record<string, { readonly formats: readonly (string | undefined)[]; readonly files: readonly BulkFile[] }>> = {
  splunk: { formats: [undefined, 'data_model'], files: [SPLUNK] },
  lucene: { formats: [undefined], files: [KIBANA_LUCENE, elastic('lucene')] },
  'es-qs': { formats: [undefined], files: [KIBANA_LUCENE, elastic('lucene')] },
  eql: { formats: [undefined], files: [elastic('eql')] },
  esql: { formats: [undefined], files: [elastic('esql')] },
};

function bulkFilesFor(section: QuerySection): readonly BulkFile[] {
  const entry = BULK_FILES[section.target];
  return entry && entry.formats.includes(section.format) ? entry.files : [];
}

const KIND_WHAT: Readonly<Record<BulkFileKind, string>> = {
  'splunk-saved-searches': 'Splunk saved searches (an app’s local/savedsearches.conf), disabled',
  'kibana-saved-searches': 'Kibana saved searches (Stack Management → Saved objects → Import)',
  'elastic-detection-rules': 'Elastic Security detection rules (Rules → Import rules), disabled',
};

/** A configured target: its spec, heading, folder under exports/, and its position in each rule's results. */
interface ExportTarget {
  readonly spec: string;
  readonly title: string;
  readonly section: QuerySection;
  readonly folder: string;
  readonly index: number;
}

/** The site's query targets (present/query-targets.ts), one per spec (a spec configured twice converts alike), each with its own folder. */
function exportTargets(queries: ReadonlyMap<DetectionRule, readonly QuerySectionResult[]>): ExportTarget[] {
  const specs = new Set<string>();
  const folders = new Set<string>();
  const targets: ExportTarget[] = [];
  queryTargets(queries).forEach((target, index) => {
    if (specs.has(target.key)) return;
    specs.add(target.key);
    // Lower case: two specs must not share a folder on a case-insensitive file system.
    const base = safeName(target.key.toLowerCase());
    let folder = base;
    for (let counter = 2; folders.has(folder); counter++) folder = `${base}-${counter}`;
    folders.add(folder);
    targets.push({ spec: target.key, title: target.title, section: target.section, folder: `exports/${folder}`, index });
  });
  return targets;
}

/**
 * The bulk files, streamed (StreamedFiles): the site writes them a line at a time into the output folder,
 * since together they are tens of megabytes (queries.jsonl alone is about 27 MB on the SigmaHQ corpus).
 * Undefined when no configured target has queries.
 */
export function siemExports(kb: KnowledgeBase, queries: ReadonlyMap<DetectionRule, readonly QuerySectionResult[]>, urls: SiteUrls): StreamedFiles | undefined {
  const targets = exportTargets(queries);
  if (targets.length === 0) return undefined;
  return { write: (open) => writeSiemExports(kb, queries, urls, targets, open) };
}

function writeSiemExports(kb: KnowledgeBase, queries: ReadonlyMap<DetectionRule, readonly QuerySectionResult[]>, urls: SiteUrls, targets: readonly ExportTarget[], open: (path: string) => TextSink): ListedFile[] {
  const files: ListedFile[] = [];
  const listed: JsonObject[] = [];
  const writeFile = (path: string, produce: (write: TextSink['write']) => void): number => {
    const sink = open(path);
    let size = 0;
    try {
      produce((text) => sink.write(text));
    } finally {
      size = sink.close();
    }
    return size;
  };
  for (const target of targets) {
    const writers = bulkFilesFor(target.section);
    if (writers.length === 0) continue;
    const entries: ExportedQuery[] = [];
    let notConverted = 0;
    for (const rule of kb.rules) {
      const result = queries.get(rule)?.[target.index]?.result;
      if (result?.ok && result.queries.length > 0) entries.push(...exportedQueries(rule, kb.addresses.ruleSegment(rule), result.queries));
      else notConverted++;
    }
    for (const writer of writers) {
      const path = `${target.folder}/${writer.file}`;
      let leftOut: readonly LeftOutQuery[] = [];
      const size = writeFile(path, (write) => {
        leftOut = writer.write(kb, entries, write);
      });
      const omitted = new Set(leftOut.map(({ entry }) => entry));
      const written = entries.filter((entry) => !omitted.has(entry));
      const missing = [
        notConverted > 0 ? `${notConverted} ${notConverted === 1 ? 'rule' : 'rules'} that do not convert for this target` : '',
        leftOut.length > 0 ? `${leftOut.length} ${leftOut.length === 1 ? 'query' : 'queries'} the file cannot hold (${[...new Set(leftOut.map((left) => left.reason))].join('; ')})` : '',
      ].filter((text) => text !== '');
      files.push({
        path,
        size,
        download: {
          section: 'siem',
          what: `${target.title} (${target.spec}): ${KIND_WHAT[writer.kind]}`,
          count: written.length,
          ...(missing.length > 0 && { note: `Leaves out ${missing.join(' and ')}.` }),
        },
      });
      listed.push({
        path,
        kind: writer.kind,
        target: target.spec,
        title: target.title,
        entries: written.length,
        rules: new Set(written.map((entry) => entry.rule)).size,
        not_converted: notConverted,
        left_out: leftOut.map(({ entry, reason }) => ({ id: entry.id, reason })),
      });
    }
  }
  files.push({
    path: QUERIES_JSONL,
    size: writeFile(QUERIES_JSONL, (write) => writeQueriesJsonl(kb, queries, targets, urls, write)),
    download: {
      section: 'siem',
      what: `Every rule’s queries for every target (${targets.map((target) => target.spec).join(', ')}), one JSON line per rule, with why a rule does not convert`,
      count: kb.rules.length,
    },
  });
  const index = stableJson({ format_version: SIEM_EXPORTS_FORMAT_VERSION, files: listed, queries: { path: QUERIES_JSONL, rules: kb.rules.length, targets: targets.map((target) => target.spec) } });
  files.push({
    path: SIEM_EXPORTS_INDEX,
    size: writeFile(SIEM_EXPORTS_INDEX, (write) => write(index)),
    download: { section: 'siem', what: 'The list of these files, with the counts above, as JSON', count: listed.length },
  });
  return files;
}

/**
 * One line per rule: its queries per target spec (null when it does not convert) and why not. Keys are
 * written in a fixed order rather than sorted: this is the largest export (every query of every target),
 * and the order is as deterministic.
 */
function writeQueriesJsonl(kb: KnowledgeBase, queries: ReadonlyMap<DetectionRule, readonly QuerySectionResult[]>, targets: readonly ExportTarget[], urls: SiteUrls, write: TextSink['write']): void {
  for (const rule of kb.rules) {
    const results = queries.get(rule) ?? [];
    const converted: Record<string, string[] | null> = {};
    const failures: Record<string, string> = {};
    for (const target of targets) {
      const result = results[target.index]?.result;
      converted[target.spec] = result?.ok ? [...result.queries] : null;
      if (result && !result.ok) failures[target.spec] = result.reason;
    }
    write(`${JSON.stringify({ id: rule.id ?? null, key: kb.addresses.ruleSegment(rule), title: rule.title, path: rule.relativePath, level: rule.level ?? null, status: rule.status ?? null, url: urls.rule(rule), queries: converted, failures })}\n`);
  }
}
