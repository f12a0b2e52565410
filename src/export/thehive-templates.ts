import type { KnowledgeBase } from '../link/knowledge-base.ts';
import type { PlaybookSeverity, ResponseAction, ResponsePlaybook, SharingLevel } from '../model/response.ts';
import { encodedFile, type OutputFile } from '../present/output-file.ts';
import { responseLabel } from '../present/response-view.ts';
import { stableJsonWriter } from './stable-json.ts';

/**
 * TheHive case templates, one per Response Playbook (README.md, "TheHive case templates"): the JSON that
 * TheHive 4's "Import case template" takes, in the shape atc-react's `thehive_templates.py` wrote. The
 * playbook's text stays JSON string values; nothing of it becomes a key, a setting or a file name (the
 * file is named by the playbook's page name, which is made safe).
 */

export const THEHIVE_FOLDER = 'thehive';

/** TheHive's case severity: 1 low, 2 medium, 3 high, 4 critical. */
export const THEHIVE_SEVERITY = { L: 1, M: 2, H: 3, C: 4 } as const satisfies Readonly<Record<PlaybookSeverity, number>>;

/** TheHive's TLP and PAP scale: 0 white, 1 green, 2 amber, 3 red. */
export const THEHIVE_SHARING_LEVEL = { WHITE: 0, GREEN: 1, AMBER: 2, RED: 3 } as const satisfies Readonly<Record<SharingLevel, number>>;

/**
 * What a template says when the playbook leaves severity, TLP or PAP out: what TheHive itself gives a new
 * case (medium severity, TLP and PAP amber), so a template changes nothing the playbook did not ask for.
 */
export const THEHIVE_DEFAULTS = { severity: THEHIVE_SEVERITY.M, tlp: THEHIVE_SHARING_LEVEL.AMBER, pap: THEHIVE_SHARING_LEVEL.AMBER } as const;

/** One task of a case template. */
export interface TheHiveTask {
  /** From 0: stage order, then the order of the playbook's list. */
  readonly order: number;
  /** The action's label, "RA1001: Practice" (its id and display name), as the RE&CT pages name it. */
  readonly title: string;
  /** The title of the stage the playbook lists the action under. */
  readonly group: string;
  /** The action's workflow, or its description when it has none. */
  readonly description: string;
}

export interface TheHiveCaseTemplate {
  readonly name: string;
  readonly titlePrefix: string;
  readonly description: string;
  readonly severity: number;
  readonly tlp: number;
  readonly pap: number;
  readonly tags: readonly string[];
  readonly status: 'Ok';
  readonly metrics: Readonly<Record<string, never>>;
  readonly customFields: Readonly<Record<string, never>>;
  readonly tasks: readonly TheHiveTask[];
}

export function theHiveCaseTemplate(kb: KnowledgeBase, playbook: ResponsePlaybook): TheHiveCaseTemplate {
  const stages = kb.response.playbookLinks.get(playbook)?.stages ?? [];
  const tasks = stages.flatMap(({ stage, actions }) => actions.map((action) => ({ title: responseLabel(action), group: stage.title, description: taskDescription(action) })));
  // The id, as TheHive's list of templates and a case's title prefix show it; the 2019 schema has no ids.
  const shortName = playbook.id ?? playbook.title;
  const workflow = playbook.workflow?.trim();
  return {
    name: playbook.id ? `${playbook.id}: ${playbook.title}` : playbook.title,
    titlePrefix: `[${shortName}]`,
    description: workflow ? `${playbook.description}\n\nWorkflow:\n\n${workflow}` : playbook.description,
    severity: playbook.severity ? THEHIVE_SEVERITY[playbook.severity] : THEHIVE_DEFAULTS.severity,
    tlp: playbook.tlp ? THEHIVE_SHARING_LEVEL[playbook.tlp] : THEHIVE_DEFAULTS.tlp,
    pap: playbook.pap ? THEHIVE_SHARING_LEVEL[playbook.pap] : THEHIVE_DEFAULTS.pap,
    // TheHive keeps tags as a set.
    tags: [...new Set(playbook.tags.map((tag) => tag.title))],
    status: 'Ok',
    metrics: {},
    customFields: {},
    tasks: tasks.map((task, order) => ({ order, ...task })),
  };
}

function taskDescription(action: ResponseAction): string {
  const workflow = action.workflow?.trim();
  return workflow ? workflow : action.description;
}

export function theHiveTemplatePath(kb: Pick<KnowledgeBase, 'addresses'>, playbook: ResponsePlaybook): string {
  return `${THEHIVE_FOLDER}/${kb.addresses.pageName(playbook)}.json`;
}

/** `thehive/<playbook page name>.json` for every playbook, in playbook order, each listed on the Downloads page. */
export function theHiveTemplateFiles(kb: KnowledgeBase): OutputFile[] {
  const json = stableJsonWriter();
  return kb.response.playbooks.map((playbook) => {
    const template = theHiveCaseTemplate(kb, playbook);
    return encodedFile(theHiveTemplatePath(kb, playbook), json(template), { section: 'thehive', what: `case template for ${template.name}`, count: template.tasks.length });
  });
}
