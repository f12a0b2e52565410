import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { load } from 'cheerio';
import { DEFAULT_CONFIG, formatQuerySectionSpec, parseQuerySectionSpec, type BuildConfig, type QuerySection } from '../../src/config.ts';
import { ELASTIC_DEFAULT_INDEX } from '../../src/export/elastic-detection-rules.ts';
import { KIBANA_DATA_VIEW } from '../../src/export/kibana-saved-searches.ts';
import { QUERIES_JSONL, SIEM_EXPORTS_INDEX } from '../../src/export/siem-exports.ts';
import { MAX_STANZA_NAME } from '../../src/export/splunk-saved-searches.ts';
import type { DetectionRule } from '../../src/model/detection-rule.ts';
import { renderSitePages } from '../../src/render/html/site-pages.ts';
import { skipUnlessExists, standardFolders } from '../helpers/knowledge-base.ts';
import { writeTempTree } from '../helpers/temp-files.ts';
import { buildExports, CORPUS_FOLDERS, corpusConfig, filesUnder, sampleConfig, type BuiltExports } from './export-helpers.ts';
import { asContinued, readConf } from '../helpers/splunk-conf.ts';

interface IndexEntry {
  path: string;
  kind: 'splunk-saved-searches' | 'kibana-saved-searches' | 'elastic-detection-rules';
  target: string;
  title: string;
  entries: number;
  rules: number;
  not_converted: number;
  left_out: { id: string; reason: string }[];
}
interface SiemIndex {
  files: IndexEntry[];
  queries: { path: string; rules: number; targets: string[] };
}

function siemIndex(built: BuiltExports): SiemIndex {
  return JSON.parse(built.files.get(SIEM_EXPORTS_INDEX)!) as SiemIndex;
}

/** The queries a target converted, per rule in knowledge-base order: what every bulk file of the target must hold. */
function convertedQueries(built: BuiltExports, spec: string): { rule: DetectionRule; queries: string[] }[] {
  const converted: { rule: DetectionRule; queries: string[] }[] = [];
  for (const rule of built.build.kb.rules) {
    const result = built.build.queries.get(rule)!.find((entry) => formatQuerySectionSpec(entry.section) === spec)!.result;
    if (result.ok && result.queries.length > 0) converted.push({ rule, queries: result.queries });
  }
  return converted;
}

function ndjsonLines(text: string): Record<string, unknown>[] {
  assert.ok(text === '' || text.endsWith('\n'), 'an NDJSON file ends with a line break');
  return text.split('\n').slice(0, -1).map((line, index) => {
    assert.notEqual(line.trim(), '', `line ${index + 1} is not empty`);
    return JSON.parse(line) as Record<string, unknown>;
  });
}

/** The stanzas of a .conf file, each key set once; every line must be a stanza, a setting or a comment. */
function confStanzas(text: string): { name: string; settings: Map<string, string> }[] {
  const { stanzas, stray } = readConf(text);
  assert.deepEqual(stray, [], 'every line is a stanza, a setting or a comment');
  return stanzas.map((stanza) => {
    const settings = new Map(stanza.settings);
    assert.equal(settings.size, stanza.settings.length, `[${stanza.name}] sets each key once`);
    return { name: stanza.name, settings };
  });
}

/** The setting keys of every stanza this export writes; anything else would be rule text that became a key. */
const STANZA_KEYS = ['alert.severity', 'description', 'disabled', 'dispatch.earliest_time', 'dispatch.latest_time', 'enableSched', 'search'];

/**
 * Checks a savedsearches.conf against the queries its target converted: one stanza per query (one per rule
 * for the rules with one condition), unique names (Splunk merges stanzas of one name; `default` sets every
 * other stanza), only our keys, every search reading back as the query, everything disabled.
 */
