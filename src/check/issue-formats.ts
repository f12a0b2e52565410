import { ISSUE_CODES, type Issue, type Severity } from '../model/issue.ts';
import { formatIssueReport, formatIssueSummary, summarizeIssues } from '../report-issues.ts';
import { escapeControlCharacters } from '../terminal-text.ts';

/**
 * How `atc check` prints issues. `text` is the build's report (`file:line:col severity code message`, then
 * the counts by code); `json` one document for other tools; `github` workflow commands, which GitHub
 * Actions turns into annotations on the pull request's files.
 */
export const ISSUE_FORMATS = ['text', 'json', 'github'] as const;
export type IssueFormat = (typeof ISSUE_FORMATS)[number];

export function formatIssues(issues: readonly Issue[], format: IssueFormat, options: { strict?: boolean } = {}): string {
  switch (format) {
    case 'text':
      return formatIssueReport(issues);
    case 'json':
      return formatIssuesJson(issues, options.strict ?? false);
    case 'github':
      return formatGithubAnnotations(issues);
  }
}

/** Exit status of `atc check`: 1 when an error (or, with --strict, a warning) was found, else 0. */
export function checkExitCode(issues: readonly Issue[], strict: boolean): number {
  return issues.some((issue) => issue.severity === 'error' || (strict && issue.severity === 'warning')) ? 1 : 0;
}

/**
 * `{"format_version": 1, "ok", "strict", "counts": {"error", "warning", "info"}, "by_code": {"<code>": {"severity", "count"}},
 * "issues": [{"file", "line", "column", "severity", "code", "message"}]}`, keys sorted, issues in report order.
 */
export function formatIssuesJson(issues: readonly Issue[], strict: boolean): string {
  const { bySeverity } = summarizeIssues(issues);
  const byCode: Record<string, { count: number; severity: Severity }> = {};
  for (const issue of [...issues].sort((a, b) => (a.code < b.code ? -1 : a.code > b.code ? 1 : 0))) {
    const entry = (byCode[issue.code] ??= { count: 0, severity: ISSUE_CODES[issue.code] });
    entry.count += 1;
  }
  const document = {
    by_code: byCode,
    counts: { error: bySeverity.error, info: bySeverity.info, warning: bySeverity.warning },
    format_version: 1,
    issues: issues.map((issue) => ({ code: issue.code, column: issue.column, file: issue.file, line: issue.line, message: issue.message, severity: issue.severity })),
    ok: checkExitCode(issues, strict) === 0,
    strict,
  };
  return `${JSON.stringify(document, null, 2)}\n`;
}

const COMMAND: Record<Severity, string> = { error: 'error', warning: 'warning', info: 'notice' };

/**
 * `::error file=F,line=L,col=C,title=CODE::message` per issue, then the counts as plain lines. Escaping as
 * GitHub's toolkit does: in the message `%`, CR and LF; in property values also `:` and `,`. Before that,
 * control characters become `\uXXXX` as in the text report, because the log shows the command line
 * itself, where ESC sequences would still act on the reader's view.
 */
export function formatGithubAnnotations(issues: readonly Issue[]): string {
  const lines = issues.map(
    (issue) =>
      `::${COMMAND[issue.severity]} file=${escapeProperty(escapeControlCharacters(issue.file))},line=${issue.line},col=${issue.column},title=${escapeProperty(issue.code)}::${escapeData(escapeControlCharacters(`${issue.code}: ${issue.message}`))}`,
  );
  return `${[...lines, ...(lines.length > 0 ? [''] : []), ...formatIssueSummary(issues)].join('\n')}\n`;
}

export function escapeData(text: string): string {
  return text.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

export function escapeProperty(text: string): string {
  return escapeData(text).replace(/:/g, '%3A').replace(/,/g, '%2C');
}
