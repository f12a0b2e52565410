import type { EnableStep, ProfileCoverage, RuleInProfile } from '../../link/profile-coverage-model.ts';
import type { UseCase } from '../../model/coverage-profile.ts';
import type { DetectionRule } from '../../model/detection-rule.ts';
import type { DataNeeded, LoggingPolicy } from '../../model/entities.ts';
import { partialRulesShown, percent, profileAttackCoverage, shortfallView, tacticCoverageRows, type ProfileSite } from '../../present/profile-view.ts';
import { RUNNABLE_VALUES } from '../../present/rule-list-index.ts';
import { matrixGrid } from './attack-pages.ts';
import { code, codeList, count, keyValueTable, link, list, pageHeader, prose, ruleItem, section, tacticLink, techniqueLabel } from './components.ts';
import { html, join, type SafeHtml } from './escape-html.ts';
import type { SiteContext, SitePage } from './site-context.ts';
import { PROFILE_LIST_PATH, USE_CASE_LIST_PATH } from '../../present/site-urls.ts';

function entityLink(entity: DataNeeded | LoggingPolicy | DetectionRule, context: SiteContext): SafeHtml {
  const { urls } = context;
  return entity.kind === 'rule' ? link(urls.rule(entity), entity.title) : entity.kind === 'data-needed' ? link(urls.dataNeeded(entity), entity.title) : link(urls.loggingPolicy(entity), entity.title);
}

/** The rule list filtered to a profile's rules of one status. */
function ruleListLink(profile: ProfileCoverage, status: keyof typeof RUNNABLE_VALUES, value: number, context: SiteContext): SafeHtml {
  return link(context.urls.ruleList({ profile: profile.key, runnable: RUNNABLE_VALUES[status].value }), count(value, 'rule'));
}

/** What a partial rule lacks, one line per shortfall. */
function shortfallList(entry: RuleInProfile, context: SiteContext): SafeHtml {
  return list(
    entry.shortfalls.map((shortfall) => {
      const view = shortfallView(shortfall, entry.rule);
      return html`${view.where}${view.says}${view.entities.length > 0 ? html` ${join(view.entities.map((entity) => entityLink(entity, context)), ', ')}` : ''}${
        view.fields.length > 0 ? html`: ${codeList(view.fields, '')}` : ''
      }${view.detail ? html` <span class="muted">(${view.detail})</span>` : ''}`;
    }),
    '',
    'plain-list compact',
    'shortfall',
  );
}

/**
 * The cumulative runnable rules after each "enable next" step, as a small line chart: inline SVG, numbers
 * only (no name from the profile reaches it), described by its <title> for screen readers; the table
 * beside it holds the same numbers.
 */
export function enableNextChart(start: number, steps: readonly EnableStep[]): SafeHtml {
  const width = 320;
  const height = 120;
  const pad = 24;
  const values = [start, ...steps.map((step) => step.runnableAfter)];
  const top = Math.max(1, ...values);
  const x = (index: number) => pad + (values.length === 1 ? 0 : (index * (width - 2 * pad)) / (values.length - 1));
  const y = (value: number) => height - pad - (value * (height - 2 * pad)) / top;
  const points = values.map((value, index) => `${x(index).toFixed(1)},${y(value).toFixed(1)}`).join(' ');
  const description = `Runnable rules now and after each step: ${values.join(', ')}`;
  return html`<svg class="enable-chart" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="img" aria-labelledby="enable-chart-title"><title id="enable-chart-title">${description}</title><line class="axis" x1="${pad}" y1="${height - pad}" x2="${width - pad}" y2="${height - pad}"></line><line class="axis" x1="${pad}" y1="${pad}" x2="${pad}" y2="${height - pad}"></line><text x="${pad - 4}" y="${pad + 4}" text-anchor="end">${top}</text><text x="${pad - 4}" y="${height - pad + 4}" text-anchor="end">0</text><text x="${width - pad}" y="${height - 6}" text-anchor="end">step ${values.length - 1}</text><polyline class="curve" points="${points}"></polyline>${values.map(
    (value, index) => html`<circle class="point" cx="${x(index).toFixed(1)}" cy="${y(value).toFixed(1)}" r="3"></circle>`,
  )}</svg>`;
}

