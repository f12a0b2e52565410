import { isTacticId, normalizeTechniqueId, tacticUrl, techniqueUrl, type AttackTactic, type AttackTechnique } from '../attack/attack-catalog.ts';
import type { KnowledgeBase } from '../link/knowledge-base.ts';
import type { DetectionRule } from '../model/detection-rule.ts';
import type { SigmaLevel } from '../sigma/rule-metadata.ts';
import type { JsonObject } from './api-json.ts';
import { tacticsFor } from './csv-exports.ts';
import type { ExportedQuery } from './exported-query.ts';

/**
 * Elastic Security detection rules, one JSON object per line: the file Kibana's Rules page imports
 * ("Import rules", POST /api/detection_engine/rules/_import). Field names and value forms follow the
 * detection engine's rule schema (Kibana 8): every rule needs name, description, risk_score, severity and
 * type; query and eql rules a query and index patterns; esql rules a query whose FROM names the indices.
 * Imported rules are disabled, so nothing runs before someone has looked at it.
 */

/** The rule types this export writes, by the language of the query. */
export type ElasticLanguage = 'lucene' | 'eql' | 'esql';
const RULE_TYPE = { lucene: 'query', eql: 'eql', esql: 'esql' } as const satisfies Record<ElasticLanguage, string>;

/** Elastic's four severities and their default risk scores; Sigma's informational has no severity of its own. */
export const ELASTIC_SEVERITY = {
  informational: { severity: 'low', risk_score: 21 },
  low: { severity: 'low', risk_score: 21 },
  medium: { severity: 'medium', risk_score: 47 },
  high: { severity: 'high', risk_score: 73 },
  critical: { severity: 'critical', risk_score: 99 },
} as const satisfies Record<SigmaLevel, { severity: string; risk_score: number }>;

/**
 * Index patterns of query and eql rules: Elastic Security's default `securitySolution:defaultIndex`, which
 * a rule created in Kibana without choosing indices also searches.
 */
export const ELASTIC_DEFAULT_INDEX = ['apm-*-transaction*', 'auditbeat-*', 'endgame-*', 'filebeat-*', 'logs-*', 'packetbeat-*', 'traces-apm*', 'winlogbeat-*', '-*elastic-cloud-logs-*'] as const;

/** Writes one line per query to `write` (a rule with two conditions gives two rules, `rule_id` of the second ending in `-2`). */
export function writeElasticDetectionRules(kb: KnowledgeBase, entries: readonly ExportedQuery[], language: ElasticLanguage, write: (text: string) => void): void {
  for (const entry of entries) write(`${JSON.stringify(elasticRule(kb, entry, language))}\n`);
}

export function elasticRule(kb: KnowledgeBase, entry: ExportedQuery, language: ElasticLanguage): JsonObject {
  const { rule } = entry;
  const type = RULE_TYPE[language];
  const { severity, risk_score } = ELASTIC_SEVERITY[rule.level ?? 'low'];
  return {
    rule_id: entry.id,
    name: entry.name,
    description: rule.description?.trim() || rule.title,
    type,
    language,
    query: entry.query,
    ...(type === 'esql' ? {} : { index: [...ELASTIC_DEFAULT_INDEX] }),
    severity,
    risk_score,
    threat: elasticThreat(kb, rule),
    author: ruleAuthors(rule),
    references: [...rule.references],
    false_positives: [...rule.falsepositives],
    tags: [...rule.tags],
    enabled: false,
    from: 'now-6m',
    interval: '5m',
    max_signals: 100,
    version: 1,
  };
}

/** Sigma's `author` is one string, people separated by commas; Elastic's is a list. */
function ruleAuthors(rule: DetectionRule): string[] {
  return (rule.author ?? '').split(',').map((name) => name.trim()).filter((name) => name !== '');
}

interface ThreatTechnique {
  readonly technique: AttackTechnique;
  readonly subtechniques: AttackTechnique[];
}

/**
 * The rule's ATT&CK tags as Elastic's `threat`: one entry per tactic, its techniques under it, each
 * sub-technique under its parent. A technique goes under the tactics the rule tags that it belongs to, or
 * under all of its own tactics when the rule tags none of them. Only ATT&CK ids make it in (Elastic links
 * every entry to attack.mitre.org): a provisional tactic without an id is left out.
 */
export function elasticThreat(kb: KnowledgeBase, rule: DetectionRule): JsonObject[] {
  const links = kb.ruleLinks.get(rule)!;
  const ruleTactics = links.tactics.map((tactic) => tactic.shortname);
  const byTactic = new Map<AttackTactic, Map<string, ThreatTechnique>>(links.tactics.filter((tactic) => isTacticId(tactic.id)).map((tactic) => [tactic, new Map()]));
  for (const technique of links.techniques) {
    if (normalizeTechniqueId(technique.id) === undefined) continue;
    const parent = technique.parent === null ? technique : kb.attack.technique(technique.parent);
    if (parent === undefined) continue;
    for (const shortname of tacticsFor(technique, ruleTactics)) {
      const tactic = kb.attack.tactic(shortname);
      if (tactic === undefined || !isTacticId(tactic.id)) continue;
      let techniques = byTactic.get(tactic);
      if (!techniques) byTactic.set(tactic, (techniques = new Map()));
      let entry = techniques.get(parent.id);
      if (!entry) techniques.set(parent.id, (entry = { technique: parent, subtechniques: [] }));
      if (technique !== parent && !entry.subtechniques.includes(technique)) entry.subtechniques.push(technique);
    }
  }
  return [...byTactic].map(([tactic, techniques]) => ({
    framework: 'MITRE ATT&CK',
    tactic: { id: tactic.id, name: tactic.name, reference: tacticUrl(tactic.id) },
    technique: [...techniques.values()].map(({ technique, subtechniques }) => ({
      id: technique.id,
      name: technique.name,
      reference: techniqueUrl(technique.id),
      subtechnique: subtechniques.map((sub) => ({ id: sub.id, name: sub.name, reference: techniqueUrl(sub.id) })),
    })),
  }));
}
