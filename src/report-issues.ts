import { formatIssue, type Issue, type Severity } from './model/issue.ts';

/** Counts of issues by severity and by code, for the summary line and the resolve notes. */
export function summarizeIssues(issues: readonly Issue[]): { bySeverity: Record<Severity, number>; byCode: Array<[string, number]> } {
  const bySeverity: Record<Severity, number> = { error: 0, warning: 0, info: 0 };
  const byCode = new Map<string, number>();
  for (const issue of issues) {
    bySeverity[issue.severity] += 1;
    byCode.set(`${issue.severity} ${issue.code}`, (byCode.get(`${issue.severity} ${issue.code}`) ?? 0) + 1);
  }
  return { bySeverity, byCode: [...byCode].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0)) };
}

/** Every issue as `file:line:col severity code message`, then the counts by code. */
export function formatIssueReport(issues: readonly Issue[], options: { minimumSeverity?: Severity } = {}): string {
  const rank: Record<Severity, number> = { error: 0, warning: 1, info: 2 };
  const limit = rank[options.minimumSeverity ?? 'info'];
  const lines = issues.filter((issue) => rank[issue.severity] <= limit).map(formatIssue);
  return `${[...lines, ...(issues.length > 0 ? [''] : []), ...formatIssueSummary(issues)].join('\n')}\n`;
}

/** The counts by code and by severity, as every report ends. */
export function formatIssueSummary(issues: readonly Issue[]): string[] {
  const { bySeverity, byCode } = summarizeIssues(issues);
  const lines = issues.length > 0 ? ['issues by code:', ...byCode.map(([code, count]) => `  ${String(count).padStart(6)}  ${code}`)] : [];
  lines.push(`${bySeverity.error} errors, ${bySeverity.warning} warnings, ${bySeverity.info} notes`);
  return lines;
}
