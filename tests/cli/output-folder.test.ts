// The output folder through the real `atc build` (child processes, real folders and symbolic links):
// atc touches only files it wrote, refuses folders it must never write, keeps its staging in its own
// cache, survives SIGKILL at any moment and serialises concurrent builds (issue 10).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { outputCache } from '../../src/site/output-cache.ts';
import { readManifest } from '../../src/site/output-manifest.ts';
import { ATC, atc, atcAsync, differentFiles, SAMPLE_INPUTS, sampleCopyFor, snapshot, type AtcResult } from './cli-harness.ts';

/** A failure reported as one line naming the folder: no stack trace, no second line. */
function assertOneLineFailure(result: AtcResult, status: number, pattern: RegExp): void {
  assert.equal(result.status, status, result.stderr);
  assert.match(result.stderr, pattern);
  assert.doesNotMatch(result.stderr, /^\s+at /m, 'no stack trace');
  assert.equal(result.stderr.trim().split('\n').filter((line) => line.startsWith('atc build:')).length, 1, result.stderr);
}

/** The folder holds the sample's inputs and exactly `outputs` beside them (plus atc's cache once a build ran). */
function assertNothingBeside(folder: string, outputs: readonly string[]): void {
  const expected = [...SAMPLE_INPUTS, ...outputs];
  const extra = readdirSync(folder).filter((name) => !expected.includes(name) && name !== '.atc-cache');
  assert.deepEqual(extra, [], 'nothing is left beside the output');
}

/** Removes one rule file of the sample, so the next build's output differs from the last one. */
function removeOneRule(folder: string): void {
  const directory = path.join(folder, 'rules', 'web', 'proxy_generic');
  rmSync(path.join(directory, readdirSync(directory).find((name) => name.endsWith('.yml'))!));
}

/** What a build of the folder's current inputs writes into a new folder. */
function freshBuild(folder: string, name = 'fresh'): Map<string, Buffer> {
  const result = atc(['build', '--out', name], folder);
  assert.equal(result.status, 0, result.stderr);
  const files = snapshot(path.join(folder, name));
  rmSync(path.join(folder, name), { recursive: true });
  return files;
}

test("a folder holding the user's files is refused; --force adds the site, and no build ever deletes or overwrites those files", (context) => {
  const folder = sampleCopyFor(context);
  mkdirSync(path.join(folder, 'docs', 'drafts'), { recursive: true });
  writeFileSync(path.join(folder, 'docs', 'notes.md'), 'my notes');
  writeFileSync(path.join(folder, 'docs', 'drafts', 'plan.md'), 'my plan');
  const mine = snapshot(path.join(folder, 'docs'));
  assertOneLineFailure(atc(['build', '--out', 'docs'], folder), 2, /refusing .* docs: it holds files atc did not write \("drafts", "notes\.md"\).*--force/);
  assert.deepEqual(differentFiles(snapshot(path.join(folder, 'docs')), mine), []);

  assert.equal(atc(['build', '--out', 'docs', '--force'], folder).status, 0);
  const manifest = readManifest(path.join(folder, 'docs'))!;
  assert.ok(manifest.has('index.html') && !manifest.has('notes.md') && !manifest.has('drafts/plan.md'));
  removeOneRule(folder);
  const expected = freshBuild(folder);
  // The manifest makes the folder atc's to rebuild: no --force needed any more.
  assert.equal(atc(['build', '--out', 'docs'], folder).status, 0);
  const docs = snapshot(path.join(folder, 'docs'));
  for (const [file, bytes] of mine) assert.ok(docs.get(file)?.equals(bytes), `${file} kept as it was`);
  for (const file of mine.keys()) docs.delete(file);
  assert.deepEqual(differentFiles(docs, expected), [], 'apart from the user files, the same as a build into an empty folder');
  assertNothingBeside(folder, ['docs']);

  // A file of the user's where the build writes one of its own: the build stops before anything moves.
  mkdirSync(path.join(folder, 'pages'));
  writeFileSync(path.join(folder, 'pages', 'index.html'), 'my home page');
  assertOneLineFailure(atc(['build', '--out', 'pages', '--force'], folder), 1, /cannot write pages: .*"index\.html".*nothing was changed/);
  assert.deepEqual(readdirSync(path.join(folder, 'pages')), ['index.html']);
  assert.equal(readFileSync(path.join(folder, 'pages', 'index.html'), 'utf8'), 'my home page');
});

