import type { AttackTactic } from '../attack/attack-catalog.ts';
import { AttackCoverage } from '../link/attack-coverage.ts';
import type { KnowledgeBase } from '../link/knowledge-base.ts';
import type { ProfileCoverage, RuleInProfile, RuleShortfall, RunStatus, UseCaseMembers } from '../link/profile-coverage-model.ts';
import { compareText } from '../model/compare-text.ts';
import { LEVEL_ORDER } from './rule-list-index.ts';
import type { UseCase } from '../model/coverage-profile.ts';
import type { DetectionRule } from '../model/detection-rule.ts';
import type { DataNeeded } from '../model/entities.ts';
import { useCasePageNames } from './page-addresses.ts';

/**
 * What the profile and use-case pages (HTML and markdown), the rule pages' "Runs in" row and the rule
 * list's profile facet read: the computed profiles, the use cases and their page names, once per build.
 */
export interface ProfileSite {
  readonly profiles: readonly ProfileCoverage[];
  readonly useCases: readonly UseCase[];
  /** A use case's page name (`/use-cases/<name>/`, `Use_Cases/<name>.md`). */
  useCaseName(useCase: UseCase): string;
  readonly useCaseMembers: ReadonlyMap<UseCase, UseCaseMembers>;
}

/** The view of a build's profiles; undefined when it has neither profiles nor use cases, so no page, row or facet appears. */
export function profileSite(build: {
  readonly kb: KnowledgeBase;
  readonly profiles?: readonly ProfileCoverage[];
  readonly useCases?: readonly UseCase[];
  /** Resolved by the coverage computation (computeProfileCoverage), with the profiles. */
  readonly useCaseMembers?: ReadonlyMap<UseCase, UseCaseMembers>;
}): ProfileSite | undefined {
  const profiles = build.profiles ?? [];
  const useCases = build.useCases ?? [];
  if (profiles.length === 0 && useCases.length === 0) return undefined;
  const names = useCasePageNames(useCases).names;
  const useCaseName = (useCase: UseCase): string => {
    const name = names.get(useCase);
    if (name === undefined) throw new Error(`${useCase.file} is not one of this build's use cases`);
    return name;
  };
  const members = build.useCaseMembers ?? new Map<UseCase, UseCaseMembers>();
  const unresolved = useCases.find((useCase) => !members.has(useCase));
  if (unresolved) throw new Error(`${unresolved.file} was not resolved with this build's profiles`);
  return { profiles, useCases, useCaseName, useCaseMembers: members };
}

/** How a status reads on a page. */
export const RUN_STATUS_LABEL: { readonly [status in RunStatus]: string } = { runnable: 'runnable', partial: 'partial', 'not-runnable': 'not runnable' };

/** The profiles a rule runs in (runnable) or partly runs in, in profile order: the rule page's "Runs in" row. */
export function runsIn(rule: DetectionRule, profiles: readonly ProfileCoverage[]): { readonly profile: ProfileCoverage; readonly status: 'runnable' | 'partial' }[] {
  return profiles.flatMap((profile) => {
    const status = profile.byRule.get(rule)?.status;
    return status === 'runnable' || status === 'partial' ? [{ profile, status }] : [];
  });
}

/** "42.5 %": shares are shown to one decimal, so that a small profile does not read as 0. */
export function percent(share: number): string {
  return `${(Math.round(share * 1000) / 10).toLocaleString('en-US')} %`;
}

/** What follows a profile's name in a rule's "Runs in" row: nothing when runnable, " (partial)" otherwise. */
export function statusNote(status: 'runnable' | 'partial'): string {
  return status === 'partial' ? ` (${RUN_STATUS_LABEL.partial})` : '';
}

/**
 * The profile's ATT&CK coverage counted by its runnable rules only, with the class every other coverage
 * view uses: the matrix renderer draws it as it draws the knowledge base's, and a tactic's numbers are
 * the ones its column shows.
 */
