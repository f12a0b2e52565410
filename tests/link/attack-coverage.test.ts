import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import * as cheerio from 'cheerio';
import { parse as parseCsv } from 'csv-parse/sync';
import { atc } from '../cli/cli-harness.ts';
import { writeCoverageKnowledgeBase } from '../helpers/attack-fixture.ts';
import { loadKnowledgeBase } from '../helpers/knowledge-base.ts';

/**
 * One definition of coverage and gap (src/link/attack-coverage.ts), read by every view. A small knowledge base
 * with every case that made the views disagree before: a technique covered only through a sub-technique, a
 * sub-technique gap under a covered technique, a plain gap, a revoked tag, tactics and techniques newer than
 * the ATT&CK data (provisional), and a test folder for a technique nothing else names.
 */
const root = mkdtempSync(path.join(tmpdir(), 'atc-coverage-'));
const out = path.join(root, 'site');
let build: ReturnType<typeof atc>;

before(() => {
  writeCoverageKnowledgeBase(root);
  build = atc(['build', '--rules', path.join(root, 'rules'), '--triggers', path.join(root, 'triggers'), '--out', out, '--targets', 'es-qs'], root);
});
after(() => rmSync(root, { recursive: true, force: true }));

const page = (relative: string) => cheerio.load(readFileSync(path.join(out, relative, 'index.html'), 'utf8'));
const json = (relative: string) => JSON.parse(readFileSync(path.join(out, relative), 'utf8'));

test('the build succeeds and warns once per unknown tag, not once per rule', () => {
  assert.equal(build.status, 0, build.stdout + build.stderr);
  const printed = build.stdout + build.stderr;
  const warnings = printed.split('\n').filter((line) => / warning unknown-attack-/.test(line));
  assert.equal(warnings.filter((line) => line.includes('"attack.stealth"')).length, 1, warnings.join('\n'));
  assert.match(warnings.find((line) => line.includes('"attack.stealth"'))!, /2 rules tag it/);
  assert.equal(warnings.filter((line) => line.includes('attack.t1685"')).length, 1);
  assert.match(printed, /ATT&CK 18\.1 \(\+ 2 provisional tactics, \d+ provisional techniques\)/);
});

test('the linker keeps every tag: provisional tactics and techniques, named from the content, revoked tags counted under their replacement', () => {
  const { kb } = loadKnowledgeBase({ rules: [path.join(root, 'rules')], triggers: [path.join(root, 'triggers')] });
  const impairment = kb.attack.tactic('defense-impairment')!;
  assert.equal(impairment.name, 'Defense Impairment');
  assert.equal(impairment.origin?.origin, 'provisional');
  const t1685 = kb.attack.technique('T1685')!;
  assert.equal(t1685.name, 'Disable or Modify Tools');
  assert.deepEqual(t1685.tactics, ['defense-impairment']);
  const sub = kb.attack.technique('T1685.001')!;
  assert.equal(sub.parent, 'T1685');
  assert.equal(sub.name, 'Disable or Modify Windows Event Log', 'Atomic Red Team\'s "Parent: " prefix is dropped');
  assert.deepEqual(kb.attack.technique('T1688')!.tactics, [], 'nothing places a technique only a test folder names');
  assert.ok(kb.attack.technique('T1036')!.tactics.includes('stealth'), 'a known technique joins the provisional tactic most of its rules tag');
  for (const rule of kb.rules) {
    const links = kb.ruleLinks.get(rule)!;
    assert.equal(links.tactics.length, 1, `${rule.name}: its tactic tag is kept`);
    assert.equal(links.techniques.length, 1, `${rule.name}: its technique tag is kept`);
    assert.deepEqual(links.otherTags, []);
  }
  const old = kb.rules.find((rule) => rule.name === 'powershell_old')!;
  assert.equal(kb.ruleLinks.get(old)!.techniques[0]!.id, 'T1086', 'shown as written');
  assert.ok(kb.coverage.technique('T1059.001').rules.includes(old), 'and counted under the replacement');
  assert.equal(kb.coverage.technique('T1003').coveredBy, 'sub-techniques');
  assert.deepEqual(kb.coverage.gaps().map((entry) => entry.technique.id), ['T1055', 'T1688']);
  assert.deepEqual(kb.coverage.subTechniqueGaps().map((entry) => entry.technique.id), ['T1003.008']);
});

