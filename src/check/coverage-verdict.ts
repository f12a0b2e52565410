import { escapeData, escapeProperty } from './issue-formats.ts';
import { COVERAGE_FORMAT_VERSION, type EnableStepSummary, type ProfileSummary } from '../export/profile-exports.ts';
import { stableJson } from '../export/stable-json.ts';
import { escapeControlCharacters, terminalLine } from '../terminal-text.ts';

/**
 * What `atc coverage` decides (README.md, "Coverage in CI"): a profile fails when it covers fewer techniques
 * than `--min-techniques`, or when it lost runnable rules or techniques against a saved earlier run (its
 * JSON output, the baseline), each failure naming what was lost. Then the three ways of printing it.
 */

export const COVERAGE_FORMATS = ['text', 'json', 'github'] as const;
export type CoverageFormat = (typeof COVERAGE_FORMATS)[number];

/** A profile as reported: its summary, and its file as issues show it (GitHub annotates that file). */
export interface ReportedProfile {
  readonly summary: ProfileSummary;
  readonly file: string;
}

export interface CoverageFailure {
  /** The profile's name (title). */
  readonly profile: string;
  readonly file?: string;
  readonly message: string;
}

/** A baseline profile: the keys of the contract, and the lists a run of this version adds to name what was lost. */
export interface BaselineProfile {
  readonly name: string;
  readonly key?: string;
  readonly rules: { readonly runnable: number };
  readonly techniques_covered: number;
  readonly runnable_rules?: readonly { readonly key: string; readonly title: string }[];
  readonly techniques?: readonly string[];
}

/** How many lost rules or techniques a failure names before it says "and N more". */
const NAMED_LOSSES = 10;

/**
 * The baseline file's profiles, or what is wrong with it. Only the contract's keys are required, so that a
 * baseline written by hand, or by an older version, still works; unknown keys are ignored.
 */
export function parseBaseline(text: string): BaselineProfile[] | string {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    return `not JSON (${(error as Error).message})`;
  }
  const profiles = isObject(parsed) ? parsed['profiles'] : undefined;
  if (!Array.isArray(profiles)) return 'expected {"profiles": [...]}, the output of atc coverage --format json';
  const read: BaselineProfile[] = [];
  for (const [index, profile] of profiles.entries()) {
    const rules = isObject(profile) ? profile['rules'] : undefined;
    if (!isObject(profile) || typeof profile['name'] !== 'string' || !isObject(rules) || !isCount(rules['runnable']) || !isCount(profile['techniques_covered'])) {
      return `profiles[${index}] needs "name", "rules": {"runnable"} and "techniques_covered"`;
    }
    const ruleList = profile['runnable_rules'];
    const techniqueList = profile['techniques'];
    read.push({
      name: profile['name'],
      ...(typeof profile['key'] === 'string' && { key: profile['key'] }),
      rules: { runnable: rules['runnable'] },
      techniques_covered: profile['techniques_covered'],
      ...(Array.isArray(ruleList) && ruleList.every((rule) => isObject(rule) && typeof rule['key'] === 'string' && typeof rule['title'] === 'string') && { runnable_rules: ruleList as BaselineProfile['runnable_rules'] }),
      ...(Array.isArray(techniqueList) && techniqueList.every((id) => typeof id === 'string') && { techniques: techniqueList as string[] }),
    });
  }
  return read;
}

/** Whether a baseline profile is this profile: by key when the baseline has one, else by name. */
export function sameProfile(baseline: BaselineProfile, summary: ProfileSummary): boolean {
  return baseline.key !== undefined ? baseline.key === summary.key : baseline.name === summary.name;
}

export function judgeCoverage(profiles: readonly ReportedProfile[], options: { minTechniques?: number; baseline?: readonly BaselineProfile[] }): CoverageFailure[] {
  const failures: CoverageFailure[] = [];
  for (const { summary, file } of profiles) {
    const fail = (message: string): void => void failures.push({ profile: summary.name, file, message });
    if (options.minTechniques !== undefined && summary.techniques_covered < options.minTechniques) {
      fail(`covers ${summary.techniques_covered} techniques, below --min-techniques ${options.minTechniques}`);
    }
    const before = options.baseline?.find((baseline) => sameProfile(baseline, summary));
    if (!before) continue;
    if (before.runnable_rules) {
      const now = new Set(summary.runnable_rules.map((rule) => rule.key));
      const lost = before.runnable_rules.filter((rule) => !now.has(rule.key));
      if (lost.length > 0) fail(`lost ${count(lost.length, 'runnable rule')} against the baseline: ${named(lost.map((rule) => `${rule.title} (${rule.key})`))}`);
    } else if (summary.rules.runnable < before.rules.runnable) {
      fail(`runnable rules fell from ${before.rules.runnable} to ${summary.rules.runnable} against the baseline`);
    }
    if (before.techniques) {
      const now = new Set(summary.techniques);
      const lost = before.techniques.filter((id) => !now.has(id));
      if (lost.length > 0) fail(`lost ${count(lost.length, 'technique')} against the baseline: ${named(lost)}`);
    } else if (summary.techniques_covered < before.techniques_covered) {
      fail(`techniques covered fell from ${before.techniques_covered} to ${summary.techniques_covered} against the baseline`);
    }
  }
  return failures;
}