function checkSavedSearches(text: string, converted: readonly { rule: DetectionRule; queries: string[] }[], leftOut: number): void {
  const stanzas = confStanzas(text);
  const expected = converted.flatMap(({ queries }) => queries);
  assert.equal(stanzas.length, expected.length - leftOut, 'one stanza per converted query');
  const names = new Set(stanzas.map((stanza) => stanza.name.toLowerCase()));
  assert.equal(names.size, stanzas.length, 'stanza names are unique without regard to case');
  assert.ok(!names.has('default'), 'no stanza is [default]');
  // A conf value starts at its first non-blank character (a query may begin with a line break).
  const searches = new Set(expected.map((query) => asContinued(query).trim()));
  for (const stanza of stanzas) {
    assert.deepEqual([...stanza.settings.keys()].sort(), STANZA_KEYS, `[${stanza.name}] has exactly the export's settings`);
    assert.ok(searches.has(stanza.settings.get('search')!), `[${stanza.name}]'s search reads back as a converted query`);
    assert.equal(stanza.settings.get('disabled'), '1');
    assert.ok(stanza.name.length > 0 && stanza.name.length <= MAX_STANZA_NAME + 60, `[${stanza.name.slice(0, 40)}…] has a sensible length`);
    assert.doesNotMatch(stanza.name, /[[\]\\\u0000-\u001f]/);
  }
}

/** Elastic's detection-engine rule schema (Kibana 8 create/import rule API): what every rule must have, and per type. */
const ELASTIC_REQUIRED: Readonly<Record<string, 'string' | 'number'>> = { rule_id: 'string', name: 'string', description: 'string', risk_score: 'number', severity: 'string', type: 'string' };
const ELASTIC_REQUIRED_BY_TYPE: Readonly<Record<string, { readonly languages: readonly string[]; readonly index: boolean }>> = {
  query: { languages: ['kuery', 'lucene'], index: true },
  eql: { languages: ['eql'], index: true },
  esql: { languages: ['esql'], index: false },
};
const ELASTIC_SEVERITIES = ['low', 'medium', 'high', 'critical'];

function checkElasticRule(rule: Record<string, unknown>, where: string): void {
  for (const [field, type] of Object.entries(ELASTIC_REQUIRED)) {
    assert.equal(typeof rule[field], type, `${where}: ${field} is a ${type}`);
    if (type === 'string') assert.notEqual((rule[field] as string).trim(), '', `${where}: ${field} is not empty`);
  }
  assert.ok(Number.isInteger(rule.risk_score) && (rule.risk_score as number) >= 0 && (rule.risk_score as number) <= 100, `${where}: risk_score is 0–100`);
  assert.ok(ELASTIC_SEVERITIES.includes(rule.severity as string), `${where}: severity is one of Elastic's`);
  const byType = ELASTIC_REQUIRED_BY_TYPE[rule.type as string];
  assert.ok(byType, `${where}: type ${String(rule.type)} is a known rule type`);
  assert.ok(byType.languages.includes(rule.language as string), `${where}: language ${String(rule.language)} fits type ${String(rule.type)}`);
  assert.equal(typeof rule.query, 'string', `${where}: query`);
  if (byType.index) assert.ok(Array.isArray(rule.index) && rule.index.length > 0 && rule.index.every((index) => typeof index === 'string'), `${where}: index patterns`);
  for (const list of ['references', 'author', 'false_positives', 'tags']) assert.ok(Array.isArray(rule[list]) && (rule[list] as unknown[]).every((item) => typeof item === 'string'), `${where}: ${list} is a list of strings`);
  assert.equal(rule.enabled, false, `${where}: imported disabled`);
  assert.match(rule.from as string, /^now-\d+[smh]$/);
  assert.match(rule.interval as string, /^\d+[smh]$/);
  assert.ok(Number.isInteger(rule.version) && (rule.version as number) >= 1);
  assert.ok(Array.isArray(rule.threat), `${where}: threat is a list`);
  for (const threat of rule.threat as Record<string, unknown>[]) {
    assert.equal(threat.framework, 'MITRE ATT&CK');
    const tactic = threat.tactic as Record<string, unknown>;
    assert.match(tactic.id as string, /^TA\d{4}$/);
    assert.equal(typeof tactic.name, 'string');
    assert.match(tactic.reference as string, /^https:\/\/attack\.mitre\.org\/tactics\/TA\d{4}/);
    for (const technique of threat.technique as Record<string, unknown>[]) {
      assert.match(technique.id as string, /^T\d{4}$/);
      assert.match(technique.reference as string, /^https:\/\/attack\.mitre\.org\/techniques\/T\d{4}/);
      for (const sub of technique.subtechnique as Record<string, unknown>[]) assert.ok((sub.id as string).startsWith(`${technique.id as string}.`), `${where}: ${String(sub.id)} sits under its parent`);
    }
  }
}

