import type { AttackTechnique } from '../attack/attack-catalog.ts';
import type { KnowledgeBase } from '../link/knowledge-base.ts';
import { responseCategory, type ResponseAction, type ResponsePlaybook, type ResponseStage } from '../model/response.ts';
import { PLAYBOOK_ROWS, requirementTarget, responseLabel, severityText, sharingText, type PlaybookRow } from '../present/response-view.ts';
import { tacticMarkdown, techniqueMarkdown } from './entity-pages.ts';
import { authorMarkdownToMarkdown } from './author-markdown.ts';
import { cellList, escapeCell, escapeParagraphs, escapeText, keyValueTable, link, reference, table } from './markdown-syntax.ts';

/**
 * The markdown pages of the response side, in the older tool's layouts (atc-react's templates): a table of
 * facts, then the workflow. What the older tool never had is added after its rows: reverse links.
 */

/** "RS0002: Identification", linked to the stage's page. */
function stageLink(stage: ResponseStage, kb: KnowledgeBase): string {
  return link(`${stage.id}: ${stage.title}`, kb.addresses.markdownLink(stage));
}

function playbookLinks(playbooks: readonly ResponsePlaybook[], kb: KnowledgeBase): string[] {
  return playbooks.map((playbook) => link(playbook.title, kb.addresses.markdownLink(playbook)));
}

export function renderResponseActionMarkdown(action: ResponseAction, kb: KnowledgeBase): string {
  const { response } = kb;
  const stage = response.stageOf.get(action);
  const rows: Array<[string, string]> = [];
  if (action.id) rows.push(['ID', escapeText(action.id)]);
  rows.push(
    ['Description', escapeCell(action.description)],
    ['Author', escapeCell(action.author ?? 'unknown')],
    ['Creation Date', escapeCell(action.creationDate ?? '')],
    ['Category', escapeText(responseCategory(action) ?? 'none (no RE&CT id)')],
    ['Stage', stage ? stageLink(stage, kb) : escapeText(action.stage?.title ?? 'unknown')],
  );
  if (action.automation.length > 0) rows.push(['Automation', cellList(action.automation.map(escapeText), '')]);
  if (action.references.length > 0) rows.push(['References', cellList(action.references.map(reference), '')]);
  if (action.requirements.length > 0) rows.push(['Requirements', cellList(action.requirements.map((requirement) => requirementLink(requirement, kb)), '')]);
  if (action.linkedActions.length > 0) {
    rows.push(['Linked Response Actions', cellList((kb.response.linkedActions.get(action) ?? []).map((target) => (typeof target === 'string' ? escapeText(target) : link(target.title, kb.addresses.markdownLink(target)))), '')]);
  }
  if (action.linkedAnalytics.length > 0) rows.push(['Linked Analytics', cellList(action.linkedAnalytics.map((item) => requirementLink(item, kb)), '')]);
  rows.push(['Response Playbooks', cellList(playbookLinks(response.playbooksByAction.get(action) ?? [], kb), 'No playbook uses this action yet')]);
  const parts = [keyValueTable(escapeCell(action.title), rows.map(([label, value]) => [escapeText(label), value]))];
  if (action.workflow?.trim()) parts.push('', '', '### Workflow', '', authorMarkdownToMarkdown(action.workflow));
  return `${parts.join('\n')}\n`;
}

/**
 * A playbook's page in the older tool's layout (atc.md 2.7): its table, with one row per stage listing the
 * actions, then the playbook's workflow, then every action's workflow under its stage, so that the page
 * reads as a runbook from top to bottom.
 */
