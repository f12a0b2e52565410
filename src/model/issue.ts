import { terminalLine } from '../terminal-text.ts';

/**
 * Every problem the pipeline finds is an Issue value, never an exception: the build collects them all,
 * prints them as `file:line:col severity code message`, and fails only when one is an error.
 */
export type Severity = 'error' | 'warning' | 'info';

/** 1-based line and column, as editors and GitHub annotations count them. */
export interface SourcePosition {
  readonly line: number;
  readonly column: number;
}

export interface Issue extends SourcePosition {
  readonly file: string;
  readonly code: IssueCode;
  readonly severity: Severity;
  readonly message: string;
}

/**
 * The registry of issue codes with their default severity. A code is a stable name users can grep for
 * and tests can assert on; tests/fixtures/invalid holds one input per code.
 */
export const ISSUE_CODES = {
  // reading files
  'file-unreadable': 'error',
  'file-too-large': 'error',
  'file-not-utf8': 'error',
  'yaml-syntax': 'error',
  'yaml-duplicate-key': 'warning',
  'yaml-alias-limit': 'error',
  'yaml-depth-limit': 'error',
  'yaml-list-limit': 'error',
  'kb-size-limit': 'error',
  'yaml-empty': 'error',
  // symbolic links under an input folder that are not followed (src/load/find-input-files.ts)
  'symlink-outside-input': 'warning',
  'symlink-dangling': 'warning',
  // entity schemas
  'field-missing': 'error',
  'field-type': 'error',
  'field-value': 'error',
  'field-unknown': 'warning',
  'duplicate-id': 'error',
  'duplicate-title': 'warning',
  'duplicate-page-name': 'warning',
  // Sigma
  'sigma-modifier': 'error',
  'sigma-condition': 'error',
  'sigma-condition-depth': 'error',
  'sigma-detection': 'error',
  'sigma-collection': 'error',
  'sigma-correlation': 'error',
  // an id that is no UUID breaks nothing here, and older rules use other forms or none
  'sigma-id-format': 'warning',
  'sigma-metadata-value': 'warning',
  // references between entities: a dangling one loses a link but not the page, so it warns
  'unknown-logging-policy': 'warning',
  'unknown-enrichment': 'warning',
  'unknown-data-needed': 'warning',
  'unknown-rule-reference': 'error',
  // a profile or use case naming what the knowledge base lacks: that name is left out of its coverage
  'unknown-profile-reference': 'warning',
  'unknown-response-action': 'warning',
  'unknown-response-playbook': 'warning',
  'unknown-response-stage': 'error',
  'reference-cycle': 'error',
  'unknown-attack-tactic': 'warning',
  'unknown-attack-technique': 'warning',
  'revoked-attack-technique': 'warning',
  'deprecated-attack-technique': 'warning',
  // links that the knowledge base computes
  'data-needed-missing-fields': 'warning',
  'data-needed-unmatched': 'info',
  // checks on the whole knowledge base and its pages (src/check/run-checks.ts), after rendering
  'duplicate-rule-title': 'warning',
  'data-needed-no-logging-policy': 'warning',
  'broken-link': 'error',
  'conversion-failed': 'info',
  // configuration
  'config-invalid': 'error',
  'input-missing': 'error',
  // user field-mapping pipelines (src/load/load-pipelines.ts)
  'pipeline-invalid': 'error',
} as const satisfies Record<string, Severity>;

export type IssueCode = keyof typeof ISSUE_CODES;

export function makeIssue(
  file: string,
  position: SourcePosition | undefined,
  code: IssueCode,
  message: string,
  severity: Severity = ISSUE_CODES[code],
): Issue {
  return { file, line: position?.line ?? 1, column: position?.column ?? 1, code, severity, message };
}

/** `file:line:col severity code message`, safe to print: the file name and the message come from the input. */
export function formatIssue(issue: Issue): string {
  return terminalLine(issueText(issue));
}

/** The same line with the input's characters as they are, for outputs that escape on their own (JSON). */
export function issueText(issue: Issue): string {
  return `${issue.file}:${issue.line}:${issue.column} ${issue.severity} ${issue.code} ${issue.message}`;
}

const SEVERITY_ORDER: Record<Severity, number> = { error: 0, warning: 1, info: 2 };

/** Sorted by file, then position, then code, so that reports are stable from run to run. */
export function compareIssues(a: Issue, b: Issue): number {
  return (
    (a.file < b.file ? -1 : a.file > b.file ? 1 : 0) ||
    a.line - b.line ||
    a.column - b.column ||
    SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity] ||
    (a.code < b.code ? -1 : a.code > b.code ? 1 : 0) ||
    (a.message < b.message ? -1 : a.message > b.message ? 1 : 0)
  );
}

export function hasErrors(issues: readonly Issue[]): boolean {
  return issues.some((issue) => issue.severity === 'error');
}
