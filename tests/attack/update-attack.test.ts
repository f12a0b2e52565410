import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const SCRIPT = join(ROOT, 'scripts/update-attack.ts');
const COMMITTED = join(ROOT, 'src/attack/enterprise-attack.json');
const CORPUS_BUNDLE = join(ROOT, '../shared/corpus/attack/enterprise-attack-18.1.json');

const work = mkdtempSync(join(tmpdir(), 'update-attack-'));
after(() => rmSync(work, { recursive: true, force: true }));

function run(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, ['--import', 'tsx', SCRIPT, ...args], { cwd: ROOT, encoding: 'utf8' });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** The script in a child process without blocking this one, so the test's HTTP server can answer it. */
function runAsync(...args: string[]): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', SCRIPT, ...args], { cwd: ROOT });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (status) => resolvePromise({ status, stdout, stderr }));
  });
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

const relationship = (n: number, type: string, source: string, target: string, extra: Record<string, unknown> = {}) => ({
  type: 'relationship',
  id: `relationship--${n}`,
  modified: MODIFIED,
  relationship_type: type,
  source_ref: source,
  target_ref: target,
  description: 'relationship prose that must not reach the snapshot',
  ...extra,
});

const reference = (name: string, url?: string) => ({ source_name: name, description: `${name}. (2020). Report.`, ...(url === undefined ? {} : { url }) });