export function renderResponsePlaybookMarkdown(playbook: ResponsePlaybook, kb: KnowledgeBase): string {
  const { response, addresses } = kb;
  const links = response.playbookLinks.get(playbook)!;
  // The site's rows (PLAYBOOK_ROWS), but the title heads the table, and a playbook without an id (2019 schema) has no ID row, as in the older tool.
  const values: { readonly [row in Exclude<PlaybookRow, 'Title'>]: string | undefined } = {
    ID: playbook.id === undefined ? undefined : escapeText(playbook.id),
    Description: escapeCell(playbook.description),
    'ATT&CK Tactic': cellList(links.tactics.map(tacticMarkdown), 'None'),
    'ATT&CK Technique': cellList(links.techniques.map((technique) => techniqueMarkdown(technique) + escapeText(retiredNote(technique, kb))), 'None'),
    Tags: cellList(links.otherTags.map(escapeText), 'None'),
    Severity: escapeText(severityText(playbook.severity)),
    TLP: escapeText(sharingText(playbook.tlp)),
    PAP: escapeText(sharingText(playbook.pap)),
    Author: escapeCell(playbook.author ?? 'unknown'),
    'Creation Date': escapeCell(playbook.creationDate ?? ''),
  };
  const rows: Array<[string, string]> = PLAYBOOK_ROWS.flatMap((row): Array<[string, string]> => {
    const value = row === 'Title' ? undefined : values[row];
    return value === undefined ? [] : [[row, value]];
  });
  for (const { stage, actions } of links.stages) {
    rows.push([stage.title, cellList(actions.map((action) => link(action.title, addresses.markdownLink(action))), 'None')]);
  }
  if (links.linked.length + links.unresolvedLinked.length > 0) {
    rows.push(['Linked Response Playbooks', cellList([...playbookLinks(links.linked, kb), ...links.unresolvedLinked.map((title) => `${escapeText(title)} (not in the knowledge base)`)], '')]);
  }
  const linkedBy = response.linkedBy.get(playbook) ?? [];
  if (linkedBy.length > 0) rows.push(['Linked from', cellList(playbookLinks(linkedBy, kb), '')]);
  if (playbook.references.length > 0) rows.push(['References', cellList(playbook.references.map(reference), '')]);

  const parts = [keyValueTable(escapeCell(playbook.title), rows.map(([label, value]) => [escapeText(label), value]))];
  if (playbook.workflow?.trim()) parts.push('', '', '### Workflow', '', authorMarkdownToMarkdown(playbook.workflow));
  for (const { stage, actions } of links.stages) {
    if (actions.length === 0) continue;
    parts.push('', '', `#### ${escapeText(stage.title)}`);
    for (const action of actions) {
      parts.push('', `##### ${link(responseLabel(action), addresses.markdownLink(action))}`, '');
      parts.push(action.workflow?.trim() ? authorMarkdownToMarkdown(action.workflow) : escapeParagraphs(action.description));
    }
  }
  return `${parts.join('\n')}\n`;
}

/** A stage's page, in atc-react's layout: the id, the description, and the table of the stage's actions. */
export function renderResponseStageMarkdown(stage: ResponseStage, kb: KnowledgeBase): string {
  const actions = kb.response.actionsByStage.get(stage) ?? [];
  const parts = [
    `# ${escapeText(stage.title)}`,
    '',
    `**ID**: ${escapeText(stage.id)}`,
    '',
    escapeParagraphs(stage.description || 'No description.'),
    '',
    '## Response Actions',
    '',
    actions.length === 0
      ? 'No Response Action of the knowledge base is in this stage.'
      : table(
          ['ID', 'Name', 'Description', 'Playbooks'],
          actions.map((action) => [
            escapeText(action.id ?? ''),
            link(action.title, kb.addresses.markdownLink(action)),
            escapeCell(action.description),
            String((kb.response.playbooksByAction.get(action) ?? []).length),
          ]),
        ),
  ];
  return `${parts.join('\n')}\n`;
}

/** A requirement or linked analytic that names a Data Needed entry or Logging Policy of the knowledge base links to it. */
function requirementLink(text: string, kb: KnowledgeBase): string {
  const target = requirementTarget(kb, text);
  return target ? link(target.title, kb.addresses.markdownLink(target)) : escapeText(text);
}

/** " (revoked in ATT&CK; now T1566.001)": a 2019 playbook's techniques are often retired, and the page says where it is listed now. */
function retiredNote(technique: AttackTechnique, kb: KnowledgeBase): string {
  if (technique.revoked) {
    const replacement = kb.attack.replacementOf(technique.id)?.technique;
    return replacement && replacement.id !== technique.id ? ` (revoked in ATT&CK; now ${replacement.id}: ${replacement.name})` : ' (revoked in ATT&CK)';
  }
  return technique.deprecated ? ' (deprecated in ATT&CK)' : '';
}
