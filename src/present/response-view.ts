import { compareTechniqueIds, parentTechniqueId, type AttackTechnique } from '../attack/attack-catalog.ts';
import type { DataNeeded, LoggingPolicy } from '../model/entities.ts';
import type { KnowledgeBase } from '../link/knowledge-base.ts';
import { playbooksForTechniques, type PlaybookStage } from '../link/link-response.ts';
import { RESPONSE_CATEGORIES, responseCategory, type PlaybookSeverity, type ResponseAction, type ResponseCategory, type ResponsePlaybook, type ResponseStage, type SharingLevel } from '../model/response.ts';

/**
 * What every output of the response side reads (markdown and HTML pages, the RE&CT matrix, search, api/,
 * TheHive templates): names, the playbook table's rows, the matrix cells and the gaps, stated once.
 */

/**
 * Whether the knowledge base has a response side. Stage pages, the matrix, the lists and the navigation
 * entry are published only then: RE&CT's six stages are built in, and a detection-only knowledge base has
 * no use for them.
 */
export function hasResponseContent(kb: KnowledgeBase): boolean {
  return kb.response.actions.length + kb.response.playbooks.length > 0;
}

/** "RA_2001_list_victims_of_security_alert" → "List victims of security alert"; a title without the prefix is kept. */
export function responseDisplayName(entity: ResponseAction | ResponsePlaybook): string {
  const words = /^R[AP]_\d+_(.+)$/i.exec(entity.title)?.[1];
  if (words === undefined) return entity.title;
  const spaced = words.replace(/_+/g, ' ').trim();
  return spaced === '' ? entity.title : spaced.charAt(0).toUpperCase() + spaced.slice(1);
}

/** "RA1001: Practice", how a task or a list names an action; without an id, the display name alone. */
export function responseLabel(entity: ResponseAction | ResponsePlaybook): string {
  return entity.id ? `${entity.id}: ${responseDisplayName(entity)}` : responseDisplayName(entity);
}

export const SEVERITY_NAMES: { readonly [severity in PlaybookSeverity]: string } = { L: 'Low', M: 'Medium', H: 'High', C: 'Critical' };

/** The older tool's playbook page printed the codes as written; the site adds the word. */
export function severityText(severity: PlaybookSeverity | undefined): string {
  return severity === undefined ? 'not set' : `${severity} (${SEVERITY_NAMES[severity]})`;
}

export function sharingText(level: SharingLevel | undefined): string {
  return level ?? 'not set';
}

/**
 * The rows of a playbook's table, in the older tool's order (atc-react's markdown template): the fixed rows,
 * then one row per stage the playbook lists. Both page editions print these labels.
 */
export const PLAYBOOK_ROWS = ['Title', 'ID', 'Description', 'ATT&CK Tactic', 'ATT&CK Technique', 'Tags', 'Severity', 'TLP', 'PAP', 'Author', 'Creation Date'] as const;
export type PlaybookRow = (typeof PLAYBOOK_ROWS)[number];

/** The stage rows of a playbook's table: every stage it lists, in stage order (empty lists are kept: the playbook states them). */
export function playbookStageRows(playbook: ResponsePlaybook, kb: KnowledgeBase): readonly PlaybookStage[] {
  return kb.response.playbookLinks.get(playbook)?.stages ?? [];
}

/** One cell of the RE&CT matrix: an action, and how many playbooks use it. */
export interface MatrixCell {
  readonly action: ResponseAction;
  readonly playbooks: number;
}

/** One column of the RE&CT matrix: a stage's actions grouped by category, in RESPONSE_CATEGORIES order, then those without one. */
export interface MatrixColumn {
  readonly stage: ResponseStage;
  readonly groups: readonly { readonly category: ResponseCategory | 'Other'; readonly cells: readonly MatrixCell[] }[];
  readonly total: number;
}

export function responseMatrix(kb: KnowledgeBase): MatrixColumn[] {
  const { response } = kb;
  return response.stages.map((stage) => {
    const actions = response.actionsByStage.get(stage) ?? [];
    const byCategory = new Map<ResponseCategory | 'Other', MatrixCell[]>();
    for (const action of actions) {
      const category = responseCategory(action) ?? 'Other';
      const cells = byCategory.get(category) ?? [];
      cells.push({ action, playbooks: (response.playbooksByAction.get(action) ?? []).length });
      byCategory.set(category, cells);
    }
    const order: readonly (ResponseCategory | 'Other')[] = [...RESPONSE_CATEGORIES, 'Other'];
    return {
      stage,
      groups: order.flatMap((category) => {
        const cells = byCategory.get(category);
        return cells ? [{ category, cells }] : [];
      }),
      total: actions.length,
    };
  });
}

/** Playbooks tagged with the technique or, for a sub-technique, with its parent: those its rules list; in playbook order. */
export function playbooksForTechnique(kb: KnowledgeBase, id: string): ResponsePlaybook[] {
  return playbooksForTechniques(kb.response, [id]);
}

/**
 * The response gap: techniques the knowledge base detects (a rule counts under them) that no playbook
 * answers, directly or through the parent technique; in ATT&CK order. Empty when there are no playbooks at
 * all: then every technique would be a gap, which says nothing.
 */
export function techniquesWithoutPlaybook(kb: KnowledgeBase): AttackTechnique[] {
  if (kb.response.playbooks.length === 0) return [];
  return kb.attack.techniques.filter((technique) => (kb.rulesByTechnique.get(technique.id) ?? []).length > 0 && playbooksForTechnique(kb, technique.id).length === 0);
}

/**
 * What an action's requirement or linked analytic names, when the knowledge base has it: RE&CT writes
 * mitigation-system names (`MS_border_firewall`), which have no page here, and the 2019 files Data Needed
 * titles, which do; a Logging Policy title is taken too.
 */
export function requirementTarget(kb: KnowledgeBase, requirement: string): DataNeeded | LoggingPolicy | undefined {
  const title = requirement.trim();
  return kb.dataNeededByTitle.get(title) ?? kb.loggingPoliciesByTitle.get(title);
}

/**
 * The playbooks a technique's page lists: those tagged with the technique, its parent or one of its
 * sub-techniques (the page holds its sub-techniques' sections), in playbook order, each with the
 * techniques of that family it is tagged with, in ATT&CK order.
 */
export function playbooksForTechniquePage(kb: KnowledgeBase, id: string): { readonly playbook: ResponsePlaybook; readonly techniques: readonly string[] }[] {
  const { response } = kb;
  if (response.playbooks.length === 0) return [];
  const family = (candidate: string): boolean => candidate === id || candidate === parentTechniqueId(id) || parentTechniqueId(candidate) === id;
  const tagged = new Map<ResponsePlaybook, string[]>();
  for (const [technique, playbooks] of response.playbooksByTechnique) {
    if (!family(technique)) continue;
    for (const playbook of playbooks) tagged.set(playbook, [...(tagged.get(playbook) ?? []), technique]);
  }
  return response.playbooks.flatMap((playbook) => {
    const techniques = tagged.get(playbook);
    return techniques ? [{ playbook, techniques: techniques.sort(compareTechniqueIds) }] : [];
  });
}

/** How many actions a playbook lists over all its stages (an action listed under two stages counts twice: it is two steps). */
export function playbookActionCount(kb: KnowledgeBase, playbook: ResponsePlaybook): number {
  return playbookStageRows(playbook, kb).reduce((total, row) => total + row.actions.length, 0);
}
