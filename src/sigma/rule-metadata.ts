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
 * `YYYY-MM-DD` as the specification writes dates, or `YYYY/MM/DD` as rules before 2022 did, naming a day
 * that exists. A YAML loader with timestamps turned on hands over a Date instead; one that is valid counts.
 */
export function isSigmaDate(value: unknown): boolean {
  if (value instanceof Date) return !Number.isNaN(value.getTime());
  if (typeof value !== 'string') return false;
  const match = DATE.exec(value.trim());
  if (!match) return false;
  const [year, month, day] = [Number(match[1]), Number(match[3]), Number(match[4])];
  if (month < 1 || month > 12 || day < 1) return false;
  // Day 0 of the next month is the last day of this one; UTC keeps the local time zone out of it.
  return day <= new Date(Date.UTC(year, month, 0)).getUTCDate();
}