/** Checks every file of a build against the build's own conversions. */
function checkAllExports(built: BuiltExports): { files: number; entries: number } {
  const index = siemIndex(built);
  let entries = 0;
  for (const listed of index.files) {
    const text = built.files.get(listed.path);
    assert.ok(text !== undefined, `${listed.path} is written`);
    const converted = convertedQueries(built, listed.target);
    const queries = converted.flatMap(({ queries }) => queries);
    assert.equal(listed.entries, queries.length - listed.left_out.length, `${listed.path}: the index counts what was written`);
    assert.equal(listed.not_converted, built.build.kb.rules.length - converted.length, `${listed.path}: the index counts the rules that do not convert`);
    entries += listed.entries;
    if (listed.kind === 'splunk-saved-searches') {
      checkSavedSearches(text, converted, listed.left_out.length);
      continue;
    }
    const lines = ndjsonLines(text);
    assert.equal(lines.length, listed.entries, `${listed.path}: a line per query`);
    const ids = lines.map((line) => (listed.kind === 'kibana-saved-searches' ? line.id : line.rule_id));
    assert.equal(new Set(ids).size, ids.length, `${listed.path}: ids are unique`);
    lines.forEach((line, number) => {
      const where = `${listed.path}:${number + 1}`;
      if (listed.kind === 'elastic-detection-rules') {
        checkElasticRule(line, where);
        assert.equal(line.query, queries[number], `${where}: the converted query`);
      } else {
        assert.equal(line.type, 'search');
        assert.equal(typeof line.id, 'string');
        const attributes = line.attributes as Record<string, unknown>;
        assert.equal(typeof attributes.title, 'string');
        const source = JSON.parse((attributes.kibanaSavedObjectMeta as { searchSourceJSON: string }).searchSourceJSON) as { query: { query: string; language: string }; indexRefName: string };
        assert.deepEqual(source.query, { query: queries[number], language: 'lucene' }, `${where}: the converted query`);
        assert.deepEqual(line.references, [{ id: KIBANA_DATA_VIEW, name: source.indexRefName, type: 'index-pattern' }], `${where}: the data view reference the search source names`);
      }
    });
  }
  const jsonl = ndjsonLines(built.files.get(QUERIES_JSONL)!);
  assert.equal(jsonl.length, built.build.kb.rules.length, 'queries.jsonl: a line per rule');
  return { files: index.files.length, entries };
}

