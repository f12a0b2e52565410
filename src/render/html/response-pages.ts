import type { ResponseAction, ResponsePlaybook, ResponseStage } from '../../model/response.ts';
import { responseCategory } from '../../model/response.ts';
import {
  PLAYBOOK_ROWS,
  playbookActionCount,
  playbookStageRows,
  requirementTarget,
  responseDisplayName,
  responseLabel,
  responseMatrix,
  severityText,
  sharingText,
  techniquesWithoutPlaybook,
  type MatrixCell,
  type PlaybookRow,
} from '../../present/response-view.ts';
import { RESPONSE_ACTION_LIST_PATH, RESPONSE_MATRIX_PATH, RESPONSE_PLAYBOOK_LIST_PATH, RESPONSE_STAGE_LIST_PATH, sectionAnchor } from '../../present/site-urls.ts';
import { renderAuthorMarkdown } from './author-markdown.ts';
import { code, count, heading, keyValueTable, link, list, pageHeader, prose, reference, ruleList, section, tacticLink, techniqueLabel } from './components.ts';
import { html, join, type HtmlValue, type SafeHtml } from './escape-html.ts';
import type { SiteContext, SitePage } from './site-context.ts';

/**
 * The response side of the site (RE&CT): a page per Response Action, Playbook and Stage, their lists, and
 * the RE&CT matrix. Every text of an action or playbook is the knowledge base's and goes through the `html`
 * tag; workflows are markdown read with raw HTML off (author-markdown.ts).
 */

/** Where a gap section of /gaps/ starts: the matrix page links it. */
export const RESPONSE_GAP_ANCHOR = 'techniques-without-playbook';

function actionLink(action: ResponseAction, context: SiteContext): SafeHtml {
  return link(context.urls.responseAction(action), responseLabel(action));
}

function playbookLink(playbook: ResponsePlaybook, context: SiteContext): SafeHtml {
  return link(context.urls.responsePlaybook(playbook), responseLabel(playbook));
}

function stageLink(stage: ResponseStage, context: SiteContext): SafeHtml {
  return link(context.urls.responseStage(stage), `${stage.id}: ${stage.title}`);
}

/** A name the knowledge base does not have, shown as written and said so. */
function missing(text: string): SafeHtml {
  return html`${code(text)} <span class="muted">(not in the knowledge base)</span>`;
}

/** The authors' markdown, or a plain statement that there is none. */
function workflow(text: string | undefined, empty: string): SafeHtml {
  return text === undefined || text.trim() === '' ? html`<p class="empty">${empty}</p>` : html`<div class="markdown">${renderAuthorMarkdown(text)}</div>`;
}

/** A requirement or linked analytic: a link when it names a Data Needed entry or Logging Policy of the knowledge base. */
function requirementItem(requirement: string, context: SiteContext): SafeHtml {
  const target = requirementTarget(context.kb, requirement);
  if (target === undefined) return html`${requirement}`;
  return target.kind === 'data-needed' ? link(context.urls.dataNeeded(target), target.title) : link(context.urls.loggingPolicy(target), target.title);
}

function firstLine(text: string): string {
  return text.trim().split('\n')[0] ?? '';
}

/** How many playbooks list an action; a zero is muted, so unused actions stand out in a column of numbers. */
function playbookCount(playbooks: number): SafeHtml {
  return playbooks === 0 ? html`<span class="muted">0</span>` : html`${playbooks}`;
}

