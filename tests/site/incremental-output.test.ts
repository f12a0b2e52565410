// Rebuilds that write only what changed (issue 16): `atc build` over an earlier output, its spare and
// its manifest (lying ones too), and the search index's cache (the dev server's updates are
// tests/site/dev-server-update.test.ts). Every output is compared, file by file, with a clean build of the same input.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, unlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { cacheFolderFor } from '../../src/cache/build-cache.ts';
import { outputCache } from '../../src/site/output-cache.ts';
import { contentHash, MANIFEST_NAME, readManifest, writeManifest } from '../../src/site/output-manifest.ts';
import { OutputWriter } from '../../src/site/output-writer.ts';
import { atc, differentFiles, sampleCopyFor, snapshot } from '../cli/cli-harness.ts';

const RULE = 'rules/windows/process_creation/proc_creation_win_rundll32_comsvcs_minidump.yml';
/** A rule the edits delete, and the one they add (a copy of RULE under another id and title). */
const DELETED_RULE = 'rules/web/proxy_generic/proxy_large_upload_to_file_sharing.yml';
const ADDED_RULE = 'rules/windows/process_creation/proc_creation_win_added_for_test.yml';

/** What `atc build` says it did: files written of the output's files, and whether Pagefind was spared. */
interface BuildReport {
  readonly written: number;
  readonly total: number;
  readonly indexReused: boolean;
}

function build(folder: string, out: string, ...options: string[]): BuildReport {
  forgetLastBuild(folder);
  const result = atc(['build', '--out', out, ...options], folder);
  assert.equal(result.status, 0, result.stderr);
  const counts = /(\d+) of (\d+) files written/.exec(result.stderr);
  assert.ok(counts, result.stderr);
  return { written: Number(counts[1]), total: Number(counts[2]), indexReused: result.stderr.includes('(index unchanged)') };
}

/**
 * Removes the records of the last builds (src/cache/build-record.ts), so that a build of an unchanged
 * knowledge base goes through the output machinery these tests are about instead of stopping at once.
 */
function forgetLastBuild(folder: string): void {
  const cache = cacheFolderFor(folder);
  if (!existsSync(cache)) return;
  for (const name of readdirSync(cache)) if (/^build-[0-9a-f]+\.bin$/.test(name)) rmSync(path.join(cache, name));
}

/** What a build from scratch (`--no-cache`, a new folder) writes for the folder's current input. */
function cleanBuild(folder: string): Map<string, Buffer> {
  build(folder, 'clean', '--no-cache');
  const files = snapshot(path.join(folder, 'clean'));
  rmSync(path.join(folder, 'clean'), { recursive: true });
  return files;
}

/** An edit of RULE's description, a deleted rule and an added one: pages, lists, exports and the search records change. */
function editKnowledgeBase(folder: string, round: number): void {
  const rule = path.join(folder, RULE);
  const text = readFileSync(rule, 'utf8');
  writeFileSync(rule, text.replace('Flags rundll32.exe', `Flags (edit ${round}) rundll32.exe`));
  if (existsSync(path.join(folder, DELETED_RULE))) unlinkSync(path.join(folder, DELETED_RULE));
  const added = text.replace(/^id: .*$/m, `id: 0c0e0a5e-0000-4000-8000-00000000000${round}`).replace(/^title: .*$/m, `title: Added rule ${round}`);
  writeFileSync(path.join(folder, ADDED_RULE), added);
}

function assertSameAsClean(folder: string, out: string): void {
  const expected = cleanBuild(folder);
  assert.deepEqual(differentFiles(snapshot(path.join(folder, out)), expected), [], 'the output is what a clean build writes, file by file');
}