function enableNextSection(profile: ProfileCoverage, context: SiteContext): SafeHtml {
  if (profile.enableNext.length === 0) return html`<p class="empty">Nothing to enable: no Data Needed entry or Logging Policy the profile lacks would make another rule runnable.</p>`;
  const rows = profile.enableNext.map(
    (step, index) =>
      html`<tr><td class="num">${index + 1}</td><td>${step.kind === 'logging_policy' ? 'Logging Policy' : 'Data Needed'}</td><td>${entityLink(step.entity, context)}</td><td class="num">+${step.newRunnableRules}</td><td class="num">+${step.newTechniques}</td><td class="num">${step.runnableAfter}</td><td class="num">${step.techniquesAfter}</td></tr>`,
  );
  return html`<p>Each step is the Data Needed entry or Logging Policy that, added to the profile and the steps before it, makes the most rules runnable (weighted by level) and covers the most new techniques.</p>
<div class="enable-next"><div class="table-wrap"><table class="grid"><caption class="visually-hidden">What to enable next, step by step</caption><thead><tr><th scope="col">Step</th><th scope="col">Kind</th><th scope="col">Name</th><th scope="col">New runnable rules</th><th scope="col">New techniques</th><th scope="col">Runnable rules after</th><th scope="col">Techniques after</th></tr></thead><tbody>${rows}</tbody></table></div>
<figure class="chart">${enableNextChart(profile.counts.runnable, profile.enableNext)}<figcaption class="muted">Runnable rules now (step 0) and after each step.</figcaption></figure></div>`;
}

