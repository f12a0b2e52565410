import {
  compareTechniqueIds,
  isTacticId,
  normalizeTacticName,
  normalizeTechniqueId,
  parentTechniqueId,
  type AttackCatalog,
  type AttackTactic,
  type AttackTechnique,
} from '../attack/attack-catalog.ts';
import type { DetectionRule } from '../model/detection-rule.ts';
import type { TriggerTechnique } from '../model/entities.ts';
import type { SourcePosition } from '../model/issue.ts';
import type { Report } from './link-knowledge-base.ts';

interface TagUse {
  /** The tag as first written, for the warning. */
  readonly tag: string;
  readonly rules: DetectionRule[];
  readonly first: { readonly rule: DetectionRule; readonly position: SourcePosition };
}

/**
 * The ATT&CK data of a build always lags the content at some point (SigmaHQ tagged `attack.stealth` and
 * T1685 before the bundled version had them). Dropping such tags would silently take a fifth of the rules
 * off the coverage views, so each tactic or technique the data does not know becomes a provisional entity,
 * made from what the content says about it, and the build warns once per distinct tag (not once per rule),
 * so `atc check --strict` can still insist on known tags.
 *
 * - A provisional tactic is keyed by its shortname (it has no ATT&CK id) and named from it
 *   (`defense-impairment` → "Defense Impairment"); its matrix column comes after the known ones.
 * - A provisional technique keeps its raw id, so rules, triggers and Data Needed still meet on one page; its
 *   name comes from Atomic Red Team's `display_name` when a test folder has one; a sub-technique's parent comes
 *   from its id (made provisional too when unknown). It is placed under the tactics that at least half of the
 *   rules tagging it (or its sub-techniques) also tag, else under its parent's tactics.
 */
