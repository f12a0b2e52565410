import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, statSync, symlinkSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parse } from 'yaml';
import { loadConfig } from '../../src/load/load-config.ts';
import { PROJECT_ROOT } from '../helpers/knowledge-base.ts';

// The dev server after edits: an edited rule's page first, then every other page and file. A copy of the
// sample is served by a real `eleventy --serve`, edited (a title, a deleted rule, a new rule, a renamed file),
// and what the server's folder holds at the end must be what a clean Eleventy build of the edited copy writes.

const ELEVENTY = path.join(PROJECT_ROOT, 'node_modules/@11ty/eleventy/cmd.cjs');
const SERVE_OUTPUT = '.atc-cache/serve';
/** What the site plugin writes when an update is done (.eleventy.js). */
const RELOAD_MARKER = '.atc-cache/serve-updated';

function copySample(folder: string): void {
  const { config } = loadConfig({}, PROJECT_ROOT);
  for (const input of Object.values(config.inputs).flat()) {
    const relative = path.relative(PROJECT_ROOT, input);
    if (!relative.startsWith('..') && existsSync(input)) cpSync(input, path.join(folder, relative), { recursive: true });
  }
  for (const name of ['atc.config.yml', 'src', '.eleventy.js', 'package.json']) cpSync(path.join(PROJECT_ROOT, name), path.join(folder, name), { recursive: true });
  symlinkSync(path.join(PROJECT_ROOT, 'node_modules'), path.join(folder, 'node_modules'));
}

async function until(what: string, check: () => Promise<boolean> | boolean, timeoutMs = 60_000): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (performance.now() < deadline) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  assert.fail(`timed out waiting until ${what}`);
}

async function fetchText(url: string): Promise<{ status: number; text: string }> {
  try {
    const response = await fetch(url);
    return { status: response.status, text: await response.text() };
  } catch {
    return { status: 0, text: '' };
  }
}

/** Every file under `root` (relative paths) but the search index, which Pagefind writes in the background. */
function files(root: string, relative = ''): string[] {
  return readdirSync(path.join(root, relative), { withFileTypes: true }).flatMap((entry) => {
    const entryPath = relative === '' ? entry.name : `${relative}/${entry.name}`;
    if (entry.isDirectory()) return entryPath === 'pagefind' ? [] : files(root, entryPath);
    return [entryPath];
  });
}

/** The modification time of every file under `root` but the search index. */
function mtimes(root: string): Map<string, number> {
  return new Map(files(root).map((file) => [file, statSync(path.join(root, file), { throwIfNoEntry: false })?.mtimeMs ?? 0]));
}

/** Waits until no file of `root` (but the search index) changed for two seconds. */
async function quiet(root: string): Promise<void> {
  let last = '';
  let stableSince = performance.now();
  await until(
    'the served folder stops changing',
    () => {
      const listing = [...mtimes(root)].join('\n');
      if (listing !== last) {
        last = listing;
        stableSince = performance.now();
      }
      return performance.now() - stableSince > 2000;
    },
    120_000,
  );
}

const ruleFolder = 'rules/windows/process_creation';

