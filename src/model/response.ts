import type { TitleReference } from './entities.ts';
import type { SourcePosition } from './issue.ts';

/**
 * The response side of the knowledge base, in the schema of RE&CT (atc-project/atc-react) and of the older
 * tool's 2019 files, which RE&CT grew out of: Response Actions (one step of incident response, in one
 * stage), Response Playbooks (the actions for one kind of incident, per stage, tagged with the ATT&CK
 * techniques they answer) and Response Stages (the columns of the RE&CT matrix).
 */

interface ResponseEntity {
  /** The file as shown in issues. */
  readonly file: string;
  /** Path under its input folder, with forward slashes (page-name suffixes hash it). */
  readonly relativePath: string;
  readonly position: SourcePosition;
}

/** A stage of incident response. RE&CT defines six (RS0001–RS0006); a knowledge base may define more. */
export interface ResponseStage extends ResponseEntity {
  readonly kind: 'response-stage';
  /** RS0002, upper case. */
  readonly id: string;
  /** "Identification". */
  readonly title: string;
  /** How Response Actions and playbooks name the stage: the title in snake case ("lessons_learned"). */
  readonly key: string;
  readonly description: string;
  /** Not read from a file: one of RE&CT's six stages, which exist whether or not the knowledge base has stage files. */
  readonly builtIn: boolean;
}

/** What actions and playbooks both carry. */
interface ResponseDocument extends ResponseEntity {
  /** `RA_1001_practice`, `RP_0001_phishing_email`: the key other files refer to it by, and its page name. */
  readonly title: string;
  /** `RA1001`, `RP0001` in RE&CT; the 2019 schema has none. */
  readonly id?: string;
  readonly description: string;
  readonly author?: string;
  /** As written: RE&CT writes YYYY/MM/DD, the 2019 files DD.MM.YYYY. */
  readonly creationDate?: string;
  readonly references: readonly string[];
  /** Markdown written by the knowledge base's authors. */
  readonly workflow?: string;
}

export interface ResponseAction extends ResponseDocument {
  readonly kind: 'response-action';
  /** The stage as named (`identification`); resolved by the linker. */
  readonly stage?: TitleReference;
  /** Mitigation systems or data the action needs (`MS_border_firewall`, `DN_zeek_conn_log`). */
  readonly requirements: readonly string[];
  /** Tools that can carry the action out (the 2019 schema, kept in RE&CT files). */
  readonly automation: readonly string[];
  /** Data or mitigation systems the action reads (`linked_analytics`, 2019 schema). */
  readonly linkedAnalytics: readonly string[];
  /** Actions this one aggregates (`linked_ra`, 2019 schema). */
  readonly linkedActions: readonly TitleReference[];
  /** TheHive assignee (RE&CT `owner`). */
  readonly owner?: string;
}

/** L, M, H or C (critical): what TheHive's severity 1–4 encodes. */
export const PLAYBOOK_SEVERITIES = ['L', 'M', 'H', 'C'] as const;
export type PlaybookSeverity = (typeof PLAYBOOK_SEVERITIES)[number];

/** Traffic Light Protocol and Permissible Actions Protocol levels, in TheHive's order (0–3). */
export const SHARING_LEVELS = ['WHITE', 'GREEN', 'AMBER', 'RED'] as const;
export type SharingLevel = (typeof SHARING_LEVELS)[number];

/** One stage's list in a playbook: the actions by title, in the playbook's order. */
export interface PlaybookStageList {
  /** The stage as the playbook's key names it (`containment`). */
  readonly stage: TitleReference;
  readonly actions: readonly TitleReference[];
}

export interface ResponsePlaybook extends ResponseDocument {
  readonly kind: 'response-playbook';
  readonly severity?: PlaybookSeverity;
  readonly tlp?: SharingLevel;
  readonly pap?: SharingLevel;
  /** ATT&CK tactics and techniques (`attack.t1566.001`) and free tags, as written; the linker sorts them. */
  readonly tags: readonly TitleReference[];
  readonly linkedPlaybooks: readonly TitleReference[];
  /** In the file's order; the linker puts them in stage order. */
  readonly stages: readonly PlaybookStageList[];
}

/** RE&CT's six stages, in their order. The descriptions are ours. */
export const REACT_STAGES: readonly { readonly id: string; readonly title: string; readonly description: string }[] = [
  { id: 'RS0001', title: 'Preparation', description: 'What to have in place before an incident: people, access, tooling and data.' },
  { id: 'RS0002', title: 'Identification', description: 'Finding out what happened, where, and to whom.' },
  { id: 'RS0003', title: 'Containment', description: 'Stopping the incident from spreading or doing more harm.' },
  { id: 'RS0004', title: 'Eradication', description: 'Removing what the attacker left behind.' },
  { id: 'RS0005', title: 'Recovery', description: 'Returning systems and services to normal operation.' },
  { id: 'RS0006', title: 'Lessons Learned', description: 'Recording the incident and improving for the next one.' },
];

/** A stage title as actions and playbooks name it: "Lessons Learned" → "lessons_learned". */
export function stageKey(title: string): string {
  return title.trim().toLowerCase().replace(/[^a-z0-9]+/g, '_').replace(/^_+|_+$/g, '');
}

/**
 * RE&CT encodes an action's category in its id: the second digit of RA<stage><category><nn>. The 2019
 * schema has no ids, so its actions have no category.
 */
export const RESPONSE_CATEGORIES = ['General', 'Network', 'Email', 'File', 'Process', 'Configuration', 'Identity'] as const;
export type ResponseCategory = (typeof RESPONSE_CATEGORIES)[number];

export function responseCategory(action: Pick<ResponseAction, 'id'>): ResponseCategory | undefined {
  const digit = /^RA\d(\d)\d\d$/i.exec(action.id ?? '')?.[1];
  return digit === undefined ? undefined : RESPONSE_CATEGORIES[Number(digit)];
}