test('a rebuild writes only the files that changed, and its output is a clean build’s', { timeout: 300_000 }, (context) => {
  const folder = sampleCopyFor(context);
  const first = build(folder, '_site');
  assert.equal(first.written, first.total, 'a first build writes everything');
  assert.equal(first.indexReused, false);

  // No spare yet: the staging folder is empty, and the pages come from the current output.
  const second = build(folder, '_site');
  assert.ok(second.indexReused, 'an unchanged knowledge base does not run Pagefind again');
  // From the spare: only the streamed bulk exports are written again.
  const third = build(folder, '_site');
  assert.ok(third.indexReused);
  assert.ok(third.written < 20, `${third.written} of ${third.total} files written by an unchanged rebuild`);

  editKnowledgeBase(folder, 1);
  const edited = build(folder, '_site');
  assert.equal(edited.indexReused, false, 'the search records changed');
  assert.ok(edited.written < edited.total / 5, `${edited.written} of ${edited.total} files written after one edit, one deletion, one addition`);
  assertSameAsClean(folder, '_site');

  // Again, over the spare of two builds back (it lacks both changes).
  editKnowledgeBase(folder, 2);
  build(folder, '_site');
  assertSameAsClean(folder, '_site');
  const manifest = readManifest(path.join(folder, '_site'))!;
  for (const [file, content] of manifest) {
    assert.ok(content, `${file}: listed with its content`);
    const bytes = readFileSync(path.join(folder, '_site', file));
    assert.deepEqual({ size: bytes.byteLength, hash: contentHash([bytes]) }, content, `${file}: the manifest lists what the file holds`);
  }
});

/** Sets a file's times back, so that only its size and hash can tell it from what its manifest lists. */
function backdate(file: string): void {
  const old = new Date('2020-01-01T00:00:00Z');
  utimesSync(file, old, old);
}

/** Bytes of the same length as the file's, but not its content. */
function garbleKeepingSize(file: string): void {
  const bytes = readFileSync(file);
  writeFileSync(file, Buffer.alloc(bytes.byteLength, 'x'));
}

test('a spare whose manifest lies is not trusted where it lies: the output is still a clean build’s', { timeout: 300_000 }, async (context) => {
  const folder = sampleCopyFor(context);
  const out = path.join(folder, '_site');
  build(folder, '_site');
  build(folder, '_site'); // the first output is now the spare
  const spare = outputCache(out, path.join(folder, '.atc-cache')).spare;
  const listed = readManifest(spare)!;

  // A listed hash that is not the file's (the file garbled, same size, old time).
  const lyingHash = 'index.html';
  garbleKeepingSize(path.join(spare, lyingHash));
  backdate(path.join(spare, lyingHash));
  // A file of another size than listed (old time, so only its size tells).
  const wrongSize = 'markdown/README.md';
  writeFileSync(path.join(spare, wrongSize), readFileSync(path.join(spare, wrongSize)).subarray(1));
  backdate(path.join(spare, wrongSize));
  const manifestText = readFileSync(path.join(spare, MANIFEST_NAME), 'utf8');
  const entry = `["${lyingHash}",${listed.get(lyingHash)!.size},"${listed.get(lyingHash)!.hash}"]`;
  assert.ok(manifestText.includes(entry));
  writeFileSync(path.join(spare, MANIFEST_NAME), manifestText.replace(entry, `["${lyingHash}",${listed.get(lyingHash)!.size},"${'0'.repeat(32)}"]`));
  // A file changed after the manifest was written, keeping its size.
  await new Promise((resolve) => setTimeout(resolve, 50));
  const changedLater = 'rules/index.json';
  garbleKeepingSize(path.join(spare, changedLater));
  // A symbolic link where a listed file was: written over, never through.
  const outside = path.join(folder, 'outside.txt');
  writeFileSync(outside, 'not atc’s');
  rmSync(path.join(spare, 'assets/site.css'));
  symlinkSync(outside, path.join(spare, 'assets/site.css'));

  build(folder, '_site');
  assert.equal(readFileSync(outside, 'utf8'), 'not atc’s');
  assertSameAsClean(folder, '_site');

  // A manifest of format 1 (paths only): nothing in the spare is known, a garbled file of the right size included.
  const formatOne = outputCache(out, path.join(folder, '.atc-cache')).spare;
  const paths = [...readManifest(formatOne)!.keys()];
  writeFileSync(path.join(formatOne, MANIFEST_NAME), `${JSON.stringify({ format: 'atc-kb output manifest 1', files: paths }, null, 1)}\n`);
  garbleKeepingSize(path.join(formatOne, 'rules/index.html'));
  backdate(path.join(formatOne, 'rules/index.html'));
  const report = build(folder, '_site');
  assert.ok(report.written > report.total / 4, `${report.written} of ${report.total} files written over a spare whose manifest lists no content`);
  assertSameAsClean(folder, '_site');
});

