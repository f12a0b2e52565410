import type { DetectionRule } from '../model/detection-rule.ts';

/**
 * One query of one rule as the bulk SIEM files hold it. A rule with several conditions converts to several
 * queries; each becomes its own saved search or detection rule, told apart by id and name.
 */
export interface ExportedQuery {
  readonly rule: DetectionRule;
  /** The rule's key (its Sigma id when usable, src/present/page-addresses.ts), `-<n>` added for its n-th query after the first. */
  readonly id: string;
  /** The rule's title, with "(query n of m)" when it has several. */
  readonly name: string;
  readonly query: string;
}

export function exportedQueries(rule: DetectionRule, key: string, queries: readonly string[]): ExportedQuery[] {
  // SIEMs refuse a search or rule without a name.
  const title = rule.title.trim() || key;
  return queries.map((query, index) => ({
    rule,
    id: index === 0 ? key : `${key}-${index + 1}`,
    name: queries.length === 1 ? title : `${title} (query ${index + 1} of ${queries.length})`,
    query,
  }));
}
