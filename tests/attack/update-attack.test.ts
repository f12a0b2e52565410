import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const SCRIPT = join(ROOT, 'scripts/update-attack.ts');
const COMMITTED = join(ROOT, 'src/attack/enterprise-attack.json');
const CORPUS = join(ROOT, '../shared/corpus/attack/enterprise-attack');
const CORPUS_VERSION = '18.1';

const work = mkdtempSync(join(tmpdir(), 'update-attack-'));
after(() => rmSync(work, { recursive: true, force: true }));

function run(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, ['--import', 'tsx', SCRIPT, ...args], { cwd: ROOT, encoding: 'utf8' });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

function writeJson(path: string, value: unknown): string {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, JSON.stringify(value, null, 2));
  return path;
}

const mitre = (id: string) => [{ source_name: 'mitre-attack', external_id: id, url: `https://attack.mitre.org/x/${id}` }];
const phases = (...names: string[]) => names.map((phase_name) => ({ kill_chain_name: 'mitre-attack', phase_name }));
const MODIFIED = '2025-10-24T17:48:19.059Z';

function tactic(uuid: string, id: string, name: string, shortname: string) {
  return { type: 'x-mitre-tactic', id: `x-mitre-tactic--${uuid}`, modified: MODIFIED, name, x_mitre_shortname: shortname, external_references: mitre(id) };
}

function pattern(uuid: string, id: string, name: string, extra: Record<string, unknown> = {}) {
  return { type: 'attack-pattern', id: `attack-pattern--${uuid}`, modified: MODIFIED, name, external_references: mitre(id), ...extra };
}

/** A miniature Enterprise ATT&CK: three tactics, a revocation with its relationship, a deprecation, and noise to skip. */
function tinyObjects(): Record<string, unknown>[] {
  return [
    { type: 'x-mitre-collection', id: 'x-mitre-collection--1', name: 'Enterprise ATT&CK', x_mitre_version: '18.1' },
    {
      type: 'x-mitre-matrix',
      id: 'x-mitre-matrix--1',
      name: 'Enterprise ATT&CK',
      external_references: mitre('enterprise-attack'),
      tactic_refs: ['x-mitre-tactic--c', 'x-mitre-tactic--a', 'x-mitre-tactic--b'],
    },
    tactic('a', 'TA0004', 'Privilege Escalation', 'privilege-escalation'),
    tactic('b', 'TA0005', 'Defense Evasion', 'defense-evasion'),
    tactic('c', 'TA0002', 'Execution', 'execution'),
    pattern('t1036-001', 'T1036.001', 'Invalid Code Signature', {
      kill_chain_phases: phases('defense-evasion'),
      x_mitre_platforms: ['macOS', 'Windows'],
      x_mitre_is_subtechnique: true,
      description: 'long prose that must not reach the snapshot',
    }),
    pattern('t1036', 'T1036', 'Masquerading', {
      kill_chain_phases: phases('defense-evasion'),
      x_mitre_platforms: ['Windows', 'Linux', 'macOS'],
      x_mitre_deprecated: false,
    }),
    // An older version of the same object, which must lose to the newer one.
    { ...pattern('t1036', 'T1036', 'Masquerading (old name)'), modified: '2019-01-01T00:00:00.000Z' },
    pattern('t1055', 'T1055', 'Process Injection', {
      kill_chain_phases: [...phases('privilege-escalation', 'defense-evasion'), { kill_chain_name: 'other-chain', phase_name: 'x' }],
      x_mitre_platforms: ['Windows'],
    }),
    pattern('t1055-012', 'T1055.012', 'Process Hollowing', { kill_chain_phases: phases('defense-evasion', 'privilege-escalation') }),
    pattern('t1093', 'T1093', 'Process Hollowing', { revoked: true, kill_chain_phases: phases('defense-evasion') }),
    pattern('t1064', 'T1064', 'Scripting', { x_mitre_deprecated: true, revoked: false, kill_chain_phases: phases('execution', 'defense-evasion') }),
    { type: 'attack-pattern', id: 'attack-pattern--capec', name: 'CAPEC only', external_references: [{ source_name: 'capec', external_id: 'CAPEC-1' }] },
    { type: 'relationship', id: 'relationship--1', relationship_type: 'revoked-by', source_ref: 'attack-pattern--t1093', target_ref: 'attack-pattern--t1055-012' },
    { type: 'relationship', id: 'relationship--2', relationship_type: 'subtechnique-of', source_ref: 'attack-pattern--t1055-012', target_ref: 'attack-pattern--t1055' },
    { type: 'course-of-action', id: 'course-of-action--1', name: 'Code Signing', external_references: mitre('M1045') },
    { type: 'intrusion-set', id: 'intrusion-set--1', name: 'APT28', external_references: mitre('G0007') },
  ];
}

