// What `atc build` costs a user who builds again after a small change (issue 16): the command as users run
// it, a child process per build, over a copy of the full ../shared corpus with eight query targets (the
// knowledge base of the serve-corpus scenario). Each step is the child's wall time and its peak resident
// memory (the atc process; Pagefind runs in a process of its own). Used by `npm run bench -- incremental`.
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseAllDocuments } from 'yaml';
import { cacheFolderFor } from '../src/cache/build-cache.ts';
import { appendToDetectionValue, fieldValue, setField } from './rule-edits.ts';
import { copyCorpus } from './serve-latency.ts';

const WRAPPER = path.join(import.meta.dirname, 'atc-with-peak-memory.ts');
const FLOOR = path.join(import.meta.dirname, 'search-index-floor.ts');
/** tsx by absolute address: the child runs in the corpus copy, which has no node_modules to resolve it from. */
const TSX = import.meta.resolve('tsx');

/** One `atc build`: wall time of the process, and its peak RSS. */
interface BuildRun {
  readonly ms: number;
  readonly peakRssMb: number;
}

/** Runs a TypeScript script under tsx in `folder`; its standard output, or an error naming `what` with the end of its standard error. */
async function runScript(what: string, folder: string, args: readonly string[]): Promise<string> {
  const child = spawn(process.execPath, ['--import', TSX, ...args], { cwd: folder, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const status = await new Promise<number | null>((resolve) => child.on('close', resolve));
  if (status !== 0) throw new Error(`${what} exited with ${status}:\n${stderr.slice(-4000)}`);
  return stdout;
}

async function atcBuild(folder: string, extra: string[] = []): Promise<BuildRun> {
  const started = performance.now();
  const stdout = await runScript(`atc build ${extra.join(' ')}`, folder, [WRAPPER, 'build', '--config', path.join(folder, 'atc.config.yml'), '--out', path.join(folder, '_site'), ...extra]);
  const ms = performance.now() - started;
  // The last line scripts/atc-with-peak-memory.ts writes.
  const peak = /^atc peak RSS MB: ([0-9.]+)$/m.exec(stdout);
  if (!peak) throw new Error(`atc build did not report its peak memory:\n${stdout.slice(-2000)}`);
  return { ms, peakRssMb: Number(peak[1]) };
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

/** A step's figures: the median time, and the highest peak RSS of its builds. */
function summarize(step: string, runs: readonly BuildRun[]): Record<string, number> {
  return { [step]: median(runs.map((run) => run.ms)), [`${step} peak RSS`]: Math.max(...runs.map((run) => run.peakRssMb)) };
}

const EDITS = 5;

/**
 * Process-creation rules the steps change: one document each, with a description and a detection value to
 * edit, spread evenly over the sorted folder (so each edit hits a different rule), the same on every run.
 */
function chooseRules(folder: string, count: number): string[] {
  const relative = 'rules/windows/process_creation';
  const candidates = readdirSync(path.join(folder, relative))
    .filter((name) => name.endsWith('.yml'))
    .sort()
    .map((name) => `${relative}/${name}`)
    .filter((rule) => {
      const text = readFileSync(path.join(folder, rule), 'utf8');
      return parseAllDocuments(text).length === 1 && fieldValue(text, 'id') !== undefined && fieldValue(text, 'description') !== undefined && appendToDetectionValue(text, (items) => items[0]!, 'x') !== undefined;
    });
  if (candidates.length < count) throw new Error(`only ${candidates.length} editable rules in ${relative}`);
  return Array.from({ length: count }, (_unused, index) => candidates[Math.floor((index * candidates.length) / count)]!);
}

/** The markdown page of a rule file (its basename; SigmaHQ's are unique, so no suffix). */
function markdownPage(folder: string, rule: string): string {
  return path.join(folder, '_site/markdown/Detection_Rules', `${path.basename(rule, '.yml')}.md`);
}

/** Whether another rule names this one (a correlation or `related` entry) by id or by file stem: deleting it would be an error of the knowledge base. */
function referencedElsewhere(folder: string, rule: string): boolean {
  const text = readFileSync(path.join(folder, rule), 'utf8');
  const names = [fieldValue(text, 'id'), fieldValue(text, 'name'), path.basename(rule, '.yml')].filter((name): name is string => name !== undefined);
  const others = readdirSync(path.join(folder, 'rules'), { recursive: true, encoding: 'utf8' }).filter((name) => name.endsWith('.yml') && path.join('rules', name) !== rule);
  return others.some((other) => {
    const otherText = readFileSync(path.join(folder, 'rules', other), 'utf8');
    return names.some((name) => otherText.includes(name));
  });
}

/**
 * The steps, in `folder` (emptied by the caller): `cold` (--no-cache, empty cache and output), `unchanged`
 * (median of 3), `one rule` (its description and a detection value edited, a different rule each time,
 * median of 5), `add+delete` (one rule file added, another deleted). Every step checks its output shows the change.
 * Then the floor of a one-rule build (search-index-floor.ts, median of 3): when the records are ready, and
 * Pagefind's full index alone.
 */
export async function measureIncrementalBuilds(folder: string, log: (line: string) => void = () => {}): Promise<Record<string, number>> {
  copyCorpus(folder);
  rmSync(cacheFolderFor(folder), { recursive: true, force: true });
  const result: Record<string, number> = {};

  const cold = await atcBuild(folder, ['--no-cache']);
  log(`cold ${cold.ms.toFixed(0)} ms`);
  Object.assign(result, summarize('cold', [cold]));

  const unchanged: BuildRun[] = [];
  for (let run = 0; run < 3; run += 1) unchanged.push(await atcBuild(folder));
  log(`unchanged ${unchanged.map((run) => run.ms.toFixed(0)).join(', ')} ms`);
  Object.assign(result, summarize('unchanged', unchanged));

  const rules = chooseRules(folder, EDITS + 3);
  const added = rules[0]!;
  const deleted = rules.slice(1).find((rule) => !referencedElsewhere(folder, rule));
  if (deleted === undefined) throw new Error(`no rule to delete among ${rules.slice(1).join(', ')}: other rules name each`);
  const edited = rules.filter((rule) => rule !== added && rule !== deleted).slice(0, EDITS);
  const oneRule: BuildRun[] = [];
  for (const [index, rule] of edited.entries()) {
    const file = path.join(folder, rule);
    const description = `Edited for the incremental bench, edit ${index + 1}`;
    const text = appendToDetectionValue(setField(readFileSync(file, 'utf8'), 'description', description)!, (items) => items[0]!, `Bench${index + 1}`)!;
    writeFileSync(file, text);
    oneRule.push(await atcBuild(folder));
    if (!readFileSync(markdownPage(folder, rule), 'utf8').includes(description)) throw new Error(`the build after editing ${rule} did not update its page`);
  }
  log(`one rule ${oneRule.map((run) => run.ms.toFixed(0)).join(', ')} ms`);
  Object.assign(result, summarize('one rule', oneRule));

  const newRule = 'rules/windows/process_creation/bench_added_rule.yml';
  writeFileSync(path.join(folder, newRule), setField(setField(readFileSync(path.join(folder, added), 'utf8'), 'id', randomUUID())!, 'title', 'Rule added by the incremental bench')!);
  rmSync(path.join(folder, deleted));
  const addDelete = await atcBuild(folder);
  if (!existsSync(markdownPage(folder, newRule)) || existsSync(markdownPage(folder, deleted))) throw new Error(`the build after adding ${newRule} and deleting ${deleted} did not add and remove their pages`);
  log(`add+delete ${addDelete.ms.toFixed(0)} ms`);
  Object.assign(result, summarize('add+delete', [addDelete]));

  const floors: SearchFloor[] = [];
  for (let run = 0; run < 3; run += 1) floors.push(await searchIndexFloor(folder));
  log(`search floor: records ready at ${floors.map((floor) => (floor.recordsReady * 1000).toFixed(0)).join(', ')} ms, then Pagefind alone ${floors.map((floor) => (floor.indexing * 1000).toFixed(0)).join(', ')} ms (${floors[0]!.records} records)`);
  result['records ready'] = median(floors.map((floor) => floor.recordsReady * 1000));
  result['Pagefind alone'] = median(floors.map((floor) => floor.indexing * 1000));
  return result;
}

/** What scripts/search-index-floor.ts prints. */
interface SearchFloor {
  readonly recordsReady: number;
  readonly indexing: number;
  readonly records: number;
}

/** The least a one-rule build costs while the whole search index is made again (see search-index-floor.ts). */
async function searchIndexFloor(folder: string): Promise<SearchFloor> {
  const stdout = await runScript('search-index-floor', folder, [FLOOR, folder]);
  return JSON.parse(stdout.trim().split('\n').at(-1)!) as SearchFloor;
}