/**
 * A miniature Enterprise ATT&CK: three tactics, a revocation with its relationship, a deprecation, a group using
 * a technique and a sub-technique, software, a campaign attributed to the group, a mitigation, a detection
 * strategy with its analytic and data component, and withdrawn objects and relationships that must be left out.
 */
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
    { ...tactic('a', 'TA0004', 'Privilege Escalation', 'privilege-escalation'), description: 'The adversary is trying to gain higher-level permissions.' },
    tactic('b', 'TA0005', 'Defense Evasion', 'defense-evasion'),
    tactic('c', 'TA0002', 'Execution', 'execution'),
    pattern('t1036-001', 'T1036.001', 'Invalid Code Signature', {
      kill_chain_phases: phases('defense-evasion'),
      x_mitre_platforms: ['macOS', 'Windows'],
      x_mitre_is_subtechnique: true,
      description: 'Adversaries may mimic code signatures.(Citation: Threatexpress Signing 2017)(Citation: Unknown Source) See [Masquerading](https://attack.mitre.org/techniques/T1036).',
      external_references: [
        ...mitre('T1036.001'),
        reference('Uncited Source', 'https://example.org/uncited'),
        reference('Threatexpress Signing 2017', 'https://example.org/signing'),
        reference('Threatexpress Signing 2017', 'https://example.org/duplicate'),
      ],
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
    pattern('t1093', 'T1093', 'Process Hollowing', { revoked: true, kill_chain_phases: phases('defense-evasion'), description: 'revoked prose that must not reach the snapshot' }),
    pattern('t1064', 'T1064', 'Scripting', { x_mitre_deprecated: true, revoked: false, kill_chain_phases: phases('execution', 'defense-evasion') }),
    { type: 'attack-pattern', id: 'attack-pattern--capec', name: 'CAPEC only', external_references: [{ source_name: 'capec', external_id: 'CAPEC-1' }] },
    {
      type: 'intrusion-set',
      id: 'intrusion-set--apt28',
      modified: MODIFIED,
      name: 'APT28',
      aliases: ['APT28', 'Sofacy', 'Fancy Bear'],
      description: '[APT28](https://attack.mitre.org/groups/G0007) is a threat group.(Citation: Sofacy 2015)',
      external_references: [...mitre('G0007'), { source_name: 'Sofacy', description: '(Citation: Sofacy 2015)' }, reference('Sofacy 2015', 'https://example.org/sofacy')],
    },
    { type: 'intrusion-set', id: 'intrusion-set--old', modified: MODIFIED, name: 'Old Group', x_mitre_deprecated: true, external_references: mitre('G0099') },
    { type: 'tool', id: 'tool--mimikatz', modified: MODIFIED, name: 'Mimikatz', x_mitre_aliases: ['Mimikatz'], x_mitre_platforms: ['Windows'], external_references: mitre('S0002') },
    { type: 'malware', id: 'malware--xagent', modified: MODIFIED, name: 'XAgent', x_mitre_aliases: ['XAgent', 'Sofacy Implant'], x_mitre_platforms: ['Windows', 'Linux', 'iOS'], external_references: mitre('S0161') },
    { type: 'campaign', id: 'campaign--c1', modified: MODIFIED, name: 'Operation One', aliases: ['Operation One'], external_references: mitre('C0001') },
    { type: 'course-of-action', id: 'course-of-action--1', modified: MODIFIED, name: 'Code Signing', external_references: mitre('M1045') },
    { type: 'course-of-action', id: 'course-of-action--old', modified: MODIFIED, name: 'Old Mitigation', x_mitre_deprecated: true, external_references: mitre('T1174') },
    { type: 'x-mitre-data-component', id: 'x-mitre-data-component--pc', modified: MODIFIED, name: 'Process Creation', external_references: mitre('DC0032') },
    { type: 'x-mitre-data-component', id: 'x-mitre-data-component--pa', modified: MODIFIED, name: 'Process Access', external_references: mitre('DC0035') },
    {
      type: 'x-mitre-analytic',
      id: 'x-mitre-analytic--1',
      modified: MODIFIED,
      name: 'Analytic 0001',
      x_mitre_platforms: ['Windows', 'Linux'],
      x_mitre_log_source_references: [
        { x_mitre_data_component_ref: 'x-mitre-data-component--pc', name: 'WinEventLog:Security', channel: 'EventCode=4688' },
        { x_mitre_data_component_ref: 'x-mitre-data-component--pa', name: 'sysmon', channel: 'EventCode=10' },
        { x_mitre_data_component_ref: 'x-mitre-data-component--pc', name: 'auditd:SYSCALL', channel: 'execve' },
      ],
      external_references: mitre('AN0001'),
    },
    {
      type: 'x-mitre-detection-strategy',
      id: 'x-mitre-detection-strategy--1',
      modified: MODIFIED,
      name: 'Process injection from unusual parents',
      x_mitre_analytic_refs: ['x-mitre-analytic--1'],
      external_references: mitre('DET0001'),
    },
    relationship(1, 'revoked-by', 'attack-pattern--t1093', 'attack-pattern--t1055-012'),
    relationship(2, 'subtechnique-of', 'attack-pattern--t1055-012', 'attack-pattern--t1055'),
    relationship(3, 'uses', 'intrusion-set--apt28', 'attack-pattern--t1055-012'),
    relationship(4, 'uses', 'intrusion-set--apt28', 'attack-pattern--t1036'),
    relationship(5, 'uses', 'intrusion-set--apt28', 'attack-pattern--t1093'),
    relationship(6, 'uses', 'intrusion-set--apt28', 'tool--mimikatz'),
    relationship(7, 'uses', 'intrusion-set--apt28', 'attack-pattern--t1055', { revoked: true }),
    relationship(8, 'uses', 'intrusion-set--old', 'attack-pattern--t1055'),
    relationship(9, 'uses', 'tool--mimikatz', 'attack-pattern--t1036-001'),
    relationship(10, 'uses', 'malware--xagent', 'attack-pattern--t1064'),
    relationship(11, 'uses', 'campaign--c1', 'attack-pattern--t1036'),
    relationship(12, 'uses', 'campaign--c1', 'malware--xagent'),
    relationship(13, 'attributed-to', 'campaign--c1', 'intrusion-set--apt28'),
    relationship(14, 'attributed-to', 'campaign--c1', 'intrusion-set--old'),
    relationship(15, 'mitigates', 'course-of-action--1', 'attack-pattern--t1036-001'),
    relationship(16, 'mitigates', 'course-of-action--old', 'attack-pattern--t1036'),
    relationship(17, 'detects', 'x-mitre-detection-strategy--1', 'attack-pattern--t1055'),
    relationship(18, 'detects', 'x-mitre-detection-strategy--1', 'attack-pattern--t1055-012', { x_mitre_deprecated: true }),
  ];
}

