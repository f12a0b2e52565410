import type { AttackTechnique } from '../attack/attack-catalog.ts';
import { formatQuerySectionSpec } from '../config.ts';
import type { QuerySectionResult } from '../convert/convert-knowledge-base.ts';
import type { KnowledgeBase } from '../link/knowledge-base.ts';
import type { DetectionRule } from '../model/detection-rule.ts';
import type { DataNeeded, Enrichment, LoggingPolicy } from '../model/entities.ts';

/** A CSV file before it is written (toCsv): the export states its columns and row count to the Downloads page. */
export interface CsvTable {
  readonly columns: readonly string[];
  readonly rows: ReadonlyArray<readonly string[]>;
}

/** Several values in one cell are joined with this. */
export const CSV_LIST_SEPARATOR = '; ';

export const ANALYTICS_COLUMNS = ['rule_id', 'rule_title', 'level', 'status', 'tactic', 'technique', 'technique_name', 'data_needed', 'logging_policy', 'enrichment'] as const;
export const TECHNIQUES_COLUMNS = ['technique_id', 'name', 'parent', 'tactics', 'origin', 'rules', 'rules_with_sub_techniques', 'atomic_tests', 'covered', 'covered_by', 'gap'] as const;
export const RULES_COLUMNS = ['rule_id', 'title', 'level', 'status', 'log_source', 'tactics', 'techniques', 'targets_converted', 'file'] as const;

/**
 * analytics.csv: one row per rule × technique × Data Needed × Logging Policy (the older tool's "analytics"
 * sheet, without its cross-product bugs). A rule without techniques, Data Needed or Logging Policies still
 * has rows, with that cell empty. `tactic` holds the rule's tactics that the technique belongs to (else the
 * technique's own), `enrichment` the rule's enrichments that act on that Data Needed entry.
 */
export function analyticsCsv(kb: KnowledgeBase): CsvTable {
  const rows: string[][] = [];
  for (const rule of kb.rules) {
    const links = kb.ruleLinks.get(rule)!;
    const techniques: (AttackTechnique | undefined)[] = links.techniques.length > 0 ? [...links.techniques] : [undefined];
    const dataNeeded: (DataNeeded | undefined)[] = links.dataNeeded.length > 0 ? links.dataNeeded.map((match) => match.dataNeeded) : [undefined];
    for (const technique of techniques) {
      const tactic = technique ? tacticsFor(technique, links.tactics.map((known) => known.shortname)) : links.tactics.map((known) => known.shortname);
      for (const entry of dataNeeded) {
        const policies: (LoggingPolicy | undefined)[] = entry && (kb.loggingPoliciesByDataNeeded.get(entry)?.length ?? 0) > 0 ? [...kb.loggingPoliciesByDataNeeded.get(entry)!] : [undefined];
        const enrichments = entry ? links.enrichments.filter((enrichment) => (kb.enrichmentsByDataNeeded.get(entry) ?? []).includes(enrichment)) : [];
        for (const policy of policies) {
          rows.push([
            rule.id ?? '',
            rule.title,
            rule.level ?? '',
            rule.status ?? '',
            tactic.join(CSV_LIST_SEPARATOR),
            technique?.id ?? '',
            technique?.name ?? '',
            entry?.title ?? '',
            policy?.title ?? '',
            enrichments.map((enrichment: Enrichment) => enrichment.title).join(CSV_LIST_SEPARATOR),
          ]);
        }
      }
    }
  }
  return { columns: ANALYTICS_COLUMNS, rows };
}

/** rules.csv: one row per rule file. `log_source` lists each rule of a collection as `product=… category=… service=…`. */
export function rulesCsv(kb: KnowledgeBase, queries: ReadonlyMap<DetectionRule, readonly QuerySectionResult[]>): CsvTable {
  const rows = kb.rules.map((rule) => {
    const links = kb.ruleLinks.get(rule)!;
    const logSources = [
      ...new Set(
        rule.logsources.map((logsource) =>
          (['product', 'category', 'service'] as const)
            .filter((key) => logsource[key])
            .map((key) => `${key}=${logsource[key]}`)
            .join(' '),
        ),
      ),
    ].filter((text) => text !== '');
    return [
      rule.id ?? '',
      rule.title,
      rule.level ?? '',
      rule.status ?? '',
      logSources.join(CSV_LIST_SEPARATOR),
      links.tactics.map((tactic) => tactic.shortname).join(CSV_LIST_SEPARATOR),
      links.techniques.map((technique) => technique.id).join(CSV_LIST_SEPARATOR),
      (queries.get(rule) ?? []).filter((result) => result.result.ok).map((result) => formatQuerySectionSpec(result.section)).join(CSV_LIST_SEPARATOR),
      rule.relativePath,
    ];
  });
  return { columns: RULES_COLUMNS, rows };
}

/**
 * techniques.csv: kb.coverage as a sheet, one row per technique and shown sub-technique of the matrix (live
 * ones, plus retired or provisional ones something refers to), with the same covered/gap verdicts as the site.
 */
export function techniquesCsv(kb: KnowledgeBase): CsvTable {
  const { coverage } = kb;
  const rows = coverage.pageTechniques.flatMap((technique) =>
    [technique, ...coverage.subTechniques(technique.id)].map((entry) => {
      const row = coverage.technique(entry.id);
      return [
        entry.id,
        entry.name,
        entry.parent ?? '',
        entry.tactics.join(CSV_LIST_SEPARATOR),
        entry.revoked ? 'revoked' : entry.deprecated ? 'deprecated' : (entry.origin?.origin ?? ''),
        String(row.rules.length),
        String(row.rolledUpRules.length),
        String(row.rolledUpTests),
        row.covered ? 'yes' : 'no',
        row.coveredBy,
        row.gap ? 'yes' : 'no',
      ];
    }),
  );
  return { columns: TECHNIQUES_COLUMNS, rows };
}

/** The tactics (shortnames) a rule files a technique under: those it tags that the technique belongs to, else all of the technique's. */
export function tacticsFor(technique: AttackTechnique, ruleTactics: readonly string[]): readonly string[] {
  const claimed = ruleTactics.filter((tactic) => technique.tactics.includes(tactic));
  return claimed.length > 0 ? claimed : technique.tactics;
}