test('home, matrix, gaps, tactic pages, the whole layer, techniques.csv and api/ report the same coverage and gaps', () => {
  const { kb } = loadKnowledgeBase({ rules: [path.join(root, 'rules')], triggers: [path.join(root, 'triggers')] });
  const { counts } = kb.coverage;
  assert.deepEqual({ gaps: counts.gaps, subTechniqueGaps: counts.subTechniqueGaps }, { gaps: 2, subTechniqueGaps: 1 });

  const home = page('.').text().replace(/\s+/g, ' ');
  assert.ok(home.includes(`${counts.covered} of ${counts.techniques} ATT&CK techniques have at least one rule`), 'home: covered');
  assert.ok(home.includes(`${counts.gaps} have Atomic tests but no rule`), 'home: gaps');
  assert.ok(home.includes(`${counts.subTechniqueGaps} sub-technique of covered techniques`), 'home: sub-technique gaps');

  const matrix = page('matrix');
  const topCells = matrix('.matrix-column > ul > li > a.cell');
  const distinct = (cells: cheerio.Cheerio<any>) => new Set(cells.map((_, cell) => matrix(cell).attr('href')).get());
  assert.equal(distinct(topCells).size, counts.techniques, 'matrix: every technique is a cell somewhere');
  assert.equal(distinct(topCells.filter('.gap')).size, counts.gaps, 'matrix: gap cells');
  assert.equal(distinct(topCells.filter((_, cell) => Number.parseInt(matrix(cell).find('.cell-count').text(), 10) > 0)).size, counts.covered, 'matrix: covered cells');
  const subGapCells = matrix('.matrix-column details a.cell.gap').filter((_, cell) => {
    const parent = matrix(cell).closest('details').parent().children('a.cell');
    return !parent.hasClass('gap');
  });
  assert.equal(distinct(subGapCells).size, counts.subTechniqueGaps, 'matrix: sub-technique gap cells under covered techniques');

  const gaps = page('gaps');
  assert.equal(gaps('#techniques-without-rules').parent().find('ul').first().children('li').length, counts.gaps, 'gaps page: techniques');
  assert.equal(gaps('#sub-techniques-without-rules').next('p').next('ul').children('li').length, counts.subTechniqueGaps, 'gaps page: sub-techniques');
  assert.ok(gaps('p.definition').text().includes('A technique is covered when'), 'the definition is stated');

  for (const tactic of kb.attack.tactics) {
    const tacticPage = page(`tactics/${/^TA/.test(tactic.id) ? tactic.id : tactic.id.toLowerCase()}`);
    const stated = kb.coverage.tactic(tactic);
    assert.ok(tacticPage('.badges').text().includes(`${stated.covered} of ${stated.techniques} techniques have a rule`), `tactic page ${tactic.id}`);
  }

  const layer = json('layers/all.json');
  const gapIds = new Set(layer.techniques.filter((entry: { comment: string }) => entry.comment.startsWith('gap:')).map((entry: { techniqueID: string }) => entry.techniqueID));
  assert.equal(gapIds.size, counts.gaps + counts.subTechniqueGaps, 'layer: gap entries');
  const meta = Object.fromEntries(layer.metadata.map((entry: { name: string; value: string }) => [entry.name, entry.value]));
  assert.equal(meta['covered techniques'], `${counts.covered} of ${counts.techniques}`);
  assert.equal(meta.gaps, `${counts.gaps} techniques, ${counts.subTechniqueGaps} sub-techniques of covered techniques`);

  const rows: Array<Record<string, string>> = parseCsv(readFileSync(path.join(out, 'techniques.csv')), { columns: true });
  const topLevel = rows.filter((row) => row.parent === '' && row.origin !== 'revoked' && row.origin !== 'deprecated');
  assert.equal(topLevel.length, counts.techniques, 'csv: techniques');
  assert.equal(topLevel.filter((row) => row.covered === 'yes').length, counts.covered, 'csv: covered');
  assert.equal(topLevel.filter((row) => row.gap === 'yes').length, counts.gaps, 'csv: gaps');

  const api = json('api/techniques.json');
  assert.deepEqual(api.coverage, { covered: counts.covered, gaps: counts.gaps, sub_technique_gaps: counts.subTechniqueGaps, techniques: counts.techniques });
  assert.equal(api.techniques.filter((technique: { coverage: { gap: boolean }; id: string }) => technique.coverage.gap && !technique.id.includes('.')).length, counts.gaps, 'api: gap flags');
  assert.equal(api.attack.provisional_tactics, 2);
});