test('the search index comes from the cache when its records did not change; a garbled cache is ignored', { timeout: 300_000 }, (context) => {
  const folder = sampleCopyFor(context);
  const index = (): Map<string, Buffer> => snapshot(path.join(folder, '_site', 'pagefind'));
  assert.equal(build(folder, '_site').indexReused, false);
  const made = index();
  assert.ok(made.size > 100, `${made.size} index files`);
  assert.ok(build(folder, '_site').indexReused);
  assert.deepEqual(differentFiles(index(), made), []);

  const shelf = path.join(cacheFolderFor(folder), 'search-index.bin');
  const bytes = readFileSync(shelf);
  bytes[bytes.byteLength >> 1] ^= 0xff;
  writeFileSync(shelf, bytes);
  assert.equal(build(folder, '_site').indexReused, false, 'a damaged shelf is not trusted');
  assert.deepEqual(differentFiles(index(), made), []);
  assert.ok(build(folder, '_site').indexReused, 'the shelf was written again');
  assert.equal(build(folder, '_site', '--no-cache').indexReused, false, '--no-cache makes the index afresh');
  assert.deepEqual(differentFiles(index(), made), []);
});

test('a file known unchanged since the current output is kept or copied from it, and only when the output holds exactly its bytes', (context) => {
  const folder = mkdtempSync(path.join(tmpdir(), 'atc-writer-'));
  context.after(() => rmSync(folder, { recursive: true, force: true }));
  const current = path.join(folder, 'current');
  const page = (name: string): string => `<p>${name}</p>`.repeat(50);
  const files = ['a/index.html', 'b/index.html', 'c/index.html', 'd/index.html'];
  const first = new OutputWriter(current);
  first.writeFiles(files.map((file) => ({ path: file, content: page(file) })));
  writeManifest(current, first.listed, path.join(folder, 'manifest.tmp'));
  // The output changed behind its manifest: b garbled (same size), c now a link to a file of the same bytes elsewhere.
  garbleKeepingSize(path.join(current, 'b/index.html'));
  writeFileSync(path.join(folder, 'elsewhere.html'), page('c/index.html'));
  rmSync(path.join(current, 'c/index.html'));
  symlinkSync(path.join(folder, 'elsewhere.html'), path.join(current, 'c/index.html'));

  const manifest = readManifest(current)!;
  const staging = new OutputWriter(path.join(folder, 'staging'), { current: { folder: current, files: manifest, listedAt: Date.now() + 60_000 } });
  assert.deepEqual(staging.currentContent('a/index.html'), manifest.get('a/index.html'));
  assert.equal(staging.keepUnchanged('a/index.html', manifest.get('a/index.html')!), true);
  assert.equal(readFileSync(path.join(folder, 'staging/a/index.html'), 'utf8'), page('a/index.html'));
  assert.equal(staging.keepUnchanged('b/index.html', manifest.get('b/index.html')!), false, 'not the listed bytes');
  assert.equal(staging.keepUnchanged('c/index.html', manifest.get('c/index.html')!), false, 'a link is not followed');
  assert.equal(staging.keepUnchanged('e/index.html', manifest.get('d/index.html')!), false, 'not listed at that path');
  assert.ok(!existsSync(path.join(folder, 'staging/b/index.html')) && !existsSync(path.join(folder, 'staging/c/index.html')));
  assert.deepEqual(staging.counts, { written: 0, reused: 0, copied: 1 });
});
