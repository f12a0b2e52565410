// Malformed Data Needed, Logging Policies, Enrichments and Atomic Red Team files, and symbolic links, through
// the real `atc check` / `atc build` on small knowledge bases written for each case: the exact issue lines
// printed, and the exit status (1 for an error, 0 when there are only warnings).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readdirSync, readFileSync, symlinkSync } from 'node:fs';
import path from 'node:path';
import { writeTempTree } from '../helpers/temp-files.ts';
import { atc } from './cli-harness.ts';

/** A valid knowledge base every case starts from: one Data Needed entry with its Logging Policy. */
const BASE: Readonly<Record<string, string>> = {
  'logging_policies/LP_0001_audit.yml': 'title: LP_0001_audit\ndescription: Audit process creation.\n',
  'data_needed/DN_0001_4688_process.yml': 'title: DN_0001_4688_process\ndescription: Process creation.\nloggingpolicy:\n  - LP_0001_audit\nfields:\n  - EventID\n',
};

const TECHNIQUE = (id: string, tests: string): string => `attack_technique: ${id}\ndisplay_name: Technique ${id}\natomic_tests:${tests}`;
const ATOMIC_TEST = (name: string, guid: string): string =>
  `\n  - name: ${name}\n    auto_generated_guid: ${guid}\n    supported_platforms:\n      - windows\n    executor:\n      name: command_prompt\n      command: whoami\n`;

interface Checked {
  readonly status: number | null;
  /** The printed issue lines (`file:line:col severity code message`), in order. */
  readonly issues: string[];
}

function check(t: { after: (fn: () => void) => void }, files: Readonly<Record<string, string>>): Checked {
  const folder = writeTempTree(t, { ...BASE, ...files }, 'atc-kb-hostile-');
  return checkFolder(folder);
}

function checkFolder(folder: string): Checked {
  const result = atc(['check', '--quiet', '--targets', 'es-qs'], folder);
  assert.equal(result.stderr.includes('    at '), false, `no stack trace: ${result.stderr}`);
  return { status: result.status, issues: result.stdout.split('\n').filter((line) => /^\S+:\d+:\d+ (?:error|warning) /.test(line)) };
}

test('Data Needed `fields: 42`, and wrong types in a Logging Policy and an Enrichment, are field-type errors at the value', (t) => {
  assert.deepEqual(check(t, {}), { status: 0, issues: [] }, 'the base knowledge base is clean');
  assert.deepEqual(check(t, { 'data_needed/DN_0001_4688_process.yml': 'title: DN_0001_4688_process\ndescription: Process creation.\nloggingpolicy: [LP_0001_audit]\nfields: 42\n' }), {
    status: 1,
    issues: ['data_needed/DN_0001_4688_process.yml:4:9 error field-type "fields" must be a list of texts, found number 42'],
  });
  assert.deepEqual(check(t, { 'logging_policies/LP_0001_audit.yml': 'title: LP_0001_audit\ndescription: Audit.\neventID:\n  - 4688\n  - {id: 4689}\n' }), {
    status: 1,
    issues: ['logging_policies/LP_0001_audit.yml:5:5 error field-type "eventID" must list whole numbers, found a mapping'],
  });
  assert.deepEqual(check(t, { 'enrichments/EN_0001_cache.yml': 'title: EN_0001_cache\ndescription: Caches.\ncontributors: {name: someone}\n' }), {
    status: 1,
    issues: ['enrichments/EN_0001_cache.yml:3:15 error field-type "contributors" must be a list of texts, found a mapping'],
  });
});

