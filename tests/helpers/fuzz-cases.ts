/**
 * The fuzz cases of tests/load/mutated-input.test.ts: the kinds of input file, each with the
 * knowledge base it is built in, and one case: a mutated file built alone the way `atc build` builds
 * it, checked for escaped exceptions, unplaced issues and its time.
 */
import assert from 'node:assert/strict';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { buildKnowledgeBase } from '../../src/build.ts';
import { ISSUE_FORMATS, formatIssues } from '../../src/check/issue-formats.ts';
import { DEFAULT_CONFIG } from '../../src/config.ts';
import { findYamlFiles } from '../../src/load/find-input-files.ts';
import { CONFIG_FILE_NAME, loadConfig } from '../../src/load/load-config.ts';
import { ISSUE_CODES, issueText, type Issue } from '../../src/model/issue.ts';
import { renderSitePages } from '../../src/render/html/site-pages.ts';
import { CORPUS, FIXTURES, PROJECT_ROOT } from './knowledge-base.ts';
import { mutateStructure, shortened, type StructureMutation } from './yaml-mutations.ts';
/** The bound of the issue: no single file may keep a build busy longer than this. */
export const MAX_CASE_MS = 1_000;
/** Files per entity type taken from the corpus, evenly spread over its sorted list. */
const CORPUS_FILES_PER_TYPE = 40;

export const FOLDERS = ['rules', 'data_needed', 'logging_policies', 'enrichments', 'triggers'] as const;
type Folder = (typeof FOLDERS)[number];

/** Every YAML file under a folder (none when it is absent), in the loader's own order. */
export function yamlFiles(folder: string): string[] {
  return findYamlFiles(folder).map((file) => file.absolutePath);
}

function evenlySpread<T>(items: readonly T[], count: number): T[] {
  if (items.length <= count) return [...items];
  return Array.from({ length: count }, (_, index) => items[Math.floor((index * items.length) / count)]!);
}

const isCorrelation = (text: string): boolean => /^correlation:/m.test(text);
const sampleFiles = (folder: Folder): string[] => yamlFiles(path.join(PROJECT_ROOT, folder));
const corpusFiles = (...folders: string[]): string[] => folders.flatMap((folder) => yamlFiles(path.join(CORPUS, folder)));

interface CompanionFile {
  /** Relative to the case's root. */
  readonly path: string;
  readonly source: string;
}

/** One kind of input file, and the knowledge base it is fuzzed in. */
export interface InputKind {
  readonly name: string;
  /** Where the mutated file goes, relative to the case's root. */
  readonly place: (source: string) => string;
  readonly sample: () => string[];
  /** Corpus files of this kind, or why there are none. */
  readonly corpus: () => string[] | string;
  /** Unchanged files the mutated one works with (the rules a correlation counts, the rules a pipeline maps). */
  readonly companions?: (originalText: string) => CompanionFile[];
  /** The configuration of the case, when not the sample's atc.config.yml. */
  readonly config?: string;
}

const inFolder = (folder: Folder) => (source: string) => `${folder}/${path.basename(source)}`;

/** Sample rules whose name or id the correlation names: without them its links are all dangling. */
function correlatedRules(correlationText: string): CompanionFile[] {
  return sampleFiles('rules')
    .filter((file) => {
      const text = readFileSync(file, 'utf8');
      if (isCorrelation(text)) return false;
      const names = [...text.matchAll(/^(?:name|id): *(\S+)$/gm)].map((match) => match[1]!);
      return names.some((name) => correlationText.includes(name));
    })
    .map((file) => ({ path: `rules/${path.basename(file)}`, source: file }));
}

const PIPELINE_NAME = 'my-siem';
/** A user pipeline used the ways the README shows: a query section naming it, with a format, beside the default sections. */
const PIPELINE_CONFIG = `pipelines:
  - name: ${PIPELINE_NAME}
    file: ${PIPELINE_NAME}.yml
queries:
  - splunk+${PIPELINE_NAME}
  - target: splunk
    pipeline: ${PIPELINE_NAME}
    format: savedsearches
${DEFAULT_CONFIG.querySections.map((section) => `  - ${section.target}`).join('\n')}
`;

