import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import jsYaml from 'js-yaml';
import { parseYamlText } from '../../src/load/read-yaml-file.ts';
import { convertCollection, type TargetSpec } from '../../src/sigma/convert-collection.ts';
import { parseSigmaCollection } from '../../src/sigma/parse-sigma-collection.ts';
import { parseLucene } from './helpers.ts';

/**
 * Property tests: random detections and conditions never crash the parser or any target, and every
 * Lucene-syntax output (the pySigma `lucene` target and the sigmac `es-qs` target) is accepted by an
 * independent Lucene query parser, the `lucene` npm package (a PEG grammar of Lucene's classic syntax).
 */

const SPECS: readonly TargetSpec[] = [
  { target: 'es-qs' },
  { target: 'xpack-watcher' },
  { target: 'graylog' },
  { target: 'lucene' },
  { target: 'lucene', pipeline: 'ecs_windows', format: 'kibana_ndjson' },
  { target: 'lucene', format: 'dsl_lucene' },
  { target: 'eql' },
  { target: 'eql', pipeline: 'ecs_windows' },
  { target: 'esql' },
  { target: 'esql', pipeline: 'ecs_windows' },
  { target: 'splunk' },
  { target: 'splunk', pipeline: 'splunk_windows', format: 'savedsearches' },
  { target: 'splunk', pipeline: 'splunk_cim', format: 'data_model' },
  { target: 'kusto' },
  { target: 'kusto', pipeline: 'microsoft_xdr' },
  { target: 'kusto', pipeline: 'sentinel_asim' },
];
const LUCENE_SYNTAX_TARGETS = new Set(['lucene', 'es-qs']);

function parsesAsLucene(query: string): boolean {
  try {
    parseLucene(query);
    return true;
  } catch {
    return false;
  }
}

const MODIFIERS = ['contains', 'startswith', 'endswith', 'all', 'base64', 'base64offset', 'utf16le', 'utf16be', 'utf16', 'wide', 'windash', 're', 'i', 'm', 's', 'cidr', 'exists', 'expand', 'fieldref', 'gt', 'gte', 'lt', 'lte', 'neq', 'cased'];
// Realistic field names; crafted ones are the subject of field-names.test.ts.
const field = fc.oneof(fc.constantFrom('Image', 'CommandLine', 'EventID', 'c-uri', 'Field Name', 'a.b', 'User', 'Hashes', 'TargetObject', 'ParentImage', 'OriginalFileName', 'EventType', 'Initiated'), fc.stringMatching(/^[A-Za-z_][A-Za-z0-9_.]{0,8}$/));
const awkward = fc.string({ unit: fc.constantFrom('*', '?', '\\', '/', '"', "'", ' ', '\t', '\n', '-', '(', ')', ':', '%', '<', '>', '&', '|', '!', '~', '^', '[', ']', '{', '}', '=', 'a', 'é', '\u2013', '1', '.', '#'), maxLength: 12 });
const text = fc.oneof(awkward, fc.string({ maxLength: 10 }), fc.constantFrom('10.0.0.0/8', 'fe80::/10', '::1', '%AppData%\\x', '^a.*b$', 'a\\'));
const scalar = fc.oneof({ weight: 4, arbitrary: text }, fc.integer({ min: -5, max: 100000 }), fc.double({ noNaN: true, noDefaultInfinity: true }), fc.boolean(), fc.constant(null));
const value = fc.oneof(scalar, fc.array(scalar, { minLength: 1, maxLength: 3 }));
const listOf = <T,>(item: fc.Arbitrary<T>): fc.Arbitrary<T | T[]> => fc.oneof(item, fc.array(item, { minLength: 1, maxLength: 3 }));
// Mostly chains a rule author would write (with fitting values), sometimes any chain and any value:
// chains the parser refuses are skipped by the property, so they must not dominate.
const CHAINS: readonly (readonly [string, fc.Arbitrary<unknown>])[] = [
  ['', value],
  ['contains', listOf(text)],
  ['startswith', listOf(text)],
  ['endswith', listOf(text)],
  ['contains|all', listOf(fc.oneof(text, fc.integer()))],
  ['all', value],
  ['re', listOf(text)],
  ['re|i|m', listOf(text)],
  ['cidr', listOf(fc.oneof(text, fc.constantFrom('10.0.0.0/8', '192.168.1.0/24', 'fe80::/10', '::1/128', '1.2.3.4')))],
  ['windash|contains', listOf(text)],
  ['contains|windash', listOf(text)],
  ['base64offset|contains', listOf(text)],
  ['wide|base64offset|contains', listOf(text)],
  ['utf16|base64', listOf(text)],
  ['utf16be|base64', listOf(text)],
  ['base64', listOf(text)],
  ['exists', fc.boolean()],
  ['fieldref', listOf(field)],
  ['expand', listOf(text)],
  ['gte', listOf(fc.integer())],
  ['lt', listOf(fc.integer())],
  ['neq', listOf(fc.oneof(text, fc.integer()))],
  ['cased', listOf(text)],
  ['cased|contains', listOf(text)],
];
const key = fc.tuple(fc.oneof({ weight: 5, arbitrary: field }, fc.constant('')), fc.array(fc.constantFrom(...MODIFIERS), { maxLength: 3 })).map(([name, mods]) => [name, ...mods].join('|'));
const item = fc.oneof(
  { weight: 30, arbitrary: fc.tuple(fc.oneof({ weight: 6, arbitrary: field }, fc.constant('')), fc.integer({ min: 0, max: CHAINS.length - 1 })).chain(([name, i]) => fc.tuple(fc.constant([name, CHAINS[i]![0]].filter((x, j) => j === 0 || x).join('|')), CHAINS[i]![1])) },
  fc.tuple(key, value),
);
const map = fc.array(item, { minLength: 1, maxLength: 3 }).map((entries) => Object.fromEntries(entries));
const selection = fc.oneof({ weight: 4, arbitrary: map }, fc.array(map, { minLength: 1, maxLength: 3 }), fc.array(scalar, { minLength: 1, maxLength: 3 }), fc.array(fc.oneof(map, scalar), { minLength: 1, maxLength: 3 }));
const NAMES = ['sel', 'sel2', 'filter_a', '_helper', 'keywords'] as const;

