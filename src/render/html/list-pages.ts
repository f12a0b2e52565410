import { attackSummary, type AttackCatalog } from '../../attack/attack-catalog.ts';
import { compareText } from '../../model/compare-text.ts';
import type { DetectionRule } from '../../model/detection-rule.ts';
import { describeLogSource } from '../../link/match-data-needed.ts';
import { code, count, levelBadge, link, list, pageHeader, ruleList, section, techniqueLabel } from './components.ts';
import { html, type SafeHtml } from './escape-html.ts';
import { COVERAGE_DEFINITION, type AttackCoverage, type TechniqueCoverage } from '../../link/attack-coverage.ts';
import type { SiteContext, SitePage } from './site-context.ts';
import { CONVERSIONS_PATH } from './conversion-pages.ts';
import { summarizeConversions } from '../../convert/convert-knowledge-base.ts';
import { SIGMA_STATUSES } from '../../sigma/rule-metadata.ts';
import { LEVEL_ORDER } from '../../present/rule-list-index.ts';
import { searchKinds } from './search-records.ts';
import { techniquesWithoutPlaybook } from '../../present/response-view.ts';
import { RESPONSE_GAP_ANCHOR, responseGapSection } from './response-pages.ts';

const STATUS_ORDER: readonly string[] = SIGMA_STATUSES;

export function renderDataNeededList(context: SiteContext): SitePage {
  const { kb, urls } = context;
  const rows = kb.dataNeeded.map((entry) => {
    const policies = kb.loggingPoliciesByDataNeeded.get(entry) ?? [];
    return html`<tr><td>${link(urls.dataNeeded(entry), entry.title)}</td><td>${entry.platform ?? ''}</td><td>${entry.channel ?? ''}</td><td class="num">${entry.eventId === undefined ? '' : String(entry.eventId)}</td><td class="num">${(kb.rulesByDataNeeded.get(entry) ?? []).length}</td><td>${policies.length > 0 ? policies.map((policy, index) => html`${index > 0 ? ', ' : ''}${link(urls.loggingPolicy(policy), policy.title)}`) : html`<span class="badge gap">none</span>`}</td></tr>`;
  });
  const body = html`${pageHeader('Log sources', 'Data Needed')}
<p>The log sources rules need: which events, which fields, how to switch them on.</p>
<div class="table-wrap"><table class="grid"><thead><tr><th scope="col">Data Needed</th><th scope="col">Platform</th><th scope="col">Channel</th><th scope="col">Event ID</th><th scope="col">Rules</th><th scope="col">Logging Policy</th></tr></thead><tbody>${rows}</tbody></table></div>`;
  return { url: '/data-needed/', title: 'Data Needed', section: 'data-needed', body, searchable: false };
}

export function renderLoggingPolicyList(context: SiteContext): SitePage {
  const { kb, urls } = context;
  const rows = kb.loggingPolicies.map(
    (policy) =>
      html`<tr><td>${link(urls.loggingPolicy(policy), policy.title)}</td><td>${policy.eventIds.join(', ')}</td><td>${policy.default ?? ''}</td><td>${policy.volume ?? ''}</td><td class="num">${(kb.dataNeededByLoggingPolicy.get(policy) ?? []).length}</td></tr>`,
  );
  const body = html`${pageHeader('Log sources', 'Logging Policies')}
<div class="table-wrap"><table class="grid"><thead><tr><th scope="col">Logging Policy</th><th scope="col">Event IDs</th><th scope="col">Default</th><th scope="col">Volume</th><th scope="col">Data Needed</th></tr></thead><tbody>${rows}</tbody></table></div>`;
  return { url: '/logging-policies/', title: 'Logging Policies', section: 'logging-policies', body, searchable: false };
}