const TINY_EXPECTED = `{
  "attackVersion": "18.1",
  "domain": "enterprise-attack",
  "tactics": [
    {"id":"TA0002","name":"Execution","shortname":"execution"},
    {"id":"TA0004","name":"Privilege Escalation","shortname":"privilege-escalation","description":"The adversary is trying to gain higher-level permissions."},
    {"id":"TA0005","name":"Defense Evasion","shortname":"defense-evasion"}
  ],
  "techniques": [
    {"id":"T1036","name":"Masquerading","tactics":["defense-evasion"],"parent":null,"deprecated":false,"revoked":false,"revokedBy":null,"platforms":["Linux","Windows","macOS"],"detectionStrategies":[],"mitigations":[]},
    {"id":"T1036.001","name":"Invalid Code Signature","tactics":["defense-evasion"],"parent":"T1036","deprecated":false,"revoked":false,"revokedBy":null,"platforms":["Windows","macOS"],"detectionStrategies":[],"mitigations":["M1045"],"description":"Adversaries may mimic code signatures.(Citation: Threatexpress Signing 2017)(Citation: Unknown Source) See [Masquerading](https://attack.mitre.org/techniques/T1036).","citations":[{"name":"Threatexpress Signing 2017","description":"Threatexpress Signing 2017. (2020). Report.","url":"https://example.org/signing"}]},
    {"id":"T1055","name":"Process Injection","tactics":["privilege-escalation","defense-evasion"],"parent":null,"deprecated":false,"revoked":false,"revokedBy":null,"platforms":["Windows"],"detectionStrategies":["DET0001"],"mitigations":[]},
    {"id":"T1055.012","name":"Process Hollowing","tactics":["privilege-escalation","defense-evasion"],"parent":"T1055","deprecated":false,"revoked":false,"revokedBy":null,"detectionStrategies":[],"mitigations":[]},
    {"id":"T1064","name":"Scripting","tactics":["execution","defense-evasion"],"parent":null,"deprecated":true,"revoked":false,"revokedBy":null,"detectionStrategies":[],"mitigations":[]},
    {"id":"T1093","name":"Process Hollowing","tactics":["defense-evasion"],"parent":null,"deprecated":false,"revoked":true,"revokedBy":"T1055.012"}
  ],
  "groups": [
    {"id":"G0007","name":"APT28","aliases":["Fancy Bear","Sofacy"],"techniques":["T1036","T1055.012"],"software":["S0002"],"description":"[APT28](https://attack.mitre.org/groups/G0007) is a threat group.(Citation: Sofacy 2015)","citations":[{"name":"Sofacy 2015","description":"Sofacy 2015. (2020). Report.","url":"https://example.org/sofacy"}]}
  ],
  "software": [
    {"id":"S0002","name":"Mimikatz","softwareType":"tool","aliases":[],"platforms":["Windows"],"techniques":["T1036.001"]},
    {"id":"S0161","name":"XAgent","softwareType":"malware","aliases":["Sofacy Implant"],"platforms":["Linux","Windows","iOS"],"techniques":[]}
  ],
  "campaigns": [
    {"id":"C0001","name":"Operation One","aliases":[],"techniques":["T1036"],"software":["S0161"],"groups":["G0007"]}
  ],
  "mitigations": [
    {"id":"M1045","name":"Code Signing"}
  ],
  "detectionStrategies": [
    {"id":"DET0001","name":"Process injection from unusual parents","dataComponents":["Process Access","Process Creation"],"platforms":["Linux","Windows"]}
  ]
}
`;

