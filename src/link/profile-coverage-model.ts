import type { AttackTactic, AttackTechnique } from '../attack/attack-catalog.ts';
import type { CoverageProfile, UseCase } from '../model/coverage-profile.ts';
import type { DetectionRule } from '../model/detection-rule.ts';
import type { DataNeeded, LoggingPolicy } from '../model/entities.ts';

/**
 * What a profile can run (computed by profile-coverage.ts, read by every output): per rule a status and
 * what it lacks, and per profile the totals, the gaps and what to switch on next.
 *
 * - runnable: every document (rule of the collection) has an available Data Needed entry that supplies
 *   every field it uses, and the rule converts to the profile's query target when it names one.
 * - partial: every document has an available entry for its log source, but some lack fields; or only some
 *   documents have one.
 * - not runnable: no document has an available entry, or the rule does not convert to the target.
 */
export type RunStatus = 'runnable' | 'partial' | 'not-runnable';

/** One thing a rule lacks in a profile. `document` is the index of the rule within its collection. */
export type RuleShortfall =
  /** An available entry describes the log source but lacks fields the rule uses (the closest entries named). */
  | { readonly kind: 'fields'; readonly document: number; readonly dataNeeded: readonly DataNeeded[]; readonly fields: readonly string[] }
  /** No available entry describes the document's log source; any of `options` would. */
  | { readonly kind: 'data-needed'; readonly document: number; readonly options: readonly DataNeeded[] }
  /** No Data Needed entry of the knowledge base describes the document's log source: no profile can run it. */
  | { readonly kind: 'no-data-needed'; readonly document: number; readonly logSource: string }
  /** The rule does not convert to the profile's query target. */
  | { readonly kind: 'conversion'; readonly target: string; readonly reason: string }
  /** A correlation rule runs only where the rules it correlates run. */
  | { readonly kind: 'correlated-rule'; readonly rule: DetectionRule; readonly status: RunStatus };

export interface RuleInProfile {
  readonly rule: DetectionRule;
  readonly status: RunStatus;
  /** Empty for a runnable rule. */
  readonly shortfalls: readonly RuleShortfall[];
}

/** A Data Needed entry or Logging Policy the profile lacks, with what adding it alone would gain. */
export interface EnableCandidate {
  readonly kind: 'data_needed' | 'logging_policy';
  readonly entity: DataNeeded | LoggingPolicy;
  /** The entity's title (DN_…/LP_…), the `name` of `atc coverage --format json`. */
  readonly name: string;
  /** The Data Needed entries it makes available that the profile lacked. */
  readonly adds: readonly DataNeeded[];
  /** Exactly how many more considered rules become runnable. */
  readonly newRunnableRules: number;
  /** Techniques (ATT&CK ids, provisional ones too) covered by a runnable rule only after it. */
  readonly newTechniques: number;
  /** The ranking key: new runnable rules weighted by level (RUN_LEVEL_WEIGHT) plus new techniques. */
  readonly score: number;
}

/** A step of the greedy sequence, with the profile's totals once it and every step before it are taken. */
export interface EnableStep extends EnableCandidate {
  readonly runnableAfter: number;
  readonly techniquesAfter: number;
}

/** What of a use case the knowledge base has: its rules, Data Needed and Logging Policies (names it lacks are reported and left out). */
export interface UseCaseMembers {
  readonly rules: readonly DetectionRule[];
  readonly dataNeeded: readonly DataNeeded[];
  readonly loggingPolicies: readonly LoggingPolicy[];
}

export interface ProfileCoverage {
  readonly profile: CoverageProfile;
  /** The page name and URL segment, unique among profiles. */
  readonly key: string;
  /** The Data Needed entries the profile has, named or through its Logging Policies, sorted by title. */
  readonly available: readonly DataNeeded[];
  readonly loggingPolicies: readonly LoggingPolicy[];
  readonly useCases: readonly UseCase[];
  /** The rules the profile's filters let in, in knowledge-base order, with their status. */
  readonly rules: readonly RuleInProfile[];
  readonly byRule: ReadonlyMap<DetectionRule, RuleInProfile>;
  readonly counts: { readonly runnable: number; readonly partial: number; readonly notRunnable: number };
  /** Techniques and tactics at least one runnable rule counts under (RuleLinks.countedTechniques, tactics). */
  readonly techniques: readonly AttackTechnique[];
  readonly tactics: readonly AttackTactic[];
  /** Runnable rules as a share of every rule of the knowledge base (0..1). */
  readonly share: number;
  /** Techniques with Atomic Red Team tests and no runnable rule, by id. */
  readonly gaps: readonly AttackTechnique[];
  /** Every lacking entry or policy with a gain, best first. */
  readonly ranked: readonly EnableCandidate[];
  /** The greedy sequence: at each step the best candidate given the steps before it; at most ten. */
  readonly enableNext: readonly EnableStep[];
}
