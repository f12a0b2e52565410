import type { BuildConfig } from '../config.ts';
import type { QuerySectionResult } from '../convert/convert-knowledge-base.ts';
import type { KnowledgeBase } from '../link/knowledge-base.ts';
import type { DetectionRule } from '../model/detection-rule.ts';
import { safeName } from '../present/page-addresses.ts';
import { encodedFile, type OutputFile, type StreamedFiles } from '../present/output-file.ts';
import { toCsv } from './csv.ts';
import type { CsvTable } from './csv-exports.ts';
import { actorLayers } from './actor-layers.ts';
import { apiDocuments } from './api-json.ts';
import { renderAtomFeed } from './atom-feed.ts';
import { analyticsCsv, rulesCsv, techniquesCsv } from './csv-exports.ts';
import { navigatorLayer, type NavigatorLayer } from './navigator-layer.ts';
import type { ProfileCoverage } from '../link/profile-coverage-model.ts';
import { profileExports } from './profile-exports.ts';
import { FEED_FILE, SiteUrls } from '../present/site-urls.ts';
import { siemExports } from './siem-exports.ts';
import { stableJson, stableJsonWriter } from './stable-json.ts';
import { theHiveTemplateFiles } from './thehive-templates.ts';

/**
 * The machine-readable exports, as files of the output folder (README.md, "Exports"):
 *   layers/all.json, layers/product-<product>.json, layers/level-<level>.json   ATT&CK Navigator layers
 *   layers/groups/<G0016>.json, layers/software/<S0002>.json                    a layer per group and software
 *   api/<kind>/<key>.json, api/rules.json, api/data-needed.json, api/techniques.json, api/triggers.json, api/response-*.json
 *   analytics.csv, rules.csv, techniques.csv, feed.xml
 *   layers/profiles/<key>.json, profiles/<key>.csv, api/profiles/<key>.json, api/profiles.json   per coverage profile (profile-exports.ts)
 *   exports/<target>/savedsearches.conf, *.ndjson, exports/queries.jsonl    bulk SIEM files (siem-exports.ts), streamed
 *   thehive/<playbook page name>.json                                      a TheHive case template per Response Playbook
 * Deterministic: sorted keys, sorted lists, no timestamps.
 */
export function renderExports(
  kb: KnowledgeBase,
  queries: ReadonlyMap<DetectionRule, readonly QuerySectionResult[]>,
  config: Pick<BuildConfig, 'site'>,
  profiles: readonly ProfileCoverage[] = [],
): { files: OutputFile[]; streamed?: StreamedFiles } {
  const urls = SiteUrls.published(kb, config.site);
  const files: OutputFile[] = [];
  const title = config.site.title;

  const layerFile = (path: string, what: string, layer: NavigatorLayer): OutputFile => encodedFile(path, stableJson(layer), { section: 'layers', what, count: layer.techniques.length });
  files.push(layerFile('layers/all.json', 'every rule', navigatorLayer(kb, kb.rules, urls, { name: title, description: `All ${kb.rules.length} rules of ${title}; score = number of rules per technique; red: a gap (Atomic tests, no rule).`, filter: '', withGaps: true })));
  for (const [kind, groups] of [
    ['product', groupRules(kb.rules, (rule) => rule.logsources.map((logsource) => logsource.product))],
    ['level', groupRules(kb.rules, (rule) => [rule.level])],
  ] as const) {
    for (const [name, { values, rules }] of groups) {
      const filter = `${kind}=${values.join(',')}`;
      files.push(
        layerFile(
          `layers/${kind}-${name}.json`,
          `rules whose ${kind === 'product' ? 'log source product' : 'level'} is ${values.join(', ')}`,
          navigatorLayer(kb, rules, urls, { name: `${title}: ${kind} ${values.join(', ')}`, description: `${rules.length} rules with ${filter}; score = number of rules per technique.`, filter }),
        ),
      );
    }
  }
  files.push(...actorLayers(kb, urls, title));

  const api = apiDocuments(kb, queries, urls);
  const json = stableJsonWriter();
  for (const [path, document] of api.entities) files.push(encodedFile(path, json(document)));
  for (const [path, document] of api.bulk) {
    const count = document['count'];
    files.push(encodedFile(path, json(document, { compact: true }), { section: 'json', what: BULK_WHAT[path] ?? 'bulk file', ...(typeof count === 'number' && { count }) }));
  }

  const csvFile = (path: string, what: string, table: CsvTable): OutputFile => encodedFile(path, toCsv(table.columns, table.rows), { section: 'csv', what, count: table.rows.length, columns: table.columns });
  files.push(csvFile('analytics.csv', 'one row per rule × technique × Data Needed × Logging Policy', analyticsCsv(kb)));
  files.push(csvFile('rules.csv', 'one row per rule file, with its log sources, techniques and the targets it converts for', rulesCsv(kb, queries)));
  files.push(csvFile('techniques.csv', 'one row per technique and sub-technique: its rules, Atomic tests, and whether it is covered or a gap (the site’s own numbers)', techniquesCsv(kb)));
  files.push(...profileExports(kb, profiles, urls, title));
  files.push(...theHiveTemplateFiles(kb));
  const feed = renderAtomFeed(kb, urls, title);
  files.push(encodedFile(FEED_FILE, feed.xml, { section: 'feed', what: 'Atom feed of new and modified rules', count: feed.entries }));
  const streamed = siemExports(kb, queries, urls);
  return { files, ...(streamed && { streamed }) };
}

const BULK_WHAT: Readonly<Record<string, string>> = {
  'api/rules.json': 'every rule, with its links and conversion status (not the queries)',
  'api/data-needed.json': 'every Data Needed entry',
  'api/techniques.json': 'every ATT&CK technique, with its rules, Data Needed and trigger',
  'api/triggers.json': 'every Atomic Red Team technique file and its tests',
  'api/response-actions.json': 'every Response Action, with its stage and the playbooks using it',
  'api/response-playbooks.json': 'every Response Playbook, with its actions per stage, techniques and the rules it answers',
  'api/response-stages.json': 'every Response Stage and its actions',
};

/** Rules grouped by a lower-cased value, keyed by its safe, length-capped file name (values that clean alike share a layer); groups sorted by key. */
export function groupRules(rules: readonly DetectionRule[], valuesOf: (rule: DetectionRule) => readonly (string | undefined)[]): Map<string, { values: string[]; rules: DetectionRule[] }> {
  const groups = new Map<string, { values: string[]; rules: DetectionRule[] }>();
  for (const rule of rules) {
    for (const raw of new Set(valuesOf(rule).map((value) => value?.trim().toLowerCase()).filter((value): value is string => !!value))) {
      const key = safeName(raw);
      const group = groups.get(key) ?? { values: [], rules: [] };
      if (!group.values.includes(raw)) group.values.push(raw);
      if (!group.rules.includes(rule)) group.rules.push(rule);
      groups.set(key, group);
    }
  }
  for (const group of groups.values()) group.values.sort();
  return new Map([...groups].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0)));
}
