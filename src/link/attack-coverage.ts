import { compareTechniqueIds, parentTechniqueId, type AttackActor, type AttackCatalog, type AttackTactic, type AttackTechnique } from '../attack/attack-catalog.ts';
import { compareText } from '../model/compare-text.ts';
import type { DetectionRule } from '../model/detection-rule.ts';
import type { DataNeeded, TriggerTechnique } from '../model/entities.ts';

/**
 * Which rules make a technique covered: its own tags, its sub-techniques' tags, both, or none. A page
 * says which, since "covered through T1003.001" is not "covered" for someone hunting T1003.008.
 */
export type CoveredBy = 'itself' | 'sub-techniques' | 'both' | 'none';

export interface TechniqueCoverage {
  readonly technique: AttackTechnique;
  /** Rules tagged with exactly this technique (or with a revoked technique it replaced), by relative path. */
  readonly rules: readonly DetectionRule[];
  /** For a technique: its rules and its sub-techniques', without duplicates. For a sub-technique: `rules`. */
  readonly rolledUpRules: readonly DetectionRule[];
  readonly trigger: TriggerTechnique | undefined;
  /** Atomic tests on it and, for a technique, on its sub-techniques. */
  readonly rolledUpTests: number;
  /** Data Needed of the rules tagged with exactly this technique. */
  readonly dataNeeded: readonly DataNeeded[];
  readonly coveredBy: CoveredBy;
  /** It or one of its sub-techniques has a rule. */
  readonly covered: boolean;
  /** Atomic Red Team can make it (or a sub-technique) happen, and no rule is tagged with it or a sub-technique. */
  readonly gap: boolean;
}

export interface CoverageCounts {
  /** Live techniques (not sub-techniques) in the matrix. */
  readonly techniques: number;
  readonly covered: number;
  /** Techniques (not sub-techniques) that are gaps. */
  readonly gaps: number;
  /** Sub-techniques with tests and no rule whose technique is covered (so not already counted in `gaps`). */
  readonly subTechniqueGaps: number;
}

export interface TacticCoverage extends CoverageCounts {
  readonly tactic: AttackTactic;
  /** Rules tagged with the tactic. */
  readonly rules: number;
}

/** How much of what a group or software does this knowledge base can see. */
export interface ActorCoverage {
  readonly actor: AttackActor;
  /** The actor's techniques and sub-techniques (as ATT&CK lists them) that the catalog knows, in id order. */
  readonly techniques: readonly TechniqueCoverage[];
  /** Of those, covered (a sub-technique by its own rules, a technique by its own or its sub-techniques'). */
  readonly covered: number;
  readonly gaps: number;
}

/** The stated definition, shown on the gaps page and in the README, so readers can check the numbers. */
export const COVERAGE_DEFINITION =
  'A technique is covered when a rule is tagged with it or with one of its sub-techniques. A gap is a technique with Atomic Red Team tests (on it or a sub-technique) and no rule on it or its sub-techniques; a sub-technique gap is a sub-technique with tests and no rule of its own whose technique is covered.';

interface CoverageInputs {
  readonly attack: AttackCatalog;
  readonly rulesByTechnique: ReadonlyMap<string, readonly DetectionRule[]>;
  readonly triggersByTechnique: ReadonlyMap<string, TriggerTechnique>;
  readonly dataNeededByTechnique: ReadonlyMap<string, readonly DataNeeded[]>;
  readonly rulesByTactic: ReadonlyMap<string, readonly DetectionRule[]>;
}

/**
 * ATT&CK coverage, computed once by the linker: the home page, the matrix, tactic and technique pages, the
 * gaps page, Navigator layers, CSV and `api/` all read these numbers, so they cannot disagree.
 */
export class AttackCoverage {
  /** Techniques (not sub-techniques) that get a page: every live one, and any that a rule or trigger refers to. */
  readonly pageTechniques: readonly AttackTechnique[];
  /** Whole-knowledge-base counts over the live techniques of the matrix. */
  readonly counts: CoverageCounts;
  readonly #inputs: CoverageInputs;
  readonly #byId = new Map<string, TechniqueCoverage>();
  readonly #subTechniques = new Map<string, readonly AttackTechnique[]>();
  readonly #byTactic = new Map<string, TacticCoverage>();

  constructor(inputs: CoverageInputs) {
    this.#inputs = inputs;
    const { attack } = inputs;
    const ids = new Set<string>();
    for (const technique of attack.techniques) if (technique.parent === null && isLive(technique)) ids.add(technique.id);
    for (const id of [...inputs.rulesByTechnique.keys(), ...inputs.triggersByTechnique.keys()]) {
      const technique = attack.technique(id);
      if (technique) ids.add(technique.parent ?? technique.id);
    }
    this.pageTechniques = [...ids]
      .sort(compareTechniqueIds)
      .map((id) => attack.technique(id))
      .filter((technique): technique is AttackTechnique => technique !== undefined);
    this.counts = countOf(this.pageTechniques.filter(isLive), this);
  }

  /** Coverage of a technique or sub-technique by id; an id nothing knows has no rules, tests or page. */
  technique(id: string): TechniqueCoverage {
    const key = id.trim().toUpperCase();
    let found = this.#byId.get(key);
    if (!found) {
      found = this.#compute(key);
      this.#byId.set(key, found);
    }
    return found;
  }

