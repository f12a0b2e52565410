/**
 * `attack:` in atc.config.yml: the overlay file and the STIX bundle, read through the real config loader
 * and loadAttackData (what src/build.ts calls), and linked with the real linker.
 */
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { truncateSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { linkKnowledgeBase } from '../../src/link/link-knowledge-base.ts';
import { loadAttackData, MAX_STIX_BYTES } from '../../src/load/load-attack.ts';
import { loadConfig } from '../../src/load/load-config.ts';
import { loadDetectionRules } from '../../src/load/load-detection-rules.ts';
import { issueText, type Issue } from '../../src/model/issue.ts';
import { CORPUS, describeIssues, FIXTURES, skipUnlessExists } from '../helpers/knowledge-base.ts';
import { IMPAIRING_RULE } from '../helpers/attack-overlay-rule.ts';
import { writeTempTree } from '../helpers/temp-files.ts';

type TestContext = { after: (fn: () => void) => void };

const SMALL_BUNDLE = path.join(FIXTURES, 'attack/small-bundle.json');
const SHARED_BUNDLE = path.join(CORPUS, 'attack/enterprise-attack-18.1.json');

const OVERLAY = `tactics:
  - id: TA0112
    shortname: defense-impairment
    name: Defense Impairment
    after: defense-evasion
    description: Adversaries disable or weaken defenses.
  - id: TA0005
    shortname: stealth
    name: Stealth
techniques:
  - id: T1685.001
    name: Disable Sysmon
  - id: T1685
    name: Disable or Modify Tools
    tactics: [TA0112]
  - id: T1562.001
    tactics: [defense-impairment, stealth]
`;

/** A folder with atc.config.yml and `files`; returns the config, its issues, and the ATT&CK data it names. */
function configured(t: TestContext, config: string, files: Readonly<Record<string, string>> = {}) {
  const root = writeTempTree(t, { 'atc.config.yml': config, ...files });
  const loaded = loadConfig({}, root);
  const attack = loadAttackData(loaded.config.attack);
  return { root, config: loaded.config, configIssues: loaded.issues, attack };
}

/** `line:col severity code message` of each issue, without the file. */
const located = (issues: readonly Issue[]): string[] => issues.map((issue) => issueText(issue).replace(/^[^:]*:/, ''));

describe('ATT&CK overlay', () => {
  test('a valid overlay adds TA0112 in the column after Defense Evasion, renames a tactic, and names and places techniques', (t) => {
    const { attack, configIssues } = configured(t, 'attack:\n  overlay: attack/overlay.yml\n', { 'attack/overlay.yml': OVERLAY });
    assert.deepEqual([...configIssues, ...attack.issues], [], describeIssues([...configIssues, ...attack.issues]));
    const catalog = attack.catalog;
    const columns = catalog.tactics.map((tactic) => tactic.id);
    assert.equal(columns.indexOf('TA0112'), columns.indexOf('TA0005') + 1, columns.join(' '));
    const impairment = catalog.tactic('defense-impairment')!;
    assert.deepEqual(
      { id: impairment.id, name: impairment.name, description: impairment.description, origin: impairment.origin },
      {
        id: 'TA0112',
        name: 'Defense Impairment',
        description: 'Adversaries disable or weaken defenses.',
        origin: { origin: 'overlay', reason: 'named in attack/overlay.yml (not in ATT&CK 18.1)' },
      },
    );
    // The renamed tactic keeps its column, and rules written with its old shortname still reach it.
    assert.equal(catalog.tactic('defense-evasion')?.name, 'Stealth');
    assert.equal(catalog.tactic('stealth')?.id, 'TA0005');
    assert.equal(catalog.tactic('TA0005')?.origin, undefined, 'a tactic the data has is not an overlay one');

    const tools = catalog.technique('T1685')!;
    assert.deepEqual([tools.name, tools.tactics, tools.parent, tools.origin?.origin], ['Disable or Modify Tools', ['defense-impairment'], null, 'overlay']);
    const sysmon = catalog.technique('T1685.001')!;
    assert.deepEqual([sysmon.name, sysmon.tactics, sysmon.parent], ['Disable Sysmon', ['defense-impairment'], 'T1685'], 'a sub-technique takes its parent from the id and its tactics from the parent');
    assert.deepEqual(catalog.subTechniquesOf('T1685').map((sub) => sub.id), ['T1685.001']);
    const disable = catalog.technique('T1562.001')!;
    assert.deepEqual(disable.tactics, ['stealth', 'defense-impairment'], 'placement in matrix order, whatever the order written');
    assert.equal(disable.name, 'Disable or Modify Tools', 'a technique the data has keeps what the overlay does not restate');
    assert.equal(disable.origin, undefined);
    assert.deepEqual(attack.source, { overlay: 'attack/overlay.yml' });
  });

  test('rules tagged attack.defense-impairment get tactic TA0112 through the linker', (t) => {
    const { root, attack } = configured(t, 'attack:\n  overlay: overlay.yml\n', { 'overlay.yml': OVERLAY, 'rules/impair.yml': IMPAIRING_RULE });
    const rules = loadDetectionRules([path.join(root, 'rules')], root);
    const linked = linkKnowledgeBase({ attack: attack.catalog, rules: rules.items, dataNeeded: [], loggingPolicies: [], enrichments: [], triggers: [] });
    const links = linked.kb.ruleLinks.get(linked.kb.rules[0]!)!;
    assert.deepEqual(links.tactics.map((tactic) => tactic.id), ['TA0112']);
    assert.deepEqual(links.techniques.map((technique) => technique.id), ['T1685.001']);
    assert.deepEqual(linked.issues.filter((issue) => issue.code.startsWith('unknown-attack')), [], describeIssues(linked.issues));
  });

  // Each invalid form: the overlay text, then `line:col severity code` and a piece of the message.
  const INVALID_OVERLAYS: ReadonlyArray<[string, string, string, RegExp]> = [
    ['not a mapping', '- TA0112\n', '1:1 error field-type', /expected a file of ATT&CK tactics and techniques/],
    ['empty', '# nothing yet\n', '1:1 error yaml-empty', /empty overlay/],
    ['unknown top-level key', 'tactic:\n  - id: TA0112\n', '1:1 warning field-unknown', /unknown key "tactic"/],
    ['tactics not a list', 'tactics: TA0112\n', '1:10 error field-type', /"tactics" must be a list/],
    ['tactic id not TA and four digits', 'tactics:\n  - id: TA112\n    shortname: impair\n    name: Impair\n', '2:9 error field-value', /TA0112/],
    ['new tactic without shortname', 'tactics:\n  - id: TA0112\n    name: Defense Impairment\n', '2:5 error field-missing', /"shortname"/],
    ['new tactic without name', 'tactics:\n  - id: TA0112\n    shortname: defense-impairment\n', '2:5 error field-missing', /"name"/],
    ['shortname not lower-case words with hyphens', 'tactics:\n  - id: TA0112\n    shortname: Defense_Impairment\n    name: Defense Impairment\n', '3:16 error field-value', /lower-case words/],
    ['shortname of another tactic', 'tactics:\n  - id: TA0112\n    shortname: defense-evasion\n    name: Defense Impairment\n', '3:16 error field-value', /already tactic TA0005/],
    ['after an unknown tactic', 'tactics:\n  - id: TA0112\n    shortname: defense-impairment\n    name: Defense Impairment\n    after: stealthiness\n', '5:12 error field-value', /no tactic "stealthiness"/],
    ['after itself', 'tactics:\n  - id: TA0005\n    after: defense-evasion\n', '3:12 error field-value', /cannot follow itself/],
    ['a tactic listed twice', 'tactics:\n  - {id: TA0112, shortname: defense-impairment, name: Defense Impairment}\n  - {id: ta0112, shortname: impairment, name: Impairment}\n', '3:10 error duplicate-id', /listed twice/],
    ['unknown key in a tactic', 'tactics:\n  - id: TA0112\n    shortname: defense-impairment\n    name: Defense Impairment\n    colour: red\n', '5:5 warning field-unknown', /"colour"/],
    ['a name over two lines', 'tactics:\n  - id: TA0112\n    shortname: defense-impairment\n    name: "Defense\\nImpairment"\n', '4:11 error field-value', /one line/],
    ['technique id not T and four digits', 'techniques:\n  - id: T16850\n    name: Tools\n    tactics: [execution]\n', '2:9 error field-value', /T1685 or T1685\.001/],
    ['sub-technique without a parent anywhere', 'techniques:\n  - id: T1999.001\n    name: Orphan\n', '2:9 error field-value', /sub-technique of T1999, which is neither/],
    ['technique placed in an unknown tactic', 'techniques:\n  - id: T1685\n    name: Disable or Modify Tools\n    tactics: [execution, defense-impairment]\n', '4:26 error field-value', /no tactic "defense-impairment"/],
    ['new technique without tactics', 'techniques:\n  - id: T1685\n    name: Disable or Modify Tools\n', '2:5 error field-missing', /"tactics"/],
    ['technique tactics with an item that is not text', 'techniques:\n  - id: T1685\n    name: Disable or Modify Tools\n    tactics: [{id: TA0005}, nowhere]\n', '4:15 error field-type', /"tactics\[0\]" must be text/],
    ['technique tactics empty', 'techniques:\n  - id: T1685\n    name: Disable or Modify Tools\n    tactics: []\n', '4:14 error field-value', /at least one/],
    ['technique name not text', 'techniques:\n  - id: T1685\n    name: [Disable, Tools]\n    tactics: [execution]\n', '3:11 error field-type', /"name" must be text/],
    ['a technique listed twice', 'techniques:\n  - {id: T1685, name: A, tactics: [execution]}\n  - {id: t1685, name: B, tactics: [execution]}\n', '3:10 error duplicate-id', /listed twice/],
    ['two YAML documents', 'tactics: []\n---\ntechniques: []\n', '3:1 error config-invalid', /one YAML document/],
  ];

  for (const [what, text, expected, message] of INVALID_OVERLAYS) {
    test(`invalid overlay: ${what} → ${expected}`, (t) => {
      const { attack } = configured(t, 'attack:\n  overlay: overlay.yml\n', { 'overlay.yml': text });
      assert.equal(attack.issues.length, 1, describeIssues(attack.issues));
      const [issue] = attack.issues;
      assert.equal(issue!.file, 'overlay.yml');
      assert.ok(located(attack.issues)[0]!.startsWith(`${expected} `), describeIssues(attack.issues));
      assert.match(issue!.message, message);
    });
  }

  test('an entry with an error is left out; the file\'s other entries still apply', (t) => {
    const overlay = 'tactics:\n  - {id: TA0112, shortname: Bad_Name, name: X}\n  - {id: TA0113, shortname: defense-impairment, name: Defense Impairment}\n';
    const { attack } = configured(t, 'attack:\n  overlay: overlay.yml\n', { 'overlay.yml': overlay });
    assert.deepEqual(located(attack.issues).map((line) => line.split(' ').slice(0, 3).join(' ')), ['2:29 error field-value']);
    assert.equal(attack.catalog.tactic('TA0112'), undefined);
    assert.equal(attack.catalog.tactic('defense-impairment')?.id, 'TA0113');
  });

  test('an overlay moves a tactic the data has when it says after which one', (t) => {
    const { attack } = configured(t, 'attack:\n  overlay: overlay.yml\n', { 'overlay.yml': 'tactics:\n  - id: TA0040\n    after: TA0001\n' });
    assert.deepEqual(attack.issues, []);
    const columns = attack.catalog.tactics.map((tactic) => tactic.id);
    assert.equal(columns.indexOf('TA0040'), columns.indexOf('TA0001') + 1, columns.join(' '));
    assert.equal(columns.length, new Set(columns).size);
    assert.equal(attack.catalog.tactic('TA0040')?.name, 'Impact');
  });
});

describe('attack: in atc.config.yml', () => {
  const INVALID_SETTINGS: ReadonlyArray<[string, string, Readonly<Record<string, string>>, string, RegExp]> = [
    ['not a mapping', 'attack: overlay.yml\n', {}, '1:9 error config-invalid', /must be a mapping/],
    ['unknown key', 'attack:\n  overlays: overlay.yml\n', {}, '2:3 error config-invalid', /unknown key "overlays"/],
    ['overlay missing', 'attack:\n  overlay: missing.yml\n', {}, '2:12 error input-missing', /no file "missing\.yml"/],
    ['overlay a folder', 'attack:\n  overlay: attack\n', { 'attack/x.yml': '' }, '2:12 error config-invalid', /is not a file$/],
    ['bundle not a path', 'attack:\n  bundle: [a.json]\n', {}, '2:11 error config-invalid', /must be a path/],
    ['bundle missing', 'attack:\n  bundle: enterprise-attack.json\n', {}, '2:11 error input-missing', /no file/],
    ['version as a number', `attack:\n  bundle: ${JSON.stringify(SMALL_BUNDLE)}\n  version: 19.0\n`, {}, '3:12 error config-invalid', /in quotes/],
    ['version not a version', `attack:\n  bundle: ${JSON.stringify(SMALL_BUNDLE)}\n  version: latest\n`, {}, '3:12 error config-invalid', /version number/],
    ['version without a bundle', 'attack:\n  version: "19.0"\n', {}, '2:12 error config-invalid', /no.*bundle|there is none/],
  ];
  for (const [what, config, files, expected, message] of INVALID_SETTINGS) {
    test(`invalid setting: ${what} → ${expected}`, (t) => {
      const { configIssues } = configured(t, config, files);
      assert.equal(configIssues.length, 1, describeIssues(configIssues));
      assert.equal(configIssues[0]!.file, 'atc.config.yml');
      assert.ok(located(configIssues)[0]!.startsWith(`${expected} `), describeIssues(configIssues));
      assert.match(configIssues[0]!.message, message);
    });
  }

  // Read with the knowledge base: the issue points at the key that names the file, and the committed
  // snapshot stands in so the rest is still checked.
  const UNUSABLE_BUNDLES: ReadonlyArray<[string, string, RegExp]> = [
    ['not JSON', 'enterprise-attack 19.0\n', /not valid JSON/],
    ['JSON but not STIX', '{"hello": "world"}', /not a STIX object/],
    ['STIX but not ATT&CK', '{"type": "bundle", "id": "bundle--1", "objects": [{"type": "indicator", "id": "indicator--1"}]}', /exactly one x-mitre-matrix/],
  ];
  for (const [what, text, message] of UNUSABLE_BUNDLES) {
    test(`a bundle that is ${what} is a config-invalid error at attack.bundle`, (t) => {
      const { attack } = configured(t, 'attack:\n  bundle: bundle.json\n', { 'bundle.json': text });
      assert.deepEqual(located(attack.issues).map((line) => line.split(' ').slice(0, 3).join(' ')), ['2:11 error config-invalid'], describeIssues(attack.issues));
      assert.equal(attack.issues[0]!.file, 'atc.config.yml');
      assert.match(attack.issues[0]!.message, message);
      assert.equal(attack.catalog.version, '18.1');
      assert.equal(attack.source.bundle, undefined, 'the summary names the data actually used');
    });
  }

  test('a bundle over the size limit is refused unread', (t) => {
    const root = writeTempTree(t, { 'atc.config.yml': 'attack:\n  bundle: huge.json\n' });
    // A sparse file: its size is over the limit without writing 200 MiB.
    writeFileSync(path.join(root, 'huge.json'), '');
    truncateSync(path.join(root, 'huge.json'), MAX_STIX_BYTES + 1);
    const attack = loadAttackData(loadConfig({}, root).config.attack);
    assert.deepEqual(located(attack.issues), [`2:11 error config-invalid attack.bundle: huge.json is ${MAX_STIX_BYTES + 1} bytes; the limit is ${MAX_STIX_BYTES}`]);
  });

  test('a small hand-made STIX bundle replaces the committed snapshot; version overrides its own', (t) => {
    const { attack } = configured(t, `attack:\n  bundle: ${JSON.stringify(SMALL_BUNDLE)}\n`);
    assert.deepEqual(attack.issues, []);
    assert.equal(attack.catalog.version, '97.3');
    assert.deepEqual(attack.catalog.tactics.map((tactic) => `${tactic.id} ${tactic.shortname}`), ['TA0002 execution', 'TA0005 stealth', 'TA0112 defense-impairment']);
    assert.equal(attack.catalog.technique('T1685')?.name, 'Disable or Modify Tools');
    assert.equal(attack.catalog.technique('T1003'), undefined, 'nothing of the committed snapshot is mixed in');
    assert.ok(attack.source.bundle?.endsWith('small-bundle.json'));
    const overridden = configured(t, `attack:\n  bundle: ${JSON.stringify(SMALL_BUNDLE)}\n  version: "97.4"\n`).attack;
    assert.equal(overridden.catalog.version, '97.4');
  });

  test('an overlay applies on top of a bundle, and names the bundle\'s version', (t) => {
    const overlay = 'techniques:\n  - id: T1690\n    name: Newer Still\n    tactics: [stealth]\n';
    const { attack } = configured(t, `attack:\n  bundle: ${JSON.stringify(SMALL_BUNDLE)}\n  overlay: overlay.yml\n`, { 'overlay.yml': overlay });
    assert.deepEqual(attack.issues, []);
    assert.equal(attack.catalog.technique('T1690')?.origin?.reason, 'named in overlay.yml (not in ATT&CK 97.3)');
  });

  test('the ATT&CK 18.1 bundle of ../shared converts in-process to the committed snapshot\'s catalog', { skip: skipUnlessExists('the ATT&CK bundle test', SHARED_BUNDLE) }, (t) => {
    const started = performance.now();
    // The corpus bundle carries no x-mitre-collection object, so its version is given.
    const { attack } = configured(t, `attack:\n  bundle: ${JSON.stringify(SHARED_BUNDLE)}\n  version: "18.1"\n`);
    const seconds = (performance.now() - started) / 1000;
    t.diagnostic(`reading and converting ${path.basename(SHARED_BUNDLE)} took ${seconds.toFixed(2)} s`);
    assert.deepEqual(attack.issues, []);
    const committed = loadAttackData().catalog;
    assert.equal(attack.catalog.version, committed.version);
    assert.deepEqual(attack.catalog.tactics.map((tactic) => tactic.id), committed.tactics.map((tactic) => tactic.id));
    assert.deepEqual(attack.catalog.techniques.map((technique) => `${technique.id} ${technique.name}`), committed.techniques.map((technique) => `${technique.id} ${technique.name}`));
  });
});