export const KINDS: readonly InputKind[] = [
  {
    name: 'Sigma rule',
    place: inFolder('rules'),
    sample: () => sampleFiles('rules').filter((file) => !isCorrelation(readFileSync(file, 'utf8'))),
    corpus: () => evenlySpread(corpusFiles('sigma', 'sigma-2019'), CORPUS_FILES_PER_TYPE),
  },
  {
    name: 'Sigma correlation rule',
    place: inFolder('rules'),
    sample: () => sampleFiles('rules').filter((file) => isCorrelation(readFileSync(file, 'utf8'))),
    corpus: () => {
      const found = corpusFiles('sigma', 'sigma-2019').filter((file) => isCorrelation(readFileSync(file, 'utf8')));
      return found.length > 0 ? evenlySpread(found, CORPUS_FILES_PER_TYPE) : 'the Sigma corpora hold no correlation rule';
    },
    companions: correlatedRules,
  },
  {
    name: 'Data Needed',
    place: inFolder('data_needed'),
    sample: () => sampleFiles('data_needed'),
    corpus: () => evenlySpread(corpusFiles('atc-data/data_needed'), CORPUS_FILES_PER_TYPE),
  },
  {
    name: 'Logging Policy',
    place: inFolder('logging_policies'),
    sample: () => sampleFiles('logging_policies'),
    corpus: () => evenlySpread(corpusFiles('atc-data/logging_policies'), CORPUS_FILES_PER_TYPE),
  },
  {
    name: 'Enrichment',
    place: inFolder('enrichments'),
    sample: () => sampleFiles('enrichments'),
    corpus: () => evenlySpread(corpusFiles('atc-data/enrichments'), CORPUS_FILES_PER_TYPE),
  },
  {
    name: 'Atomic Red Team technique file',
    // Kept in its technique's folder, as Atomic Red Team lays them out.
    place: (source) => `triggers/${path.basename(path.dirname(source))}/${path.basename(source)}`,
    sample: () => sampleFiles('triggers'),
    corpus: () => evenlySpread(corpusFiles('atomic-red-team/atomics'), CORPUS_FILES_PER_TYPE),
  },
  {
    name: 'field-mapping pipeline',
    place: () => `${PIPELINE_NAME}.yml`,
    sample: () => yamlFiles(path.join(FIXTURES, 'pipelines')),
    corpus: () => 'the corpus holds no atc pipeline file',
    companions: () =>
      sampleFiles('rules')
        .filter((file) => /product: windows/.test(readFileSync(file, 'utf8')))
        .slice(0, 3)
        .map((file) => ({ path: `rules/${path.basename(file)}`, source: file })),
    config: PIPELINE_CONFIG,
  },
  {
    name: 'ATT&CK overlay',
    place: () => 'overlay.yml',
    sample: () => [path.join(FIXTURES, 'attack/overlay.yml')],
    corpus: () => 'the corpus holds no ATT&CK overlay',
    companions: () => sampleFiles('rules').slice(0, 3).map((file) => ({ path: `rules/${path.basename(file)}`, source: file })),
    config: 'attack:\n  overlay: overlay.yml\n',
  },
  {
    name: CONFIG_FILE_NAME,
    place: () => CONFIG_FILE_NAME,
    sample: () => [path.join(PROJECT_ROOT, CONFIG_FILE_NAME)],
    corpus: () => `the corpus holds no ${CONFIG_FILE_NAME}`,
    // A small knowledge base for the configuration to describe: the first file of each sample folder.
    companions: () => FOLDERS.flatMap((folder) => sampleFiles(folder).slice(0, 1).map((file) => ({ path: path.join(folder, path.relative(path.join(PROJECT_ROOT, folder), file)), source: file }))),
  },
];

