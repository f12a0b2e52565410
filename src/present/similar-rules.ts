import { parentTechniqueId } from '../attack/attack-catalog.ts';
import type { KnowledgeBase } from '../link/knowledge-base.ts';
import { compareText } from '../model/compare-text.ts';
import type { DetectionRule } from '../model/detection-rule.ts';

/** How many similar rules a rule page suggests. */
export const SIMILAR_RULE_LIMIT = 5;

/** Another rule worth reading beside this one, and why it was chosen. */
export interface SimilarRule {
  readonly rule: DetectionRule;
  /** The techniques both rules detect, as parent technique ids (T1003 for T1003.001), sorted. */
  readonly sharedTechniques: readonly string[];
  /** Whether the rules share a log source (the same product, category and service). */
  readonly sameLogSource: boolean;
}

/** By the knowledge base (or the rules and links given): each is ranked once, however many pages ask. */
const computed = new WeakMap<object, ReadonlyMap<DetectionRule, readonly SimilarRule[]>>();

/**
 * For every rule, up to SIMILAR_RULE_LIMIT other rules that detect the same techniques: most shared
 * techniques first (a sub-technique counts as its technique, so T1003.001 and T1003.002 meet), then those
 * on the same log source, then by title. Deprecated rules are never suggested (their pages name their
 * replacements). Computed once per knowledge base from an index by technique, so the work grows with the
 * rules that share a technique, not with every pair of rules; the best few are kept as they are met
 * rather than sorting every candidate (a rule on T1059 meets about 500 others in SigmaHQ).
 */
export function similarRules(kb: Pick<KnowledgeBase, 'rules' | 'ruleLinks'>): ReadonlyMap<DetectionRule, readonly SimilarRule[]> {
  const known = computed.get(kb);
  if (known) return known;
  const rules = kb.rules;
  // Rules by number: the counting below runs in typed arrays, not maps.
  const techniquesOf: string[][] = [];
  const logSourcesOf: number[][] = [];
  const logSourceNumbers = new Map<string, number>();
  const rulesByTechnique = new Map<string, number[]>();
  rules.forEach((rule, index) => {
    const techniques = [...new Set((kb.ruleLinks.get(rule)?.countedTechniques ?? []).map((technique) => parentTechniqueId(technique.id) ?? technique.id))].sort(compareText);
    techniquesOf.push(techniques);
    logSourcesOf.push(
      rule.logsources.map((logsource) => {
        const key = JSON.stringify([logsource.product ?? '', logsource.category ?? '', logsource.service ?? '']);
        let number = logSourceNumbers.get(key);
        if (number === undefined) logSourceNumbers.set(key, (number = logSourceNumbers.size));
        return number;
      }),
    );
    if (rule.status === 'deprecated') return;
    for (const technique of techniques) {
      const bucket = rulesByTechnique.get(technique);
      if (bucket) bucket.push(index);
      else rulesByTechnique.set(technique, [index]);
    }
  });
  // Title order, then file path, as one number per rule: ties are settled without comparing text again.
  const titleRank = new Int32Array(rules.length);
  [...rules.keys()]
    .sort((a, b) => compareText(rules[a]!.title, rules[b]!.title) || compareText(rules[a]!.relativePath, rules[b]!.relativePath))
    .forEach((index, rank) => (titleRank[index] = rank));
  const shared = new Int32Array(rules.length);
  const result = new Map<DetectionRule, readonly SimilarRule[]>();
  rules.forEach((rule, index) => {
    const met: number[] = [];
    for (const technique of techniquesOf[index]!) {
      for (const other of rulesByTechnique.get(technique) ?? []) {
        if (other === index) continue;
        if (shared[other] === 0) met.push(other);
        shared[other] += 1;
      }
    }
    const ownLogSources = logSourcesOf[index]!;
    // Shared techniques count double so that one more technique outweighs the log source.
    const score = (other: number): number => shared[other]! * 2 + (logSourcesOf[other]!.some((number) => ownLogSources.includes(number)) ? 1 : 0);
    // The best so far, best first, as parallel arrays: most candidates fall short and allocate nothing.
    const best: number[] = [];
    const bestScore: number[] = [];
    const better = (score: number, other: number, at: number): boolean => score > bestScore[at]! || (score === bestScore[at] && titleRank[other]! < titleRank[best[at]!]!);
    for (const other of met) {
      const candidate = score(other);
      if (best.length === SIMILAR_RULE_LIMIT && !better(candidate, other, best.length - 1)) continue;
      let at = best.length;
      while (at > 0 && better(candidate, other, at - 1)) at -= 1;
      best.splice(at, 0, other);
      bestScore.splice(at, 0, candidate);
      if (best.length > SIMILAR_RULE_LIMIT) {
        best.pop();
        bestScore.pop();
      }
    }
    for (const other of met) shared[other] = 0;
    const ownTechniques = new Set(techniquesOf[index]);
    result.set(
      rule,
      best.map((other, at) => ({
        rule: rules[other]!,
        sharedTechniques: techniquesOf[other]!.filter((technique) => ownTechniques.has(technique)),
        sameLogSource: bestScore[at]! % 2 === 1,
      })),
    );
  });
  computed.set(kb, result);
  return result;
}