test('Atomic Red Team: wrong types in a test, `atomic_tests: []`, and a technique outside its folder are errors', (t) => {
  assert.deepEqual(check(t, { 'triggers/T1003/T1003.yaml': TECHNIQUE('T1003', ATOMIC_TEST('Dump', '0c6a0f5a-3e1c-4d4b-9a52-0d4bd1a6b7f1')) }), { status: 0, issues: [] });
  const wrongTypes = TECHNIQUE('T1003', '\n  - name: Dump\n    supported_platforms: windows\n    input_arguments:\n      output: dump.txt\n    executor:\n      name: command_prompt\n      command: whoami\n      elevation_required: maybe\n');
  assert.deepEqual(check(t, { 'triggers/T1003/T1003.yaml': wrongTypes }), {
    status: 1,
    issues: [
      'triggers/T1003/T1003.yaml:5:26 error field-type "supported_platforms" must be a list of texts, found text "windows"',
      'triggers/T1003/T1003.yaml:7:15 error field-type "output" must be a mapping, found text "dump.txt"',
      'triggers/T1003/T1003.yaml:11:27 error field-type "elevation_required" must be true or false, found text "maybe"',
    ],
  });
  assert.deepEqual(check(t, { 'triggers/T1003/T1003.yaml': TECHNIQUE('T1003', ' []\n') }), {
    status: 1,
    issues: ['triggers/T1003/T1003.yaml:3:15 error field-value "atomic_tests" lists no test; a technique file holds at least one'],
  });
  assert.deepEqual(check(t, { 'triggers/T1003.001/T1003.001.yaml': TECHNIQUE('T1003.002', ATOMIC_TEST('Dump', '0c6a0f5a-3e1c-4d4b-9a52-0d4bd1a6b7f1')) }), {
    status: 1,
    issues: ['triggers/T1003.001/T1003.001.yaml:1:19 error field-value "attack_technique" T1003.002 does not match the folder T1003.001/ the file is in'],
  });
});

test('Atomic Red Team: a test GUID used twice, in one file or in two, is a duplicate-id error naming both places', (t) => {
  const guid = '0c6a0f5a-3e1c-4d4b-9a52-0d4bd1a6b7f1';
  assert.deepEqual(check(t, { 'triggers/T1003/T1003.yaml': TECHNIQUE('T1003', ATOMIC_TEST('First', guid) + ATOMIC_TEST('Second', guid.toUpperCase()).slice(1)) }), {
    status: 1,
    issues: [`triggers/T1003/T1003.yaml:12:26 error duplicate-id test GUID ${guid.toUpperCase()} of "Second" is also the GUID of "First" (triggers/T1003/T1003.yaml:5:26)`],
  });
  assert.deepEqual(check(t, { 'triggers/T1003/T1003.yaml': TECHNIQUE('T1003', ATOMIC_TEST('First', guid)), 'triggers/T1036/T1036.yaml': TECHNIQUE('T1036', ATOMIC_TEST('Copy', guid)) }), {
    status: 1,
    issues: [`triggers/T1036/T1036.yaml:5:26 error duplicate-id test GUID ${guid} of "Copy" is also the GUID of "First" (triggers/T1003/T1003.yaml:5:26)`],
  });
});

test('an Enrichment that requires itself, or a → b → a, is a reference-cycle error naming the cycle', (t) => {
  const enrichment = (title: string, requires: string): string => `title: ${title}\ndescription: Enriches.\nrequirements:\n  - ${requires}\n`;
  assert.deepEqual(check(t, { 'enrichments/EN_0001_self.yml': enrichment('EN_0001_self', 'EN_0001_self') }), {
    status: 1,
    issues: ['enrichments/EN_0001_self.yml:4:5 error reference-cycle requirement cycle: EN_0001_self → EN_0001_self'],
  });
  assert.deepEqual(check(t, { 'enrichments/EN_0001_a.yml': enrichment('EN_0001_a', 'EN_0002_b'), 'enrichments/EN_0002_b.yml': enrichment('EN_0002_b', 'EN_0001_a') }), {
    status: 1,
    issues: ['enrichments/EN_0002_b.yml:4:5 error reference-cycle requirement cycle: EN_0002_b → EN_0001_a → EN_0002_b'],
  });
});

