import { type AttackOriginNote, type AttackTactic, type AttackTechnique } from '../../attack/attack-catalog.ts';
import { attackTacticUrl, tacticLabel } from '../../present/attack-labels.ts';
import type { TriggerTechnique } from '../../model/entities.ts';
import { attackTechniqueLink, count, externalLink, heading, keyValueTable, link, list, originBadge, pageHeader, ruleListPreview, section, tacticLink, techniqueLabel } from './components.ts';
import { html, SafeHtml } from './escape-html.ts';
import type { RedirectPage, SiteContext, SitePage } from './site-context.ts';
import type { AttackCoverage, TechniqueCoverage } from '../../link/attack-coverage.ts';
import { renderTechniqueKnowledge } from './attack-knowledge.ts';
import { playbooksForTechniquePage, responseLabel } from '../../present/response-view.ts';

/** Heat bucket of a rule count, for the matrix colours (0, 1, 2-3, 4-9, 10-24, 25+). */
export function heatLevel(rules: number): number {
  return rules === 0 ? 0 : rules === 1 ? 1 : rules < 4 ? 2 : rules < 10 ? 3 : rules < 25 ? 4 : 5;
}

function triggerSummary(trigger: TriggerTechnique | undefined, context: SiteContext): SafeHtml {
  if (!trigger) return html`<span class="empty">No Atomic Red Team test</span>`;
  return html`${link(context.urls.trigger(trigger), `${trigger.techniqueId}: ${count(trigger.tests.length, 'atomic test')}`)}<ol class="plain-list compact">${trigger.tests.map(
    (test, index) => html`<li>${link(context.urls.atomicTest(trigger, test, index), test.name)}</li>`,
  )}</ol>`;
}

function dataNeededList(id: string, context: SiteContext): SafeHtml {
  return list((context.kb.dataNeededByTechnique.get(id) ?? []).map((entry) => link(context.urls.dataNeeded(entry), entry.title)), 'None (no rule, or no matching entry)');
}

function techniqueFlags(technique: AttackTechnique, context: SiteContext): SafeHtml {
  if (technique.revoked) {
    const replacement = context.kb.attack.replacementOf(technique.id);
    return html`<div class="banner deprecated" role="note"><strong>Revoked in ATT&amp;CK ${context.kb.attack.version}.</strong> ${
      replacement ? html`Replaced by ${techniqueLabel(replacement.technique.id, context)}${replacement.basis === 'same-name' ? ' (the live technique of the same name)' : ''}.` : ''
    }</div>`;
  }
  if (technique.deprecated) return html`<div class="banner deprecated" role="note"><strong>Deprecated in ATT&amp;CK ${context.kb.attack.version}.</strong></div>`;
  return originBanner(technique.origin);
}

