import type { AttackTactic, AttackTechnique } from '../attack/attack-catalog.ts';
import { compareText } from '../model/compare-text.ts';
import type { CoverageProfile, UseCase } from '../model/coverage-profile.ts';
import type { DetectionRule } from '../model/detection-rule.ts';
import type { DataNeeded, LoggingPolicy, TitleReference } from '../model/entities.ts';
import { makeIssue, type Issue } from '../model/issue.ts';
import { safeName } from '../present/page-addresses.ts';
import type { SigmaLevel } from '../sigma/rule-metadata.ts';
import { closestName } from './closest-name.ts';
import type { KnowledgeBase } from './knowledge-base.ts';
import type { EnableCandidate, EnableStep, ProfileCoverage, RuleInProfile, RuleShortfall, RunStatus, UseCaseMembers } from './profile-coverage-model.ts';

/** How much a newly runnable rule weighs in "enable next", by level: a critical rule is worth five informational ones. */
export const RUN_LEVEL_WEIGHT: Readonly<Record<SigmaLevel, number>> = { informational: 1, low: 2, medium: 3, high: 4, critical: 5 };
/** A rule without a level weighs as a low one (Sigma's default). */
const UNLEVELLED_WEIGHT = RUN_LEVEL_WEIGHT.low;
/** A technique newly covered weighs as much as a medium rule: breadth matters as much as depth. */
export const TECHNIQUE_WEIGHT = 3;
export const ENABLE_NEXT_STEPS = 10;
/** "Did you mean" suggestions per file: each costs a scan of every known name. */
const SUGGESTIONS_PER_FILE = 20;

/** Whether a rule converts to a profile's query target. */
export type ConversionCheck = (rule: DetectionRule) => { readonly ok: true } | { readonly ok: false; readonly reason: string };

export interface ProfileCoverageInputs {
  readonly kb: KnowledgeBase;
  readonly profiles: readonly CoverageProfile[];
  readonly useCases: readonly UseCase[];
  readonly conversions: ProfileConversions;
}

/**
 * The check for a profile's `queries` spec: `problem` when the spec cannot be converted (reported at the
 * profile), undefined when the build does not convert at all (the target is then not checked).
 */
export type ProfileConversions = (spec: string) => ConversionCheck | { readonly problem: string } | undefined;

/**
 * For each profile: which rules it can run, what the others lack, its coverage, and what to switch on next
 * (profile-coverage-model.ts states the rules). Pure: every page, export and `atc coverage` reads the result.
 */
export function computeProfileCoverage(inputs: ProfileCoverageInputs): { profiles: ProfileCoverage[]; useCases: UseCase[]; useCaseMembers: Map<UseCase, UseCaseMembers>; issues: Issue[] } {
  const { kb } = inputs;
  const issues: Issue[] = [];
  const names = new ReferenceResolver(kb, inputs.useCases, issues);
  const useCases = [...inputs.useCases].sort((a, b) => compareText(a.title, b.title) || compareText(a.relativePath, b.relativePath));
  const useCaseMembers = new Map<UseCase, UseCaseMembers>(
    useCases.map((useCase) => [
      useCase,
      { rules: names.rules(useCase.rules, useCase.file), dataNeeded: names.dataNeeded(useCase.dataNeeded, useCase.file), loggingPolicies: names.loggingPolicies(useCase.loggingPolicies, useCase.file) },
    ]),
  );
  const keys = new Set<string>();
  const profiles = inputs.profiles.map((profile) => {
    let key = safeName(profile.relativePath.replace(/\.ya?ml$/i, '').split('/').pop()!);
    const base = key;
    for (let counter = 2; keys.has(key.toLowerCase()); counter++) key = `${base}-${counter}`;
    keys.add(key.toLowerCase());
    return profileCoverage(kb, profile, key, names, inputs.conversions, issues);
  });
  return { profiles, useCases, useCaseMembers, issues };
}

