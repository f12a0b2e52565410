import { compareTechniqueIds, tacticUrl, type AttackTactic, type AttackTechnique } from '../../attack/attack-catalog.ts';
import type { DetectionRule } from '../../model/detection-rule.ts';
import type { TriggerTechnique } from '../../model/entities.ts';
import { atomicTestAnchor } from '../trigger-page.ts';
import { attackTechniqueLink, count, externalLink, heading, keyValueTable, link, list, pageHeader, ruleList, section, techniqueLabel } from './components.ts';
import { html, type SafeHtml } from './escape-html.ts';
import type { RedirectPage, SiteContext, SitePage } from './site-context.ts';
import type { AttackCoverage } from '../../link/attack-coverage.ts';
import { renderTechniqueKnowledge } from './attack-knowledge.ts';

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
  return html``;
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
    ['Tactics', list(tactics.map((tactic) => link(urls.tactic(tactic.id), `${tactic.id}: ${tactic.name}`)), 'None')],
    ['Platforms', (technique.platforms ?? []).join(', ') || 'not stated'],
    ['Rules', `${rolled} (including sub-techniques)`],
    ['ATT&CK', attackTechniqueLink(technique.id)],
  ];
  const subSections = subs.map(
    (sub) => html`<section class="sub-technique" id="${sub.id}" aria-labelledby="heading-${sub.id}">
${heading(3, `${sub.id}: ${sub.name}`, `heading-${sub.id}`, coverage.technique(sub.id).gap ? html` <span class="badge gap">gap</span>` : '')}
${techniqueFlags(sub, context)}
<p>${attackTechniqueLink(sub.id)}</p>
${renderTechniqueKnowledge(sub, context, 'compact')}
<div class="columns-2"><div><h4>Rules</h4>${ruleList(coverage.technique(sub.id).rules, context, 'No rule')}</div><div><h4>Triggers</h4>${triggerSummary(coverage.technique(sub.id).trigger, context)}<h4>Data Needed</h4>${dataNeededList(sub.id, context)}</div></div>
</section>`,
  );
  const body = html`<article class="entity">
${pageHeader('ATT&CK technique', title, html`<p class="badges"><span class="badge tag">${count(rolled, 'rule')}</span>${coverage.technique(technique.id).gap ? html` <span class="badge gap">gap: tests but no rule</span>` : ''}</p>`)}
${techniqueFlags(technique, context)}
${section('Summary', keyValueTable(rows, `Summary of ${title}`))}
${renderTechniqueKnowledge(technique, context, 'page')}
${section('Detection rules', ruleList(coverage.technique(technique.id).rules, context, subs.length > 0 ? 'No rule for the technique itself; see the sub-techniques' : 'No rule for this technique yet'))}
${section('Triggers', triggerSummary(coverage.technique(technique.id).trigger, context))}
${section('Data Needed', dataNeededList(technique.id, context))}
${subs.length > 0 ? section('Sub-techniques', subSections) : ''}
</article>`;
  return { url: urls.pathTechniquePage(technique.id), title, section: 'matrix', description: `Rules, tests and log sources for ATT&CK ${title}`, body, searchable: true };
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
  const covered = techniques.filter((technique) => coverage.technique(technique.id).rolledUpRules.length > 0).length;
  const rows = techniques.map((technique) => {
    const subs = coverage.subTechniques(technique.id);
    return html`<tr><th scope="row">${techniqueLabel(technique.id, context)}${subs.length > 0 ? html`<ul class="plain-list compact">${subs.map((sub) => html`<li>${techniqueLabel(sub.id, context)} <span class="muted">${coverage.technique(sub.id).rules.length}</span>${coverage.technique(sub.id).gap ? html` <span class="badge gap">gap</span>` : ''}</li>`)}</ul>` : ''}</th><td class="num">${coverage.technique(technique.id).rolledUpRules.length}</td><td>${(coverage.technique(technique.id).rolledUpTests > 0) ? 'yes' : ''}</td><td>${coverage.technique(technique.id).gap ? html`<span class="badge gap">gap</span>` : ''}</td></tr>`;
  });
  const body = html`<article class="entity">
${pageHeader('ATT&CK tactic', `${tactic.id}: ${tactic.name}`, html`<p class="badges"><span class="badge tag">${covered} of ${techniques.length} techniques have a rule</span></p>`)}
<p>${externalLink(tacticUrl(tactic.id), `${tactic.name} on ATT&CK`)} · ${link(urls.href(`/rules/?tactic=${encodeURIComponent(tactic.id)}`), `Filter the rule list by ${tactic.name}`)}</p>
${section('Techniques', html`<div class="table-wrap"><table class="grid"><thead><tr><th scope="col">Technique (sub-techniques with their rule counts)</th><th scope="col">Rules</th><th scope="col">Triggers</th><th scope="col">Gap</th></tr></thead><tbody>${rows}</tbody></table></div>`)}
${section('Detection rules', ruleList(rules, context, 'No rule is tagged with this tactic'))}
</article>`;
  return { url: urls.pathTactic(tactic.id), title: `${tactic.id}: ${tactic.name}`, section: 'matrix', description: `Coverage of the ATT&CK tactic ${tactic.name}`, body, searchable: true };
}

