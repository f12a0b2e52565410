import { attackObjectUrl, type AttackActor } from '../../attack/attack-catalog.ts';
import type { ActorCoverage, TechniqueCoverage } from '../../link/attack-coverage.ts';
import { compareText } from '../../model/compare-text.ts';
import { actorLayerFile, pageActors, type PageActor } from '../../present/attack-actors.ts';
import { matrixCell } from './attack-pages.ts';
import { actorLink, inlineList, renderAttackDescription } from './attack-knowledge.ts';
import { count, externalLink, keyValueTable, link, list, originBadge, pageHeader, ruleListPreview, section, techniqueLabel } from './components.ts';
import { html, type SafeHtml } from './escape-html.ts';
import type { SitePage, SiteContext } from './site-context.ts';

/**
 * Group and software pages (/groups/G0016/, /software/S0002/) and their lists: "can we detect APT29?"
 * answered with this knowledge base's coverage of each technique ATT&CK says the actor uses, read from
 * kb.coverage like every other view.
 */

const KIND_LABEL = { group: 'group', software: 'software' } as const;

/** "48 %"; empty without techniques, where a share means nothing. */
function sharePercent(covered: number, total: number): string {
  return total === 0 ? '' : `${Math.round((covered / total) * 100)} %`;
}

/** "31 of 64 techniques have a rule (48 %)". */
export function coverageShare(covered: number, total: number): string {
  if (total === 0) return 'ATT&CK lists no technique for it';
  return `${covered} of ${count(total, 'technique')} ${covered === 1 ? 'has' : 'have'} a rule (${sharePercent(covered, total)})`;
}

function coverageCell(entry: TechniqueCoverage): SafeHtml {
  if (entry.covered) return html`covered${entry.coveredBy === 'sub-techniques' ? ' (by sub-techniques)' : ''}`;
  return entry.gap ? html`<span class="badge gap">gap</span>` : html`<span class="muted">no rule</span>`;
}

/** The actor's techniques by tactic, coloured like the ATT&CK matrix: only the columns it has cells in. */
function actorMatrix(coverage: ActorCoverage, context: SiteContext): SafeHtml {
  const { kb } = context;
  const columns = kb.attack.tactics.flatMap((tactic) => {
    const cells = coverage.techniques.filter((entry) => {
      const technique = entry.technique;
      const tactics = technique.tactics.length > 0 || technique.parent === null ? technique.tactics : (kb.attack.technique(technique.parent)?.tactics ?? []);
      return tactics.includes(tactic.shortname);
    });
    if (cells.length === 0) return [];
    const id = `actor-matrix-${tactic.id}`;
    return [
      html`<section class="matrix-column" aria-labelledby="${id}"><h3 id="${id}">${link(context.urls.tactic(tactic.id), tactic.name)}</h3><ul>${cells.map(
        (entry) => html`<li>${matrixCell(entry.technique, kb.coverage, context, entry.technique.parent === null)}</li>`,
      )}</ul></section>`,
    ];
  });
  return columns.length === 0 ? html`` : html`<div class="matrix actor-matrix">${columns}</div>`;
}

function techniqueTable(coverage: ActorCoverage, context: SiteContext): SafeHtml {
  const rows = coverage.techniques.map((entry) => {
    const tests = entry.rolledUpTests;
    return html`<tr><th scope="row">${techniqueLabel(entry.technique.id, context)}</th><td class="num">${entry.rolledUpRules.length}</td><td class="num">${
      entry.trigger ? link(context.urls.trigger(entry.trigger), String(tests)) : tests
    }</td><td class="num">${entry.dataNeeded.length}</td><td>${coverageCell(entry)}</td></tr>`;
  });
  return html`<div class="table-wrap"><table class="grid"><caption class="visually-hidden">Techniques of ${coverage.actor.name} and their coverage</caption><thead><tr><th scope="col">Technique</th><th scope="col">Rules</th><th scope="col">Atomic tests</th><th scope="col">Data Needed</th><th scope="col">Coverage</th></tr></thead><tbody>${rows}</tbody></table></div>`;
}