  /** Sub-techniques shown under a technique: live ones, and retired ones that something refers to. */
  subTechniques(id: string): readonly AttackTechnique[] {
    const key = id.trim().toUpperCase();
    let subs = this.#subTechniques.get(key);
    if (!subs) {
      subs = this.#inputs.attack
        .subTechniquesOf(key)
        .filter((sub) => isLive(sub) || (this.#inputs.rulesByTechnique.get(sub.id) ?? []).length > 0 || this.#inputs.triggersByTechnique.has(sub.id));
      this.#subTechniques.set(key, subs);
    }
    return subs;
  }

  /** Live techniques (not sub-techniques) of a tactic, in id order: the matrix column. */
  techniquesOfTactic(tactic: AttackTactic): AttackTechnique[] {
    return this.pageTechniques.filter((technique) => isLive(technique) && technique.tactics.includes(tactic.shortname));
  }

  /** Live techniques on no tactic of the catalog (provisional ones no rule places): the matrix's last column. */
  unplacedTechniques(): AttackTechnique[] {
    const columns = new Set(this.#inputs.attack.tactics.map((tactic) => tactic.shortname));
    return this.pageTechniques.filter((technique) => isLive(technique) && !technique.tactics.some((shortname) => columns.has(shortname)));
  }

  tactic(tactic: AttackTactic): TacticCoverage {
    let found = this.#byTactic.get(tactic.id);
    if (!found) {
      found = { tactic, rules: (this.#inputs.rulesByTactic.get(tactic.id) ?? []).length, ...countOf(this.techniquesOfTactic(tactic), this) };
      this.#byTactic.set(tactic.id, found);
    }
    return found;
  }

  /** Techniques that are gaps, in id order. */
  gaps(): TechniqueCoverage[] {
    return this.pageTechniques.filter(isLive).map((technique) => this.technique(technique.id)).filter((entry) => entry.gap);
  }

  /** Sub-technique gaps whose technique is covered (see CoverageCounts.subTechniqueGaps), in id order. */
  subTechniqueGaps(): TechniqueCoverage[] {
    return this.pageTechniques.filter(isLive).flatMap((technique) => this.subTechniqueGapsOf(technique));
  }

  /** A covered technique's live sub-techniques that are gaps; none for a technique that is a gap itself. */
  subTechniqueGapsOf(technique: AttackTechnique): TechniqueCoverage[] {
    if (!this.technique(technique.id).covered) return [];
    return this.subTechniques(technique.id)
      .filter(isLive)
      .map((sub) => this.technique(sub.id))
      .filter((entry) => entry.gap);
  }

  /** An actor's techniques with their coverage: the same entries every other view reads. */
  actor(actor: AttackActor): ActorCoverage {
    const techniques = actor.techniques
      .filter((id) => this.#inputs.attack.technique(id) !== undefined)
      .sort(compareTechniqueIds)
      .map((id) => this.technique(id));
    return { actor, techniques, covered: techniques.filter((entry) => entry.covered).length, gaps: techniques.filter((entry) => entry.gap).length };
  }

  #compute(id: string): TechniqueCoverage {
    const { attack, rulesByTechnique, triggersByTechnique, dataNeededByTechnique } = this.#inputs;
    const technique = attack.technique(id) ?? unknownTechnique(id);
    const rules = rulesByTechnique.get(technique.id) ?? [];
    const trigger = triggersByTechnique.get(technique.id);
    const subs = technique.parent === null ? this.subTechniques(technique.id) : [];
    const subRules = new Set<DetectionRule>();
    let tests = trigger?.tests.length ?? 0;
    for (const sub of subs) {
      for (const rule of rulesByTechnique.get(sub.id) ?? []) subRules.add(rule);
      tests += triggersByTechnique.get(sub.id)?.tests.length ?? 0;
    }
    const rolledUp = subRules.size === 0 ? rules : [...new Set([...rules, ...subRules])].sort((a, b) => compareText(a.relativePath, b.relativePath));
    const coveredBy: CoveredBy = rules.length > 0 ? (subRules.size > 0 ? 'both' : 'itself') : subRules.size > 0 ? 'sub-techniques' : 'none';
    const covered = coveredBy !== 'none';
    return {
      technique,
      rules,
      rolledUpRules: rolledUp,
      trigger,
      rolledUpTests: tests,
      dataNeeded: dataNeededByTechnique.get(technique.id) ?? [],
      coveredBy,
      covered,
      gap: tests > 0 && !covered,
    };
  }
}

function isLive(technique: AttackTechnique): boolean {
  return !technique.revoked && !technique.deprecated;
}

function countOf(techniques: readonly AttackTechnique[], coverage: AttackCoverage): CoverageCounts {
  let covered = 0;
  let gaps = 0;
  let subTechniqueGaps = 0;
  for (const technique of techniques) {
    const entry = coverage.technique(technique.id);
    if (entry.covered) covered++;
    if (entry.gap) gaps++;
    subTechniqueGaps += coverage.subTechniqueGapsOf(technique).length;
  }
  return { techniques: techniques.length, covered, gaps, subTechniqueGaps };
}

function unknownTechnique(id: string): AttackTechnique {
  return { id, name: id, tactics: [], parent: parentTechniqueId(id), deprecated: false, revoked: false, revokedBy: null };
}