export function renderEnrichmentList(context: SiteContext): SitePage {
  const { kb, urls } = context;
  const rows = kb.enrichments.map(
    (enrichment) => html`<tr><td>${link(urls.enrichment(enrichment), enrichment.title)}</td><td>${enrichment.description}</td><td class="num">${(kb.rulesByEnrichment.get(enrichment) ?? []).length}</td></tr>`,
  );
  const body = html`${pageHeader('Log sources', 'Enrichments')}
<div class="table-wrap"><table class="grid"><thead><tr><th scope="col">Enrichment</th><th scope="col">Description</th><th scope="col">Rules</th></tr></thead><tbody>${rows}</tbody></table></div>`;
  return { url: '/enrichments/', title: 'Enrichments', section: 'enrichments', body, searchable: false };
}

export function renderTriggerList(context: SiteContext): SitePage {
  const { kb, urls } = context;
  const rows = kb.triggers.map((trigger) => {
    const coverage = kb.coverage.technique(trigger.techniqueId);
    return html`<tr><td>${link(urls.trigger(trigger), `${trigger.techniqueId}: ${trigger.displayName}`)}</td><td class="num">${trigger.tests.length}</td><td class="num">${coverage.rolledUpRules.length}</td><td>${coverage.gap ? html`<span class="badge gap">gap</span>` : ''}</td></tr>`;
  });
  const body = html`${pageHeader('Atomic Red Team', 'Triggers')}
<p>Atomic Red Team tests that make a technique happen, so you can check that its rules fire.</p>
<div class="table-wrap"><table class="grid"><thead><tr><th scope="col">Technique</th><th scope="col">Atomic tests</th><th scope="col">Rules (with sub-techniques)</th><th scope="col">Gap</th></tr></thead><tbody>${rows}</tbody></table></div>`;
  return { url: '/triggers/', title: 'Triggers', section: 'triggers', body, searchable: false };
}

/** Where the knowledge base is thin: tests without rules, rules without log-source docs, log sources without a policy. */
export function renderGapsPage(coverage: AttackCoverage, context: SiteContext): SitePage {
  const { kb, urls } = context;
  const untested = coverage.gaps();
  const untestedSubs = coverage.subTechniqueGaps();
  const unmatched = kb.rules.filter((rule) => rule.logsources.length > 0 && kb.ruleLinks.get(rule)!.dataNeeded.length === 0);
  const byLogSource = new Map<string, DetectionRule[]>();
  for (const rule of unmatched) {
    const key = describeLogSource(rule.logsources[0]!);
    byLogSource.set(key, [...(byLogSource.get(key) ?? []), rule]);
  }
  const groups = [...byLogSource].sort((a, b) => b[1].length - a[1].length || compareText(a[0], b[0]));
  const withoutPolicy = kb.dataNeeded.filter((entry) => (kb.loggingPoliciesByDataNeeded.get(entry) ?? []).length === 0);
  const body = html`${pageHeader('Gaps', 'Coverage gaps')}
<nav class="toc" aria-label="On this page"><ul><li><a href="#techniques-without-rules">Techniques with triggers but no rule (${untested.length}, and ${count(untestedSubs.length, 'sub-technique')} of covered techniques)</a></li><li><a href="#rules-without-data-needed">Rules whose log source matches no Data Needed (${unmatched.length})</a></li><li><a href="#data-needed-without-logging-policy">Data Needed without a Logging Policy (${withoutPolicy.length})</a></li>${kb.response.playbooks.length > 0 ? html`<li><a href="#${RESPONSE_GAP_ANCHOR}">Techniques with rules but no playbook (${techniquesWithoutPlaybook(kb).length})</a></li>` : ''}</ul></nav>
${section(
  'Techniques with triggers but no rule',
  html`<p class="definition">${COVERAGE_DEFINITION} The home page, the matrix, the tactic and technique pages, <code>layers/all.json</code>, <code>techniques.csv</code> and <code>api/techniques.json</code> count the same way.</p>
<p>Atomic Red Team can make these techniques happen, but no rule is tagged with them or their sub-techniques: write one, or tag an existing rule.</p>${list(
    untested.map((entry) => gapItem(entry, context)),
    'None: every technique with a trigger has a rule on it or a sub-technique.',
  )}
<h3 id="sub-techniques-without-rules">Sub-techniques with triggers but no rule (their technique has rules)</h3>
<p>Rules on a sibling sub-technique cover the technique, not these: the tests of these sub-techniques would likely go unnoticed.</p>${list(
    untestedSubs.map((entry) => gapItem(entry, context)),
    'None.',
  )}`,
  { id: 'techniques-without-rules' },
)}
${section(
  'Rules whose log source matches no Data Needed',
  html`<p>Nobody has documented which events these rules read. Grouped by log source, most common first.</p>${
    groups.length === 0
      ? html`<p class="empty">None.</p>`
      : groups.map(([source, rules]) => html`<details class="group"><summary>${code(source)} <span class="muted">${count(rules.length, 'rule')}</span></summary>${ruleList(rules, context, '')}</details>`)
  }`,
  { id: 'rules-without-data-needed' },
)}
${section(
  'Data Needed without a Logging Policy',
  html`<p>These log sources are described, but not how to switch them on.</p>${list(
    withoutPolicy.map((entry) => html`${link(urls.dataNeeded(entry), entry.title)} <span class="muted">(${count((kb.rulesByDataNeeded.get(entry) ?? []).length, 'rule')})</span>`),
    'None: every Data Needed entry has a Logging Policy.',
  )}`,
  { id: 'data-needed-without-logging-policy' },
)}
${responseGapSection(context)}
<p class="muted">See also ${link(urls.href('/matrix/'), 'the ATT&CK matrix')}, where techniques with tests but no rule are marked ⚠ (${count(coverage.counts.gaps, 'technique')}).</p>`;
  return { url: '/gaps/', title: 'Coverage gaps', section: 'gaps', body, searchable: false };
}

