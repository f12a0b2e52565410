import type { KnowledgeBase } from './knowledge-base.ts';
import { describeLogSource } from './match-data-needed.ts';

export interface ProductCoverage {
  readonly product: string;
  readonly rules: number;
  /** Rules with at least one Data Needed entry. */
  readonly matched: number;
}

export interface KnowledgeBaseStatistics {
  readonly entities: Readonly<Record<string, number>>;
  readonly links: Readonly<Record<string, number>>;
  /** Per log-source product (the first document's), sorted by rule count. */
  readonly dataNeededCoverage: readonly ProductCoverage[];
  /** Log sources of rules that matched no Data Needed entry, most common first. */
  readonly unmatchedLogSources: ReadonlyArray<readonly [string, number]>;
}

/** Counts for reports and the home page: what the knowledge base holds and how well its rules are covered. */
export function knowledgeBaseStatistics(kb: KnowledgeBase): KnowledgeBaseStatistics {
  const links = { 'rule → tactic': 0, 'rule → technique': 0, 'rule → Data Needed': 0, 'rule → trigger': 0, 'rule → enrichment': 0, 'rule → correlated rule': 0, 'Data Needed → Logging Policy': 0, 'enrichment → Data Needed': 0 };
  const coverage = new Map<string, { rules: number; matched: number }>();
  const unmatched = new Map<string, number>();
  for (const rule of kb.rules) {
    const ruleLinks = kb.ruleLinks.get(rule)!;
    links['rule → tactic'] += ruleLinks.tactics.length;
    links['rule → technique'] += ruleLinks.techniques.length;
    links['rule → Data Needed'] += ruleLinks.dataNeeded.length;
    links['rule → trigger'] += ruleLinks.triggers.length;
    links['rule → enrichment'] += ruleLinks.enrichments.length;
    links['rule → correlated rule'] += ruleLinks.correlatedRules.length;
    const product = rule.logsources[0]?.product ?? (rule.logsources.length === 0 ? '(correlation)' : '(none)');
    const entry = coverage.get(product) ?? { rules: 0, matched: 0 };
    entry.rules += 1;
    if (ruleLinks.dataNeeded.length > 0) entry.matched += 1;
    else if (rule.logsources[0]) {
      const key = describeLogSource(rule.logsources[0]);
      unmatched.set(key, (unmatched.get(key) ?? 0) + 1);
    }
    coverage.set(product, entry);
  }
  for (const entry of kb.dataNeeded) links['Data Needed → Logging Policy'] += kb.loggingPoliciesByDataNeeded.get(entry)?.length ?? 0;
  for (const enrichment of kb.enrichments) links['enrichment → Data Needed'] += enrichment.dataNeeded.length;
  return {
    entities: {
      rules: kb.rules.length,
      'Sigma rules (documents)': kb.rules.reduce((total, rule) => total + rule.rules.length, 0),
      'correlation rules': kb.rules.reduce((total, rule) => total + rule.correlations.length, 0),
      'Data Needed': kb.dataNeeded.length,
      'Logging Policies': kb.loggingPolicies.length,
      Enrichments: kb.enrichments.length,
      triggers: kb.triggers.length,
      'atomic tests': kb.triggers.reduce((total, trigger) => total + trigger.tests.length, 0),
      'techniques with rules': kb.rulesByTechnique.size,
    },
    links,
    dataNeededCoverage: [...coverage]
      .map(([product, entry]) => ({ product, ...entry }))
      .sort((a, b) => b.rules - a.rules || (a.product < b.product ? -1 : 1)),
    unmatchedLogSources: [...unmatched].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)),
  };
}