export function renderProfilePage(profile: ProfileCoverage, site: ProfileSite, context: SiteContext): SitePage {
  const { kb, urls } = context;
  const { counts } = profile;
  const coverage = profileAttackCoverage(profile, kb);
  const title = profile.profile.title;
  const partial = partialRulesShown(profile);
  const rows: Array<[string, SafeHtml | string]> = [
    ['Runnable rules', ruleListLink(profile, 'runnable', counts.runnable, context)],
    ['Partly runnable rules', ruleListLink(profile, 'partial', counts.partial, context)],
    ['Not runnable rules', ruleListLink(profile, 'not-runnable', counts.notRunnable, context)],
    ['Share of the knowledge base', `${percent(profile.share)} of ${count(kb.rules.length, 'rule')} runnable`],
    ['Techniques covered', `${profile.techniques.length} (the knowledge base has rules for ${kb.coverage.counts.covered})`],
    ['Tactics covered', `${profile.tactics.length} of ${kb.attack.tactics.length}`],
    ...(profile.profile.queries ? [['Query target', code(profile.profile.queries.spec)] as [string, SafeHtml]] : []),
    ['Data Needed', list(profile.available.map((entry) => entityLink(entry, context)), 'None', 'plain-list', 'entry')],
    ['Logging Policies', list(profile.loggingPolicies.map((policy) => entityLink(policy, context)), 'None', 'plain-list', 'policy')],
    ['Use cases', list(profile.useCases.map((useCase) => link(urls.useCase(site.useCaseName(useCase)), useCase.name)), 'None')],
    ['Source', html`${code(profile.profile.relativePath)}${profile.profile.format === 'customer' ? ' (the older tool’s customer file)' : ''}`],
  ];
  const tacticRows = tacticCoverageRows(coverage, kb).map(
    (row) => html`<tr><th scope="row">${tacticLink(row.tactic, context, row.tactic.name)}</th><td class="num">${row.covered} / ${row.withRules}</td></tr>`,
  );
  const body = html`<article class="entity profile">
${pageHeader('Coverage profile', title, html`<p class="badges"><span class="badge tag">${count(counts.runnable, 'runnable rule')}</span> <span class="badge tag">${percent(profile.share)} of the knowledge base</span></p>`)}
${prose(profile.profile.description)}
<nav class="toc" aria-label="On this page"><ul><li><a href="#summary">Summary</a></li><li><a href="#coverage-per-tactic">Coverage per tactic</a></li><li><a href="#att-ck-matrix">ATT&amp;CK matrix</a></li><li><a href="#enable-next">Enable next</a></li><li><a href="#partly-runnable-rules">Partly runnable rules</a></li><li><a href="#gaps">Gaps</a></li></ul></nav>
${section('Summary', keyValueTable(rows, `Summary of ${title}`))}
${section('Coverage per tactic', html`<div class="table-wrap"><table class="grid"><caption class="visually-hidden">Techniques covered by runnable rules, of the techniques with rules, per tactic</caption><thead><tr><th scope="col">Tactic</th><th scope="col">Techniques covered / with rules</th></tr></thead><tbody>${tacticRows}</tbody></table></div>`)}
${section('ATT&CK matrix', html`<p>Each cell counts the profile’s runnable rules on the technique; ⚠ marks Atomic Red Team tests without one.</p>${matrixGrid(coverage, context, 3)}`)}
${section('Enable next', enableNextSection(profile, context))}
${section(
  'Partly runnable rules',
  html`${partial.total > partial.shown.length ? html`<p class="muted">The ${partial.shown.length} most severe of ${count(partial.total, 'rule')}; ${link(urls.ruleList({ profile: profile.key, runnable: RUNNABLE_VALUES.partial.value }), 'all of them in the rule list')}.</p>` : ''}${list(
    partial.shown.map((entry) => html`${ruleItem(entry.rule, context)}${shortfallList(entry, context)}`),
    'None',
    'rule-list',
    'rule',
  )}`,
)}
${section('Gaps', html`<p>Techniques with Atomic Red Team tests and no runnable rule in this profile.</p>${list(profile.gaps.map((technique) => techniqueLabel(technique.id, context)), 'None', 'plain-list', 'technique')}`)}
</article>`;
  return { url: urls.pathProfile(profile.key), title, section: 'profiles', description: `What the ${title} environment can detect, and which log to switch on next`, body, searchable: true };
}

/** `/profiles/`: the profiles side by side, one column each. */
export function renderProfileList(site: ProfileSite, context: SiteContext): SitePage {
  const { kb, urls } = context;
  const row = (label: string, cell: (profile: ProfileCoverage) => SafeHtml | string): SafeHtml =>
    html`<tr><th scope="row">${label}</th>${site.profiles.map((profile) => html`<td>${cell(profile)}</td>`)}</tr>`;
  const firstStep = (profile: ProfileCoverage): SafeHtml | string => {
    const step = profile.enableNext[0];
    return step ? html`${entityLink(step.entity, context)} <span class="muted">(+${count(step.newRunnableRules, 'rule')}, +${count(step.newTechniques, 'technique')})</span>` : html`<span class="empty">nothing</span>`;
  };
  const body = html`${pageHeader('Coverage', 'Coverage profiles')}
<p>What each environment can run: a rule is runnable when every document of it has an available Data Needed entry that supplies its fields (and it converts to the profile’s query target, when one is named); partly runnable when some do, or the log source is there without every field.${site.useCases.length > 0 ? html` See also ${link(urls.href(USE_CASE_LIST_PATH), 'the use cases')}.` : ''}</p>
<div class="table-wrap"><table class="grid profile-table"><caption class="visually-hidden">Coverage profiles side by side</caption><thead><tr><th scope="col">Profile</th>${site.profiles.map((profile) => html`<th scope="col">${link(urls.profile(profile.key), profile.profile.title)}</th>`)}</tr></thead><tbody>
${row('Runnable rules', (profile) => ruleListLink(profile, 'runnable', profile.counts.runnable, context))}
${row('Partly runnable', (profile) => ruleListLink(profile, 'partial', profile.counts.partial, context))}
${row('Not runnable', (profile) => ruleListLink(profile, 'not-runnable', profile.counts.notRunnable, context))}
${row('Techniques covered', (profile) => String(profile.techniques.length))}
${row('Tactics covered', (profile) => `${profile.tactics.length} of ${kb.attack.tactics.length}`)}
${row('Share of the knowledge base', (profile) => percent(profile.share))}
${row('Enable first', firstStep)}
</tbody></table></div>`;
  return { url: PROFILE_LIST_PATH, title: 'Coverage profiles', section: 'profiles', description: 'Coverage profiles side by side', body, searchable: false };
}