test('an output that is, contains or lies inside an input, the project, the home folder or / is refused, even with --force', (context) => {
  const folder = sampleCopyFor(context);
  const home = mkdtempSync(path.join(tmpdir(), 'atc-home-'));
  context.after(() => rmSync(home, { recursive: true, force: true }));
  writeFileSync(path.join(home, '.profile'), 'mine');
  const before = readdirSync(folder).sort();
  const cases: Array<[string, RegExp]> = [
    ['.', /it is the configuration's folder/],
    ['..', /it contains the configuration's folder/],
    ['rules', /it is the input rules/],
    ['rules/site', /it lies inside the input rules/],
    ['/', /it is the root folder/],
    [home, /it is the home folder/],
  ];
  for (const [out, reason] of cases) {
    const result = atc(['build', '--out', out, '--force'], folder, { ...process.env, HOME: home });
    assertOneLineFailure(result, 2, new RegExp(`refusing to write the output into .*${reason.source}`));
  }
  assert.deepEqual(readdirSync(folder).sort(), before, 'nothing was moved or created');
  assert.deepEqual(readdirSync(home), ['.profile']);
  assert.equal(existsSync(path.join(folder, 'rules', 'site')), false);
});

test('an output that is a symbolic link is refused, and a rebuild never deletes or writes through a symbolic link inside the output', (context) => {
  const folder = sampleCopyFor(context);
  mkdirSync(path.join(folder, 'elsewhere'));
  writeFileSync(path.join(folder, 'elsewhere', 'index.html'), 'not the site');
  symlinkSync('elsewhere', path.join(folder, 'linked'));
  assertOneLineFailure(atc(['build', '--out', 'linked'], folder), 2, /refusing .* linked: it is a symbolic link/);
  assert.deepEqual(readdirSync(path.join(folder, 'elsewhere')), ['index.html']);

  assert.equal(atc(['build', '--out', 'site'], folder).status, 0);
  const listed = [...readManifest(path.join(folder, 'site'))!.keys()];
  removeOneRule(folder);
  const expected = freshBuild(folder);
  // A folder of the removed rule's pages (listed in the manifest, not written by the next build) becomes
  // a link to a folder with a file of the same name: deleting the listed file must not follow the link.
  const gone = listed.find((file) => !expected.has(file) && /^[^/]+\/[^/]+\/index\.html$/.test(file))!;
  assert.ok(gone, 'the removed rule had an HTML page');
  const goneFolder = path.join(folder, 'site', path.dirname(gone));
  rmSync(goneFolder, { recursive: true });
  mkdirSync(path.join(folder, 'target'));
  writeFileSync(path.join(folder, 'target', 'index.html'), 'mine');
  symlinkSync(path.join(folder, 'target'), goneFolder);
  assert.equal(atc(['build', '--out', 'site'], folder).status, 0);
  assert.equal(readFileSync(path.join(folder, 'target', 'index.html'), 'utf8'), 'mine');

  // A link where the build writes a file: the build stops, and the link's target is untouched.
  const written = [...expected.keys()].find((file) => file.endsWith('.html') && file.includes('/'))!;
  rmSync(path.join(folder, 'site', written));
  symlinkSync(path.join(folder, 'target', 'index.html'), path.join(folder, 'site', written));
  assertOneLineFailure(atc(['build', '--out', 'site'], folder), 1, /cannot write site: 1 of the new files .*symbolic link.*nothing was changed/);
  assert.equal(readFileSync(path.join(folder, 'target', 'index.html'), 'utf8'), 'mine');
  assertNothingBeside(folder, ['site', 'elsewhere', 'linked', 'target']);
});

test('a file the user drops into the output (a CNAME) survives rebuilds; the rest is exactly a fresh build', (context) => {
  const folder = sampleCopyFor(context);
  assert.equal(atc(['build', '--out', 'site'], folder).status, 0);
  writeFileSync(path.join(folder, 'site', 'CNAME'), 'kb.example.org\n');
  // What an older atc left beside the output may hold the user's files: named, never deleted.
  mkdirSync(path.join(folder, '.site.atc-spare'));
  writeFileSync(path.join(folder, '.site.atc-spare', 'notes.md'), 'moved here by an older atc');
  removeOneRule(folder);
  const expected = freshBuild(folder);
  const rebuild = atc(['build', '--out', 'site'], folder);
  assert.equal(rebuild.status, 0, rebuild.stderr);
  assert.match(rebuild.stderr, /^atc build: note: \.site\.atc-spare was left beside site by an older atc/m);
  assert.equal(readFileSync(path.join(folder, '.site.atc-spare', 'notes.md'), 'utf8'), 'moved here by an older atc');
  rmSync(path.join(folder, '.site.atc-spare'), { recursive: true });
  const site = snapshot(path.join(folder, 'site'));
  assert.equal(site.get('CNAME')?.toString(), 'kb.example.org\n');
  site.delete('CNAME');
  assert.deepEqual(differentFiles(site, expected), []);
  assertNothingBeside(folder, ['site']);
});

test('a build killed at random moments leaves the previous output or the new one, complete; the next build cleans up', async (context) => {
  const folder = sampleCopyFor(context);
  assert.equal(atc(['build', '--out', 'site'], folder).status, 0);
  const previous = snapshot(path.join(folder, 'site'));
  removeOneRule(folder);
  const started = performance.now();
  const next = freshBuild(folder);
  const duration = performance.now() - started;
  const delays = Array.from({ length: 5 }, () => Math.round(Math.random() * duration * 1.1));
  for (const delay of delays) {
    const killed = await atcAsync(['build', '--out', 'site'], folder, { killAfter: delay });
    const site = snapshot(path.join(folder, 'site'));
    const complete = differentFiles(site, previous).length === 0 || differentFiles(site, next).length === 0;
    assert.ok(complete, `killed after ${delay} ms (${killed.signal ?? `exit ${killed.status}`}): ${differentFiles(site, next).slice(0, 5).join(', ')} differ from the new build`);
    assertNothingBeside(folder, ['site']);
  }
  assert.equal(atc(['build', '--out', 'site'], folder).status, 0);
  assert.deepEqual(differentFiles(snapshot(path.join(folder, 'site')), next), []);
  const cache = outputCache(path.join(folder, 'site'), path.join(folder, '.atc-cache'));
  assert.deepEqual(readdirSync(cache.folder), ['spare'], `after kills at ${delays.join(', ')} ms, only the spare stays in the cache`);
});

test('two concurrent builds into one output both succeed, one after the other', async (context) => {
  const folder = sampleCopyFor(context);
  const expected = freshBuild(folder);
  const results = await Promise.all([atcAsync(['build', '--out', 'site'], folder), atcAsync(['build', '--out', 'site'], folder)]);
  for (const result of results) {
    assert.equal(result.status, 0, result.stderr);
    assert.doesNotMatch(result.stderr, /ENOTEMPTY|^\s+at /m);
  }
  assert.deepEqual(differentFiles(snapshot(path.join(folder, 'site')), expected), []);
  assertNothingBeside(folder, ['site']);
  assert.equal(existsSync(outputCache(path.join(folder, 'site'), path.join(folder, '.atc-cache')).lock), false, 'the lock is released');
});

test("a live build's lock makes the next build wait, then stop with a clear message; a dead build's lock is taken over", (context) => {
  const folder = sampleCopyFor(context);
  const lock = outputCache(path.join(folder, 'site'), path.join(folder, '.atc-cache')).lock;
  writeFileSync(lock, `${process.pid}\n`); // this test's process: alive for as long as the build waits
  const busy = atc(['build', '--out', 'site', '--wait', '1'], folder);
  assert.equal(busy.status, 1, busy.stderr);
  assert.match(busy.stderr, new RegExp(`^atc build: waiting for the build in process ${process.pid} to finish writing site \\(up to 1 s\\)\n.*another atc build \\(process ${process.pid}\\) is writing site after waiting 1 s; run again`, 'm'));
  assert.doesNotMatch(busy.stderr, /^\s+at /m);
  assert.equal(existsSync(path.join(folder, 'site')), false);
  const dead = spawnSync(process.execPath, ['-e', '']).pid;
  writeFileSync(lock, `${dead}\n`);
  assert.equal(atc(['build', '--out', 'site', '--wait', '0'], folder).status, 0);
  assert.equal(existsSync(lock), false);
  assertOneLineFailure(atc(['build', '--out', 'site', '--wait', 'soon'], folder), 2, /--wait needs a number of seconds/);
});

test('a read-only output folder gives one clear message, exit 1, and the output as it was', (context) => {
  const folder = sampleCopyFor(context);
  assert.equal(atc(['build', '--out', 'site'], folder).status, 0);
  const before = snapshot(path.join(folder, 'site'));
  removeOneRule(folder);
  const site = path.join(folder, 'site');
  // root ignores permissions, but not the immutable attribute; others get a folder without write permission.
  const lock = process.getuid?.() === 0 ? ['chattr', '+i', site] : ['chmod', '555', site];
  const unlock = process.getuid?.() === 0 ? ['chattr', '-i', site] : ['chmod', '755', site];
  if (spawnSync(lock[0]!, lock.slice(1)).status !== 0) return context.skip(`${lock[0]} is not available here`);
  try {
    assertOneLineFailure(atc(['build', '--out', 'site'], folder), 1, /^atc build: cannot write site: E(PERM|ACCES).*; the output folder is unchanged$/m);
  } finally {
    spawnSync(unlock[0]!, unlock.slice(1));
  }
  assert.deepEqual(differentFiles(snapshot(site), before), []);
  assertNothingBeside(folder, ['site']);
});

test('a full disk gives one clear message and exit 1, and leaves nothing behind (a small RAM disk, also on another file system than the project)', (context) => {
  const folder = sampleCopyFor(context);
  mkdirSync(path.join(folder, 'disk'));
  // A private mount namespace: the 4 MB file system exists only for this shell and the build it runs.
  const script = 'mount -t tmpfs -o size=4m tmpfs disk || exit 99; node "$1" build --out disk/site; echo "exit $?" >&2; ls -A disk disk/.atc-cache';
  const result = spawnSync('unshare', ['-m', 'sh', '-c', script, 'sh', ATC], { cwd: folder, encoding: 'utf8' });
  if (result.error || result.status === 99 || /unshare: /.test(result.stderr)) return context.skip('cannot mount a small file system here (needs unshare and root)');
  assert.match(result.stderr, /^atc build: cannot write the build for disk\/site into disk\/\.atc-cache\/[0-9a-f]+: ENOSPC: no space left on device/m);
  assert.match(result.stderr, /^exit 1$/m);
  assert.doesNotMatch(result.stderr, /^\s+at /m);
  // Nothing beside the (absent) output but the cache, and in the cache nothing of this build.
  assert.deepEqual(result.stdout.trim().split('\n'), ['disk:', '.atc-cache', '', 'disk/.atc-cache:', '.gitignore', 'CACHEDIR.TAG']);
});