function profileCoverage(kb: KnowledgeBase, profile: CoverageProfile, key: string, names: ReferenceResolver, conversions: ProfileConversions, issues: Issue[]): ProfileCoverage {
  const loggingPolicies = names.loggingPolicies(profile.loggingPolicies, profile.file);
  const available = new Set([...names.dataNeeded(profile.dataNeeded, profile.file), ...loggingPolicies.flatMap((policy) => kb.dataNeededByLoggingPolicy.get(policy) ?? [])]);
  const useCases = names.useCases(profile.useCases, profile.file);
  const included = names.rules(profile.filters.includeRules, profile.file);
  const excluded = new Set(names.rules(profile.filters.excludeRules, profile.file));
  const considered = kb.rules.filter((rule) => isConsidered(rule, profile, included, excluded));
  const conversion = profile.queries ? conversions(profile.queries.spec) : undefined;
  if (profile.queries && conversion && 'problem' in conversion) issues.push(makeIssue(profile.file, profile.queries.position, 'field-value', conversion.problem));
  const target = profile.queries && typeof conversion === 'function' ? { spec: profile.queries.spec, convert: conversion } : undefined;

  const evaluator = new RuleEvaluator(kb, target);
  const rules = evaluator.evaluateAll(considered, available);
  const byRule = new Map(rules.map((entry) => [entry.rule, entry]));
  const runnable = rules.filter((entry) => entry.status === 'runnable').map((entry) => entry.rule);
  const techniques = coveredTechniques(kb, runnable);
  const counts = {
    runnable: runnable.length,
    partial: rules.filter((entry) => entry.status === 'partial').length,
    notRunnable: rules.filter((entry) => entry.status === 'not-runnable').length,
  };
  const { ranked, steps } = enableNext(kb, considered, available, loggingPolicies, byRule, target);
  return {
    profile,
    key,
    available: [...available].sort((a, b) => compareText(a.title, b.title)),
    loggingPolicies,
    useCases,
    rules,
    byRule,
    counts,
    techniques,
    tactics: coveredTactics(kb, runnable, techniques),
    share: kb.rules.length === 0 ? 0 : runnable.length / kb.rules.length,
    gaps: gapsOf(kb, techniques),
    ranked,
    enableNext: steps,
  };
}

function isConsidered(rule: DetectionRule, profile: CoverageProfile, included: readonly DetectionRule[], excluded: ReadonlySet<DetectionRule>): boolean {
  const { filters } = profile;
  if (excluded.has(rule)) return false;
  if (filters.includeRules.length > 0 && !included.includes(rule)) return false;
  if (filters.levels.length > 0 && (rule.level === undefined || !filters.levels.includes(rule.level))) return false;
  if (filters.statuses.length > 0 && (rule.status === undefined || !filters.statuses.includes(rule.status.toLowerCase()))) return false;
  const tags = rule.tags.map((tag) => tag.toLowerCase());
  if (filters.includeTags.length > 0 && !tags.some((tag) => filters.includeTags.includes(tag))) return false;
  if (tags.some((tag) => filters.excludeTags.includes(tag))) return false;
  return true;
}

/**
 * A rule's status for a set of available entries. A correlation rule runs where the rules it correlates
 * run; each evaluation memoises those (a set of entries at a time), and a correlation cycle (reported by
 * the linker) counts as not runnable.
 */
class RuleEvaluator {
  constructor(
    private readonly kb: KnowledgeBase,
    private readonly target?: { readonly spec: string; readonly convert: ConversionCheck },
  ) {}

  evaluateAll(rules: readonly DetectionRule[], available: ReadonlySet<DataNeeded>): RuleInProfile[] {
    const memo = new Map<DetectionRule, RuleInProfile>();
    return rules.map((rule) => this.evaluate(rule, available, memo, new Set()));
  }