export function renderActorPage(actor: PageActor, context: SiteContext): SitePage {
  const { kb, urls } = context;
  const coverage = kb.coverage.actor(actor);
  const title = `${actor.id}: ${actor.name}`;
  const label = KIND_LABEL[actor.kind as 'group' | 'software'];
  const rules = kb.rulesByActor.get(actor.id) ?? [];
  const description = actor.description === undefined || actor.description.trim() === '' ? undefined : renderAttackDescription(actor.description, actor.citations ?? [], actor.id, context);
  const rows: Array<[string, SafeHtml | string]> = [
    ['ID', actor.id],
    ['Name', actor.name],
  ];
  if (actor.aliases.length > 0) rows.push(['Also known as', actor.aliases.join(', ')]);
  if (actor.softwareType !== undefined) rows.push(['Type', actor.softwareType]);
  if ((actor.platforms ?? []).length > 0) rows.push(['Platforms', actor.platforms!.join(', ')]);
  rows.push(['Rules tagged with it', String(rules.length)]);
  rows.push(['ATT&CK', externalLink(attackObjectUrl(actor.kind, actor.id), html`${actor.name} on ATT&amp;CK`)]);
  rows.push(['Navigator layer', link(urls.href(`/${actorLayerFile(actor)}`), actorLayerFile(actor))]);
  const software = (actor.software ?? []).map((id) => kb.attack.actor(id)).filter((found): found is AttackActor => found !== undefined);
  const body = html`<article class="entity">
${pageHeader(`ATT&CK ${label}`, title, html`<p class="badges"><span class="badge tag">${coverageShare(coverage.covered, coverage.techniques.length)}</span>${coverage.gaps > 0 ? html` <span class="badge gap">${count(coverage.gaps, 'gap')}</span>` : ''}</p>`)}
${actor.origin ? html`<div class="banner provisional" role="note"><strong>Provisional:</strong> ${actor.origin.reason}. Only rule tags name this ${label}, so ATT&amp;CK’s name, description and techniques are missing here.</div>` : ''}
${section('Summary', keyValueTable(rows, `Summary of ${title}`))}
${description ? section('ATT&CK description', html`<div class="attack-description">${description.body}</div>${description.references.value === '' ? '' : html`<h3>References</h3>${description.references}`}`, { id: 'attack-description' }) : ''}
${section(
  'Coverage',
  coverage.techniques.length === 0
    ? html`<p class="empty">ATT&amp;CK ${kb.attack.version} lists no technique for this ${label}.</p>`
    : html`<p>${coverageShare(coverage.covered, coverage.techniques.length)}: the techniques and sub-techniques ATT&amp;CK says this ${label} uses, with the rules, Atomic Red Team tests and Data Needed of this knowledge base (a technique counts its sub-techniques’ rules and tests). Gaps have tests but no rule.</p>
${actorMatrix(coverage, context)}
${techniqueTable(coverage, context)}`,
)}
${section('Detection rules tagged with it', ruleListPreview(rules, { actor: actor.id }, context, `No rule is tagged with attack.${actor.id.toLowerCase()}`), { id: 'rules' })}
${actor.kind === 'group' && software.length > 0 ? section(`Software it uses (${software.length})`, inlineList(software.map((entry) => actorLink(entry, context)), ''), { id: 'software' }) : ''}
</article>`;
  return {
    url: context.urls.pathActor(actor),
    title,
    section: actor.kind === 'group' ? 'groups' : 'software',
    description: `Detection coverage of the techniques of the ATT&CK ${label} ${actor.name}`,
    body,
    searchable: true,
  };
}

/** Best covered first, then by name: the question is which actors this knowledge base sees. */
function byShareCovered(a: ActorCoverage, b: ActorCoverage): number {
  const share = (entry: ActorCoverage): number => (entry.techniques.length === 0 ? -1 : entry.covered / entry.techniques.length);
  return share(b) - share(a) || compareText(a.actor.name.toLowerCase(), b.actor.name.toLowerCase()) || compareText(a.actor.id, b.actor.id);
}

function renderActorList(kind: 'group' | 'software', context: SiteContext): SitePage {
  const { kb, urls } = context;
  const actors = kind === 'group' ? pageActors(kb).groups : pageActors(kb).software;
  const entries = actors.map((actor) => ({ ...kb.coverage.actor(actor), actor })).sort(byShareCovered);
  const rows = entries.map(({ actor, techniques, covered, gaps }) => {
    return html`<tr><th scope="row">${link(urls.actor(actor), `${actor.id}: ${actor.name}`)}${originBadge(actor.origin)}${
      actor.aliases.length > 0 ? html`<br><span class="muted">${actor.aliases.join(', ')}</span>` : ''
    }</th>${kind === 'software' ? html`<td>${actor.softwareType ?? ''}</td>` : ''}<td class="num">${techniques.length}</td><td class="num">${covered}</td><td class="num">${sharePercent(covered, techniques.length)}</td><td class="num">${gaps}</td><td class="num">${(kb.rulesByActor.get(actor.id) ?? []).length}</td></tr>`;
  });
  const plural = kind === 'group' ? 'Groups' : 'Software';
  const other = kind === 'group' ? link(urls.href('/software/'), 'Software') : link(urls.href('/groups/'), 'Groups');
  const body = html`${pageHeader('ATT&CK', plural)}
<p>The ${kind === 'group' ? 'groups' : 'software'} of ATT&amp;CK ${kb.attack.version}${actors.some((actor) => actor.origin) ? ', and those only rule tags name' : ''}, by the share of their techniques that have a rule here (a technique counts its sub-techniques’ rules), then by name. Each page has the techniques, a matrix and a Navigator layer. · ${other}</p>
${
  rows.length === 0
    ? html`<p class="empty">The ATT&amp;CK data of this build lists no ${kind === 'group' ? 'groups' : 'software'}, and no rule is tagged with one.</p>`
    : html`<div class="table-wrap"><table class="grid"><caption class="visually-hidden">${plural} by coverage</caption><thead><tr><th scope="col">${kind === 'group' ? 'Group' : 'Software'}</th>${
        kind === 'software' ? html`<th scope="col">Type</th>` : ''
      }<th scope="col">Techniques</th><th scope="col">With a rule</th><th scope="col">Share</th><th scope="col">Gaps</th><th scope="col">Rules tagged</th></tr></thead><tbody>${rows}</tbody></table></div>`
}`;
  return { url: kind === 'group' ? '/groups/' : '/software/', title: `ATT&CK ${plural.toLowerCase()}`, section: kind === 'group' ? 'groups' : 'software', description: `Detection coverage of each ATT&CK ${kind}`, body, searchable: false };
}

export function renderGroupList(context: SiteContext): SitePage {
  return renderActorList('group', context);
}

export function renderSoftwareList(context: SiteContext): SitePage {
  return renderActorList('software', context);
}

/** Rule pages: a rule's group and software tags, linked to their pages. */
export function actorTagList(actors: readonly AttackActor[], context: SiteContext): SafeHtml {
  return list(actors.map((actor) => html`${actorLink(actor, context)}${originBadge(actor.origin)}`), 'None');
}