test('provisional entities appear where known ones do, marked as not in the bundled ATT&CK', () => {
  const trigger = page('triggers/T1685');
  assert.equal(trigger('ul.rule-list').first().children('li').length, 2, '/triggers/T1685/ lists the rules tagging T1685 or T1685.001, as its technique page counts them');
  const technique = page('techniques/T1685');
  assert.match(technique('.banner.provisional').first().text(), /not in ATT&CK 18\.1 bundled with this build/i);
  assert.ok(technique('#T1685\\.001').length === 1, 'its sub-technique is a section');
  const tactic = page('tactics/defense-impairment');
  assert.match(tactic('h1').text(), /^Defense Impairment$/);
  assert.match(tactic('.banner.provisional').text(), /made from the tag attack\.defense-impairment/);
  const rules = json('api/rules.json').rules as Array<{ tactics: Array<{ id: string; origin?: string }>; techniques: Array<{ id: string; origin?: string }> }>;
  assert.ok(rules.some((item) => item.tactics.some((t) => t.id === 'defense-impairment' && t.origin === 'provisional')));
  assert.ok(rules.some((item) => item.techniques.some((t) => t.id === 'T1685.001' && t.origin === 'provisional')));
  const markdown = readFileSync(path.join(out, 'markdown/Detection_Rules/disable_tools.md'), 'utf8');
  assert.match(markdown, /Defense Impairment \(provisional\)/);
  assert.match(markdown, /T1685: Disable or Modify Tools\]\([^)]*\) \(provisional\)/);
});

test('an overlay naming TA0112 "Defense Impairment" moves the provisional tactic to that id on every page', () => {
  const overlaid = mkdtempSync(path.join(tmpdir(), 'atc-coverage-overlay-'));
  try {
    writeCoverageKnowledgeBase(overlaid);
    writeFileSync(
      path.join(overlaid, 'overlay.yml'),
      ['tactics:', '  - id: TA0112', '    shortname: defense-impairment', '    name: Defense Impairment', '    after: defense-evasion', ''].join('\n'),
    );
    writeFileSync(path.join(overlaid, 'atc.config.yml'), ['rules: rules', 'triggers: triggers', 'output: site', 'queries: [es-qs]', 'attack:', '  overlay: overlay.yml', ''].join('\n'));
    const result = atc(['build'], overlaid);
    assert.equal(result.status, 0, result.stdout + result.stderr);
    const printed = result.stdout + result.stderr;
    assert.doesNotMatch(printed, /unknown-attack-tactic .*defense-impairment/, 'the tag is known now');
    assert.match(printed, /"attack\.stealth" is not a tactic/, 'the other provisional tactic stays provisional');
    const site = path.join(overlaid, 'site');
    const tactic = cheerio.load(readFileSync(path.join(site, 'tactics/TA0112/index.html'), 'utf8'));
    assert.equal(tactic('h1').text(), 'TA0112: Defense Impairment');
    assert.equal(tactic('.banner.provisional').first().text().includes('From the ATT&CK overlay'), true);
    assert.equal(tactic('ul.rule-list').last().children('li').length, 2, 'both rules tagged attack.defense-impairment');
    const stub = readFileSync(path.join(site, 'tactics/defense-impairment/index.html'), 'utf8');
    assert.match(stub, /tactics\/TA0112\//, 'the provisional address leads to the new one');
    const matrix = cheerio.load(readFileSync(path.join(site, 'matrix/index.html'), 'utf8'));
    const columns = matrix('.matrix-column h2 a').map((_, anchor) => matrix(anchor).attr('href')).get();
    assert.equal(columns[columns.indexOf('/tactics/TA0005/') + 1], '/tactics/TA0112/', 'its column follows Defense Evasion');
    const rules = JSON.parse(readFileSync(path.join(site, 'api/rules.json'), 'utf8')).rules as Array<{ title: string; tactics: Array<{ id: string; origin?: string }> }>;
    const tools = rules.find((item) => item.title === 'disable_tools')!;
    assert.deepEqual(tools.tactics.map((item) => [item.id, item.origin]), [['TA0112', 'overlay']]);
    assert.match(readFileSync(path.join(site, 'markdown/Detection_Rules/disable_tools.md'), 'utf8'), /\[TA0112: Defense Impairment\]\(https:\/\/attack\.mitre\.org\/tactics\/TA0112\)/);
    const api = JSON.parse(readFileSync(path.join(site, 'api/techniques.json'), 'utf8'));
    assert.equal(api.attack.overlay_tactics, 1);
    assert.equal(api.attack.provisional_tactics, 1);
  } finally {
    rmSync(overlaid, { recursive: true, force: true });
  }
});
