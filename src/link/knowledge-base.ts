import type { AttackActor, AttackCatalog, AttackTactic, AttackTechnique } from '../attack/attack-catalog.ts';
import type { DetectionRule } from '../model/detection-rule.ts';
import type { DataNeeded, Enrichment, LoggingPolicy, TriggerTechnique } from '../model/entities.ts';
import type { PageAddresses } from '../present/page-addresses.ts';
import type { AttackCoverage } from './attack-coverage.ts';
import type { DataNeededMatch, DocumentRequirement } from './match-data-needed.ts';
import type { ResponsePlaybook } from '../model/response.ts';
import type { ResponseKnowledge } from './link-response.ts';

/** Everything a rule links to, computed once by the linker. Lists are in display order. */
export interface RuleLinks {
  /** In tag order, without duplicates. */
  readonly tactics: readonly AttackTactic[];
  /** As tagged, in tag order, without duplicates; a tag the ATT&CK data lacks is a provisional technique. */
  readonly techniques: readonly AttackTechnique[];
  /**
   * The techniques the rule counts under on every coverage view: `techniques`, and for a revoked one also the
   * technique ATT&CK replaced it with, so old rules still count where ATT&CK moved them.
   */
  readonly countedTechniques: readonly AttackTechnique[];
  /** Groups and software the rule is tagged with (`attack.g0016`, `attack.s0002`), in tag order; provisional ones carry `origin`. */
  readonly groups: readonly AttackActor[];
  readonly software: readonly AttackActor[];
  /** Tags that are not ATT&CK tactics, techniques, groups or software (car.*, cve.*, attack.m1042...). */
  readonly otherTags: readonly string[];
  /** Sorted by title. */
  readonly dataNeeded: readonly DataNeededMatch[];
  /** Per document of the rule's own collection, every entry that would let it run (coverage profiles read these). */
  readonly requirements: readonly DocumentRequirement[];
  /** Response Playbooks for the rule's techniques (and their parents), in playbook order: the rule page's "Response" row. */
  readonly playbooks: readonly ResponsePlaybook[];
  /** Triggers for the rule's techniques, in technique order. */
  readonly triggers: readonly TriggerTechnique[];
  readonly enrichments: readonly Enrichment[];
  /** For a correlation rule: the rules it correlates, in the order it names them. */
  readonly correlatedRules: readonly DetectionRule[];
  /** Rules that name this one in a correlation. */
  readonly correlatedBy: readonly DetectionRule[];
  /** `related` entries resolved to loaded rules (ids that are not loaded are kept as plain ids). */
  readonly related: readonly { readonly type: string; readonly id: string; readonly rule?: DetectionRule }[];
  /** Rules whose `related` names this one (e.g. the replacement of a deprecated rule points back here). */
  readonly relatedBy: readonly { readonly type: string; readonly rule: DetectionRule }[];
}

/** The cross-reference graph: every entity by its key, every link in both directions. */
export interface KnowledgeBase {
  readonly attack: AttackCatalog;
  /** Sorted by relative path. */
  readonly rules: readonly DetectionRule[];
  /** Each sorted by title / technique id. */
  readonly dataNeeded: readonly DataNeeded[];
  readonly loggingPolicies: readonly LoggingPolicy[];
  readonly enrichments: readonly Enrichment[];
  readonly triggers: readonly TriggerTechnique[];
  /** Response Actions, Playbooks and Stages (RE&CT), and their links. */
  readonly response: ResponseKnowledge;
  /** Every entity's page name and the site's rule URLs, computed once: markdown, HTML, exports and checks all read it. */
  readonly addresses: PageAddresses;

  readonly ruleLinks: ReadonlyMap<DetectionRule, RuleLinks>;
  readonly rulesById: ReadonlyMap<string, DetectionRule>;
  readonly rulesByName: ReadonlyMap<string, DetectionRule>;
  readonly dataNeededByTitle: ReadonlyMap<string, DataNeeded>;
  readonly loggingPoliciesByTitle: ReadonlyMap<string, LoggingPolicy>;
  readonly enrichmentsByTitle: ReadonlyMap<string, Enrichment>;
  readonly triggersByTechnique: ReadonlyMap<string, TriggerTechnique>;

  // Reverse links; every list sorted (rules by relative path, others by title).
  readonly rulesByDataNeeded: ReadonlyMap<DataNeeded, readonly DetectionRule[]>;
  readonly enrichmentsByDataNeeded: ReadonlyMap<DataNeeded, readonly Enrichment[]>;
  readonly dataNeededByLoggingPolicy: ReadonlyMap<LoggingPolicy, readonly DataNeeded[]>;
  readonly loggingPoliciesByDataNeeded: ReadonlyMap<DataNeeded, readonly LoggingPolicy[]>;
  readonly rulesByEnrichment: ReadonlyMap<Enrichment, readonly DetectionRule[]>;
  /** Rules whose Response row lists the playbook (RuleLinks.playbooks, reversed). */
  readonly rulesByPlaybook: ReadonlyMap<ResponsePlaybook, readonly DetectionRule[]>;
  /** Enrichments that list this one as a requirement. */
  readonly enrichmentsRequiring: ReadonlyMap<Enrichment, readonly Enrichment[]>;
  /** Rules tagged with a technique, by technique id (the exact id; parents are not rolled up). */
  readonly rulesByTechnique: ReadonlyMap<string, readonly DetectionRule[]>;
  readonly rulesByTactic: ReadonlyMap<string, readonly DetectionRule[]>;
  /** Rules tagged with a group or software, by its id ("G0016", "S0002"). */
  readonly rulesByActor: ReadonlyMap<string, readonly DetectionRule[]>;
  /** Data Needed of the rules tagged with a technique. */
  readonly dataNeededByTechnique: ReadonlyMap<string, readonly DataNeeded[]>;
  /** ATT&CK coverage and gaps, computed once: every view reads these numbers. */
  readonly coverage: AttackCoverage;
}