export function renderResponseActionPage(action: ResponseAction, context: SiteContext): SitePage {
  const { kb, urls } = context;
  const stage = kb.response.stageOf.get(action);
  const playbooks = kb.response.playbooksByAction.get(action) ?? [];
  const rows: Array<[string, HtmlValue]> = [
    ['Title', action.title],
    ['ID', action.id ?? html`<span class="empty">none (2019 schema)</span>`],
    ['Description', prose(action.description)],
    ['Category', responseCategory(action) ?? html`<span class="empty">none (no RE&amp;CT id)</span>`],
    ['Stage', stage ? stageLink(stage, context) : action.stage ? missing(action.stage.title) : html`<span class="empty">not set</span>`],
    ['Requirements', list(action.requirements.map((requirement) => requirementItem(requirement, context)), 'None stated')],
    ['Automation', list(action.automation.map((tool) => html`${tool}`), 'None stated')],
    ['Author', action.author ?? 'unknown'],
    ['Creation Date', action.creationDate ?? ''],
    ['References', list(action.references.map(reference), 'None documented', 'plain-list references')],
  ];
  if (action.linkedActions.length > 0) {
    rows.push(['Linked Response Actions', list((kb.response.linkedActions.get(action) ?? []).map((linked) => (typeof linked === 'string' ? missing(linked) : actionLink(linked, context))), '')]);
  }
  if (action.linkedAnalytics.length > 0) rows.push(['Linked Analytics', list(action.linkedAnalytics.map((analytic) => requirementItem(analytic, context)), '')]);
  const name = responseDisplayName(action);
  const body = html`<article class="entity response-page">
${pageHeader('Response Action', name, html`<p class="badges"><span class="badge tag">${action.id ?? action.title}</span>${stage ? html` <span class="badge tag">${stage.title}</span>` : ''} <span class="badge tag">${count(playbooks.length, 'playbook')}</span></p>`)}
${section('Summary', keyValueTable(rows, `Summary of ${responseLabel(action)}`))}
${section('Workflow', workflow(action.workflow, 'No workflow written yet.'))}
${section('Used by playbooks', list(playbooks.map((playbook) => playbookLink(playbook, context)), 'No playbook lists this action yet'))}
</article>`;
  return { url: urls.pathResponseAction(action), title: responseLabel(action), section: 'response', description: firstLine(action.description), body, searchable: true };
}

/** The value of each fixed row of the playbook table (PLAYBOOK_ROWS), stated once for the table below. */
function playbookRowValues(playbook: ResponsePlaybook, context: SiteContext): { readonly [row in PlaybookRow]: HtmlValue } {
  const links = context.kb.response.playbookLinks.get(playbook);
  return {
    Title: playbook.title,
    ID: playbook.id ?? html`<span class="empty">none (2019 schema)</span>`,
    Description: prose(playbook.description),
    'ATT&CK Tactic': list((links?.tactics ?? []).map((tactic) => tacticLink(tactic, context)), 'None tagged'),
    'ATT&CK Technique': list((links?.techniques ?? []).map((technique) => techniqueLabel(technique.id, context)), 'None tagged'),
    Tags: list((links?.otherTags ?? []).map((tag) => code(tag)), 'None'),
    Severity: severityText(playbook.severity),
    TLP: sharingText(playbook.tlp),
    PAP: sharingText(playbook.pap),
    Author: playbook.author ?? 'unknown',
    'Creation Date': playbook.creationDate ?? '',
  };
}

/** One action of the printable runbook: its label, description and workflow, under its stage. */
function runbookStep(action: ResponseAction, stage: ResponseStage, context: SiteContext): SafeHtml {
  const id = `step-${sectionAnchor(stage.id)}-${sectionAnchor(action.id ?? action.title)}`;
  return html`<section class="runbook-step" aria-labelledby="${id}">${heading(4, responseLabel(action), id)}
<p class="muted no-print">${link(context.urls.responseAction(action), 'Action page')}</p>${prose(action.description)}
${workflow(action.workflow, 'No workflow written for this action yet.')}</section>`;
}