const condition = fc.letrec<{ expr: string }>((tie) => ({
  expr: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.constantFrom(...NAMES, '1 of sel*', 'all of sel*', '1 of them', 'all of them', 'any of filter_*'),
    tie('expr').map((e) => `not ${e}`),
    fc.tuple(tie('expr'), fc.constantFrom(' and ', ' or ', ' AND '), tie('expr')).map(([a, op, b]) => a + op + b),
    tie('expr').map((e) => `(${e})`),
  ),
})).expr;
const garbage = fc.string({ unit: fc.constantFrom('(', ')', ' ', 'not', 'and', 'or', 'sel', '*', '1 of', '|', 'count()', '>', '5', 'near'), maxLength: 8 });

const ruleDocument = fc
  .record({
    logsource: fc.constantFrom(
      { product: 'windows', category: 'process_creation' },
      { product: 'windows', service: 'security' },
      { product: 'windows', service: 'powershell' },
      { product: 'windows', service: 'sysmon' },
      { product: 'windows', category: 'registry_set' },
      { product: 'windows', category: 'network_connection' },
      { product: 'windows', category: 'image_load' },
      { product: 'linux' },
    ),
    selections: fc.record(Object.fromEntries(NAMES.map((name) => [name, selection]))),
    conditions: fc.array(fc.oneof({ weight: 10, arbitrary: condition }, garbage), { minLength: 1, maxLength: 2 }),
  })
  .map(({ logsource, selections, conditions }) => ({
    title: 'random rule',
    id: '00000000-0000-0000-0000-0000000000aa',
    logsource,
    detection: { ...selections, condition: conditions.length === 1 ? conditions[0] : conditions },
  }));

describe('Sigma engine properties', () => {
  test('random rules never crash the parser or any target; Lucene outputs parse', { timeout: 60_000 }, () => {
    fc.assert(
      fc.property(ruleDocument, (document) => {
        const yaml = parseYamlText(jsYaml.dump(document), 'random.yml');
        assert.deepEqual(yaml.issues, []);
        const parsed = parseSigmaCollection(yaml.documents);
        if (parsed.issues.some((issue) => issue.severity === 'error')) return;
        for (const spec of SPECS) {
          const result = convertCollection(parsed.rules, spec);
          if (!result.ok || spec.format || !LUCENE_SYNTAX_TARGETS.has(spec.target)) continue;
          for (const query of result.queries) assert.ok(parsesAsLucene(query), `${spec.target} output does not parse: ${query}`);
        }
      }),
      { numRuns: 1000 },
    );
  });

  test('the condition parser rejects or accepts any text without throwing', () => {
    fc.assert(
      fc.property(fc.oneof(condition, garbage, fc.string({ maxLength: 30 })), (text) => {
        const yaml = parseYamlText(jsYaml.dump({ title: 't', logsource: { product: 'x' }, detection: { sel: { A: 1 }, sel2: ['k'], condition: text } }), 'c.yml');
        parseSigmaCollection(yaml.documents);
      }),
      { numRuns: 500 },
    );
  });

  test('the reference probes are accepted by the Lucene parser (the check itself is meaningful)', () => {
    assert.ok(parsesAsLucene('Image:C\\:\\\\Windows\\\\cmd.exe AND (CommandLine:(*\\ \\-ma\\ * OR a\\+b\\=c OR ""))'));
    assert.ok(parsesAsLucene('CommandLine:/^C:\\\\Windows\\\\[a-z]+\\/x\\.exe\\s+"quoted"$/ OR _exists_:A AND NOT (C:>=10)'));
    assert.ok(!parsesAsLucene('A:x/y'));
    assert.ok(!parsesAsLucene('(A:b'));
    assert.ok(!parsesAsLucene('A:"x'));
  });
});