test('the dev server shows an edited rule first, then updates every page, and ends as a clean build would', { timeout: 300_000 }, async () => {
  const folder = mkdtempSync(path.join(tmpdir(), 'atc-serve-update-'));
  const port = 21000 + Math.floor(Math.random() * 20000);
  let output = '';
  try {
    copySample(folder);
    const child = spawn(process.execPath, [ELEVENTY, '--serve', `--port=${port}`], { cwd: folder, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.on('data', (chunk) => (output += chunk));
    child.stderr.on('data', (chunk) => (output += chunk));
    try {
      const base = `http://localhost:${port}`;
      const rules = readdirSync(path.join(folder, ruleFolder)).filter((name) => name.endsWith('.yml')).sort();
      const read = (name: string): { id: string; title: string; text: string } => {
        const text = readFileSync(path.join(folder, ruleFolder, name), 'utf8');
        const parsed = parse(text) as { id: string; title: string };
        return { id: parsed.id.toLowerCase(), title: parsed.title, text };
      };
      const edited = read(rules[0]!);
      await until('the first build is served', async () => (await fetchText(`${base}/rules/${edited.id}/`)).status === 200, 120_000);
      await quiet(path.join(folder, SERVE_OUTPUT));
      const before = mtimes(path.join(folder, SERVE_OUTPUT));

      // A new title: on the rule's page first, then on the rule list (rendered after it).
      const marker = `Edited title ${Date.now()}`;
      writeFileSync(path.join(folder, ruleFolder, rules[0]!), edited.text.replace(/^title: .*$/m, `title: ${marker}`));
      await until('the edited rule page shows the new title', async () => (await fetchText(`${base}/rules/${edited.id}/`)).text.includes(marker));
      await until('the rule list shows the new title', async () => (await fetchText(`${base}/rules/`)).text.includes(marker));
      // Only the files whose content changed are written again: the rule's pages, lists, a few exports.
      await quiet(path.join(folder, SERVE_OUTPUT));
      const after = mtimes(path.join(folder, SERVE_OUTPUT));
      const rewritten = [...after].filter(([file, time]) => before.get(file) !== time).map(([file]) => file);
      assert.ok(rewritten.includes(`rules/${edited.id}/index.html`), 'the rule page was written');
      assert.ok(rewritten.length < before.size / 10, `${rewritten.length} of ${before.size} files written after one edit: ${rewritten.slice(0, 40).join(', ')}`);

      // A deleted rule: its page goes.
      const deleted = read(rules[1]!);
      unlinkSync(path.join(folder, ruleFolder, rules[1]!));
      await until('the deleted rule page is gone', async () => (await fetchText(`${base}/rules/${deleted.id}/`)).status === 404);

      // A new rule (a copy under a new id and title): its page comes.
      const added = { id: '0f9e8d7c-6b5a-4938-8271-605f4e3d2c1b', title: `Added rule ${Date.now()}` };
      writeFileSync(path.join(folder, ruleFolder, 'added_rule.yml'), deleted.text.replace(/^id: .*$/m, `id: ${added.id}`).replace(/^title: .*$/m, `title: ${added.title}`));
      await until('the new rule page is served', async () => (await fetchText(`${base}/rules/${added.id}/`)).text.includes(added.title));

      // A renamed file: same rule, another file name.
      renameSync(path.join(folder, ruleFolder, rules[2]!), path.join(folder, ruleFolder, `renamed_${rules[2]!}`));
      const renamed = read(`renamed_${rules[2]!}`);
      await until('the renamed rule page names its new file', async () => (await fetchText(`${base}/rules/${renamed.id}/`)).text.includes(`renamed_${rules[2]!.replace(/\.yml$/, '')}`));

      // Saves in quick succession: each update gives way to the next, and the last one's content stays.
      const burst = read(rules[3]!);
      for (let save = 1; save <= 5; save += 1) {
        writeFileSync(path.join(folder, ruleFolder, rules[3]!), burst.text.replace(/^title: .*$/m, `title: Burst ${save} ${marker}`));
        await new Promise((resolve) => setTimeout(resolve, 120));
      }
      await until('the last of the quick saves is on the rule list', async () => (await fetchText(`${base}/rules/`)).text.includes(`Burst 5 ${marker}`));
      await quiet(path.join(folder, SERVE_OUTPUT));

      // A save that changes nothing: the update runs to its end (the reload marker is written) and writes no file.
      const settled = mtimes(path.join(folder, SERVE_OUTPUT));
      const reloadMarker = path.join(folder, RELOAD_MARKER);
      const markerBefore = readFileSync(reloadMarker, 'utf8');
      const unchangedRule = path.join(folder, ruleFolder, rules[4]!);
      writeFileSync(unchangedRule, readFileSync(unchangedRule));
      await until('the update after an unchanged save has finished', () => readFileSync(reloadMarker, 'utf8') !== markerBefore);
      await quiet(path.join(folder, SERVE_OUTPUT));
      const touched = [...mtimes(path.join(folder, SERVE_OUTPUT))].filter(([file, time]) => settled.get(file) !== time).map(([file]) => file);
      assert.deepEqual(touched, [], 'an unchanged save writes nothing');
    } finally {
      child.kill('SIGTERM');
      await new Promise((resolve) => child.once('exit', resolve));
    }

    const clean = spawnSync(process.execPath, [ELEVENTY, '--output=clean-build'], { cwd: folder, encoding: 'utf8', timeout: 300_000 });
    assert.equal(clean.status, 0, `${clean.stdout}\n${clean.stderr}`.slice(-3000));
    const servedRoot = path.join(folder, SERVE_OUTPUT);
    const cleanRoot = path.join(folder, 'clean-build');
    const servedFiles = files(servedRoot).sort();
    assert.deepEqual(servedFiles, files(cleanRoot).sort(), 'the served folder holds the files a clean build writes, and no others');
    const differing = servedFiles.filter((file) => !readFileSync(path.join(servedRoot, file)).equals(readFileSync(path.join(cleanRoot, file))));
    assert.deepEqual(differing, [], 'every served file is byte-identical to the clean build');
  } catch (error) {
    throw new Error(`${(error as Error).message}\n--- server output ---\n${output.slice(-3000)}`, { cause: error });
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
});
