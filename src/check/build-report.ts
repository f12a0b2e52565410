import { attackSummary } from '../attack/attack-catalog.ts';
import type { Build, BuildStage } from '../build.ts';
import type { AttackDataSource } from '../load/load-attack.ts';
import type { Issue } from '../model/issue.ts';
import type { OutputFile } from '../present/output-file.ts';
import { formatIssueSummary } from '../report-issues.ts';
import { escapeControlCharacters } from '../terminal-text.ts';
import { THEHIVE_FOLDER } from '../export/thehive-templates.ts';

/**
 * What `atc build` prints: every error and warning as `file:line:col severity code message` (notes are
 * only counted: `atc check` lists them), then a one-screen summary (what was built, issues by code,
 * time per stage). On a terminal it also shows which stage is running; in CI (CI=true, or output that
 * is not a terminal) nothing but the issues and the summary.
 */

export interface ProgressStream {
  readonly isTTY?: boolean;
  write(text: string): unknown;
}

const STAGE_LABEL: Record<BuildStage | 'site', string> = {
  load: 'loading files',
  link: 'linking',
  convert: 'converting rules',
  coverage: 'computing profile coverage',
  render: 'rendering pages and exports',
  check: 'checking',
  site: 'writing the site',
};

/** A one-line status on a terminal, rewritten in place; does nothing elsewhere (CI, pipes, files). */
export class StageProgress {
  readonly enabled: boolean;
  readonly #stream: ProgressStream;
  #started = performance.now();
  #shown = false;

  constructor(stream: ProgressStream, env: Readonly<Record<string, string | undefined>>) {
    this.#stream = stream;
    this.enabled = stream.isTTY === true && env.CI !== 'true' && env.CI !== '1';
  }

  stage(stage: BuildStage | 'site'): void {
    if (!this.enabled) return;
    const seconds = ((performance.now() - this.#started) / 1000).toFixed(1);
    this.#stream.write(`\r\x1b[2Katc build: ${STAGE_LABEL[stage]}… (${seconds} s)`);
    this.#shown = true;
  }

  /** Clears the status line, before anything else is printed. */
  clear(): void {
    if (this.#shown) this.#stream.write('\r\x1b[2K');
    this.#shown = false;
  }
}

/** Issues worth a line of their own in the build's output: errors and warnings (or errors only, with --quiet). */
export function issuesToList(issues: readonly Issue[], quiet: boolean): Issue[] {
  return issues.filter((issue) => issue.severity === 'error' || (!quiet && issue.severity === 'warning'));
}

export interface BuildSummary {
  readonly build: Pick<Build, 'kb' | 'files' | 'timings' | 'attackSource'>;
  readonly issues: readonly Issue[];
  /** Where the output went, as shown to the user; undefined when nothing was written. */
  readonly outDir?: string;
  /** What the HTML site step wrote ("316 HTML pages, 508 redirects"), when it ran. */
  readonly site?: string;
  /** Seconds the site step took, when it ran. */
  readonly siteSeconds?: number;
  readonly totalSeconds: number;
}

export function formatBuildSummary(summary: BuildSummary): string {
  const { timings } = summary.build;
  const lines = buildSummaryLines(summary);
  const stages = (Object.keys(timings) as BuildStage[]).map((stage) => `${stage} ${(timings[stage] / 1000).toFixed(1)}`);
  if (summary.siteSeconds !== undefined) stages.push(`site ${summary.siteSeconds.toFixed(1)}`);
  lines.push(formatTimeLine(summary.totalSeconds, stages.join(', ')));
  return `${lines.join('\n')}\n`;
}

export function formatTimeLine(seconds: number, detail: string): string {
  return `  time: ${seconds.toFixed(2)} s (${detail})`;
}

/** The summary but its time: what was built and written, and the issues by code. */
export function buildSummaryLines(summary: Omit<BuildSummary, 'totalSeconds' | 'siteSeconds'>): string[] {
  const { kb, files } = summary.build;
  const lines = [`atc build: ${kb.rules.length} rules, ${kb.dataNeeded.length} Data Needed, ${kb.loggingPolicies.length} Logging Policies, ${kb.enrichments.length} Enrichments, ${kb.triggers.length} Triggers`];
  lines.push(`  ${attackSummaryLine(kb, summary.build.attackSource)}`);
  if (summary.outDir !== undefined) lines.push(`  written to ${escapeControlCharacters(summary.outDir)}: ${describeFiles(files)}${summary.site ? `; ${summary.site}` : ''}`);
  else lines.push('  nothing written: the previous output was left as it was');
  const issueLines = formatIssueSummary(summary.issues);
  const notes = summary.issues.filter((issue) => issue.severity === 'info').length;
  issueLines[issueLines.length - 1] += notes > 0 ? ' (notes are not listed; atc check lists them)' : '';
  lines.push(...issueLines.map((line) => `  ${line}`));
  return lines;
}

/** "ATT&CK 18.1 (+ 2 provisional tactics, 14 provisional techniques) from the committed snapshot: 174 of 221 techniques have a rule; gaps: 12 techniques, 48 sub-techniques". */
export function attackSummaryLine(kb: Build['kb'], source: AttackDataSource): string {
  const { provisional, overlay } = attackSummary(kb.attack);
  const added = [
    overlay.tactics > 0 ? `${overlay.tactics} overlay tactic${overlay.tactics === 1 ? '' : 's'}` : '',
    overlay.techniques > 0 ? `${overlay.techniques} overlay technique${overlay.techniques === 1 ? '' : 's'}` : '',
    provisional.tactics > 0 ? `${provisional.tactics} provisional tactic${provisional.tactics === 1 ? '' : 's'}` : '',
    provisional.techniques > 0 ? `${provisional.techniques} provisional technique${provisional.techniques === 1 ? '' : 's'}` : '',
  ].filter((part) => part !== '');
  const { counts } = kb.coverage;
  return `ATT&CK ${escapeControlCharacters(kb.attack.version)}${added.length > 0 ? ` (+ ${added.join(', ')})` : ''}${describeAttackSource(source)}: ${counts.covered} of ${counts.techniques} techniques have a rule; gaps: ${counts.gaps} techniques, ${counts.subTechniqueGaps} sub-techniques of covered techniques`;
}

/** What follows the version: " from the bundle attack/enterprise-attack.json, with the overlay attack/overlay.yml". */
function describeAttackSource(source: AttackDataSource): string {
  const from = source.bundle === undefined ? ' from the committed snapshot' : ` from the bundle ${source.bundle}`;
  const overlay = source.overlay === undefined ? '' : `, with the overlay ${source.overlay}`;
  return escapeControlCharacters(`${from}${overlay}`);
}

/** "4560 markdown pages, 9 layers, 5012 api/ documents, 1 TheHive case templates, 2 CSV files, 1 feed". */
export function describeFiles(files: readonly OutputFile[]): string {
  const count = (test: (path: string) => boolean): number => files.filter((file) => test(file.path)).length;
  const parts: Array<[number, string]> = [
    [count((path) => path.startsWith('markdown/')), 'markdown pages'],
    [count((path) => path.startsWith('layers/')), 'Navigator layers'],
    [count((path) => path.startsWith('api/')), 'api/ documents'],
    [count((path) => path.startsWith(`${THEHIVE_FOLDER}/`)), 'TheHive case templates'],
    [count((path) => path.endsWith('.csv')), 'CSV files'],
    [count((path) => path === 'feed.xml'), 'feed'],
  ];
  return parts.filter(([number]) => number > 0).map(([number, label]) => `${number} ${label}`).join(', ');
}