export function withProvisionalAttack(
  attack: AttackCatalog,
  rules: readonly DetectionRule[],
  triggers: readonly TriggerTechnique[],
  report: Report,
): AttackCatalog {
  const unknownTactics = new Map<string, TagUse>();
  const unknownTechniques = new Map<string, TagUse>();
  const tacticTagsOfRule = new Map<DetectionRule, string[]>();
  /**
   * Rules by the technique they tag, known or not, and by its parent too: placement counts a sub-technique's
   * rules for its technique.
   */
  const rulesOfTechnique = new Map<string, Set<DetectionRule>>();
  const noteTechnique = (id: string, rule: DetectionRule): void => {
    for (const key of new Set([id, parentTechniqueId(id) ?? id])) {
      const set = rulesOfTechnique.get(key) ?? new Set<DetectionRule>();
      set.add(rule);
      rulesOfTechnique.set(key, set);
    }
  };
  const note = (map: Map<string, TagUse>, key: string, tag: string, rule: DetectionRule, position: () => SourcePosition): void => {
    const use = map.get(key);
    if (use === undefined) map.set(key, { tag, rules: [rule], first: { rule, position: position() } });
    else if (use.rules[use.rules.length - 1] !== rule) use.rules.push(rule);
  };
  for (const rule of rules) {
    const tactics: string[] = [];
    rule.tags.forEach((tag, index) => {
      const found = attack.classifyAttackTag(tag);
      if (found.kind === 'tactic') tactics.push(found.tactic.shortname);
      else if (found.kind === 'unknown-tactic') {
        tactics.push(found.name);
        note(unknownTactics, found.name, tag, rule, () => rule.locate(['tags', index]));
      } else if (found.kind === 'unknown-technique') {
        note(unknownTechniques, found.id, tag, rule, () => rule.locate(['tags', index]));
        noteTechnique(found.id, rule);
      } else if (found.kind === 'technique') noteTechnique(found.technique.id, rule);
    });
    tacticTagsOfRule.set(rule, tactics);
  }
  const triggerNames = new Map(triggers.map((trigger) => [trigger.techniqueId.toUpperCase(), trigger]));
  const techniqueIds = new Set(unknownTechniques.keys());
  for (const id of triggerNames.keys()) if (attack.technique(id) === undefined && normalizeTechniqueId(id) !== undefined) techniqueIds.add(id);
  for (const id of [...techniqueIds]) {
    const parent = parentTechniqueId(id);
    if (parent !== null && attack.technique(parent) === undefined) techniqueIds.add(parent);
  }
  if (unknownTactics.size === 0 && techniqueIds.size === 0) return attack;

  const ruleCount = (count: number): string => `${count} rule${count === 1 ? '' : 's'}`;
  const tagCount = (count: number): string => `${ruleCount(count)} tag${count === 1 ? 's' : ''} it`;
  const notInData = `not in ATT&CK ${attack.version} bundled with this build`;
  // A tag naming an unknown tactic id ("attack.ta0112") keeps the id as it is, having no name to give.
  const tactics: AttackTactic[] = [...unknownTactics].map(([shortname, use]) => ({
    id: isTacticId(shortname) ? shortname.toUpperCase() : shortname,
    name: isTacticId(shortname) ? shortname.toUpperCase() : titleCase(shortname),
    shortname,
    origin: {
      origin: 'provisional',
      reason: `${notInData}; made from the tag ${use.tag} on ${ruleCount(use.rules.length)}, with the techniques that at least half of their rules also tag it with`,
    },
  }));
  const extended = attack.withAdditions({ tactics });

  // Placement by the tactics the rules tag beside the technique.
  const columnOrder = new Map(extended.tactics.map((tactic, index) => [tactic.shortname, index]));
  const placement = (id: string): string[] => {
    const tagged = [...(rulesOfTechnique.get(id) ?? [])];
    const counts = new Map<string, number>();
    for (const rule of tagged) for (const shortname of new Set(tacticTagsOfRule.get(rule))) counts.set(shortname, (counts.get(shortname) ?? 0) + 1);
    return [...counts].filter(([, count]) => count * 2 >= tagged.length).map(([shortname]) => shortname).sort((a, b) => (columnOrder.get(a) ?? 0) - (columnOrder.get(b) ?? 0));
  };
  // Known techniques join a provisional tactic the same way, so its matrix column is not empty (SigmaHQ moved
  // most Defense Evasion rules to `attack.stealth` while their techniques kept their ids).
  const provisionalShortnames = new Set(unknownTactics.keys());
  const moved: AttackTechnique[] = [];
  for (const id of rulesOfTechnique.keys()) {
    if (provisionalShortnames.size === 0) break;
    const technique = attack.technique(id);
    if (technique === undefined || technique.parent !== null) continue;
    const joined = placement(id).filter((shortname) => provisionalShortnames.has(shortname) && !technique.tactics.includes(shortname));
    if (joined.length === 0) continue;
    for (const placed of [technique, ...extended.subTechniquesOf(id)]) moved.push({ ...placed, tactics: [...placed.tactics, ...joined] });
  }
  const sorted = [...techniqueIds].sort(compareTechniqueIds);
  const made = new Map<string, AttackTechnique>();
  for (const id of sorted) {
    const parent = parentTechniqueId(id);
    const parentTactics = parent === null ? [] : [...(made.get(parent) ?? extended.technique(parent))?.tactics ?? []];
    const ownTactics = placement(id);
    const trigger = triggerNames.get(id);
    const use = unknownTechniques.get(id);
    const sources = [
      use ? `the tag ${use.tag} on ${ruleCount(use.rules.length)}` : undefined,
      trigger ? `Atomic Red Team's folder ${trigger.techniqueId}` : undefined,
      !use && !trigger ? 'its sub-techniques' : undefined,
    ].filter((source): source is string => source !== undefined);
    made.set(id, {
      id,
      name: techniqueName(trigger?.displayName, parent === null ? undefined : (made.get(parent) ?? extended.technique(parent))?.name) ?? id,
      tactics: ownTactics.length > 0 ? ownTactics : parentTactics,
      parent,
      deprecated: false,
      revoked: false,
      revokedBy: null,
      origin: { origin: 'provisional', reason: `${notInData}; made from ${sources.join(' and ')}${trigger?.displayName.trim() ? ', named by Atomic Red Team' : ', which give no name'}` },
    });
  }

  for (const [shortname, use] of unknownTactics) {
    const tactic = extended.tactic(shortname)!;
    report(use.first.rule.file, use.first.position, 'unknown-attack-tactic', `"${use.tag}" is not a tactic of ATT&CK ${attack.version}; shown as the provisional tactic "${tactic.name}" (${tagCount(use.rules.length)}, this is the first)`);
  }
  for (const [id, use] of unknownTechniques) {
    report(use.first.rule.file, use.first.position, 'unknown-attack-technique', `"${use.tag}": ${id} is not a technique of ATT&CK ${attack.version}; shown as a provisional technique (${tagCount(use.rules.length)}, this is the first)`);
  }
  return extended.withAdditions({ techniques: [...moved, ...made.values()] });
}

/**
 * Atomic Red Team names a sub-technique "Parent: Sub" (`Disable or Modify Tools: Clear Windows Event Logs`);
 * ATT&CK names it "Sub" and shows the parent beside it, so the prefix goes.
 */
function techniqueName(displayName: string | undefined, parentName: string | undefined): string | undefined {
  const name = displayName?.trim();
  if (!name) return undefined;
  const prefix = parentName === undefined ? undefined : `${parentName}: `;
  return prefix !== undefined && name.startsWith(prefix) && name.length > prefix.length ? name.slice(prefix.length) : name;
}

/** "defense-impairment" → "Defense Impairment". */
function titleCase(shortname: string): string {
  return normalizeTacticName(shortname)
    .split('-')
    .map((word) => word.charAt(0).toUpperCase() + word.slice(1))
    .join(' ');
}