export function profileAttackCoverage(profile: ProfileCoverage, kb: KnowledgeBase): AttackCoverage {
  const runnable = (rule: DetectionRule) => profile.byRule.get(rule)?.status === 'runnable';
  const only = (byKey: ReadonlyMap<string, readonly DetectionRule[]>) =>
    new Map([...byKey].map(([key, rules]) => [key, rules.filter(runnable)] as const).filter(([, rules]) => rules.length > 0));
  return new AttackCoverage({
    attack: kb.attack,
    rulesByTechnique: only(kb.rulesByTechnique),
    rulesByTactic: only(kb.rulesByTactic),
    triggersByTechnique: kb.triggersByTechnique,
    dataNeededByTechnique: kb.dataNeededByTechnique,
  });
}

export interface TacticCoverageRow {
  readonly tactic: AttackTactic;
  /** Techniques of the tactic a runnable rule of the profile covers. */
  readonly covered: number;
  /** Techniques of the tactic any rule of the knowledge base covers: what the profile could reach. */
  readonly withRules: number;
}

/** Coverage per tactic: the profile's covered techniques against those the knowledge base has rules for. */
export function tacticCoverageRows(coverage: AttackCoverage, kb: KnowledgeBase): TacticCoverageRow[] {
  return kb.attack.tactics.map((tactic) => ({ tactic, covered: coverage.tactic(tactic).covered, withRules: kb.coverage.tactic(tactic).covered }));
}

/**
 * One thing a partial or not-runnable rule lacks, as a sentence both editions write: `where` (which rule
 * of a collection), `says`, then the entities (linked), the fields (as code) and a plain `detail`.
 */
export interface ShortfallView {
  readonly where: string;
  readonly says: string;
  readonly entities: readonly (DataNeeded | DetectionRule)[];
  readonly fields: readonly string[];
  readonly detail?: string;
}

export function shortfallView(shortfall: RuleShortfall, rule: DetectionRule): ShortfallView {
  const where = 'document' in shortfall && rule.rules.length > 1 ? `rule ${shortfall.document + 1} of the collection: ` : '';
  switch (shortfall.kind) {
    case 'fields':
      return { where, says: 'fields missing from', entities: shortfall.dataNeeded, fields: shortfall.fields };
    case 'data-needed':
      return { where, says: 'log source not collected; it needs one of', entities: shortfall.options, fields: [] };
    case 'no-data-needed':
      return { where, says: 'no Data Needed entry describes its log source', entities: [], fields: [shortfall.logSource] };
    case 'conversion':
      return { where, says: `does not convert to ${shortfall.target}`, entities: [], fields: [], detail: shortfall.reason };
    case 'correlated-rule':
      return { where, says: 'correlates', entities: [shortfall.rule], fields: [], detail: `${RUN_STATUS_LABEL[shortfall.status]} here` };
  }
}

/** How many partly runnable rules a profile's HTML page details; the rule list has them all. */
export const PARTIAL_RULES_SHOWN = 200;

/**
 * The partly runnable rules a profile's page details, most severe first (then by title): what a SOC lead
 * fixes first. A page with every one of them would pass a megabyte on a large knowledge base.
 */
export function partialRulesShown(profile: ProfileCoverage): { readonly shown: readonly RuleInProfile[]; readonly total: number } {
  const partial = profile.rules.filter((entry) => entry.status === 'partial');
  const rank = (entry: RuleInProfile) => {
    const at = LEVEL_ORDER.indexOf(entry.rule.level ?? '');
    return at < 0 ? LEVEL_ORDER.length : at;
  };
  const sorted = [...partial].sort((a, b) => rank(a) - rank(b) || compareText(a.rule.title, b.rule.title) || compareText(a.rule.relativePath, b.rule.relativePath));
  return { shown: sorted.slice(0, PARTIAL_RULES_SHOWN), total: partial.length };
}