  private evaluate(rule: DetectionRule, available: ReadonlySet<DataNeeded>, memo: Map<DetectionRule, RuleInProfile>, visiting: Set<DetectionRule>): RuleInProfile {
    const known = memo.get(rule);
    if (known) return known;
    if (visiting.has(rule)) return { rule, status: 'not-runnable', shortfalls: [] };
    visiting.add(rule);
    const links = this.kb.ruleLinks.get(rule)!;
    const shortfalls: RuleShortfall[] = [];
    let satisfied = 0;
    let reached = 0;
    for (const requirement of links.requirements) {
      const { document, candidates } = requirement;
      if (candidates.length === 0) {
        shortfalls.push({ kind: 'no-data-needed', document, logSource: requirement.logSource });
        continue;
      }
      const usable = candidates.filter((candidate) => available.has(candidate.dataNeeded));
      // Candidates come sorted by the number of fields they lack: the first usable one is the closest.
      const closest = usable[0];
      if (closest && closest.missingFields.length === 0) {
        satisfied++;
        reached++;
      } else if (closest) {
        reached++;
        const nearest = usable.filter((candidate) => candidate.missingFields.length === closest.missingFields.length);
        shortfalls.push({ kind: 'fields', document, dataNeeded: nearest.map((candidate) => candidate.dataNeeded), fields: closest.missingFields });
      } else {
        const fewest = candidates[0]!.missingFields.length;
        shortfalls.push({ kind: 'data-needed', document, options: candidates.filter((candidate) => candidate.missingFields.length === fewest).map((candidate) => candidate.dataNeeded) });
      }
    }
    let correlatedRunnable = 0;
    let correlatedReached = 0;
    const correlated = links.correlatedRules.filter((other) => other !== rule);
    for (const other of correlated) {
      const status = this.evaluate(other, available, memo, visiting).status;
      if (status === 'runnable') correlatedRunnable++;
      if (status !== 'not-runnable') correlatedReached++;
      if (status !== 'runnable') shortfalls.push({ kind: 'correlated-rule', rule: other, status });
    }
    const parts = links.requirements.length + correlated.length;
    let status: RunStatus =
      parts > 0 && satisfied + correlatedRunnable === parts ? 'runnable' : reached + correlatedReached > 0 ? 'partial' : 'not-runnable';
    if (parts === 0) shortfalls.push({ kind: 'no-data-needed', document: 0, logSource: '(none)' });
    if (this.target) {
      const converted = this.target.convert(rule);
      if (!converted.ok) {
        shortfalls.push({ kind: 'conversion', target: this.target.spec, reason: converted.reason });
        status = 'not-runnable';
      }
    }
    visiting.delete(rule);
    const result: RuleInProfile = { rule, status, shortfalls: status === 'runnable' ? [] : shortfalls };
    memo.set(rule, result);
    return result;
  }
}

/**
 * What a rule needs to run, flattened for "enable next": per document (its own, then those of the rules it
 * correlates, recursively) the entries that supply every field it uses. It runs when each list holds an
 * available entry and it (and every rule it correlates) converts to the profile's target. Undefined for a
 * rule that no set of entries makes runnable (a document no entry fully supplies, or no conversion).
 */
function runRequirement(kb: KnowledgeBase, rule: DetectionRule, converts: (rule: DetectionRule) => boolean, visiting = new Set<DetectionRule>()): (readonly DataNeeded[])[] | undefined {
  if (visiting.has(rule) || !converts(rule)) return undefined;
  visiting.add(rule);
  const links = kb.ruleLinks.get(rule)!;
  const documents: (readonly DataNeeded[])[] = [];
  for (const requirement of links.requirements) {
    const full = requirement.candidates.filter((candidate) => candidate.missingFields.length === 0).map((candidate) => candidate.dataNeeded);
    if (full.length === 0) return undefined;
    documents.push(full);
  }
  for (const other of links.correlatedRules) {
    if (other === rule) continue;
    const needed = runRequirement(kb, other, converts, visiting);
    if (!needed) return undefined;
    documents.push(...needed);
  }
  visiting.delete(rule);
  return documents.length > 0 ? documents : undefined;
}

/**
 * The ranking of every lacking entry and policy by what adding it alone gains, and the greedy sequence:
 * at each step the best one given the steps before it, with the totals after it. Per rule only the
 * documents it still lacks are kept, so a candidate's gain is a check of the rules that list its entries.
 */