const TINY_EXPECTED = `{
  "attackVersion": "18.1",
  "domain": "enterprise-attack",
  "tactics": [
    {"id":"TA0002","name":"Execution","shortname":"execution"},
    {"id":"TA0004","name":"Privilege Escalation","shortname":"privilege-escalation"},
    {"id":"TA0005","name":"Defense Evasion","shortname":"defense-evasion"}
  ],
  "techniques": [
    {"id":"T1036","name":"Masquerading","tactics":["defense-evasion"],"parent":null,"deprecated":false,"revoked":false,"revokedBy":null,"platforms":["Linux","Windows","macOS"]},
    {"id":"T1036.001","name":"Invalid Code Signature","tactics":["defense-evasion"],"parent":"T1036","deprecated":false,"revoked":false,"revokedBy":null,"platforms":["Windows","macOS"]},
    {"id":"T1055","name":"Process Injection","tactics":["privilege-escalation","defense-evasion"],"parent":null,"deprecated":false,"revoked":false,"revokedBy":null,"platforms":["Windows"]},
    {"id":"T1055.012","name":"Process Hollowing","tactics":["privilege-escalation","defense-evasion"],"parent":"T1055","deprecated":false,"revoked":false,"revokedBy":null},
    {"id":"T1064","name":"Scripting","tactics":["execution","defense-evasion"],"parent":null,"deprecated":true,"revoked":false,"revokedBy":null},
    {"id":"T1093","name":"Process Hollowing","tactics":["defense-evasion"],"parent":null,"deprecated":false,"revoked":true,"revokedBy":"T1055.012"}
  ]
}
`;

test('a bundle gives the exact expected snapshot', () => {
  const input = writeJson(join(work, 'bundle/enterprise-attack.json'), { type: 'bundle', id: 'bundle--1', objects: tinyObjects() });
  const out = join(work, 'bundle/snapshot.json');
  const result = run(input, '--out', out);
  assert.equal(result.status, 0, result.stderr);
  assert.equal(readFileSync(out, 'utf8'), TINY_EXPECTED);
  assert.match(result.stdout, /ATT&CK 18\.1 enterprise-attack, 3 tactics, 6 techniques \(2 sub-techniques, 1 revoked, 1 deprecated\)/);
  assert.match(result.stderr, /skipped 1 attack-pattern objects without a mitre-attack external id/);
});

test('a directory of one-object files, bare or wrapped in bundles, gives the same bytes', () => {
  const dir = join(work, 'tree');
  tinyObjects()
    .reverse()
    .forEach((object, index) => {
      const file = join(dir, String(object.type), `${String(object.id)}-${index}.json`);
      writeJson(file, index % 2 === 0 ? object : { type: 'bundle', id: `bundle--${index}`, spec_version: '2.0', objects: [object] });
    });
  writeFileSync(join(dir, 'README.md'), 'not JSON, not read');
  const out = join(work, 'tree-snapshot.json');
  const result = run(dir, '--out', out);
  assert.equal(result.status, 0, result.stderr);
  assert.equal(readFileSync(out, 'utf8'), TINY_EXPECTED);
});

test('without a collection object the version must be given, and revokedBy stays null without relationships', () => {
  const objects = tinyObjects().filter((o) => o.type !== 'x-mitre-collection' && o.type !== 'relationship');
  const input = writeJson(join(work, 'no-collection.json'), { type: 'bundle', id: 'bundle--1', objects });
  const out = join(work, 'no-collection-snapshot.json');

  const refused = run(input, '--out', out);
  assert.equal(refused.status, 1);
  assert.match(refused.stderr, /^update-attack: cannot tell the ATT&CK version.*pass --version/);
  assert.equal(existsSync(out), false);

  const result = run(input, '--out', out, '--version', '17.0');
  assert.equal(result.status, 0, result.stderr);
  const snapshot = JSON.parse(readFileSync(out, 'utf8'));
  assert.equal(snapshot.attackVersion, '17.0');
  const hollowing = snapshot.techniques.find((t: { id: string }) => t.id === 'T1093');
  assert.deepEqual([hollowing.revoked, hollowing.revokedBy], [true, null]);
  assert.match(result.stderr, /1 revoked techniques have no revoked-by relationship/);
});