export function renderUseCasePage(useCase: UseCase, site: ProfileSite, context: SiteContext): SitePage {
  const { urls } = context;
  const members = site.useCaseMembers.get(useCase)!;
  const profileRows = site.profiles.map((profile) => {
    const runnable = members.rules.filter((rule) => profile.byRule.get(rule)?.status === 'runnable').length;
    const has = members.dataNeeded.filter((entry) => profile.available.includes(entry)).length;
    return html`<tr><th scope="row">${link(urls.profile(profile.key), profile.profile.title)}</th><td>${profile.useCases.includes(useCase) ? 'yes' : 'no'}</td><td class="num">${runnable} / ${members.rules.length}</td><td class="num">${has} / ${members.dataNeeded.length}</td></tr>`;
  });
  const rows: Array<[string, SafeHtml | string]> = [
    ['Title', useCase.title],
    ['Description', prose(useCase.description, 'No description')],
    ['Data Needed', list(members.dataNeeded.map((entry) => entityLink(entry, context)), 'None', 'plain-list', 'entry')],
    ['Logging Policies', list(members.loggingPolicies.map((policy) => entityLink(policy, context)), 'None', 'plain-list', 'policy')],
    ['Detection rules', list(members.rules.map((rule) => ruleItem(rule, context)), 'None', 'rule-list', 'rule')],
    ['Source', code(useCase.relativePath)],
  ];
  const body = html`<article class="entity use-case">
${pageHeader('Use case', useCase.name)}
${section('Summary', keyValueTable(rows, `Summary of ${useCase.name}`))}
${site.profiles.length > 0 ? section('In the profiles', html`<div class="table-wrap"><table class="grid"><caption class="visually-hidden">The use case in each coverage profile</caption><thead><tr><th scope="col">Profile</th><th scope="col">Lists it</th><th scope="col">Runnable rules</th><th scope="col">Data Needed it has</th></tr></thead><tbody>${profileRows}</tbody></table></div>`) : ''}
</article>`;
  return { url: urls.pathUseCase(site.useCaseName(useCase)), title: useCase.name, section: 'profiles', description: `The use case ${useCase.name}: its rules and log sources`, body, searchable: true };
}

export function renderUseCaseList(site: ProfileSite, context: SiteContext): SitePage {
  const { urls } = context;
  const rows = site.useCases.map((useCase) => {
    const members = site.useCaseMembers.get(useCase)!;
    return html`<tr><td>${link(urls.useCase(site.useCaseName(useCase)), useCase.name)}</td><td class="num">${members.rules.length}</td><td class="num">${members.dataNeeded.length}</td><td>${join(
      site.profiles.filter((profile) => profile.useCases.includes(useCase)).map((profile) => link(urls.profile(profile.key), profile.profile.title)),
      ', ',
    )}</td></tr>`;
  });
  const body = html`${pageHeader('Coverage', 'Use cases')}
<p>Named sets of rules and log sources, and the profiles that list them.</p>
<div class="table-wrap"><table class="grid"><thead><tr><th scope="col">Use case</th><th scope="col">Rules</th><th scope="col">Data Needed</th><th scope="col">Profiles</th></tr></thead><tbody>${rows}</tbody></table></div>`;
  return { url: USE_CASE_LIST_PATH, title: 'Use cases', section: 'profiles', body, searchable: false };
}