function enableNext(
  kb: KnowledgeBase,
  considered: readonly DetectionRule[],
  initiallyAvailable: ReadonlySet<DataNeeded>,
  loggingPolicies: readonly LoggingPolicy[],
  byRule: ReadonlyMap<DetectionRule, RuleInProfile>,
  target: { readonly convert: ConversionCheck } | undefined,
): { ranked: EnableCandidate[]; steps: EnableStep[] } {
  const converts = (rule: DetectionRule): boolean => !target || target.convert(rule).ok;
  const runnable = new Set(considered.filter((rule) => byRule.get(rule)!.status === 'runnable'));
  const covered = new Set(coveredTechniques(kb, [...runnable]).map((technique) => technique.id));
  const available = new Set(initiallyAvailable);
  // Per rule that can still become runnable: the documents no available entry supplies yet.
  const lacking = new Map<DetectionRule, (readonly DataNeeded[])[]>();
  const rulesByEntry = new Map<DataNeeded, DetectionRule[]>();
  for (const rule of considered) {
    if (runnable.has(rule)) continue;
    const documents = runRequirement(kb, rule, converts)?.filter((entries) => !entries.some((entry) => available.has(entry)));
    if (!documents || documents.length === 0) continue;
    lacking.set(rule, documents);
    for (const entry of new Set(documents.flat())) {
      const list = rulesByEntry.get(entry);
      if (list) list.push(rule);
      else rulesByEntry.set(entry, [rule]);
    }
  }
  const becomeRunnable = (adds: ReadonlySet<DataNeeded>): DetectionRule[] => {
    // Most candidates add one entry: its list of rules is already free of repeats.
    const affected = adds.size === 1 ? (rulesByEntry.get([...adds][0]!) ?? []) : [...new Set([...adds].flatMap((entry) => rulesByEntry.get(entry) ?? []))];
    return affected.filter((rule) => !runnable.has(rule) && lacking.get(rule)!.every((entries) => entries.some((entry) => adds.has(entry))));
  };
  const heldPolicies = new Set(loggingPolicies);
  const options: { kind: EnableCandidate['kind']; entity: DataNeeded | LoggingPolicy; entries: readonly DataNeeded[] }[] = [
    ...kb.dataNeeded.map((entry) => ({ kind: 'data_needed' as const, entity: entry, entries: [entry] })),
    ...kb.loggingPolicies.filter((policy) => !heldPolicies.has(policy)).map((policy) => ({ kind: 'logging_policy' as const, entity: policy, entries: kb.dataNeededByLoggingPolicy.get(policy) ?? [] })),
  ];

  const gain = (option: (typeof options)[number]): EnableCandidate | undefined => {
    const adds = option.entries.filter((entry) => !available.has(entry));
    if (adds.length === 0) return undefined;
    const newlyRunnable = becomeRunnable(new Set(adds));
    const newTechniques = new Set<string>();
    for (const rule of newlyRunnable) for (const technique of kb.ruleLinks.get(rule)!.countedTechniques) if (!covered.has(technique.id)) newTechniques.add(technique.id);
    const weight = newlyRunnable.reduce((sum, rule) => sum + (rule.level ? RUN_LEVEL_WEIGHT[rule.level] : UNLEVELLED_WEIGHT), 0);
    return {
      kind: option.kind,
      entity: option.entity,
      name: option.entity.title,
      adds: [...adds].sort((a, b) => compareText(a.title, b.title)),
      newRunnableRules: newlyRunnable.length,
      newTechniques: newTechniques.size,
      score: weight + TECHNIQUE_WEIGHT * newTechniques.size,
    };
  };
  const best = (candidates: readonly EnableCandidate[]): EnableCandidate[] =>
    candidates
      .filter((candidate) => candidate.newRunnableRules > 0)
      .sort((a, b) => b.score - a.score || b.newRunnableRules - a.newRunnableRules || b.newTechniques - a.newTechniques || a.adds.length - b.adds.length || compareText(b.kind, a.kind) || compareText(a.name, b.name));

  const ranked = best(options.flatMap((option) => gain(option) ?? []));
  const steps: EnableStep[] = [];
  let next = ranked[0];
  while (next && steps.length < ENABLE_NEXT_STEPS) {
    const adds = new Set(next.adds);
    const newlyRunnable = becomeRunnable(adds);
    for (const entry of adds) available.add(entry);
    for (const rule of newlyRunnable) {
      runnable.add(rule);
      for (const technique of kb.ruleLinks.get(rule)!.countedTechniques) covered.add(technique.id);
    }
    // What the new entries supply is no longer lacking.
    for (const rule of new Set([...adds].flatMap((entry) => rulesByEntry.get(entry) ?? []))) {
      if (!runnable.has(rule)) lacking.set(rule, lacking.get(rule)!.filter((entries) => !entries.some((entry) => adds.has(entry))));
    }
    steps.push({ ...next, runnableAfter: runnable.size, techniquesAfter: covered.size });
    next = best(options.flatMap((option) => gain(option) ?? []))[0];
  }
  return { ranked, steps };
}

/** Techniques the rules count under (a revoked tag also counts under its replacement), by id. */
function coveredTechniques(kb: KnowledgeBase, rules: readonly DetectionRule[]): AttackTechnique[] {
  const byId = new Map<string, AttackTechnique>();
  for (const rule of rules) for (const technique of kb.ruleLinks.get(rule)!.countedTechniques) byId.set(technique.id, technique);
  return [...byId.values()].sort((a, b) => compareText(a.id, b.id));
}