test('a bundle gives the exact expected snapshot', () => {
  const input = writeJson(join(work, 'bundle/enterprise-attack.json'), { type: 'bundle', id: 'bundle--1', objects: tinyObjects() });
  const out = join(work, 'bundle/snapshot.json');
  const result = run(input, '--out', out);
  assert.equal(result.status, 0, result.stderr);
  assert.equal(readFileSync(out, 'utf8'), TINY_EXPECTED);
  assert.match(result.stdout, /ATT&CK 18\.1 enterprise-attack, 3 tactics, 6 techniques \(2 sub-techniques, 1 revoked, 1 deprecated\), 1 groups, 2 software, 1 campaigns/);
  assert.match(result.stderr, /skipped 1 attack-pattern objects without a mitre-attack external id/);

  const viaOption = join(work, 'bundle/snapshot-file-option.json');
  const withFile = run('--file', input, '--out', viaOption);
  assert.equal(withFile.status, 0, withFile.stderr);
  assert.equal(readFileSync(viaOption, 'utf8'), TINY_EXPECTED);
});

test('input order does not change a byte', () => {
  const input = writeJson(join(work, 'shuffled.json'), { type: 'bundle', id: 'bundle--1', objects: tinyObjects().reverse() });
  const out = join(work, 'shuffled-snapshot.json');
  const result = run(input, '--out', out);
  assert.equal(result.status, 0, result.stderr);
  assert.equal(readFileSync(out, 'utf8'), TINY_EXPECTED);
});

test("without a collection object, MITRE's release file name gives the version", () => {
  const objects = tinyObjects().filter((o) => o.type !== 'x-mitre-collection');
  const input = writeJson(join(work, 'named/enterprise-attack-17.1.json'), { type: 'bundle', id: 'bundle--1', objects });
  const out = join(work, 'named-snapshot.json');
  const result = run(input, '--out', out);
  assert.equal(result.status, 0, result.stderr);
  assert.equal(readFileSync(out, 'utf8'), TINY_EXPECTED.replace('"18.1"', '"17.1"'));
  assert.match(result.stderr, /note: ATT&CK version 17\.1 taken from the file name enterprise-attack-17\.1\.json: the input has no x-mitre-collection object/);
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
  // Without relationships "no mitigation" would be a claim the data does not make, so the lists are absent.
  const injection = snapshot.techniques.find((t: { id: string }) => t.id === 'T1055');
  assert.deepEqual([injection.mitigations, injection.detectionStrategies], [undefined, undefined]);
  assert.deepEqual(snapshot.groups[0].techniques, []);
  assert.match(result.stderr, /the input has no relationship objects: techniques carry no mitigations or detection strategies/);
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
    { name: 'two inputs', args: ['a.json', '--file', 'b.json'], message: /expected at most one input \(a path, --file or --url\), got 2/ },
    { name: 'a URL of another scheme', args: ['--url', 'file:///etc/passwd'], message: /only http and https URLs can be downloaded, got file:/ },
    { name: 'bad --timeout', args: ['--url', 'https://example.org/x.json', '--timeout', 'soon'], message: /--timeout must be a positive number, got "soon"/ },
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
  if (!existsSync(CORPUS_BUNDLE)) {
    t.skip(`../shared/corpus/attack/enterprise-attack-18.1.json is absent (looked in ${CORPUS_BUNDLE}); cannot regenerate the snapshot`);
    return;
  }
  const out = join(work, 'regenerated.json');
  // The 18.1 bundle has no x-mitre-collection object: the release comes from MITRE's file name.
  const result = run('--file', CORPUS_BUNDLE, '--out', out);
  assert.equal(result.status, 0, result.stderr);
  assert.match(result.stderr, /ATT&CK version 18\.1 taken from the file name enterprise-attack-18\.1\.json/);
  const regenerated = readFileSync(out);
  const committed = readFileSync(COMMITTED);
  assert.ok(regenerated.equals(committed), 'src/attack/enterprise-attack.json is stale: run npm run update-attack -- --file enterprise-attack-18.1.json');
  // Every page build parses it; past this size the build's time would notice.
  assert.ok(committed.length < 4_000_000, `snapshot stays compact (${committed.length} bytes)`);
});