test('symbolic links: followed inside the input folders, a warning and not published when outside or dangling', (t) => {
  const secret = 'DN_0900_outside_secret_text';
  const folder = writeTempTree(t, {
    ...BASE,
    'outside/DN_0900.yml': `title: ${secret}\ndescription: ${secret}\nloggingpolicy: [LP_0001_audit]\nfields: [EventID]\n`,
    'outside/more/DN_0901.yml': `title: ${secret}_2\ndescription: ${secret}\nloggingpolicy: [LP_0001_audit]\nfields: [EventID]\n`,
  }, 'atc-kb-hostile-');
  mkdirSync(path.join(folder, 'data_needed/linked'));
  symlinkSync('../../outside/DN_0900.yml', path.join(folder, 'data_needed/linked/DN_0900.yml'));
  symlinkSync('../outside/more', path.join(folder, 'data_needed/more'));
  symlinkSync('DN_0999_gone.yml', path.join(folder, 'data_needed/DN_0999_gone.yml'));
  // Inside: a second link to a file already there is read once; a loop back to the folder ends.
  symlinkSync('../DN_0001_4688_process.yml', path.join(folder, 'data_needed/linked/again.yml'));
  symlinkSync('..', path.join(folder, 'data_needed/linked/loop'));

  assert.deepEqual(checkFolder(folder), {
    status: 0,
    issues: [
      'data_needed/DN_0999_gone.yml:1:1 warning symlink-dangling symbolic link to "DN_0999_gone.yml", which does not exist; skipped',
      'data_needed/linked/DN_0900.yml:1:1 warning symlink-outside-input symbolic link to "../../outside/DN_0900.yml", outside the input folders; not followed',
      'data_needed/more:1:1 warning symlink-outside-input symbolic link to "../outside/more", outside the input folders; not followed',
    ],
  });

  const build = atc(['build', '--targets', 'es-qs', '--out', 'site', '--data-needed', 'data_needed', '--logging-policies', 'logging_policies'], folder);
  assert.equal(build.status, 0, build.stderr);
  assert.match(build.stderr, /^data_needed\/linked\/DN_0900\.yml:1:1 warning symlink-outside-input /m);
  const published = readTree(path.join(folder, 'site'));
  assert.ok(published.some((file) => file.includes('DN_0001_4688_process')), 'the entry inside the folder is published');
  const leaks = published.filter((file) => file.includes(secret) || readFileSync(path.join(folder, 'site', file)).includes(secret));
  assert.deepEqual(leaks, [], 'nothing from outside the input folders reaches the site');

  // Pointing the configured folder at the outside one is the user's choice, and is followed.
  symlinkSync('outside', path.join(folder, 'elsewhere'));
  const followed = atc(['check', '--quiet', '--targets', 'es-qs', '--data-needed', 'elsewhere', '--logging-policies', 'logging_policies'], folder);
  assert.equal(followed.status, 0, followed.stdout);
  assert.match(followed.stderr, /2 Data Needed/);
});

function readTree(root: string): string[] {
  return readdirSync(root, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => path.relative(root, path.join(entry.parentPath, entry.name)));
}

test("a real Atomic Red Team checkout's generated Indexes/ (index.yaml over the file-size limit) is skipped, not an error", (t) => {
  const index = `# generated\n${'x: '.repeat(1)}${'a'.repeat(3 * 1024 * 1024)}\n`;
  const layout = {
    'triggers/T1003/T1003.yaml': TECHNIQUE('T1003', ATOMIC_TEST('dump', '7c8ba2b4-6a28-4b8b-9f1e-0a0b7e1c2d3e')),
    'triggers/Indexes/index.yaml': index,
    'triggers/Indexes/Indexes-CSV/windows-index.yaml': 'not: [a technique\n',
  };
  assert.deepEqual(check(t, layout), { status: 0, issues: [] });
  const folder = writeTempTree(t, { ...BASE, ...layout }, 'atc-kb-hostile-');
  const built = atc(['build', '--quiet', '--targets', 'es-qs', '--out', 'site'], folder);
  assert.equal(built.status, 0, built.stdout + built.stderr);
  assert.match(built.stdout + built.stderr, /1 Triggers/);
});
