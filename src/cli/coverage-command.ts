import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { buildKnowledgeBase } from '../build.ts';
import { COVERAGE_FORMATS, formatCoverage, judgeCoverage, missingFromRun, parseBaseline, type BaselineProfile, type CoverageFormat, type ReportedProfile } from '../check/coverage-verdict.ts';
import { profileSummary } from '../export/profile-exports.ts';
import { CONFIG_FILE_NAME, loadConfig } from '../load/load-config.ts';
import { formatIssue, type Issue } from '../model/issue.ts';
import { escapeControlCharacters, terminalLine } from '../terminal-text.ts';
import { commandLineProblem, parseKnowledgeBaseArguments, takeOptions } from './command-options.ts';
import type { CheckIo } from './check-command.ts';

const USAGE = `usage: atc coverage [--profile NAME]... [--format text|json|github] [--min-techniques N]
                    [--baseline FILE] [--write-baseline FILE]
                    [--config FILE] [--rules DIR]... [--data-needed DIR]... [--logging-policies DIR]...
                    [--enrichments DIR]... [--triggers DIR]... [--profiles DIR]... [--use-cases DIR]...

Builds the knowledge base as atc build does, without writing anything, and prints for each coverage
profile (profiles/*.yml, customers/CU_*.yml) its runnable, partial and not runnable rules, the
techniques it covers, and the first steps of what to enable next.
  --profile NAME         only this profile (its title or page name); may repeat
  --format text          the numbers, one block per profile (default)
  --format json          one JSON document (README.md, "Coverage in CI"): the baseline format
  --format github        GitHub Actions workflow commands: a notice per profile, an error per failure;
                         the default when GITHUB_ACTIONS=true
  --min-techniques N     fail when a profile covers fewer than N techniques
  --baseline FILE        fail when a profile lost runnable rules or techniques against FILE, the JSON
                         output of an earlier run (each failure names what was lost)
  --write-baseline FILE  also write the JSON output to FILE
Exit status: 0 every profile passes, 1 a profile fails a threshold or the baseline, 2 the command line
is wrong (unknown option or profile, unreadable baseline, no profile at all).
`;

export async function runCoverage(args: string[], io: CheckIo = process): Promise<number> {
  const taken = takeOptions(args, { profile: 'string', format: 'string', 'min-techniques': 'string', baseline: 'string', 'write-baseline': 'string' });
  if (typeof taken === 'string') return usageError(io, taken);
  const format = (taken.values.format ?? (io.env.GITHUB_ACTIONS === 'true' ? 'github' : 'text')) as CoverageFormat;
  if (!COVERAGE_FORMATS.includes(format)) return usageError(io, `unknown format "${format}"; expected ${COVERAGE_FORMATS.join(', ')}`);
  const minText = taken.values['min-techniques'];
  if (minText !== undefined && !/^\d{1,6}$/.test(minText)) return usageError(io, `--min-techniques ${minText}: expected a whole number`);
  const minTechniques = minText === undefined ? undefined : Number(minText);
  const parsed = parseKnowledgeBaseArguments(taken.rest);
  if (typeof parsed === 'string') return usageError(io, parsed);
  if (parsed.help) {
    io.stdout.write(USAGE);
    return 0;
  }
  let baseline: BaselineProfile[] | undefined;
  if (taken.values.baseline !== undefined) {
    const read = readBaseline(taken.values.baseline);
    if (typeof read === 'string') return usageError(io, `--baseline ${taken.values.baseline}: ${read}`);
    baseline = read;
  }

  const started = performance.now();
  const { config, issues: configIssues } = loadConfig(parsed.overrides);
  const problem = commandLineProblem(parsed.overrides, config);
  if (problem !== undefined) return usageError(io, problem);
  // No query section of the pages is converted: coverage needs only the targets profiles name, which the
  // computation converts on demand (src/convert/profile-conversions.ts).
  const build = buildKnowledgeBase({ ...config, querySections: [] }, { exports: false, configFile: parsed.overrides.configFile ?? CONFIG_FILE_NAME });
  if (build.profiles.length === 0) {
    printProfileIssues(io, [...configIssues, ...build.issues], config.inputs.profiles ?? []);
    return usageError(io, 'no coverage profile found (profiles/*.yml, customers/CU_*.yml; see --profiles DIR)');
  }

  const wanted = taken.all.profile ?? [];
  const unknown = wanted.filter((name) => !build.profiles.some((coverage) => coverage.profile.title === name || coverage.key === name));
  if (unknown.length > 0) return usageError(io, `no profile named ${unknown.map((name) => `"${name}"`).join(', ')}; profiles: ${build.profiles.map((coverage) => `"${coverage.profile.title}"`).join(', ')}`);
  const chosen = wanted.length === 0 ? build.profiles : build.profiles.filter((coverage) => wanted.includes(coverage.profile.title) || wanted.includes(coverage.key));
  const reported: ReportedProfile[] = chosen.map((coverage) => ({ summary: profileSummary(build.kb, coverage), file: coverage.profile.file }));

  const failures = judgeCoverage(reported, { ...(minTechniques !== undefined && { minTechniques }), ...(baseline && { baseline }) });
  // With --profile, the profiles left out are left out of the comparison too.
  if (baseline && wanted.length === 0) failures.push(...missingFromRun(baseline, reported));

  printProfileIssues(io, [...configIssues, ...build.issues], config.inputs.profiles ?? []);

  io.stdout.write(formatCoverage(format, reported, failures));
  if (taken.values['write-baseline'] !== undefined) {
    const file = path.resolve(taken.values['write-baseline']);
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, formatCoverage('json', reported, failures));
  }
  if (format !== 'json') {
    const seconds = ((performance.now() - started) / 1000).toFixed(2);
    const verdict = failures.length === 0 ? 'passed' : `failed (${failures.length} failure${failures.length === 1 ? '' : 's'})`;
    io.stderr.write(`atc coverage: ${verdict}; ${reported.length} of ${build.profiles.length} profiles, ${build.kb.rules.length} rules, checked in ${seconds} s${taken.values['write-baseline'] !== undefined ? `; baseline written to ${escapeControlCharacters(taken.values['write-baseline'])}` : ''}\n`);
  }
  return failures.length === 0 ? 0 : 1;
}

/**
 * The issues of the files in the profile folders: a misspelt Data Needed or policy name quietly lowers a
 * profile's coverage, and a file that cannot be read is no profile at all; `atc check` shows the rest.
 */
function printProfileIssues(io: CheckIo, issues: readonly Issue[], profileFolders: readonly string[]): void {
  const folders = profileFolders.map((folder) => `${path.resolve(folder)}${path.sep}`);
  for (const issue of issues) {
    if (folders.some((folder) => path.resolve(issue.file).startsWith(folder))) io.stderr.write(`${terminalLine(formatIssue(issue))}\n`);
  }
}

function readBaseline(file: string): BaselineProfile[] | string {
  let text: string;
  try {
    text = readFileSync(path.resolve(file), 'utf8');
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (error as Error).message;
  }
  return parseBaseline(text);
}

function usageError(io: CheckIo, message: string): number {
  io.stderr.write(`${terminalLine(`atc coverage: ${message}`)}\n${USAGE}`);
  return 2;
}
