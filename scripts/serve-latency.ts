// Measures what an author waits for under `npx @11ty/eleventy --serve`: the time from saving an edited
// rule to the dev server serving the page with the change. Runs on a copy (the project's own folders and
// ../shared are never touched): of the sample knowledge base, or of the full ../shared corpus with eight
// query targets, the size at which authors of a real knowledge base work. Used by `npm run bench -- serve`
// and `npm run bench -- serve-corpus`.
import { spawn } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parse, stringify } from 'yaml';
import { loadConfig } from '../src/load/load-config.ts';
import { setField, techniqueTags } from './rule-edits.ts';
import { SHARED_CORPUS } from './shared-corpus.ts';

const PROJECT = path.resolve(import.meta.dirname, '..');

/** What the dev server needs besides the knowledge base: its configuration and the code it runs. */
const SERVER_FILES = ['src', '.eleventy.js', 'package.json'];

/** The query targets of the corpus run: the eight the dev-server figures of issue 16 were taken with. */
export const CORPUS_TARGETS = ['lucene', 'eql', 'esql', 'splunk', 'kusto+microsoft_xdr', 'es-qs', 'graylog', 'xpack-watcher'];

/** A knowledge base copied into `folder`, and the rule whose edits are timed. */
interface ServedKnowledgeBase {
  /** The rule file under `folder`: it has an id and a technique tag, so its technique's page lists it. */
  readonly rule: string;
}

/** A rule the edits can be timed on: an id for its page's address, a technique for the dependent page. */
function hasIdAndTechnique(text: string): boolean {
  return typeof (parse(text) as { id?: unknown }).id === 'string' && techniqueTags(text).length > 0;
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
 * binaries) and RE&CT, with a configuration naming the eight targets and no output folder. The timed rule
 * is the first process-creation rule with an id and a technique tag, by file name. Also the knowledge base
 * of the `incremental` bench scenario.
 */
export function copyCorpus(folder: string): ServedKnowledgeBase {
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
    .find((file) => hasIdAndTechnique(readFileSync(path.join(processCreation, file), 'utf8')));
  if (name === undefined) throw new Error('no process_creation rule with an id and a technique tag in the corpus');
  return { rule: `rules/windows/process_creation/${name}` };
}

/**
 * node_modules of the copy: one link per package of the project's, so the server runs the project's
 * dependencies, while anything a run writes under node_modules/.cache (a build cache) stays in the copy
 * and goes with it, instead of landing in the checkout and carrying over to the next run.
 */
function linkPackages(folder: string): void {
  const modules = path.join(folder, 'node_modules');
  mkdirSync(modules);
  for (const name of readdirSync(path.join(PROJECT, 'node_modules'))) {
    if (name !== '.cache') symlinkSync(path.join(PROJECT, 'node_modules', name), path.join(modules, name));
  }
}

/** What a run measured, in milliseconds. */
export interface ServeLatency {
  /** From starting the server to the timed rule's page being served. */
  readonly startup: number;
  /** Per edit, from saving the rule to its page serving the new title. */
  readonly latencies: number[];
  /** Per edit, from saving the rule to its technique's page serving the new title (a page that depends on the rule). */
  readonly dependentLatencies: number[];
}

export async function measureServeLatency(edits = 3, knowledgeBase: 'sample' | 'corpus' = 'sample'): Promise<ServeLatency> {
  const folder = mkdtempSync(path.join(tmpdir(), 'atc-serve-'));
  try {
    const served = knowledgeBase === 'sample' ? copySample(folder) : copyCorpus(folder);
    for (const name of SERVER_FILES) cpSync(path.join(PROJECT, name), path.join(folder, name), { recursive: true });
    linkPackages(folder);
    const rule = path.join(folder, served.rule);
    const original = readFileSync(rule, 'utf8');
    if (!hasIdAndTechnique(original)) throw new Error(`${served.rule} needs an id and a technique tag`);
    const { id, title } = parse(original) as { id: string; title: string };
    // A sub-technique is a section of its technique's page.
    const technique = techniqueTags(original)[0]!.slice('attack.'.length).split('.')[0]!.toUpperCase();
    return await serve(folder, { rule, original, url: `/rules/${id.toLowerCase()}/`, dependentUrl: `/techniques/${technique}/`, title }, edits);
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
}

/** How long until `url` serves a page containing `wanted`, or undefined at the deadline. */
async function timeUntilServed(url: string, wanted: string, since: number, timeoutMs: number): Promise<number | undefined> {
  return (await poll(url, wanted, timeoutMs)) ? performance.now() - since : undefined;
}

async function serve(
  folder: string,
  edited: { rule: string; original: string; url: string; dependentUrl: string; title: string },
  edits: number,
): Promise<ServeLatency> {
  const port = 20000 + Math.floor(Math.random() * 20000);
  const started = performance.now();
  const child = spawn(process.execPath, [path.join(PROJECT, 'node_modules/@11ty/eleventy/cmd.cjs'), '--serve', `--port=${port}`], { cwd: folder, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (chunk) => (output += chunk));
  child.stderr.on('data', (chunk) => (output += chunk));
  try {
    const url = `http://localhost:${port}${edited.url}`;
    const dependentUrl = `http://localhost:${port}${edited.dependentUrl}`;
    // The title as the page prints it: HTML-escaped, so compare on a prefix free of markup characters.
    const shown = edited.title.split(/[&<>"']/)[0]!.slice(0, 40);
    if (!(await poll(url, shown, 600_000))) throw new Error(`the dev server did not come up:\n${output.slice(-4000)}`);
    const startup = performance.now() - started;
    const latencies: number[] = [];
    const dependentLatencies: number[] = [];
    for (let edit = 1; edit <= edits; edit += 1) {
      await new Promise((resolve) => setTimeout(resolve, 500));
      const marker = `Edited ${edit} ${Date.now()}`;
      const saved = performance.now();
      writeFileSync(edited.rule, setField(edited.original, 'title', marker)!);
      const [page, dependent] = await Promise.all([timeUntilServed(url, marker, saved, 120_000), timeUntilServed(dependentUrl, marker, saved, 120_000)]);
      if (page === undefined) throw new Error(`edit ${edit} never showed up on ${edited.url}:\n${output.slice(-4000)}`);
      if (dependent === undefined) throw new Error(`edit ${edit} never showed up on ${edited.dependentUrl}, which lists the rule:\n${output.slice(-4000)}`);
      latencies.push(page);
      dependentLatencies.push(dependent);
    }
    return { startup, latencies, dependentLatencies };
  } finally {
    child.kill('SIGTERM');
  }
}

if (process.argv[1] === import.meta.filename) {
  const knowledgeBase = process.argv[3] === 'corpus' ? 'corpus' : 'sample';
  const result = await measureServeLatency(Number(process.argv[2] ?? 3), knowledgeBase);
  const list = (latencies: number[]): string => latencies.map((ms) => `${ms.toFixed(0)} ms`).join(', ');
  console.log(`eleventy --serve (${knowledgeBase}): first build served after ${result.startup.toFixed(0)} ms; edit → page updated in ${list(result.latencies)}; edit → technique page updated in ${list(result.dependentLatencies)}`);
}