describe('bulk SIEM exports', () => {
  const sample = buildExports(sampleConfig());

  test('the sample knowledge base: every Splunk, Kibana and Elastic file holds every converted query of its target, in the target’s format', () => {
    const index = siemIndex(sample);
    const kinds = index.files.map((file) => `${file.target}:${file.kind}`);
    // The sample configures every target; each plain-text target gets the files its SIEM imports.
    for (const expected of ['splunk:splunk-saved-searches', 'lucene:kibana-saved-searches', 'lucene:elastic-detection-rules', 'es-qs:kibana-saved-searches', 'eql:elastic-detection-rules', 'esql:elastic-detection-rules', 'lucene+ecs_windows:elastic-detection-rules']) {
      assert.ok(kinds.includes(expected), `${expected} is exported`);
    }
    assert.ok(!kinds.some((kind) => /^(graylog|xpack-watcher|kusto)/.test(kind)), 'targets no SIEM file takes are in queries.jsonl only');
    assert.ok(sample.files.has('exports/splunk/savedsearches.conf'), 'the Splunk file has the name Splunk reads');
    const counts = checkAllExports(sample);
    assert.ok(counts.entries > 100, `${counts.entries} entries checked`);
  });

  test('a rule with two conditions gives two searches, told apart by id and name', () => {
    const twoQueries = sample.build.kb.rules.find((rule) => sample.build.queries.get(rule)!.some((entry) => entry.section.target === 'eql' && entry.result.ok && entry.result.queries.length === 2));
    assert.ok(twoQueries, 'the sample has a rule with two conditions');
    const lines = ndjsonLines(sample.files.get('exports/eql/elastic-detection-rules.ndjson')!).filter((line) => (line.rule_id as string).startsWith(twoQueries.id!.toLowerCase()));
    assert.deepEqual(lines.map((line) => line.rule_id), [twoQueries.id!.toLowerCase(), `${twoQueries.id!.toLowerCase()}-2`]);
    assert.deepEqual(lines.map((line) => line.name), [`${twoQueries.title} (query 1 of 2)`, `${twoQueries.title} (query 2 of 2)`]);
  });

  test('queries.jsonl: each rule’s queries per target spec, null and a reason where it does not convert', () => {
    const lines = ndjsonLines(sample.files.get(QUERIES_JSONL)!);
    const index = siemIndex(sample);
    assert.deepEqual(index.queries.targets, sample.build.config.querySections.map(formatQuerySectionSpec));
    sample.build.kb.rules.forEach((rule, number) => {
      const line = lines[number]!;
      assert.equal(line.path, rule.relativePath);
      assert.equal(line.title, rule.title);
      assert.equal(line.id, rule.id ?? null);
      assert.equal(line.level, rule.level ?? null);
      assert.equal(line.status, rule.status ?? null);
      for (const entry of sample.build.queries.get(rule)!) {
        const spec = formatQuerySectionSpec(entry.section);
        assert.deepEqual((line.queries as Record<string, unknown>)[spec], entry.result.ok ? entry.result.queries : null);
        assert.equal((line.failures as Record<string, unknown>)[spec], entry.result.ok ? undefined : entry.result.reason);
      }
    });
  });

  test('deterministic: two builds write byte-identical export files', () => {
    const again = buildExports(sampleConfig());
    const first = filesUnder(sample.files, 'exports/');
    assert.ok(first.length >= 10);
    assert.deepEqual(filesUnder(again.files, 'exports/'), first);
  });

  test('Elastic severity and risk score follow the level (informational and no level are low)', (t) => {
    const levels = ['informational', 'low', 'medium', 'high', 'critical', undefined];
    const files: Record<string, string> = {};
    levels.forEach((level, index) => {
      files[`rules/level_${index}.yml`] = [
        `title: Level ${level ?? 'none'}`,
        `id: 00000000-0000-4000-8000-00000000000${index}`,
        ...(level ? [`level: ${level}`] : []),
        'logsource: {category: process_creation, product: windows}',
        'detection: {selection: {Image|endswith: \\foo.exe}, condition: selection}',
      ].join('\n');
    });
    const root = writeTempTree(t, files);
    const built = buildExports(testConfig(root, ['eql']));
    const rules = ndjsonLines(built.files.get('exports/eql/elastic-detection-rules.ndjson')!);
    assert.deepEqual(
      rules.map((rule) => [rule.name, rule.severity, rule.risk_score]),
      [
        ['Level informational', 'low', 21],
        ['Level low', 'low', 21],
        ['Level medium', 'medium', 47],
        ['Level high', 'high', 73],
        ['Level critical', 'critical', 99],
        ['Level none', 'low', 21],
      ],
    );
  });

  test('Elastic threat is built from the ATT&CK tags: sub-techniques under their parent, a technique without a tagged tactic under its own', (t) => {
    const root = writeTempTree(t, {
      'rules/tagged.yml': [
        'title: Tagged',
        'id: 10000000-0000-4000-8000-000000000001',
        'tags: [attack.credential-access, attack.t1003.001, attack.t1003.002, attack.t1059.001, attack.g0016, car.2019-04-004]',
        'logsource: {category: process_creation, product: windows}',
        'detection: {selection: {Image|endswith: \\foo.exe}, condition: selection}',
      ].join('\n'),
    });
    const built = buildExports(testConfig(root, ['esql']));
    const [rule] = ndjsonLines(built.files.get('exports/esql/elastic-detection-rules.ndjson')!);
    const attack = built.build.kb.attack;
    const name = (id: string): string => attack.technique(id)!.name;
    assert.deepEqual(rule!.threat, [
      {
        framework: 'MITRE ATT&CK',
        tactic: { id: 'TA0006', name: 'Credential Access', reference: 'https://attack.mitre.org/tactics/TA0006' },
        technique: [
          {
            id: 'T1003',
            name: name('T1003'),
            reference: 'https://attack.mitre.org/techniques/T1003',
            subtechnique: [
              { id: 'T1003.001', name: name('T1003.001'), reference: 'https://attack.mitre.org/techniques/T1003/001' },
              { id: 'T1003.002', name: name('T1003.002'), reference: 'https://attack.mitre.org/techniques/T1003/002' },
            ],
          },
        ],
      },
      {
        framework: 'MITRE ATT&CK',
        tactic: { id: 'TA0002', name: 'Execution', reference: 'https://attack.mitre.org/tactics/TA0002' },
        technique: [{ id: 'T1059', name: name('T1059'), reference: 'https://attack.mitre.org/techniques/T1059', subtechnique: [{ id: 'T1059.001', name: name('T1059.001'), reference: 'https://attack.mitre.org/techniques/T1059/001' }] }],
      },
    ]);
    assert.equal(rule!.type, 'esql');
    assert.equal(rule!.index, undefined, 'an ES|QL rule names its indices in FROM');
    assert.deepEqual(ELASTIC_DEFAULT_INDEX.includes('logs-*'), true);
  });

  test('hostile titles and descriptions cannot start a stanza or a setting in savedsearches.conf', (t) => {
    const hostile: { title: string; description: string }[] = [
      { title: ']\n[evil]\nsearch = *', description: 'one\n[evil2]\nsearch = index=*\ndisabled = 0' },
      { title: 'C:\\Windows\\System32\\', description: 'ends in a backslash C:\\Temp\\' },
      { title: 'default', description: 'a rule titled like the stanza that sets all others' },
      { title: 'Same title', description: 'first' },
      { title: 'same TITLE', description: 'second' },
      { title: `${'Very long title '.repeat(300)}end`, description: `${'x'.repeat(20000)}\\` },
      { title: 'line\u2028separator\u0085next \u0000nul\rcr', description: 'controls \u0001\u0007 and\r\ncrlf\n#comment\n\\\n[x]' },
      { title: '#looks like a comment', description: '  leading spaces\\\\' },
    ];
    const files: Record<string, string> = {};
    hostile.forEach(({ title, description }, index) => {
      files[`rules/hostile_${index}.yml`] = [
        `title: ${JSON.stringify(title)}`,
        `id: 20000000-0000-4000-8000-00000000000${index}`,
        `description: ${JSON.stringify(description)}`,
        'level: high',
        'logsource: {category: process_creation, product: windows}',
        // A value with a line break and one ending in a backslash: the search itself is continued.
        `detection: {selection: {CommandLine|contains: ${JSON.stringify(`a\nb [evil${index}]`)}, Image|endswith: '\\'}, condition: selection}`,
      ].join('\n');
    });
    const root = writeTempTree(t, files);
    const built = buildExports(testConfig(root, ['splunk']));
    assert.equal(built.build.kb.rules.length, hostile.length, 'every hostile rule loads');
    const text = built.files.get('exports/splunk/savedsearches.conf')!;
    const converted = convertedQueries(built, 'splunk');
    assert.equal(converted.length, hostile.length, 'every hostile rule converts');
    checkSavedSearches(text, converted, 0);
    const stanzas = confStanzas(text);
    assert.equal(stanzas.length, hostile.length, 'one stanza per rule');
    const names = stanzas.map((stanza) => stanza.name);
    assert.ok(!names.some((name) => /^evil\d*$/.test(name) || name === 'x'), 'no stanza named by rule text after a line break');
    assert.ok(names.includes('evil search = *'), 'the bracketed title is one line without brackets');
    assert.ok(names.some((name) => name.startsWith('default (')), 'a rule titled "default" does not become [default]');
    assert.ok(names.includes('Same title') && names.some((name) => name.startsWith('same TITLE (')), 'titles equal but for case get distinct stanzas');
    assert.ok(names.some((name) => name.endsWith('…') && name.length === MAX_STANZA_NAME), 'a very long title is cut');
    for (const stanza of stanzas) {
      const description = stanza.settings.get('description')!;
      assert.doesNotMatch(description, /[\u0000-\u0008\u000b\u000c\u000e-\u001f]/, 'no control characters in a description');
    }
    const first = stanzas.find((stanza) => stanza.name === 'evil search = *')!;
    assert.equal(first.settings.get('description'), asContinued('one\n[evil2]\nsearch = index=*\ndisabled = 0'), 'the description reads back whole, line breaks kept');
    assert.equal(first.settings.get('disabled'), '1');
  });

  test('the Downloads page lists every SIEM file with its count and what it leaves out, and opens layers in the Navigator only for a published site', () => {
    const downloads = (built: BuiltExports): ReturnType<typeof load> => load(renderSitePages(built.build).pages.find((page) => page.url === '/downloads/')!.render().body.value);
    const $ = downloads(sample);
    const index = siemIndex(sample);
    for (const listed of [...index.files.map((file) => ({ path: file.path, entries: file.entries, notConverted: file.not_converted })), { path: QUERIES_JSONL, entries: sample.build.kb.rules.length, notConverted: 0 }]) {
      const row = $('#siem-exports').closest('section').find('tr').filter((_, candidate) => $(candidate).find(`a[href="/${listed.path}"]`).length > 0);
      assert.equal(row.length, 1, `${listed.path} has a row`);
      assert.equal(row.find('td').eq(2).text(), listed.entries.toLocaleString('en-US'), `${listed.path}: its number of entries`);
      if (listed.notConverted > 0) assert.match(row.find('td').eq(1).text(), new RegExp(`Leaves out ${listed.notConverted} rules? that do not convert`));
    }
    assert.equal($('a[href^="https://mitre-attack.github.io/attack-navigator/#"]').length, 0, 'no Navigator links without site.base_url');
    assert.match($('#navigator-layers').closest('section').text(), /built without site\.base_url/);

    const published = buildExports(sampleConfig({ baseUrl: 'https://kb.example.org/detections' , pathPrefix: '/detections/' }));
    const $$ = downloads(published);
    // Every layer with a row of its own (a folder of actor layers has one row, without a link).
    const layers = published.build.files.filter((file) => file.download?.section === 'layers');
    const navigator = $$('a[href^="https://mitre-attack.github.io/attack-navigator/#layerURL="]').map((_, anchor) => $$(anchor).attr('href')!).get();
    assert.deepEqual(navigator, layers.map((file) => `https://mitre-attack.github.io/attack-navigator/#layerURL=${encodeURIComponent(`https://kb.example.org/detections/${file.path}`)}`), 'one Navigator link per layer, to its absolute URL');
    assert.ok(layers.length >= 3);
  });

  test(
    'the ../shared corpus with eight targets: every bulk file is valid and holds every converted query',
    { skip: skipUnlessExists('the corpus SIEM exports', ...CORPUS_FOLDERS) },
    () => {
      const specs = ['lucene', 'lucene+ecs_windows', 'eql', 'esql', 'splunk', 'es-qs', 'graylog', 'kusto+microsoft_xdr'];
      const config = corpusConfig();
      const built = buildExports({ ...config, querySections: specs.map((spec) => parseQuerySectionSpec(spec) as QuerySection) });
      const counts = checkAllExports(built);
      assert.equal(counts.files, 9, 'splunk 1, lucene 2, lucene+ecs_windows 2, es-qs 2, eql 1, esql 1');
      assert.ok(counts.entries > 30000, `${counts.entries} entries`);
    },
  );
});

function testConfig(root: string, specs: readonly string[]): BuildConfig {
  return { ...DEFAULT_CONFIG, rootDir: root, inputs: standardFolders(root), querySections: specs.map((spec) => parseQuerySectionSpec(spec) as QuerySection) };
}
