import { buildKnowledgeBase, type Build } from '../build.ts';
import { checkExitCode, formatIssues, ISSUE_FORMATS, type IssueFormat } from '../check/issue-formats.ts';
import type { BuildConfig } from '../config.ts';
import { CONFIG_FILE_NAME, loadConfig } from '../load/load-config.ts';
import { compareIssues, type Issue } from '../model/issue.ts';
import { formatIssueReport } from '../report-issues.ts';
import { commandLineProblem, parseKnowledgeBaseArguments, takeOptions } from './command-options.ts';
import { terminalLine } from '../terminal-text.ts';

const USAGE = `usage: atc check [--config FILE] [--rules DIR]... [--data-needed DIR]... [--logging-policies DIR]...
                 [--enrichments DIR]... [--triggers DIR]... [--profiles DIR]... [--use-cases DIR]...
                 [--response-actions DIR]... [--response-playbooks DIR]... [--response-stages DIR]...
                 [--targets SPEC,...] [--quiet] [--strict] [--format text|json|github]

Loads, links, converts and renders the knowledge base as atc build does, runs every check, and writes
nothing. Prints each issue as file:line:col severity code message, then the counts by code.
Exit status: 0 when there is no error, 1 when there is one (with --strict, also when there is a
warning), 2 when the command line is wrong.
  --format text     the report above (default)
  --format json     one JSON document: issues, counts by severity and by code
  --format github   GitHub Actions workflow commands (::error file=...,line=...,col=...::message),
                    the default when GITHUB_ACTIONS=true
  --quiet           text format: leave out the info lines (the counts still include them)
`;

export interface CheckIo {
  readonly stdout: { write(text: string): unknown };
  readonly stderr: { write(text: string): unknown };
  readonly env: Readonly<Record<string, string | undefined>>;
}

/** Everything `atc check` checks, for a configuration: the issues in report order. Also used by the benchmark. */
export function checkKnowledgeBase(config: BuildConfig, configFile: string, configIssues: readonly Issue[] = []): { build: Build; issues: Issue[] } {
  const build = buildKnowledgeBase(config, { configFile, exports: false });
  return { build, issues: [...configIssues, ...build.issues].sort(compareIssues) };
}

export async function runCheck(args: string[], io: CheckIo = process): Promise<number> {
  const taken = takeOptions(args, { strict: 'boolean', format: 'string' });
  if (typeof taken === 'string') return usageError(io, taken);
  const format = (taken.values.format ?? (io.env.GITHUB_ACTIONS === 'true' ? 'github' : 'text')) as IssueFormat;
  if (!ISSUE_FORMATS.includes(format)) return usageError(io, `unknown format "${format}"; expected ${ISSUE_FORMATS.join(', ')}`);
  const parsed = parseKnowledgeBaseArguments(taken.rest);
  if (typeof parsed === 'string') return usageError(io, parsed);
  if (parsed.help) {
    io.stdout.write(USAGE);
    return 0;
  }
  const strict = taken.values.strict === true;
  const started = performance.now();
  const { config, issues: configIssues } = loadConfig(parsed.overrides);
  const problem = commandLineProblem(parsed.overrides, config);
  if (problem !== undefined) return usageError(io, problem);
  const { build, issues } = checkKnowledgeBase(config, parsed.overrides.configFile ?? CONFIG_FILE_NAME, configIssues);
  io.stdout.write(format === 'text' ? formatIssueReport(issues, { minimumSeverity: parsed.quiet ? 'warning' : 'info' }) : formatIssues(issues, format, { strict }));
  const status = checkExitCode(issues, strict);
  if (format !== 'json') {
    const kb = build.kb;
    const seconds = ((performance.now() - started) / 1000).toFixed(2);
    const verdict = status === 0 ? 'passed' : strict && !issues.some((issue) => issue.severity === 'error') ? 'failed (--strict: warnings count)' : 'failed';
    io.stderr.write(`atc check: ${verdict}; ${kb.rules.length} rules, ${kb.dataNeeded.length} Data Needed, ${kb.loggingPolicies.length} Logging Policies, ${kb.enrichments.length} Enrichments, ${kb.triggers.length} Triggers checked in ${seconds} s\n`);
  }
  return status;
}

function usageError(io: CheckIo, message: string): number {
  io.stderr.write(`${terminalLine(`atc check: ${message}`)}\n${USAGE}`);
  return 2;
}