/** Tactics the rules are tagged with, and those of the techniques they cover, in matrix order. */
function coveredTactics(kb: KnowledgeBase, rules: readonly DetectionRule[], techniques: readonly AttackTechnique[]): AttackTactic[] {
  const found = new Set<AttackTactic>();
  for (const rule of rules) for (const tactic of kb.ruleLinks.get(rule)!.tactics) found.add(tactic);
  for (const technique of techniques) {
    for (const shortname of technique.tactics) {
      const tactic = kb.attack.tactic(shortname);
      if (tactic) found.add(tactic);
    }
  }
  return kb.attack.tactics.filter((tactic) => found.has(tactic));
}

/** Techniques with Atomic tests (on them or a sub-technique) and no runnable rule on them or a sub-technique: the site's gap, for this profile. */
function gapsOf(kb: KnowledgeBase, covered: readonly AttackTechnique[]): AttackTechnique[] {
  const coveredParents = new Set(covered.map((technique) => technique.parent ?? technique.id));
  const gaps = new Map<string, AttackTechnique>();
  for (const trigger of kb.triggers) {
    if (trigger.tests.length === 0) continue;
    const parent = trigger.techniqueId.split('.')[0]!;
    if (coveredParents.has(parent) || gaps.has(parent)) continue;
    const technique = kb.attack.technique(parent);
    if (technique) gaps.set(parent, technique);
  }
  return [...gaps.values()].sort((a, b) => compareText(a.id, b.id));
}

/** Resolves the names profiles and use cases give, reporting each unknown one at its place with the closest known name. */
class ReferenceResolver {
  private readonly rulesByTitle = new Map<string, DetectionRule[]>();
  private readonly useCasesByTitle: ReadonlyMap<string, UseCase>;
  private readonly suggestions = new Map<string, number>();

  constructor(
    private readonly kb: KnowledgeBase,
    useCases: readonly UseCase[],
    private readonly issues: Issue[],
  ) {
    for (const rule of kb.rules) {
      const title = rule.title.trim().toLowerCase();
      const list = this.rulesByTitle.get(title);
      if (list) list.push(rule);
      else this.rulesByTitle.set(title, [rule]);
    }
    this.useCasesByTitle = new Map(useCases.map((useCase) => [useCase.title, useCase]));
  }

  dataNeeded(references: readonly TitleReference[], file: string): DataNeeded[] {
    return this.resolve(references, file, 'Data Needed entry', (title) => this.kb.dataNeededByTitle.get(title), () => this.kb.dataNeeded.map((entry) => entry.title));
  }

  loggingPolicies(references: readonly TitleReference[], file: string): LoggingPolicy[] {
    return this.resolve(references, file, 'Logging Policy', (title) => this.kb.loggingPoliciesByTitle.get(title), () => this.kb.loggingPolicies.map((policy) => policy.title));
  }

  useCases(references: readonly TitleReference[], file: string): UseCase[] {
    return this.resolve(references, file, 'use case', (title) => this.useCasesByTitle.get(title), () => this.useCasesByTitle.keys());
  }

  /** Rules by Sigma id, else by title (every rule with that title: the older tool's customers name rules by title). */
  rules(references: readonly TitleReference[], file: string): DetectionRule[] {
    const found = new Set<DetectionRule>();
    for (const reference of references) {
      const byId = this.kb.rulesById.get(reference.title);
      const matches = byId ? [byId] : (this.rulesByTitle.get(reference.title.toLowerCase()) ?? []);
      if (matches.length === 0) this.report(reference, file, 'rule (by Sigma id or title)', () => this.kb.rules.map((rule) => rule.title));
      for (const rule of matches) found.add(rule);
    }
    return [...found];
  }

  private resolve<T>(references: readonly TitleReference[], file: string, what: string, find: (title: string) => T | undefined, known: () => Iterable<string>): T[] {
    const found: T[] = [];
    for (const reference of references) {
      const entity = find(reference.title);
      if (entity === undefined) this.report(reference, file, what, known);
      else if (!found.includes(entity)) found.push(entity);
    }
    return found;
  }

  private report(reference: TitleReference, file: string, what: string, known: () => Iterable<string>): void {
    const asked = this.suggestions.get(file) ?? 0;
    this.suggestions.set(file, asked + 1);
    const suggestion = asked < SUGGESTIONS_PER_FILE ? closestName(reference.title, known()) : undefined;
    this.issues.push(
      makeIssue(file, reference.position, 'unknown-profile-reference', `no ${what} "${reference.title}" in the knowledge base${suggestion ? `; closest: "${suggestion}"` : ''}`),
    );
  }
}