/** Every issue can be shown as `file:line:col severity code message` and found in the code registry. */
export function assertIssuesPlaced(issues: readonly Issue[]): void {
  for (const issue of issues) {
    const shown = issueText(issue);
    assert.ok(issue.file.length > 0, `an issue without a file: ${shown}`);
    assert.ok(Number.isInteger(issue.line) && issue.line >= 1, `line must be a whole number from 1: ${shown}`);
    assert.ok(Number.isInteger(issue.column) && issue.column >= 1, `column must be a whole number from 1: ${shown}`);
    assert.ok(Object.hasOwn(ISSUE_CODES, issue.code), `unregistered code: ${shown}`);
    assert.ok(['error', 'warning', 'info'].includes(issue.severity), `unknown severity: ${shown}`);
    assert.ok(issue.message.length > 0, `an issue without a message: ${shown}`);
  }
}

/**
 * `atc build` up to the point where Eleventy writes files: the configuration, the knowledge base with its
 * conversions, markdown pages, exports and checks, the HTML page bodies, and the issue reports of every
 * format `atc check` prints.
 */
function buildLikeAtc(root: string): readonly Issue[] {
  const { config, issues: configIssues } = loadConfig({}, root);
  const build = buildKnowledgeBase(config, { configFile: CONFIG_FILE_NAME });
  renderSitePages(build);
  const issues = [...configIssues, ...build.issues];
  for (const format of ISSUE_FORMATS) formatIssues(issues, format);
  return issues;
}

/** Lays out a one-file knowledge base with the mutated text, and builds it. */
export function runCase(kind: InputKind, source: string, text: string, originalText: string): { issues: readonly Issue[]; elapsed: number } {
  const root = mkdtempSync(path.join(tmpdir(), 'atc-kb-fuzz-'));
  try {
    for (const folder of FOLDERS) mkdirSync(path.join(root, folder));
    writeFileSync(path.join(root, CONFIG_FILE_NAME), kind.config ?? readFileSync(path.join(PROJECT_ROOT, CONFIG_FILE_NAME)));
    for (const companion of kind.companions?.(originalText) ?? []) {
      mkdirSync(path.dirname(path.join(root, companion.path)), { recursive: true });
      cpSync(companion.source, path.join(root, companion.path));
    }
    const target = path.join(root, kind.place(source));
    mkdirSync(path.dirname(target), { recursive: true });
    writeFileSync(target, text);
    const started = performance.now();
    const issues = buildLikeAtc(root);
    return { issues, elapsed: performance.now() - started };
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

/** The original texts, read once per test file. */
const texts = new Map<string, string>();
export const textOf = (file: string): string => texts.get(file) ?? texts.set(file, readFileSync(file, 'utf8')).get(file)!;

export function checkMutatedFile(kind: InputKind, source: string, mutations: readonly StructureMutation[]): void {
  const original = textOf(source);
  const text = mutateStructure(original, mutations);
  const describeCase = (): string => `${kind.name} ${path.relative(PROJECT_ROOT, source)} after ${JSON.stringify(mutations).slice(0, 400)}\nmutated input: ${shortened(text)}`;
  let result;
  try {
    result = runCase(kind, source, text, original);
    // Five engineers share two cores here, so one run can stall for any reason; an input that is really
    // slow is slow every time, so the bound applies to the fastest of three runs.
    for (let attempt = 1; attempt < 3 && result.elapsed > MAX_CASE_MS; attempt += 1) {
      const again = runCase(kind, source, text, original);
      if (again.elapsed < result.elapsed) result = again;
    }
  } catch (error) {
    assert.fail(`an exception escaped: ${(error as Error).stack ?? String(error)}\n${describeCase()}`);
  }
  assert.ok(result.elapsed <= MAX_CASE_MS, `took ${Math.round(result.elapsed)} ms (limit ${MAX_CASE_MS} ms): ${describeCase()}`);
  try {
    assertIssuesPlaced(result.issues);
  } catch (error) {
    assert.fail(`${(error as Error).message}\n${describeCase()}`);
  }
}

