import { isTacticId, tacticUrl, type AttackOriginNote, type AttackTactic, type AttackTechnique } from '../attack/attack-catalog.ts';

/**
 * How an ATT&CK tactic, technique, group or software is named and linked in every output (markdown, HTML,
 * api/, CSV, layers), so a provisional entity is marked the same way everywhere.
 */

/** "TA0005: Defense Evasion"; a provisional tactic has no ATT&CK id, so just its name. */
export function tacticLabel(tactic: AttackTactic): string {
  return tactic.origin?.origin === 'provisional' && tactic.id === tactic.shortname ? tactic.name : `${tactic.id}: ${tactic.name}`;
}

export function techniqueLabel(technique: AttackTechnique): string {
  return `${technique.id}: ${technique.name}`;
}

/** attack.mitre.org's page, or undefined for a tactic that has no ATT&CK id. */
export function attackTacticUrl(tactic: AttackTactic): string | undefined {
  return isTacticId(tactic.id) ? tacticUrl(tactic.id) : undefined;
}

/** "provisional: not in ATT&CK 18.1 bundled with this build; made from …": the one-line reason, for titles and notes. */
export function originSentence(origin: AttackOriginNote): string {
  return `${origin.origin}: ${origin.reason}`;
}

/** " (provisional)" after a name the ATT&CK data of this build does not have (the HTML pages give the reason). */
export function originSuffix(origin: AttackOriginNote | undefined): string {
  return origin === undefined ? '' : ` (${origin.origin})`;
}
