import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { parse } from 'csv-parse/sync';
import { ANALYTICS_COLUMNS, RULES_COLUMNS } from '../../src/export/csv-exports.ts';
import { csvField, neutralizeFormula, toCsv } from '../../src/export/csv.ts';
import { formatQuerySectionSpec } from '../../src/config.ts';
import { buildExports, sampleConfig } from './export-helpers.ts';

/** RFC 4180 as csv-parse reads it: no trimming, no type casting, quotes doubled inside quoted fields. */
function parseCsv(text: string): string[][] {
  return parse(text, { bom: false, relax_quotes: false, relax_column_count: false, skip_empty_lines: false, record_delimiter: '\r\n' });
}

const NASTY = [
  '=HYPERLINK("http://evil.example","click")',
  '+1+2',
  '-2+3',
  '@SUM(A1:A2)',
  '\t=1+1',
  '\r=1+1',
  'a, b',
  'say "hi"',
  'two\nlines',
  'cr\r\nlf',
  '',
  ' padded ',
  'ünïcödé ✓',
  "'already quoted",
  'plain',
];

describe('CSV exports', () => {
  test('cells round-trip through a standard CSV parser; formula cells come back with a leading apostrophe', () => {
    const rows = [NASTY, [...NASTY].reverse()];
    const text = toCsv(['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j', 'k', 'l', 'm', 'n', 'o'], rows);
    const parsed = parseCsv(text);
    assert.deepEqual(parsed[0], ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j', 'k', 'l', 'm', 'n', 'o']);
    assert.deepEqual(parsed.slice(1), rows.map((row) => row.map(neutralizeFormula)));
    assert.ok(text.endsWith('\r\n'), 'every record ends in CRLF');
  });

  test('formula injection: cells starting with = + - @ tab or CR are prefixed with an apostrophe, others are not', () => {
    for (const cell of ['=1+1', '+1', '-1', '@A1', '\t=1', '\r=1']) assert.equal(neutralizeFormula(cell), `'${cell}`);
    for (const cell of ['1+1', 'a=b', ' =1', '', "'x", 'SUM(1)']) assert.equal(neutralizeFormula(cell), cell);
    assert.equal(csvField('=1,2'), `"'=1,2"`);
    assert.equal(csvField('say "hi"'), '"say ""hi"""');
    assert.equal(csvField('plain'), 'plain');
  });

  test('analytics.csv and rules.csv of the sample knowledge base parse, with the documented columns and one row per rule × technique × Data Needed × Logging Policy', () => {
    const { build, files } = buildExports(sampleConfig());
    const kb = build.kb;
    const analytics = parseCsv(files.get('analytics.csv')!);
    assert.deepEqual(analytics[0], [...ANALYTICS_COLUMNS]);
    let expected = 0;
    for (const rule of kb.rules) {
      const links = kb.ruleLinks.get(rule)!;
      const policies = links.dataNeeded.length === 0 ? 1 : links.dataNeeded.reduce((total, match) => total + Math.max(1, kb.loggingPoliciesByDataNeeded.get(match.dataNeeded)?.length ?? 0), 0);
      expected += Math.max(1, links.techniques.length) * policies;
    }
    assert.equal(analytics.length - 1, expected);
    const column = (name: (typeof ANALYTICS_COLUMNS)[number]): number => ANALYTICS_COLUMNS.indexOf(name);
    const lsass = analytics.filter((row) => row[column('technique')] === 'T1003.001');
    assert.ok(lsass.length > 0);
    assert.ok(lsass.every((row) => row[column('tactic')] === 'credential-access'));
    assert.ok(analytics.slice(1).every((row) => row.length === ANALYTICS_COLUMNS.length));
    // Every row names a rule of the knowledge base, and Data Needed / Logging Policies that exist.
    for (const row of analytics.slice(1)) {
      assert.ok(kb.rules.some((rule) => rule.title === row[column('rule_title')].replace(/^'/, '')), row[column('rule_title')]);
      if (row[column('data_needed')]) assert.ok(kb.dataNeededByTitle.has(row[column('data_needed')]));
      if (row[column('logging_policy')]) assert.ok(kb.loggingPoliciesByTitle.has(row[column('logging_policy')]));
    }

    const rules = parseCsv(files.get('rules.csv')!);
    assert.deepEqual(rules[0], [...RULES_COLUMNS]);
    assert.equal(rules.length - 1, kb.rules.length);
    const byFile = new Map(rules.slice(1).map((row) => [row[RULES_COLUMNS.indexOf('file')], row]));
    for (const rule of kb.rules) {
      const row = byFile.get(rule.relativePath)!;
      assert.ok(row, rule.relativePath);
      assert.equal(row[RULES_COLUMNS.indexOf('rule_id')], rule.id ?? '');
      const converted = (build.queries.get(rule) ?? []).filter((result) => result.result.ok).map((result) => formatQuerySectionSpec(result.section));
      assert.equal(row[RULES_COLUMNS.indexOf('targets_converted')], converted.join('; '));
      assert.equal(row[RULES_COLUMNS.indexOf('techniques')], kb.ruleLinks.get(rule)!.techniques.map((technique) => technique.id).join('; '));
    }
  });
});