/** Baseline profiles that no profile of this run matches: their coverage is gone altogether. */
export function missingFromRun(baseline: readonly BaselineProfile[], profiles: readonly ReportedProfile[]): CoverageFailure[] {
  return baseline
    .filter((before) => !profiles.some(({ summary }) => sameProfile(before, summary)))
    .map((before) => ({ profile: before.name, message: `is in the baseline (${count(before.rules.runnable, 'runnable rule')}, ${count(before.techniques_covered, 'technique')}) but not in this run` }));
}

/** How many enable-next steps the text and GitHub formats show; the JSON has them all. */
export const STEPS_SHOWN = 3;

export function formatCoverage(format: CoverageFormat, profiles: readonly ReportedProfile[], failures: readonly CoverageFailure[]): string {
  switch (format) {
    case 'json':
      return stableJson({ format_version: COVERAGE_FORMAT_VERSION, ok: failures.length === 0, profiles: profiles.map((profile) => profile.summary), failures });
    case 'github':
      return formatGithub(profiles, failures);
    case 'text':
      return formatText(profiles, failures);
  }
}

function countsLine(summary: ProfileSummary): string {
  const { rules } = summary;
  return `${rules.runnable} runnable, ${rules.partial} partial, ${rules.not_runnable} not runnable of ${count(rules.considered, 'rule')}; ${count(summary.techniques_covered, 'technique')} covered`;
}

function stepLine(step: EnableStepSummary): string {
  const what = step.kind === 'data_needed' ? 'Data Needed' : 'Logging Policy';
  return `${step.name} (${what}): +${count(step.new_runnable_rules, 'runnable rule')}, +${count(step.new_techniques, 'technique')} → ${step.runnable_after} runnable, ${step.techniques_after} techniques`;
}

function formatText(profiles: readonly ReportedProfile[], failures: readonly CoverageFailure[]): string {
  const lines: string[] = [];
  for (const { summary } of profiles) {
    lines.push(`${summary.name} (${summary.file})`, `  ${countsLine(summary)}`);
    const steps = summary.enable_next.slice(0, STEPS_SHOWN);
    if (steps.length > 0) lines.push('  enable next:', ...steps.map((step, index) => `    ${index + 1}. ${stepLine(step)}`));
    else lines.push('  enable next: nothing the knowledge base has would add a runnable rule');
  }
  if (failures.length > 0) lines.push('', ...failures.map((failure) => `FAILED ${failure.profile}: ${failure.message}`));
  return `${lines.map(terminalLine).join('\n')}\n`;
}

/**
 * GitHub Actions workflow commands: a notice per profile with its numbers, an error per failure on the
 * profile's file. Profile names and rule titles are hostile text: control characters are shown as
 * `\uXXXX` and the rest escaped as GitHub's toolkit does (issue-formats.ts), so no name ends a command early.
 */
function formatGithub(profiles: readonly ReportedProfile[], failures: readonly CoverageFailure[]): string {
  const property = (text: string): string => escapeProperty(escapeControlCharacters(text));
  const data = (text: string): string => escapeData(escapeControlCharacters(text));
  const lines = profiles.map(({ summary, file }) => {
    const steps = summary.enable_next.slice(0, STEPS_SHOWN).map((step, index) => `${index + 1}. ${stepLine(step)}`);
    return `::notice file=${property(file)},title=${property(`Coverage: ${summary.name}`)}::${data([countsLine(summary), ...(steps.length > 0 ? [`enable next: ${steps.join('; ')}`] : [])].join(' | '))}`;
  });
  for (const failure of failures) {
    lines.push(`::error ${failure.file !== undefined ? `file=${property(failure.file)},` : ''}title=${property(`Coverage: ${failure.profile}`)}::${data(`${failure.profile} ${failure.message}`)}`);
  }
  return `${lines.join('\n')}\n`;
}

function named(items: readonly string[]): string {
  const shown = items.slice(0, NAMED_LOSSES).join(', ');
  return items.length > NAMED_LOSSES ? `${shown} and ${items.length - NAMED_LOSSES} more` : shown;
}

function count(value: number, noun: string): string {
  return `${value} ${noun}${value === 1 ? '' : 's'}`;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isCount(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0;
}