/** Says plainly that the ATT&CK data of this build does not have the entity, and why it is shown anyway. */
export function originBanner(origin: AttackOriginNote | undefined): SafeHtml {
  if (origin === undefined) return html``;
  return origin.origin === 'provisional'
    ? html`<div class="banner provisional" role="note"><strong>Provisional.</strong> ${capitalize(origin.reason)}. Its rules and tests are counted like any other; an overlay file (see the README) can give it its ATT&amp;CK id and name.</div>`
    : html`<div class="banner provisional" role="note"><strong>From the ATT&amp;CK overlay.</strong> ${capitalize(origin.reason)}.</div>`;
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** "Covered by 3 rules on the technique itself and 12 on its sub-techniques": which rules make it covered. */
function coverageSentence(entry: TechniqueCoverage): string {
  const own = entry.rules.length;
  const viaSubs = entry.rolledUpRules.length - own;
  switch (entry.coveredBy) {
    case 'itself':
      return `${count(own, 'rule')} on the technique itself`;
    case 'sub-techniques':
      return `${count(viaSubs, 'rule')} on its sub-techniques, none on the technique itself`;
    case 'both':
      return `${count(entry.rolledUpRules.length, 'rule')}: ${own} on the technique itself, ${viaSubs} more on its sub-techniques only`;
    default:
      return entry.rolledUpTests > 0 ? 'No rule: a gap (Atomic tests exist)' : 'No rule';
  }
}

export function renderTechniquePage(technique: AttackTechnique, coverage: AttackCoverage, context: SiteContext): SitePage {
  const { kb, urls } = context;
  const tactics = technique.tactics.map((shortname) => kb.attack.tactic(shortname)).filter((tactic) => tactic !== undefined);
  const subs = coverage.subTechniques(technique.id);
  const rolled = coverage.technique(technique.id).rolledUpRules.length;
  const title = `${technique.id}: ${technique.name}`;
  const rows: Array<[string, SafeHtml | string]> = [
    ['ID', technique.id],
    ['Name', technique.name],
    ['Tactics', list(tactics.map((tactic) => tacticLink(tactic, context)), 'None: no rule tagging it names a tactic')],
    ['Platforms', (technique.platforms ?? []).join(', ') || 'not stated'],
    ['Rules', coverageSentence(coverage.technique(technique.id))],
    ['ATT&CK', attackTechniqueLink(technique.id)],
  ];
  const subSections = subs.map(
    (sub) => html`<section class="sub-technique" id="${sub.id}" aria-labelledby="heading-${sub.id}">
${heading(3, `${sub.id}: ${sub.name}`, `heading-${sub.id}`, coverage.technique(sub.id).gap ? html` <span class="badge gap">gap</span>` : '')}
${techniqueFlags(sub, context)}
<p>${attackTechniqueLink(sub.id)}</p>
${renderTechniqueKnowledge(sub, context, 'compact')}
<div class="columns-2"><div><h4>Rules</h4>${ruleListPreview(coverage.technique(sub.id).rules, { technique: sub.id }, context, 'No rule')}</div><div><h4>Triggers</h4>${triggerSummary(coverage.technique(sub.id).trigger, context)}<h4>Data Needed</h4>${dataNeededList(sub.id, context)}</div></div>
</section>`,
  );
  const body = html`<article class="entity">
${pageHeader('ATT&CK technique', title, html`<p class="badges"><span class="badge tag">${count(rolled, 'rule')}</span>${coverage.technique(technique.id).gap ? html` <span class="badge gap">gap: tests but no rule</span>` : ''}</p>`)}
${techniqueFlags(technique, context)}
${section('Summary', keyValueTable(rows, `Summary of ${title}`))}
${renderTechniqueKnowledge(technique, context, 'page')}
${section('Detection rules', html`${subs.length > 0 ? html`<p class="muted">Rules on the technique or one of its sub-techniques.</p>` : ''}${ruleListPreview(coverage.technique(technique.id).rolledUpRules, { technique: technique.id }, context, 'No rule for this technique yet')}`)}
${section('Triggers', triggerSummary(coverage.technique(technique.id).trigger, context))}
${section('Data Needed', dataNeededList(technique.id, context))}
${responsePlaybookSection(technique, context)}
${subs.length > 0 ? section('Sub-techniques', subSections) : ''}
</article>`;
  return { url: urls.pathTechniquePage(technique.id), title, section: 'matrix', description: `Rules, tests and log sources for ATT&CK ${title}`, body, searchable: true };
}

/**
 * How to respond: the playbooks tagged with the technique or one of its sub-techniques. Absent from a
 * knowledge base without playbooks, where every technique page would say the same.
 */
function responsePlaybookSection(technique: AttackTechnique, context: SiteContext): SafeHtml {
  if (context.kb.response.playbooks.length === 0) return html``;
  const playbooks = playbooksForTechniquePage(context.kb, technique.id);
  return section(
    'Response playbooks',
    list(
      playbooks.map(({ playbook, techniques }) => html`${link(context.urls.responsePlaybook(playbook), responseLabel(playbook))} <span class="muted">(tagged ${techniques.join(', ')})</span>`),
      'No Response Playbook for this technique yet',
    ),
  );
}

/** /techniques/T1003.001/ leads to the section of its parent's page. */
export function subTechniqueRedirects(coverage: AttackCoverage, context: SiteContext): RedirectPage[] {
  return coverage.pageTechniques.flatMap((technique) =>
    coverage.subTechniques(technique.id).map((sub) => ({ url: `/techniques/${sub.id}/`, target: context.urls.technique(sub.id), title: `${sub.id}: ${sub.name}`, reason: 'Sub-techniques are shown on their technique’s page.' })),
  );
}

export function renderTacticPage(tactic: AttackTactic, coverage: AttackCoverage, context: SiteContext): SitePage {
  const { kb, urls } = context;
  const techniques = coverage.techniquesOfTactic(tactic);
  const rules = kb.rulesByTactic.get(tactic.id) ?? [];
  const counts = coverage.tactic(tactic);
  const title = tacticLabel(tactic);
  const attackUrl = attackTacticUrl(tactic);
  const rows = techniques.map((technique) => {
    const subs = coverage.subTechniques(technique.id);
    return html`<tr><th scope="row">${techniqueLabel(technique.id, context)}${subs.length > 0 ? html`<ul class="plain-list compact">${subs.map((sub) => html`<li>${techniqueLabel(sub.id, context)} <span class="muted">${coverage.technique(sub.id).rules.length}</span>${coverage.technique(sub.id).gap ? html` <span class="badge gap">gap</span>` : ''}</li>`)}</ul>` : ''}</th><td class="num">${coverage.technique(technique.id).rolledUpRules.length}</td><td>${(coverage.technique(technique.id).rolledUpTests > 0) ? 'yes' : ''}</td><td>${coverage.technique(technique.id).gap ? html`<span class="badge gap">gap</span>` : ''}</td></tr>`;
  });
  const body = html`<article class="entity">
${pageHeader('ATT&CK tactic', title, html`<p class="badges"><span class="badge tag">${counts.covered} of ${counts.techniques} techniques have a rule</span>${counts.gaps > 0 ? html` <span class="badge gap">${count(counts.gaps, 'gap')}</span>` : ''}${originBadge(tactic.origin)}</p>`)}
${originBanner(tactic.origin)}
<p>${attackUrl ? html`${externalLink(attackUrl, `${tactic.name} on ATT&CK`)} · ` : ''}${link(urls.ruleList({ tactic: tactic.id }), `Filter the rule list by ${tactic.name}`)}</p>
${section('Techniques', html`<div class="table-wrap"><table class="grid"><thead><tr><th scope="col">Technique (sub-techniques with their rule counts)</th><th scope="col">Rules</th><th scope="col">Triggers</th><th scope="col">Gap</th></tr></thead><tbody>${rows}</tbody></table></div>`)}
${section('Detection rules', ruleListPreview(rules, { tactic: tactic.id }, context, 'No rule is tagged with this tactic'))}
</article>`;
  return { url: urls.pathTactic(tactic.id), title, section: 'matrix', description: `Coverage of the ATT&CK tactic ${tactic.name}`, body, searchable: true };
}

export function matrixCell(technique: AttackTechnique, coverage: AttackCoverage, context: SiteContext, rolledUp: boolean): SafeHtml {
  const rules = rolledUp ? coverage.technique(technique.id).rolledUpRules.length : coverage.technique(technique.id).rules.length;
  const gap = coverage.technique(technique.id).gap;
  const label = `${count(rules, 'rule')}${gap ? ', gap: Atomic tests but no rule' : ''}`;
  return html`<a class="cell heat-${heatLevel(rules)}${gap ? ' gap' : ''}" href="${context.urls.technique(technique.id)}" title="${`${technique.id}: ${technique.name} (${label})`}"><span class="cell-name"><span class="cell-id">${technique.id}</span> ${technique.name}</span><span class="cell-count" aria-label="${label}">${rules}${gap ? html`<span aria-hidden="true"> ⚠</span>` : ''}</span></a>`;
}

/**
 * The ATT&CK matrix of a coverage (the knowledge base's, or a profile's runnable rules): tactics as columns,
 * techniques as cells coloured by rule count, sub-techniques folded in; with its legend. Its column headings
 * are h2 on the matrix page and h3 inside a section of another page.
 */
export function matrixGrid(coverage: AttackCoverage, context: SiteContext, headingLevel: 2 | 3 = 2): SafeHtml {
  const { kb } = context;
  const h = new SafeHtml(`h${headingLevel}`);
  const column = (id: string, heading: SafeHtml, techniques: readonly AttackTechnique[], covered: number, shortname: string | undefined): SafeHtml =>
    html`<section class="matrix-column" aria-labelledby="matrix-${id}"><${h} id="matrix-${id}">${heading} <span class="muted">${covered}/${techniques.length}</span></${h}><ul>${techniques.map((technique) => {
      const subs = coverage.subTechniques(technique.id).filter((sub) => shortname === undefined || sub.tactics.length === 0 || sub.tactics.includes(shortname));
      return html`<li>${matrixCell(technique, coverage, context, true)}${
        subs.length > 0
          ? html`<details><summary>${count(subs.length, 'sub-technique')}</summary><ul>${subs.map((sub) => html`<li>${matrixCell(sub, coverage, context, false)}</li>`)}</ul></details>`
          : ''
      }</li>`;
    })}</ul></section>`;
  const columns = kb.attack.tactics.map((tactic) => column(tactic.id, tacticLink(tactic, context, tactic.name), coverage.techniquesOfTactic(tactic), coverage.tactic(tactic).covered, tactic.shortname));
  // Provisional techniques no rule places under a tactic still belong on the matrix, or its gaps would not add up.
  const unplaced = coverage.unplacedTechniques();
  if (unplaced.length > 0) {
    columns.push(column('unplaced', html`No tactic`, unplaced, unplaced.filter((technique) => coverage.technique(technique.id).covered).length, undefined));
  }
  const legend = [0, 1, 2, 3, 4, 5].map((level, index) => html`<li><span class="swatch heat-${level}"></span>${['no rule', '1 rule', '2–3', '4–9', '10–24', '25+'][index]}</li>`);
  return html`<ul class="legend" aria-label="Legend">${legend}<li><span class="swatch heat-0 gap"></span>gap</li></ul>
<div class="matrix">${columns}</div>`;
}

/** The ATT&CK matrix page of the whole knowledge base. */
export function renderMatrixPage(coverage: AttackCoverage, context: SiteContext): SitePage {
  const { kb, urls } = context;
  const body = html`<div class="matrix-page">
${pageHeader('ATT&CK coverage', `ATT&CK matrix (Enterprise ${kb.attack.version})`)}
<p>Each cell is a technique; its colour and number give the rules tagged with it (for a technique: with it or one of its sub-techniques). A cell marked <span class="badge gap">⚠ gap</span> has Atomic Red Team tests but no rule. Every cell links to its technique page; open “sub-techniques” to see them. ${coverage.counts.covered} of ${coverage.counts.techniques} techniques have a rule; ${count(coverage.counts.gaps, 'technique')} and ${count(coverage.counts.subTechniqueGaps, 'sub-technique')} of covered techniques are gaps (${link(urls.href('/gaps/'), 'the list')}).</p>
${matrixGrid(coverage, context)}
</div>`;
  return { url: '/matrix/', title: 'ATT&CK matrix', section: 'matrix', description: 'Detection coverage of the ATT&CK Enterprise matrix', body, searchable: false };
}

export function renderTechniqueIndex(coverage: AttackCoverage, context: SiteContext): SitePage {
  const rows = coverage.pageTechniques.map(
    (technique) =>
      html`<tr><td>${techniqueLabel(technique.id, context)}${technique.revoked ? ' (revoked)' : technique.deprecated ? ' (deprecated)' : ''}</td><td class="num">${coverage.technique(technique.id).rolledUpRules.length}</td><td class="num">${coverage.subTechniques(technique.id).length}</td><td>${(coverage.technique(technique.id).rolledUpTests > 0) ? 'yes' : ''}</td><td>${coverage.technique(technique.id).gap ? html`<span class="badge gap">gap</span>` : ''}</td></tr>`,
  );
  const body = html`${pageHeader('ATT&CK', 'Techniques')}
<p>${link(context.urls.href('/matrix/'), 'The same as a matrix')} · ${context.kb.attack.tactics.map((tactic, index) => html`${index > 0 ? ' · ' : ''}${link(context.urls.tactic(tactic.id), tactic.name)}`)}</p>
<div class="table-wrap"><table class="grid sortable"><thead><tr><th scope="col">Technique</th><th scope="col">Rules</th><th scope="col">Sub-techniques</th><th scope="col">Triggers</th><th scope="col">Gap</th></tr></thead><tbody>${rows}</tbody></table></div>`;
  return { url: '/techniques/', title: 'ATT&CK techniques', section: 'matrix', body, searchable: false };
}