export function renderResponsePlaybookPage(playbook: ResponsePlaybook, context: SiteContext): SitePage {
  const { kb, urls } = context;
  const links = kb.response.playbookLinks.get(playbook);
  const stages = playbookStageRows(playbook, kb);
  const values = playbookRowValues(playbook, context);
  const rows: Array<[string, HtmlValue]> = [
    ...PLAYBOOK_ROWS.map((row): [string, HtmlValue] => [row, values[row]]),
    ...stages.map(({ stage, actions }): [string, HtmlValue] => [stage.title, list(actions.map((action) => actionLink(action, context)), 'None')]),
  ];
  const runbook = stages.map(
    ({ stage, actions }) => html`<section class="runbook-stage" aria-labelledby="runbook-${sectionAnchor(stage.id)}">${heading(3, stage.title, `runbook-${sectionAnchor(stage.id)}`)}${
      actions.length === 0 ? html`<p class="empty">No action listed for this stage.</p>` : actions.map((action) => runbookStep(action, stage, context))
    }</section>`,
  );
  const linked = [...(links?.linked ?? []).map((other) => playbookLink(other, context)), ...(links?.unresolvedLinked ?? []).map(missing)];
  const linkedBy = kb.response.linkedBy.get(playbook) ?? [];
  const rules = kb.rulesByPlaybook.get(playbook) ?? [];
  const name = responseDisplayName(playbook);
  const body = html`<article class="entity response-page playbook">
${pageHeader('Response Playbook', name, html`<p class="badges"><span class="badge tag">${playbook.id ?? playbook.title}</span>${playbook.severity ? html` <span class="badge tag">severity ${severityText(playbook.severity)}</span>` : ''}${playbook.tlp ? html` <span class="badge tag">TLP:${playbook.tlp}</span>` : ''}${playbook.pap ? html` <span class="badge tag">PAP:${playbook.pap}</span>` : ''}</p>`)}
${section('Summary', keyValueTable(rows, `Summary of ${responseLabel(playbook)}`))}
${section('Workflow', workflow(playbook.workflow, 'No workflow written for this playbook yet.'))}
${section('Runbook', html`<p class="muted no-print">Every action of the playbook with its workflow, stage by stage: print this page to take it along.</p>${runbook.length === 0 ? html`<p class="empty">The playbook lists no action.</p>` : runbook}`)}
${section('Linked playbooks', html`${list(linked, 'None')}${linkedBy.length > 0 ? html`<h3 id="linked-from">Linked from</h3>${list(linkedBy.map((other) => playbookLink(other, context)), '')}` : ''}`)}
${section('Detection rules this playbook answers', html`<p class="muted">Rules tagged with the playbook’s techniques, or with sub-techniques of them.</p>${ruleList(rules, context, 'No rule of the knowledge base is tagged with these techniques')}`, { id: 'detection-rules' })}
</article>`;
  return { url: urls.pathResponsePlaybook(playbook), title: responseLabel(playbook), section: 'response', description: firstLine(playbook.description), body, searchable: true };
}

export function renderResponseStagePage(stage: ResponseStage, context: SiteContext): SitePage {
  const { kb, urls } = context;
  const actions = kb.response.actionsByStage.get(stage) ?? [];
  const rows = actions.map(
    (action) =>
      html`<tr><td>${action.id ?? ''}</td><td>${link(urls.responseAction(action), responseDisplayName(action))}</td><td>${firstLine(action.description)}</td><td class="num">${playbookCount((kb.response.playbooksByAction.get(action) ?? []).length)}</td></tr>`,
  );
  const title = `${stage.id}: ${stage.title}`;
  const body = html`<article class="entity response-page">
${pageHeader('Response Stage', title, html`<p class="badges"><span class="badge tag">${count(actions.length, 'action')}</span>${stage.builtIn ? html` <span class="badge tag">RE&amp;CT stage</span>` : ''}</p>`)}
${prose(stage.description)}
${section(
  'Response Actions',
  actions.length === 0
    ? html`<p class="empty">No Response Action of the knowledge base is in this stage.</p>`
    : html`<div class="table-wrap"><table class="grid"><caption class="visually-hidden">Response Actions of ${stage.title}</caption><thead><tr><th scope="col">ID</th><th scope="col">Name</th><th scope="col">Description</th><th scope="col">Playbooks</th></tr></thead><tbody>${rows}</tbody></table></div>`,
)}
<p class="muted">${link(urls.href(RESPONSE_STAGE_LIST_PATH), 'All stages')} · ${link(urls.href(RESPONSE_MATRIX_PATH), 'RE&CT matrix')}</p>
</article>`;
  return { url: urls.pathResponseStage(stage), title, section: 'response', description: firstLine(stage.description), body, searchable: true };
}