export function matrixCell(technique: AttackTechnique, coverage: AttackCoverage, context: SiteContext, rolledUp: boolean): SafeHtml {
  const rules = rolledUp ? coverage.technique(technique.id).rolledUpRules.length : coverage.technique(technique.id).rules.length;
  const gap = coverage.technique(technique.id).gap;
  const label = `${count(rules, 'rule')}${gap ? ', gap: Atomic tests but no rule' : ''}`;
  return html`<a class="cell heat-${heatLevel(rules)}${gap ? ' gap' : ''}" href="${context.urls.technique(technique.id)}" title="${`${technique.id}: ${technique.name} (${label})`}"><span class="cell-name"><span class="cell-id">${technique.id}</span> ${technique.name}</span><span class="cell-count" aria-label="${label}">${rules}${gap ? html`<span aria-hidden="true"> ⚠</span>` : ''}</span></a>`;
}

/** The ATT&CK matrix: tactics as columns, techniques as cells coloured by rule count, sub-techniques folded in. */
export function renderMatrixPage(coverage: AttackCoverage, context: SiteContext): SitePage {
  const { kb, urls } = context;
  const columns = kb.attack.tactics.map((tactic) => {
    const techniques = coverage.techniquesOfTactic(tactic);
    const covered = techniques.filter((technique) => coverage.technique(technique.id).rolledUpRules.length > 0).length;
    return html`<section class="matrix-column" aria-labelledby="matrix-${tactic.id}"><h2 id="matrix-${tactic.id}">${link(urls.tactic(tactic.id), tactic.name)} <span class="muted">${covered}/${techniques.length}</span></h2><ul>${techniques.map((technique) => {
      const subs = coverage.subTechniques(technique.id).filter((sub) => sub.tactics.length === 0 || sub.tactics.includes(tactic.shortname));
      return html`<li>${matrixCell(technique, coverage, context, true)}${
        subs.length > 0
          ? html`<details><summary>${count(subs.length, 'sub-technique')}</summary><ul>${subs.map((sub) => html`<li>${matrixCell(sub, coverage, context, false)}</li>`)}</ul></details>`
          : ''
      }</li>`;
    })}</ul></section>`;
  });
  const legend = [0, 1, 2, 3, 4, 5].map((level, index) => html`<li><span class="swatch heat-${level}"></span>${['no rule', '1 rule', '2–3', '4–9', '10–24', '25+'][index]}</li>`);
  const body = html`<div class="matrix-page">
${pageHeader('ATT&CK coverage', `ATT&CK matrix (Enterprise ${kb.attack.version})`)}
<p>Each cell is a technique; its colour and number give the rules tagged with it (for a technique: with it or one of its sub-techniques). A cell marked <span class="badge gap">⚠ gap</span> has Atomic Red Team tests but no rule. Every cell links to its technique page; open “sub-techniques” to see them.</p>
<ul class="legend" aria-label="Legend">${legend}<li><span class="swatch heat-0 gap"></span>gap</li></ul>
<div class="matrix">${columns}</div>
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
