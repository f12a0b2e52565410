/**
 * The coverage profile exports (layer, CSV, api/ JSON) on the sample knowledge base, from profiles made by
 * hand (tests/helpers/hand-made-profile.ts), so that what is tested is the export, not the computation.
 */
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { parse } from 'csv-parse/sync';
import { DEFAULT_CONFIG } from '../../src/config.ts';
import { PARTIAL_COLOR, type NavigatorLayer } from '../../src/export/navigator-layer.ts';
import { PROFILE_CSV_COLUMNS, profileSummary } from '../../src/export/profile-exports.ts';
import { renderExports } from '../../src/export/render-exports.ts';
import { outputFileSize } from '../../src/present/output-file.ts';
import { loadKnowledgeBase, PROJECT_ROOT, standardFolders } from '../helpers/knowledge-base.ts';
import { handMadeProfile } from '../helpers/hand-made-profile.ts';
import { assertValidLayer } from './layer-schema.ts';

const { kb } = loadKnowledgeBase(standardFolders(PROJECT_ROOT));
const sysmon = handMadeProfile(kb, {
  title: 'Sysmon <everywhere> & "friends"',
  key: 'sysmon',
  dataNeeded: ['DN_0003_1_windows_sysmon_process_creation', 'DN_0004_3_windows_sysmon_network_connection', 'DN_0005_11_windows_sysmon_file_create'],
  enableNext: [{ kind: 'data_needed', name: 'DN_0007_4104_windows_powershell_script_block', newRunnableRules: 2, newTechniques: 1, runnableAfter: 9, techniquesAfter: 8 }],
});
const security = handMadeProfile(kb, { title: '=cmd|calc', key: 'security', dataNeeded: ['DN_0002_4688_windows_process_creation_with_commandline'] });
const render = () => renderExports(kb, new Map(), DEFAULT_CONFIG, [sysmon, security]);
const files = new Map(render().files.map((file) => [file.path, file]));
const text = (path: string): string => {
  const file = files.get(path);
  assert.ok(file, `${path} is written`);
  return file.content;
};