const RESPONSE_OVERVIEWS: readonly { readonly path: string; readonly label: string }[] = [
  { path: RESPONSE_MATRIX_PATH, label: 'RE&CT matrix' },
  { path: RESPONSE_ACTION_LIST_PATH, label: 'Response Actions' },
  { path: RESPONSE_PLAYBOOK_LIST_PATH, label: 'Response Playbooks' },
  { path: RESPONSE_STAGE_LIST_PATH, label: 'Response Stages' },
];

/** The links each overview of the response side carries to the others. */
function responseLinks(current: string, context: SiteContext): SafeHtml {
  const others = RESPONSE_OVERVIEWS.filter((overview) => overview.path !== current).map((overview) => link(context.urls.href(overview.path), overview.label));
  return html`<p class="muted">${join(others, ' · ')}</p>`;
}

export function renderResponseStageList(context: SiteContext): SitePage {
  const { kb, urls } = context;
  const rows = kb.response.stages.map(
    (stage) => html`<tr><td>${stage.id}</td><td>${link(urls.responseStage(stage), stage.title)}</td><td>${firstLine(stage.description)}</td><td class="num">${(kb.response.actionsByStage.get(stage) ?? []).length}</td></tr>`,
  );
  const body = html`${pageHeader('Response', 'Response Stages')}
${responseLinks(RESPONSE_STAGE_LIST_PATH, context)}
<div class="table-wrap"><table class="grid"><thead><tr><th scope="col">ID</th><th scope="col">Stage</th><th scope="col">Description</th><th scope="col">Actions</th></tr></thead><tbody>${rows}</tbody></table></div>`;
  return { url: RESPONSE_STAGE_LIST_PATH, title: 'Response Stages', section: 'response', body, searchable: false };
}

export function renderResponseActionList(context: SiteContext): SitePage {
  const { kb, urls } = context;
  const rows = kb.response.actions.map((action) => {
    const stage = kb.response.stageOf.get(action);
    return html`<tr><td>${action.id ?? ''}</td><td>${link(urls.responseAction(action), responseDisplayName(action))}</td><td>${stage ? link(urls.responseStage(stage), stage.title) : ''}</td><td>${responseCategory(action) ?? ''}</td><td class="num">${playbookCount((kb.response.playbooksByAction.get(action) ?? []).length)}</td></tr>`;
  });
  const body = html`${pageHeader('Response', 'Response Actions')}
${responseLinks(RESPONSE_ACTION_LIST_PATH, context)}
<div class="table-wrap"><table class="grid"><thead><tr><th scope="col">ID</th><th scope="col">Response Action</th><th scope="col">Stage</th><th scope="col">Category</th><th scope="col">Playbooks</th></tr></thead><tbody>${rows}</tbody></table></div>`;
  return { url: RESPONSE_ACTION_LIST_PATH, title: 'Response Actions', section: 'response', body, searchable: false };
}

export function renderResponsePlaybookList(context: SiteContext): SitePage {
  const { kb, urls } = context;
  const rows = kb.response.playbooks.map((playbook) => {
    const techniques = kb.response.playbookLinks.get(playbook)?.techniques ?? [];
    return html`<tr><td>${playbook.id ?? ''}</td><td>${link(urls.responsePlaybook(playbook), responseDisplayName(playbook))}</td><td>${playbook.severity ? severityText(playbook.severity) : ''}</td><td>${playbook.tlp ?? ''}</td><td>${list(techniques.map((technique) => techniqueLabel(technique.id, context)), 'None', 'plain-list compact')}</td><td class="num">${playbookActionCount(kb, playbook)}</td></tr>`;
  });
  const body = html`${pageHeader('Response', 'Response Playbooks')}
${responseLinks(RESPONSE_PLAYBOOK_LIST_PATH, context)}
${
  rows.length === 0
    ? html`<p class="empty">The knowledge base has no Response Playbook yet.</p>`
    : html`<div class="table-wrap"><table class="grid"><thead><tr><th scope="col">ID</th><th scope="col">Playbook</th><th scope="col">Severity</th><th scope="col">TLP</th><th scope="col">Techniques</th><th scope="col">Actions</th></tr></thead><tbody>${rows}</tbody></table></div>`
}`;
  return { url: RESPONSE_PLAYBOOK_LIST_PATH, title: 'Response Playbooks', section: 'response', body, searchable: false };
}