test('--version overrides the collection and says so', () => {
  const input = writeJson(join(work, 'override.json'), { type: 'bundle', id: 'bundle--1', objects: tinyObjects() });
  const out = join(work, 'override-snapshot.json');
  const result = run(input, '--out', out, '--version', '18.0');
  assert.equal(result.status, 0, result.stderr);
  assert.equal(JSON.parse(readFileSync(out, 'utf8')).attackVersion, '18.0');
  assert.match(result.stderr, /--version 18\.0 overrides the collection's version 18\.1/);
});

test('malformed input is one clear line on stderr and exit code 1, never a stack trace', () => {
  const objects = tinyObjects();
  const withoutTactic = objects.filter((o) => o.id !== 'x-mitre-tactic--b');
  const cases: { name: string; args: string[]; message: RegExp }[] = [
    { name: 'no arguments', args: [], message: /expected one input path, got 0/ },
    { name: 'unknown option', args: ['x.json', '--bogus'], message: /Unknown option '--bogus'/ },
    { name: 'missing input', args: [join(work, 'nope.json')], message: /input not found: .*nope\.json/ },
    { name: 'invalid JSON', args: [writeFileAt('broken.json', '{"type": "bundle", "objects": [')], message: /broken\.json: not valid JSON/ },
    { name: 'bundle without objects', args: [writeJson(join(work, 'empty-bundle.json'), { type: 'bundle', id: 'bundle--1' })], message: /bundle has no "objects" array/ },
    {
      name: 'object without type',
      args: [writeJson(join(work, 'untyped.json'), { type: 'bundle', objects: [{ id: 'x--1' }] })],
      message: /untyped\.json: objects\[0\]: not a STIX object/,
    },
    { name: 'no matrix', args: [writeJson(join(work, 'no-matrix.json'), { type: 'bundle', objects: objects.filter((o) => o.type !== 'x-mitre-matrix') })], message: /expected exactly one x-mitre-matrix object, found 0/ },
    { name: 'dangling tactic_refs', args: [writeJson(join(work, 'no-tactic.json'), { type: 'bundle', objects: withoutTactic })], message: /tactic_refs names x-mitre-tactic--b, which is not an x-mitre-tactic/ },
    {
      name: 'technique without a name',
      args: [writeJson(join(work, 'nameless.json'), { type: 'bundle', objects: [...objects, pattern('t1', 'T1001', '')] })],
      message: /attack-pattern attack-pattern--t1 has no string "name"/,
    },
    { name: 'bad --version', args: [writeJson(join(work, 'bad-version.json'), { type: 'bundle', objects }), '--version', 'latest'], message: /--version must look like 18\.1/ },
    { name: 'empty directory', args: [mkdtempSync(join(work, 'empty-'))], message: /no \.json files under/ },
  ];
  for (const { name, args, message } of cases) {
    const out = join(work, 'never-written.json');
    const result = run(...args, '--out', out);
    assert.equal(result.status, 1, `${name}: exit code`);
    assert.match(result.stderr, /^update-attack: /, `${name}: prefixed message`);
    assert.match(result.stderr, message, name);
    assert.doesNotMatch(result.stderr, /^\s+at /m, `${name}: no stack trace`);
    assert.equal(existsSync(out), false, `${name}: nothing written`);
  }
});

function writeFileAt(name: string, text: string): string {
  const path = join(work, name);
  writeFileSync(path, text);
  return path;
}

test('regenerating from ../shared reproduces the committed snapshot byte for byte', (t) => {
  if (!existsSync(CORPUS)) {
    t.skip(`../shared/corpus/attack/enterprise-attack is absent (looked in ${CORPUS}); cannot regenerate the snapshot`);
    return;
  }
  const out = join(work, 'regenerated.json');
  // The corpus holds no x-mitre-collection object, so the release number has to be supplied.
  const result = run(CORPUS, '--out', out, '--version', CORPUS_VERSION);
  assert.equal(result.status, 0, result.stderr);
  const regenerated = readFileSync(out);
  const committed = readFileSync(COMMITTED);
  assert.ok(regenerated.equals(committed), 'src/attack/enterprise-attack.json is stale: run npm run update-attack');
  assert.ok(committed.length < 1_000_000, `snapshot stays small (${committed.length} bytes)`);
});
