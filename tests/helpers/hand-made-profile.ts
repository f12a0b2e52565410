/**
 * A ProfileCoverage made by hand from a linked knowledge base, for the tests of what reads one (exports, the
 * `atc coverage` formats) without going through src/link/profile-coverage.ts. Deliberately plain: a rule is
 * runnable when every document has a matched, available Data Needed entry with no missing field, partial
 * when some documents have one, not runnable otherwise; the enable-next steps are given by the test.
 */
import path from 'node:path';
import type { AttackTactic, AttackTechnique } from '../../src/attack/attack-catalog.ts';
import type { KnowledgeBase } from '../../src/link/knowledge-base.ts';
import type { EnableStep, ProfileCoverage, RuleInProfile, RuleShortfall } from '../../src/link/profile-coverage-model.ts';
import type { CoverageProfile } from '../../src/model/coverage-profile.ts';
import type { DataNeeded } from '../../src/model/entities.ts';

const NO_POSITION = { line: 1, column: 1 };

export function handMadeProfile(kb: KnowledgeBase, options: { title: string; key: string; dataNeeded: readonly string[]; enableNext?: readonly Omit<EnableStep, 'entity' | 'adds' | 'score'>[] }): ProfileCoverage {
  const available = options.dataNeeded.map((title) => {
    const entry = kb.dataNeededByTitle.get(title);
    if (!entry) throw new Error(`hand-made profile: no Data Needed entry ${title}`);
    return entry;
  });
  const profile: CoverageProfile = {
    kind: 'profile',
    file: path.join('profiles', `${options.key}.yml`),
    relativePath: `${options.key}.yml`,
    position: NO_POSITION,
    format: 'profile',
    title: options.title,
    description: `${options.title}, made by hand`,
    dataNeeded: options.dataNeeded.map((title) => ({ title, position: NO_POSITION })),
    loggingPolicies: [],
    filters: { levels: [], statuses: [], includeTags: [], excludeTags: [], includeRules: [], excludeRules: [] },
    useCases: [],
  };
  const rules = kb.rules.map((rule) => ruleInProfile(kb, rule, new Set(available)));
  const runnable = rules.filter((entry) => entry.status === 'runnable');
  const techniques = new Set<AttackTechnique>();
  const tactics = new Set<AttackTactic>();
  for (const entry of runnable) {
    const links = kb.ruleLinks.get(entry.rule)!;
    for (const technique of links.countedTechniques) techniques.add(technique);
    for (const tactic of links.tactics) tactics.add(tactic);
  }
  const firstEntry = kb.dataNeeded[0]!;
  return {
    profile,
    key: options.key,
    available: [...available].sort((a, b) => (a.title < b.title ? -1 : 1)),
    loggingPolicies: [],
    useCases: [],
    rules,
    byRule: new Map(rules.map((entry) => [entry.rule, entry])),
    counts: {
      runnable: runnable.length,
      partial: rules.filter((entry) => entry.status === 'partial').length,
      notRunnable: rules.filter((entry) => entry.status === 'not-runnable').length,
    },
    techniques: [...techniques],
    tactics: [...tactics],
    share: kb.rules.length === 0 ? 0 : runnable.length / kb.rules.length,
    gaps: [],
    ranked: [],
    enableNext: (options.enableNext ?? []).map((step) => ({ ...step, entity: kb.dataNeededByTitle.get(step.name) ?? firstEntry, adds: [], score: step.newRunnableRules })),
  };
}

function ruleInProfile(kb: KnowledgeBase, rule: KnowledgeBase['rules'][number], available: ReadonlySet<DataNeeded>): RuleInProfile {
  const reasons = kb.ruleLinks.get(rule)!.dataNeeded.flatMap((match) => match.reasons.flatMap((reason) => (reason.via === 'log-source' ? [{ entry: match.dataNeeded, reason }] : [])));
  const shortfalls: RuleShortfall[] = [];
  let complete = 0;
  let described = 0;
  rule.rules.forEach((_document, document) => {
    const mine = reasons.filter((found) => found.reason.document === document);
    const usable = mine.filter((found) => available.has(found.entry));
    if (usable.some((found) => found.reason.missingFields.length === 0)) {
      complete++;
      described++;
    } else if (usable.length > 0) {
      described++;
      shortfalls.push({ kind: 'fields', document, dataNeeded: usable.map((found) => found.entry), fields: usable[0]!.reason.missingFields });
    } else if (mine.length > 0) {
      shortfalls.push({ kind: 'data-needed', document, options: [...new Set(mine.map((found) => found.entry))] });
    } else {
      shortfalls.push({ kind: 'no-data-needed', document, logSource: 'product: unknown' });
    }
  });
  const documents = rule.rules.length;
  const status = documents > 0 && complete === documents ? 'runnable' : described > 0 ? 'partial' : 'not-runnable';
  return { rule, status, shortfalls: status === 'runnable' ? [] : shortfalls };
}
