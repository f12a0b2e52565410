/**
 * The closed vocabularies and value forms of Sigma rule metadata (Sigma specification 2.0, "Sigma rules"
 * and "Sigma correlation rules"), read by the rule parser to check values when a rule is loaded and by
 * the pages and exports that sort or label rules by them.
 */

/** From least to most severe: pages and layers order levels by this. */
export const SIGMA_LEVELS = ['informational', 'low', 'medium', 'high', 'critical'] as const;
export type SigmaLevel = (typeof SIGMA_LEVELS)[number];

export const SIGMA_STATUSES = ['stable', 'test', 'experimental', 'deprecated', 'unsupported'] as const;
export type SigmaStatus = (typeof SIGMA_STATUSES)[number];

export const SIGMA_RELATION_TYPES = ['derived', 'obsolete', 'merged', 'renamed', 'similar'] as const;
export type SigmaRelationType = (typeof SIGMA_RELATION_TYPES)[number];

/**
 * Top-level keys a rule document may hold: the specification's rule and correlation keys, `enrichment`
 * (this project's link to Enrichments) and the two keys SigmaHQ's own repository adds for its test
 * tooling (`simulation`, `regression_tests_path`). `action` never reaches the check: the collection
 * reader consumes it.
 */
export const SIGMA_RULE_KEYS: ReadonlySet<string> = new Set([
  'title',
  'id',
  'name',
  'related',
  'taxonomy',
  'status',
  'description',
  'license',
  'author',
  'references',
  'date',
  'modified',
  'logsource',
  'detection',
  'correlation',
  'fields',
  'falsepositives',
  'level',
  'tags',
  'scope',
  'enrichment',
  'simulation',
  'regression_tests_path',
]);

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The specification asks for a UUID in the usual 8-4-4-4-12 hexadecimal spelling. */
export function isUuid(text: string): boolean {
  return UUID.test(text);
}

const DATE = /^(\d{4})([-/])(\d{2})\2(\d{2})$/;

/**
 * The day of a `date` or `modified` value as `YYYY-MM-DD`, or undefined. Sigma writes `2023-01-05`, and
 * rules before 2022 `2019/04/02`; the day must exist. A YAML loader with timestamps turned on hands
 * over a Date instead; one that is valid counts.
 */
export function parseSigmaDate(value: unknown): string | undefined {
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? undefined : value.toISOString().slice(0, 10);
  if (typeof value !== 'string') return undefined;
  const match = DATE.exec(value.trim());
  if (!match) return undefined;
  const [year, month, day] = [match[1]!, match[3]!, match[4]!];
  // Date.UTC rolls 2023-02-29 over to March 1st: a day that does not exist comes back different.
  const iso = new Date(Date.UTC(Number(year), Number(month) - 1, Number(day))).toISOString().slice(0, 10);
  return iso === `${year}-${month}-${day}` ? iso : undefined;
}