describe('coverage profile exports', () => {
  test('the sample profiles are not trivial: each has runnable rules, and one has partial rules', () => {
    assert.ok(sysmon.counts.runnable > 0 && security.counts.runnable > 0, JSON.stringify([sysmon.counts, security.counts]));
    assert.ok(security.counts.partial > 0, 'DN_0002 lacks some fields of process-creation rules, and the multi-document ntdsutil rule needs Sysmon too');
  });

  test('the layer validates, scores each technique by its runnable rules, and lists partial rules', () => {
    for (const coverage of [sysmon, security]) {
      const layer: NavigatorLayer = JSON.parse(text(`layers/profiles/${coverage.key}.json`));
      assertValidLayer(layer, coverage.key);
      const expected = new Map<string, number>();
      for (const entry of coverage.rules.filter((rule) => rule.status === 'runnable')) {
        for (const technique of kb.ruleLinks.get(entry.rule)!.countedTechniques) expected.set(technique.id, (expected.get(technique.id) ?? 0) + 1);
      }
      const scored = new Map(layer.techniques.filter((entry) => entry.score > 0).map((entry) => [entry.techniqueID, entry.score]));
      assert.deepEqual(scored, expected, `${coverage.key}: score = runnable rules per technique`);
      const partialTitles = coverage.rules.filter((rule) => rule.status === 'partial').map((rule) => rule.rule.title);
      const listed = layer.techniques.flatMap((entry) => entry.metadata.filter((item) => item.name === 'partial rule').map((item) => item.value));
      for (const title of partialTitles) {
        if (kb.ruleLinks.get(coverage.rules.find((rule) => rule.rule.title === title)!.rule)!.countedTechniques.length === 0) continue;
        assert.ok(listed.some((value) => value.startsWith(`${title} (`)), `${coverage.key}: partial rule ${title} is listed`);
      }
      for (const entry of layer.techniques.filter((item) => item.score === 0)) {
        assert.equal(entry.color, PARTIAL_COLOR, `${entry.techniqueID}: a technique with only partial rules is coloured as such`);
        assert.match(entry.comment, /^no runnable rule; partial: \d+ rules?/);
      }
    }
    const securityLayer = JSON.parse(text('layers/profiles/security.json')) as NavigatorLayer;
    assert.ok(securityLayer.techniques.some((entry) => entry.score === 0), 'the Security-only profile has techniques with partial rules only');
    assert.ok(securityLayer.legendItems.some((item) => item.color === PARTIAL_COLOR));
  });

  test('the CSV has one row per considered rule with its status and what it lacks', () => {
    const rows: string[][] = parse(text('profiles/security.csv'), { relaxQuotes: false });
    assert.deepEqual(rows[0], [...PROFILE_CSV_COLUMNS]);
    assert.equal(rows.length - 1, security.rules.length);
    const byFile = new Map(rows.slice(1).map((row) => [row[7], row]));
    for (const entry of security.rules) {
      const row = byFile.get(entry.rule.relativePath)!;
      assert.equal(row[3], entry.status, entry.rule.relativePath);
      const fields = entry.shortfalls.flatMap((shortfall) => (shortfall.kind === 'fields' ? shortfall.fields : []));
      assert.deepEqual(row[5] ? row[5].split('; ') : [], [...new Set(fields)], `${entry.rule.relativePath}: missing fields`);
      if (entry.shortfalls.some((shortfall) => shortfall.kind === 'data-needed')) assert.notEqual(row[4], '', `${entry.rule.relativePath}: names the Data Needed it lacks`);
      if (entry.status === 'runnable') assert.deepEqual(row.slice(4, 7), ['', '', '']);
    }
    assert.ok(rows.some((row) => row[5] !== ''), 'some rule lacks fields');
    assert.ok(rows.some((row) => row[4] !== ''), 'some rule lacks a Data Needed entry');
    const download = files.get('profiles/security.csv')!.download!;
    assert.equal(download.section, 'csv');
    assert.equal(download.count, security.rules.length);
  });

  test('api/profiles.json holds each profile\'s summary (the atc coverage JSON) and api/profiles/<key>.json the rules behind it', () => {
    const bulk = JSON.parse(text('api/profiles.json'));
    assert.equal(bulk.count, 2);
    assert.deepEqual(bulk.profiles, JSON.parse(JSON.stringify([profileSummary(kb, sysmon), profileSummary(kb, security)])));
    const [first] = bulk.profiles;
    assert.equal(first.name, 'Sysmon <everywhere> & "friends"');
    assert.deepEqual(first.rules, { runnable: sysmon.counts.runnable, partial: sysmon.counts.partial, not_runnable: sysmon.counts.notRunnable, considered: sysmon.rules.length });
    assert.equal(first.techniques_covered, sysmon.techniques.length);
    assert.deepEqual(first.enable_next, [{ kind: 'data_needed', name: 'DN_0007_4104_windows_powershell_script_block', new_runnable_rules: 2, new_techniques: 1, runnable_after: 9, techniques_after: 8 }]);
    assert.equal(first.runnable_rules.length, sysmon.counts.runnable);
    const document = JSON.parse(text('api/profiles/sysmon.json'));
    assert.equal(document.kind, 'profile');
    assert.equal(document.url, `/profiles/${sysmon.key}/`, 'the profile page, as every other api/ document links its page');
    assert.equal(document.rule_statuses.length, sysmon.rules.length);
    assert.deepEqual(document.data_needed.map((link: { title: string }) => link.title), sysmon.available.map((entry) => entry.title));
    assert.match(document.data_needed[0].api, /^api\/data-needed\/.+\.json$/);
    const partial = document.rule_statuses.find((rule: { status: string }) => rule.status !== 'runnable');
    assert.ok(partial.shortfalls.length > 0);
    assert.equal(files.get('api/profiles.json')!.download!.section, 'json');
    assert.equal(files.get('layers/profiles/sysmon.json')!.download!.section, 'layers');
  });

  test('deterministic, and nothing at all without profiles', () => {
    const again = render().files.filter((file) => /profiles/.test(file.path));
    assert.ok(again.length >= 7);
    for (const file of again) assert.equal(file.content, files.get(file.path)!.content, file.path);
    const without = renderExports(kb, new Map(), DEFAULT_CONFIG);
    assert.deepEqual(without.files.filter((file) => /profiles/.test(file.path)).map((file) => file.path), []);
    assert.ok(outputFileSize(files.get('api/profiles.json')!) > 0);
  });
});