test('--url and a positional URL download the bundle with fetch, and refuse bad answers whole', async () => {
  const bundle = JSON.stringify({ type: 'bundle', id: 'bundle--1', objects: tinyObjects() });
  const withoutCollection = JSON.stringify({ type: 'bundle', id: 'bundle--2', objects: tinyObjects().filter((o) => o.type !== 'x-mitre-collection') });
  const endless = (response: ServerResponse): void => {
    // No content-length: only counting the bytes as they arrive can stop this answer.
    response.writeHead(200, { 'content-type': 'application/json' });
    const timer = setInterval(() => response.write('{"padding": "' + 'x'.repeat(64 * 1024) + '"}'), 5);
    response.on('close', () => clearInterval(timer));
  };
  const server = createServer((request, response) => {
    switch (request.url) {
      case '/enterprise-attack.json':
        response.writeHead(200, { 'content-type': 'application/json' }).end(bundle);
        return;
      case '/releases/enterprise-attack-17.1.json':
        response.writeHead(200, { 'content-type': 'application/json' }).end(withoutCollection);
        return;
      case '/endless.json':
        endless(response);
        return;
      case '/silent.json':
        return; // never answers
      case '/text.json':
        response.writeHead(200).end('<html>rate limited</html>');
        return;
      default:
        response.writeHead(404, 'Not Found').end();
    }
  });
  await new Promise<void>((ready) => server.listen(0, '127.0.0.1', ready));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  try {
    const out = join(work, 'downloaded.json');
    const viaOption = await runAsync('--url', `${base}/enterprise-attack.json`, '--out', out);
    assert.equal(viaOption.status, 0, viaOption.stderr);
    assert.equal(readFileSync(out, 'utf8'), TINY_EXPECTED);

    const positionalOut = join(work, 'downloaded-positional.json');
    const positional = await runAsync(`${base}/releases/enterprise-attack-17.1.json`, '--out', positionalOut);
    assert.equal(positional.status, 0, positional.stderr);
    assert.equal(readFileSync(positionalOut, 'utf8'), TINY_EXPECTED.replace('"18.1"', '"17.1"'), 'the version comes from the URL\'s file name');

    const refusals: { name: string; args: string[]; message: RegExp }[] = [
      { name: 'HTTP 404', args: ['--url', `${base}/gone.json`], message: /\/gone\.json: HTTP 404 Not Found$/m },
      { name: 'too large (declared length)', args: ['--url', `${base}/enterprise-attack.json`, '--max-size-mib', '0.001'], message: /enterprise-attack\.json: larger than 0\.001 MiB; raise --max-size-mib/ },
      { name: 'too large (streamed)', args: ['--url', `${base}/endless.json`, '--max-size-mib', '1'], message: /endless\.json: larger than 1 MiB/ },
      { name: 'no answer', args: ['--url', `${base}/silent.json`, '--timeout', '1'], message: /silent\.json: no complete answer within 1 s \(--timeout\)/ },
      { name: 'not JSON', args: [`${base}/text.json`], message: /text\.json: not valid JSON/ },
      { name: 'connection refused', args: ['--url', 'http://127.0.0.1:1/enterprise-attack.json'], message: /127\.0\.0\.1:1\/enterprise-attack\.json: cannot download \(fetch failed/ },
    ];
    for (const { name, args, message } of refusals) {
      const never = join(work, 'never-downloaded.json');
      const result = await runAsync(...args, '--out', never);
      assert.equal(result.status, 1, `${name}: exit code`);
      assert.match(result.stderr, /^update-attack: [^\n]*\n$/, `${name}: exactly one line`);
      assert.match(result.stderr, message, name);
      assert.equal(existsSync(never), false, `${name}: nothing written`);
    }
  } finally {
    server.closeAllConnections();
    await new Promise((closed) => server.close(closed));
  }
});

test('--help names the default download', () => {
  const result = run('--help');
  assert.equal(result.status, 0);
  assert.match(result.stdout, /with no input, downloads https:\/\/raw\.githubusercontent\.com\/mitre-attack\/attack-stix-data\/master\/enterprise-attack\/enterprise-attack\.json/);
});
