// Measures what an author waits for under `npx @11ty/eleventy --serve`: the time from saving an edited
// rule to the dev server serving the page with the change. Runs on a copy (the project's own folders and
// ../shared are never touched): of the sample knowledge base, or of the full ../shared corpus with eight
// query targets, the size at which authors of a real knowledge base work. Used by `npm run bench -- serve`
// and `npm run bench -- serve-corpus`.
import { spawn } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parse, stringify } from 'yaml';
import { loadConfig } from '../src/load/load-config.ts';
import { SHARED_CORPUS } from './shared-corpus.ts';

const PROJECT = path.resolve(import.meta.dirname, '..');

/** What the dev server needs besides the knowledge base: its configuration and the code it runs. */
const SERVER_FILES = ['src', '.eleventy.js', 'package.json'];

/** The query targets of the corpus run: the eight the dev-server figures of issue 16 were taken with. */
const CORPUS_TARGETS = ['lucene', 'eql', 'esql', 'splunk', 'kusto+microsoft_xdr', 'es-qs', 'graylog', 'xpack-watcher'];

/** A knowledge base copied into `folder`, and the rule whose edits are timed. */
interface ServedKnowledgeBase {
  /** The rule file under `folder`. */
  readonly rule: string;
}

async function poll(url: string, wanted: string, timeoutMs: number): Promise<boolean> {
  const deadline = performance.now() + timeoutMs;
  while (performance.now() < deadline) {
    try {
      const response = await fetch(url);
      if (response.ok && (await response.text()).includes(wanted)) return true;
    } catch {
      // server not up yet
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return false;
}

/** The sample: every folder its atc.config.yml names (so a folder added to the sample is copied too), and the file. */
function copySample(folder: string): ServedKnowledgeBase {
  const { config } = loadConfig({}, PROJECT);
  const inputs = Object.values(config.inputs).flat();
  for (const input of inputs) {
    const relative = path.relative(PROJECT, input);
    if (relative.startsWith('..') || path.isAbsolute(relative)) continue;
    try {
      cpSync(input, path.join(folder, relative), { recursive: true });
    } catch {
      // A folder the configuration names but the checkout lacks: the build reports it, as it would here.
    }
  }
  cpSync(path.join(PROJECT, 'atc.config.yml'), path.join(folder, 'atc.config.yml'));
  return { rule: 'rules/windows/process_creation/proc_creation_win_rundll32_comsvcs_minidump.yml' };
}

/**
 * The corpus: SigmaHQ's `rules/` (as issue 16 measured it), atc-data, Atomic Red Team's test files (not its
 * binaries) and RE&CT, with a configuration naming the eight targets. The timed rule is the first
 * process-creation rule with an id, by file name.
 */
function copyCorpus(folder: string): ServedKnowledgeBase {
  const copy = (from: string, to: string, keep: (name: string) => boolean = () => true): void => {
    cpSync(path.join(SHARED_CORPUS, from), path.join(folder, to), { recursive: true, filter: (source) => keep(source) });
  };
  copy('sigma/rules', 'rules');
  for (const name of ['data_needed', 'logging_policies', 'enrichments']) copy(`atc-data/${name}`, name);
  copy('atomic-red-team/atomics', 'triggers', (source) => statSync(source).isDirectory() || /\.ya?ml$/.test(source));
  for (const name of ['response_actions', 'response_playbooks', 'response_stages']) copy(`atc-react/${name}`, name);
  writeFileSync(
    path.join(folder, 'atc.config.yml'),
    stringify({
      rules: 'rules',
      data_needed: 'data_needed',
      logging_policies: 'logging_policies',
      enrichments: 'enrichments',
      triggers: 'triggers',
      response_actions: 'response_actions',
      response_playbooks: 'response_playbooks',
      response_stages: 'response_stages',
      queries: CORPUS_TARGETS,
    }),
  );
  const processCreation = path.join(folder, 'rules/windows/process_creation');
  const name = readdirSync(processCreation)
    .sort()
    .find((file) => typeof (parse(readFileSync(path.join(processCreation, file), 'utf8')) as { id?: unknown }).id === 'string');
  if (name === undefined) throw new Error('no process_creation rule with an id in the corpus');
  return { rule: `rules/windows/process_creation/${name}` };
}

export async function measureServeLatency(edits = 3, knowledgeBase: 'sample' | 'corpus' = 'sample'): Promise<{ startup: number; latencies: number[] }> {
  const folder = mkdtempSync(path.join(tmpdir(), 'atc-serve-'));
  try {
    const served = knowledgeBase === 'sample' ? copySample(folder) : copyCorpus(folder);
    for (const name of SERVER_FILES) cpSync(path.join(PROJECT, name), path.join(folder, name), { recursive: true });
    symlinkSync(path.join(PROJECT, 'node_modules'), path.join(folder, 'node_modules'));
    const rule = path.join(folder, served.rule);
    const original = readFileSync(rule, 'utf8');
    const { id, title } = parse(original) as { id: string; title: string };
    const titleLine = original.split('\n').find((line) => line.startsWith('title:'));
    if (titleLine === undefined) throw new Error(`${served.rule} has no top-level title line to edit`);
    return await serve(folder, { rule, original, titleLine, url: `/rules/${id.toLowerCase()}/`, title }, edits);
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
}

async function serve(
  folder: string,
  edited: { rule: string; original: string; titleLine: string; url: string; title: string },
  edits: number,
): Promise<{ startup: number; latencies: number[] }> {
  const port = 20000 + Math.floor(Math.random() * 20000);
  const started = performance.now();
  const child = spawn(process.execPath, [path.join(PROJECT, 'node_modules/@11ty/eleventy/cmd.cjs'), '--serve', `--port=${port}`], { cwd: folder, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (chunk) => (output += chunk));
  child.stderr.on('data', (chunk) => (output += chunk));
  try {
    const url = `http://localhost:${port}${edited.url}`;
    // The title as the page prints it: HTML-escaped, so compare on a prefix free of markup characters.
    const shown = edited.title.split(/[&<>"']/)[0]!.slice(0, 40);
    if (!(await poll(url, shown, 600_000))) throw new Error(`the dev server did not come up:\n${output.slice(-4000)}`);
    const startup = performance.now() - started;
    const latencies: number[] = [];
    for (let edit = 1; edit <= edits; edit += 1) {
      await new Promise((resolve) => setTimeout(resolve, 500));
      const marker = `Edited ${edit} ${Date.now()}`;
      const saved = performance.now();
      writeFileSync(edited.rule, edited.original.replace(edited.titleLine, `title: ${marker}`));
      if (!(await poll(url, marker, 120_000))) throw new Error(`edit ${edit} never showed up:\n${output.slice(-4000)}`);
      latencies.push(performance.now() - saved);
    }
    return { startup, latencies };
  } finally {
    child.kill('SIGTERM');
  }
}

if (process.argv[1] === import.meta.filename) {
  const knowledgeBase = process.argv[3] === 'corpus' ? 'corpus' : 'sample';
  const result = await measureServeLatency(Number(process.argv[2] ?? 3), knowledgeBase);
  console.log(`eleventy --serve (${knowledgeBase}): first build served after ${result.startup.toFixed(0)} ms; edit → page updated in ${result.latencies.map((ms) => `${ms.toFixed(0)} ms`).join(', ')}`);
}
