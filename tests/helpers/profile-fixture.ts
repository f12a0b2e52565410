/**
 * A ProfileCoverage made by hand over a real knowledge base, for the page tests: a rule is runnable when
 * every Data Needed entry it matches is available with all its fields, partial when some are, else not
 * runnable. Only as much as the pages read; the real computation is src/link/profile-coverage.ts.
 */
import type { AttackTactic, AttackTechnique } from '../../src/attack/attack-catalog.ts';
import type { KnowledgeBase } from '../../src/link/knowledge-base.ts';
import type { EnableStep, ProfileCoverage, RuleInProfile, RuleShortfall } from '../../src/link/profile-coverage-model.ts';
import type { CoverageProfile, UseCase } from '../../src/model/coverage-profile.ts';
import type { DataNeeded } from '../../src/model/entities.ts';

const POSITION = { line: 1, column: 1 };

export function handMadeProfile(kb: KnowledgeBase, key: string, title: string, available: readonly DataNeeded[], options: { description?: string; useCases?: readonly UseCase[] } = {}): ProfileCoverage {
  const has = new Set(available);
  const rules = kb.rules.map((rule): RuleInProfile => {
    const matches = kb.ruleLinks.get(rule)!.dataNeeded;
    const present = matches.filter((match) => has.has(match.dataNeeded));
    const missingFields = present.flatMap((match) => match.reasons.flatMap((reason) => ('missingFields' in reason ? reason.missingFields : [])));
    const shortfalls: RuleShortfall[] = [];
    if (missingFields.length > 0) shortfalls.push({ kind: 'fields', document: 0, dataNeeded: present.map((match) => match.dataNeeded), fields: missingFields });
    if (present.length < matches.length) shortfalls.push({ kind: 'data-needed', document: 0, options: matches.filter((match) => !has.has(match.dataNeeded)).map((match) => match.dataNeeded) });
    if (matches.length === 0) shortfalls.push({ kind: 'no-data-needed', document: 0, logSource: 'windows / unknown' });
    const status = matches.length > 0 && shortfalls.length === 0 ? 'runnable' : present.length > 0 ? 'partial' : 'not-runnable';
    return { rule, status, shortfalls };
  });
  const runnable = rules.filter((entry) => entry.status === 'runnable');
  const techniques = new Map<string, AttackTechnique>();
  const tactics = new Map<string, AttackTactic>();
  for (const entry of runnable) {
    for (const technique of kb.ruleLinks.get(entry.rule)!.countedTechniques) techniques.set(technique.id, technique);
    for (const tactic of kb.ruleLinks.get(entry.rule)!.tactics) tactics.set(tactic.id, tactic);
  }
  const lacking = kb.dataNeeded.filter((entry) => !has.has(entry)).slice(0, 3);
  const enableNext: EnableStep[] = lacking.map((entry, index) => ({
    kind: 'data_needed',
    entity: entry,
    name: entry.title,
    adds: [entry],
    newRunnableRules: index + 1,
    newTechniques: 1,
    score: 10 - index,
    runnableAfter: runnable.length + ((index + 1) * (index + 2)) / 2,
    techniquesAfter: techniques.size + index + 1,
  }));
  const profile: CoverageProfile = {
    kind: 'profile',
    file: `/kb/profiles/${key}.yml`,
    relativePath: `profiles/${key}.yml`,
    position: POSITION,
    format: 'profile',
    title,
    description: options.description ?? '',
    dataNeeded: available.map((entry) => ({ title: entry.title, position: POSITION })),
    loggingPolicies: [],
    filters: { levels: [], statuses: [], includeTags: [], excludeTags: [], includeRules: [], excludeRules: [] },
    useCases: (options.useCases ?? []).map((useCase) => ({ title: useCase.title, position: POSITION })),
  };
  return {
    profile,
    key,
    available: [...available],
    loggingPolicies: [],
    useCases: options.useCases ?? [],
    rules,
    byRule: new Map(rules.map((entry) => [entry.rule, entry])),
    counts: { runnable: runnable.length, partial: rules.filter((entry) => entry.status === 'partial').length, notRunnable: rules.filter((entry) => entry.status === 'not-runnable').length },
    techniques: [...techniques.values()],
    tactics: [...tactics.values()],
    share: runnable.length / kb.rules.length,
    gaps: kb.coverage.gaps().map((entry) => entry.technique).filter((technique) => !techniques.has(technique.id)),
    ranked: enableNext,
    enableNext,
  };
}

export function handMadeUseCase(title: string, name: string, fields: { rules?: readonly string[]; dataNeeded?: readonly string[]; description?: string } = {}): UseCase {
  return {
    kind: 'use-case',
    file: `/kb/use_cases/${title}.yml`,
    relativePath: `use_cases/${title}.yml`,
    position: POSITION,
    title,
    name,
    description: fields.description ?? '',
    dataNeeded: (fields.dataNeeded ?? []).map((entry) => ({ title: entry, position: POSITION })),
    loggingPolicies: [],
    rules: (fields.rules ?? []).map((rule) => ({ title: rule, position: POSITION })),
  };
}