/** Which ATT&CK data the numbers use, and what the overlay and the content's own tags added to it. */
function attackDataSentence(attack: AttackCatalog): SafeHtml {
  const { provisional, overlay } = attackSummary(attack);
  const parts = [
    overlay.tactics + overlay.techniques > 0 ? `${count(overlay.tactics, 'tactic')} and ${count(overlay.techniques, 'technique')} from the ATT&CK overlay` : '',
    provisional.tactics + provisional.techniques > 0 ? `${count(provisional.tactics, 'provisional tactic')} and ${count(provisional.techniques, 'provisional technique')} made from tags it does not know (marked “provisional”)` : '',
  ].filter((part) => part !== '');
  return html`Techniques are those of ATT&amp;CK ${attack.version} bundled with this build${parts.length > 0 ? `, plus ${parts.join(', and ')}` : ''}.`;
}

function gapItem(entry: TechniqueCoverage, context: SiteContext): SafeHtml {
  const { urls } = context;
  return html`${techniqueLabel(entry.technique.id, context)} <span class="muted">(${count(entry.rolledUpTests, 'atomic test')})</span>${entry.trigger ? html` · ${link(urls.trigger(entry.trigger), 'tests')}` : ''}`;
}

/** Rules sorted by a date key, newest first; undated rules are left out. */
function newest(rules: readonly DetectionRule[], key: 'date' | 'modified', limit: number): DetectionRule[] {
  const normalised = (value: string | undefined): string => (value ?? '').replace(/\//g, '-');
  return rules
    .filter((rule) => rule[key])
    .sort((a, b) => compareText(normalised(b[key]), normalised(a[key])) || compareText(a.relativePath, b.relativePath))
    .slice(0, limit);
}

export function renderHomePage(coverage: AttackCoverage, context: SiteContext): SitePage {
  const { kb, urls } = context;
  const tests = kb.triggers.reduce((total, trigger) => total + trigger.tests.length, 0);
  const withDataNeeded = kb.rules.filter((rule) => kb.ruleLinks.get(rule)!.dataNeeded.length > 0).length;
  const { counts } = coverage;
  const stat = (value: number, label: string, href: string): SafeHtml => html`<li><a href="${href}"><span class="stat-value">${value.toLocaleString('en-US')}</span> <span class="stat-label">${label}</span></a></li>`;
  const tacticRows = kb.attack.tactics.map((tactic) => {
    const { techniques, covered, rules } = coverage.tactic(tactic);
    const percent = techniques === 0 ? 0 : Math.round((covered / techniques) * 100);
    return html`<tr><th scope="row">${link(urls.tactic(tactic.id), tactic.name)}</th><td class="num">${covered}/${techniques}</td><td class="bar-cell"><span class="bar" style="width:${String(percent)}%"></span><span class="visually-hidden">${percent}%</span></td><td class="num">${rules}</td></tr>`;
  });
  const dated = (rules: DetectionRule[], key: 'date' | 'modified'): SafeHtml =>
    list(rules.map((rule) => html`<span class="date">${rule[key]!}</span> ${link(urls.rule(rule), rule.title)} ${levelBadge(rule.level)}`), 'No dated rules', 'plain-list dated');
  const body = html`<div class="home">
<header class="page-head hero"><h1>${context.siteTitle}</h1><p>Sigma detection rules linked to the log sources they need, the logging policies that switch those on, and the Atomic Red Team tests that make them fire, mapped to ATT&amp;CK ${kb.attack.version}.</p>
<form class="search-form big" action="${urls.href('/search/')}" method="get" role="search" aria-label="Search the knowledge base"><label for="home-search" class="visually-hidden">Search the knowledge base</label><input id="home-search" name="q" type="search" placeholder="Search rules, log sources, tests, techniques…" autocomplete="off"><button type="submit">Search</button></form></header>
<section class="block" aria-labelledby="holds"><h2 id="holds">What it holds</h2><ul class="stats">
${stat(kb.rules.length, 'detection rules', urls.href('/rules/'))}
${stat(kb.dataNeeded.length, 'Data Needed', urls.href('/data-needed/'))}
${stat(kb.loggingPolicies.length, 'Logging Policies', urls.href('/logging-policies/'))}
${stat(kb.enrichments.length, 'Enrichments', urls.href('/enrichments/'))}
${stat(kb.triggers.length, 'triggers', urls.href('/triggers/'))}
${stat(tests, 'atomic tests', urls.href('/triggers/'))}
</ul></section>
<section class="block" aria-labelledby="coverage"><h2 id="coverage">Coverage at a glance</h2>
<p><strong>${counts.covered}</strong> of ${counts.techniques} ATT&amp;CK techniques have at least one rule on them or their sub-techniques (${link(urls.href('/matrix/'), 'matrix')}); <strong>${counts.gaps}</strong> have Atomic tests but no rule on them or their sub-techniques, and ${count(counts.subTechniqueGaps, 'sub-technique')} of covered techniques have tests but no rule of their own (${link(urls.href('/gaps/#techniques-without-rules'), 'gaps')}). ${attackDataSentence(kb.attack)} <strong>${withDataNeeded}</strong> of ${kb.rules.length} rules have their log source documented as Data Needed (${link(urls.href('/gaps/#rules-without-data-needed'), 'the others')}).</p>
<div class="table-wrap"><table class="grid coverage"><caption class="visually-hidden">Techniques with at least one rule, per tactic</caption><thead><tr><th scope="col">Tactic</th><th scope="col">Techniques with rules</th><th scope="col">Coverage</th><th scope="col">Rules</th></tr></thead><tbody>${tacticRows}</tbody></table></div></section>
<div class="columns-2">
<section class="block" aria-labelledby="newest"><h2 id="newest">Newest rules</h2>${dated(newest(kb.rules, 'date', 10), 'date')}</section>
<section class="block" aria-labelledby="recently-modified"><h2 id="recently-modified">Recently modified</h2>${dated(newest(kb.rules, 'modified', 10), 'modified')}</section>
</div>
${conversionSection(context)}
<p class="muted">${link(urls.href('/techniques/'), 'All techniques')} · ${link(urls.href(CONVERSIONS_PATH), 'Conversion matrix')} · ${link(urls.href('/downloads/'), 'Downloads (Navigator layers, JSON, CSV, feed)')} · ${link(urls.href('/markdown/README.md'), 'Markdown edition')}</p>
</div>`;
  return { url: '/', title: context.siteTitle, section: 'home', description: `${kb.rules.length} detection rules mapped to ATT&CK with their log sources and tests`, body, searchable: false };
}

/** The home page's line on query conversion: how many rule × target conversions succeed, per target. */
function conversionSection(context: SiteContext): SafeHtml {
  const summary = summarizeConversions(context.queries);
  if (summary.length === 0) return html``;
  const converted = summary.reduce((total, entry) => total + entry.converted, 0);
  const all = summary.reduce((total, entry) => total + entry.converted + entry.unsupported.feature + entry.unsupported.field + entry.unsupported.logsource, 0);
  return html`<section class="block" aria-labelledby="query-conversion"><h2 id="query-conversion">Query conversion</h2>
<p><strong>${converted.toLocaleString('en-US')}</strong> of ${all.toLocaleString('en-US')} rule × target conversions succeed (${count(summary.length, 'query target')}). The ${link(context.urls.href(CONVERSIONS_PATH), 'conversion matrix')} shows which rules each target cannot express, and why.</p>
<ul class="plain-list target-summary">${summary.map((entry, index) => {
    const key = context.targets[index]?.key ?? entry.section.target;
    const failed = entry.unsupported.feature + entry.unsupported.field + entry.unsupported.logsource;
    return html`<li>${entry.title}: ${entry.converted.toLocaleString('en-US')} converted${failed > 0 ? html`, ${link(context.urls.href(`${CONVERSIONS_PATH}?target=${encodeURIComponent(key)}&status=unsupported`), `${failed.toLocaleString('en-US')} not`)}` : ''}</li>`;
  })}</ul></section>`;
}

export function renderSearchPage(context: SiteContext): SitePage {
  const { kb } = context;
  const options = (values: readonly string[]): SafeHtml => html`<option value="">any</option>${values.map((value) => html`<option value="${value}">${value}</option>`)}`;
  const levels = [...new Set(kb.rules.flatMap((rule) => rule.level ?? []))].sort((a, b) => LEVEL_ORDER.indexOf(a) - LEVEL_ORDER.indexOf(b));
  const statuses = [...new Set(kb.rules.flatMap((rule) => rule.status ?? []))].sort((a, b) => STATUS_ORDER.indexOf(a) - STATUS_ORDER.indexOf(b));
  const body = html`${pageHeader('Search', 'Search the knowledge base')}
<form class="search-form facets" id="search-form" action="" method="get" role="search" aria-label="Search">
<div class="facet facet-text wide"><label for="search-q">Words</label><input id="search-q" name="q" type="search" autocomplete="off" placeholder="e.g. lsass, 4688, mimikatz, T1003"></div>
<div class="facet"><label for="search-type">Type</label><select id="search-type" name="type">${options(searchKinds(context))}</select></div>
<div class="facet"><label for="search-level">Level</label><select id="search-level" name="level">${options(levels)}</select></div>
<div class="facet"><label for="search-status">Status</label><select id="search-status" name="status">${options(statuses)}</select></div>
<div class="facet"><label for="search-tactic">Tactic</label><select id="search-tactic" name="tactic">${options(kb.attack.tactics.map((tactic) => tactic.name))}</select></div>
<div class="facet-actions"><button type="submit">Search</button></div>
</form>
<p id="search-status-line" aria-live="polite"><noscript>Search runs in your browser and needs JavaScript. Without it, browse ${link(context.urls.href('/rules/'), 'the rule list')} or ${link(context.urls.href('/matrix/'), 'the matrix')}.</noscript></p>
<ol id="search-results" class="search-results"></ol>`;
  return { url: '/search/', title: 'Search', section: 'search', body, searchable: false, scripts: ['search.js'] };
}