function matrixCellLink(cell: MatrixCell, context: SiteContext): SafeHtml {
  const { action, playbooks } = cell;
  const label = playbooks === 0 ? 'used by no playbook' : `used by ${count(playbooks, 'playbook')}`;
  return html`<a class="cell response-cell${playbooks === 0 ? ' unused' : ''}" href="${context.urls.responseAction(action)}" title="${`${responseLabel(action)} (${label})`}"><span class="cell-name">${action.id ? html`<span class="cell-id">${action.id}</span> ` : ''}${responseDisplayName(action)}</span><span class="cell-count" aria-label="${label}">${playbooks}</span></a>`;
}

/** The RE&CT matrix: stages as columns, each stage's actions grouped by the category of their id. */
export function renderResponseMatrixPage(context: SiteContext): SitePage {
  const { kb, urls } = context;
  const columns = responseMatrix(kb).map(
    (column) => html`<section class="matrix-column" aria-labelledby="response-${sectionAnchor(column.stage.id)}"><h2 id="response-${sectionAnchor(column.stage.id)}">${link(urls.responseStage(column.stage), column.stage.title)} <span class="muted">${column.total}</span></h2>${column.groups.map(
      (group) => html`<h3 class="category">${group.category}</h3><ul>${group.cells.map((cell) => html`<li>${matrixCellLink(cell, context)}</li>`)}</ul>`,
    )}${column.total === 0 ? html`<p class="empty">No action</p>` : ''}</section>`,
  );
  const gaps = techniquesWithoutPlaybook(kb).length;
  const body = html`<div class="matrix-page response-matrix-page">
${pageHeader('Response', 'RE&CT matrix')}
<p>Each column is a stage of incident response, each cell a Response Action, grouped by the category its RE&amp;CT id encodes. The number in a cell is how many playbooks list the action; a cell with a dashed border is used by none. ${count(kb.response.actions.length, 'Response Action')}, ${count(kb.response.playbooks.length, 'playbook')}.</p>
${responseLinks(RESPONSE_MATRIX_PATH, context)}
${kb.response.playbooks.length > 0 ? html`<p>${link(urls.href(`/gaps/#${RESPONSE_GAP_ANCHOR}`), `${count(gaps, 'technique')} with rules but no playbook`)}</p>` : ''}
<ul class="legend" aria-label="Legend"><li><span class="swatch response-used"></span>used by a playbook</li><li><span class="swatch unused"></span>used by no playbook</li></ul>
<div class="matrix response-matrix">${columns}</div>
</div>`;
  return { url: RESPONSE_MATRIX_PATH, title: 'RE&CT matrix', section: 'response', description: 'Response Actions by stage and category, with the playbooks that use them', body, searchable: false };
}

/** The section of /gaps/ on the response side: techniques the rules detect that no playbook answers. */
export function responseGapSection(context: SiteContext): SafeHtml {
  const { kb } = context;
  if (kb.response.playbooks.length === 0) return html``;
  const techniques = techniquesWithoutPlaybook(kb);
  return section(
    'Techniques with rules but no playbook',
    html`<p>Rules detect these techniques, but no Response Playbook is tagged with them (or, for a sub-technique, with its parent): an analyst whose rule fires has no runbook. See ${link(context.urls.href(RESPONSE_MATRIX_PATH), 'the RE&CT matrix')}.</p>${list(
      techniques.map((technique) => html`${techniqueLabel(technique.id, context)} <span class="muted">(${count((kb.rulesByTechnique.get(technique.id) ?? []).length, 'rule')})</span>`),
      'None: every technique with a rule has a playbook.',
    )}`,
    { id: RESPONSE_GAP_ANCHOR },
  );
}
