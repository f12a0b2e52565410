import type { DataNeededMatch, DataNeededReason } from '../../link/match-data-needed.ts';
import type { DetectionRule } from '../../model/detection-rule.ts';
import {
  code,
  codeBlock,
  codeList,
  copyButton,
  externalLink,
  heading,
  keyValueTable,
  levelBadge,
  link,
  list,
  pageHeader,
  prose,
  reference,
  ruleItem,
  section,
  statusBadge,
  tacticLink,
  techniqueLabel,
  originBadge,
} from './components.ts';
import { actorTagList } from './actor-pages.ts';
import { html, type SafeHtml } from './escape-html.ts';
import { highlightYaml } from './highlight-yaml.ts';
import { queryCode } from './query-files.ts';
import type { SitePage, SiteContext } from './site-context.ts';
import { sectionAnchor } from './site-urls.ts';
import { conversionStatusLine, conversionSummary } from './conversion-pages.ts';
import { attackTacticUrl } from '../../present/attack-labels.ts';
import { pageActors } from '../../present/attack-actors.ts';

/** Relations whose naming rule takes over from the rule it names: the replacement of a deprecated rule. */
const REPLACING_RELATIONS = new Set(['obsolete', 'merged', 'renamed', 'derived']);

/**
 * A rule's page: the seed's table as HTML (every entity linked), why each Data Needed entry matched, the
 * Sigma rule highlighted, and one tab per configured query target (all readable without JavaScript).
 */
export function renderRulePage(rule: DetectionRule, context: SiteContext): SitePage {
  const { kb, urls } = context;
  const links = kb.ruleLinks.get(rule)!;
  const queries = context.queries.get(rule) ?? [];
  const tacticItems = links.tactics.map((tactic) => {
    const attackUrl = attackTacticUrl(tactic);
    return html`${tacticLink(tactic, context)}${attackUrl ? html` ${externalLink(attackUrl, 'ATT&CK')}` : ''}`;
  });
  const techniqueItems = links.techniques.map((technique) => {
    const flag = technique.revoked ? ' (revoked in ATT&CK)' : technique.deprecated ? ' (deprecated in ATT&CK)' : '';
    return html`${techniqueLabel(technique.id, context)}${flag} ${externalLink(kb.attack.techniqueUrl(technique.id), 'ATT&CK')}`;
  });
  const rows: Array<[string, SafeHtml | string]> = [
    ['Title', rule.title],
    ['Description', prose(rule.description, 'No description')],
    ['ATT&CK Tactic', list(tacticItems, 'Not mapped to an ATT&CK tactic')],
    ['ATT&CK Technique', list(techniqueItems, 'Not mapped to an ATT&CK technique')],
    ...(links.groups.length + links.software.length > 0 ? [['ATT&CK Group / Software', actorTagList([...links.groups, ...links.software], context)] as [string, SafeHtml]] : []),
    [
      'Data Needed',
      list(
        links.dataNeeded.map((match) => link(urls.dataNeeded(match.dataNeeded), match.dataNeeded.title)),
        'No Data Needed entry matches this rule',
      ),
    ],
  ];
  if (links.enrichments.length > 0) rows.push(['Enrichment', list(links.enrichments.map((enrichment) => link(urls.enrichment(enrichment), enrichment.title)), '')]);
  rows.push(
    [
      'Trigger',
      list(
        links.triggers.map(
          (trigger) =>
            html`${link(urls.trigger(trigger), `${trigger.techniqueId}: ${kb.attack.technique(trigger.techniqueId)?.name ?? trigger.displayName}`)} <span class="muted">(${trigger.tests.length} atomic ${trigger.tests.length === 1 ? 'test' : 'tests'})</span>`,
        ),
        'No Atomic Red Team test for these techniques yet',
      ),
    ],
    ['Severity Level', rule.level ? levelBadge(rule.level) : 'not set'],
    ['False Positives', list(rule.falsepositives.map((item) => html`${item}`), 'None documented')],
    ['Development Status', rule.status ? statusBadge(rule.status) : 'not set'],
    ['References', list(rule.references.map(reference), 'None documented', 'plain-list references')],
    ['Author', rule.author ?? 'unknown'],
  );
  if (rule.date || rule.modified) rows.push(['Dates', html`${rule.date ? html`created ${rule.date}` : ''}${rule.date && rule.modified ? ', ' : ''}${rule.modified ? html`modified ${rule.modified}` : ''}`]);
  rows.push(['Log Source', list(rule.logsources.map((logsource) => logSourceText(logsource)), 'None (correlation rule)')]);
  if (links.correlatedRules.length > 0) rows.push(['Correlates', list(links.correlatedRules.map((target) => ruleItem(target, context)), '')]);
  if (links.correlatedBy.length > 0) rows.push(['Correlated by', list(links.correlatedBy.map((source) => ruleItem(source, context)), '')]);
  if (links.related.length > 0) {
    rows.push(['Related Rules', list(links.related.map((entry) => html`${entry.type}: ${entry.rule ? link(urls.rule(entry.rule), entry.rule.title) : code(entry.id)}`), '')]);
  }
  if (links.relatedBy.length > 0) rows.push(['Referenced by', list(links.relatedBy.map((entry) => html`${entry.type}: ${link(urls.rule(entry.rule), entry.rule.title)}`), '')]);
  if (links.otherTags.length > 0) rows.push(['Other Tags', codeList(links.otherTags, '')]);
  rows.push(['Sigma ID', rule.id ? code(rule.id) : 'none']);

  const banner = deprecationBanner(rule, context);
  const querySections = renderQueryTabs(rule, context);
  const toc = [
    ['Summary', 'summary'],
    ['Why this Data Needed', 'why-this-data-needed'],
    ['Sigma rule', 'sigma-rule'],
    ...(queries.length > 0 ? [['Queries', 'queries'] as const] : []),
    ...queries.map((query) => [query.title, querySections.anchors.get(query.title)!] as const),
  ];
  const body = html`<article class="entity rule">
${pageHeader(rule.correlations.length > 0 ? 'Correlation rule' : 'Detection rule', rule.title, html`<p class="badges">${levelBadge(rule.level)} ${statusBadge(rule.status)} ${links.techniques.length > 0 ? html`<span class="badge tag">${links.techniques.map((technique) => technique.id).join(' · ')}</span>` : ''}</p>`)}
${banner}
<nav class="toc" aria-label="On this page"><ul>${toc.map(([title, id]) => html`<li><a href="#${id}">${title}</a></li>`)}</ul></nav>
${section('Summary', keyValueTable(rows, `Summary of ${rule.title}`))}
${section('Why this Data Needed', renderDataNeededReasons(links.dataNeeded, rule, context))}
${section('Sigma rule', html`<p class="muted">${code(rule.relativePath)}${rule.id ? html` · id ${code(rule.id)}` : ''}</p><div class="code-wrap">${copyButton('sigma-source', 'Copy the Sigma rule')}${codeBlock(rule.text, { id: 'sigma-source', language: 'yaml', highlighted: highlightYaml(rule.text.trimEnd()) })}</div>`)}
${querySections.html}
</article>`;
  return {
    url: urls.pathRule(rule),
    title: rule.title,
    section: 'rules',
    description: (rule.description ?? '').trim().split('\n')[0],
    body,
    searchable: true,
  };
}

function logSourceText(logsource: { product?: string; category?: string; service?: string; definition?: string }): SafeHtml {
  const parts = (['product', 'category', 'service'] as const).filter((key) => logsource[key]).map((key) => html`${key}: ${code(logsource[key]!)}`);
  return html`${parts.length > 0 ? parts.map((part, index) => html`${index > 0 ? ', ' : ''}${part}`) : 'none'}${logsource.definition ? html` <span class="muted">(${logsource.definition})</span>` : ''}`;
}

/** A banner on deprecated rules, linking to the rules that replace them (their `related` names this one). */
function deprecationBanner(rule: DetectionRule, context: SiteContext): SafeHtml {
  if (rule.status !== 'deprecated') return html``;
  const links = context.kb.ruleLinks.get(rule)!;
  const replacements = links.relatedBy.filter((entry) => REPLACING_RELATIONS.has(entry.type));
  const ownPointers = links.related.filter((entry) => entry.rule && entry.rule.status !== 'deprecated' && entry.rule !== rule);
  const targets = replacements.length > 0 ? replacements.map((entry) => ({ rule: entry.rule, type: entry.type })) : ownPointers.map((entry) => ({ rule: entry.rule!, type: entry.type }));
  return html`<div class="banner deprecated" role="note"><strong>This rule is deprecated.</strong> ${
    targets.length > 0
      ? html`Use ${targets.map((target, index) => html`${index > 0 ? ', ' : ''}${link(context.urls.rule(target.rule), target.rule.title)} <span class="muted">(${target.type})</span>`)} instead.`
      : 'No replacement is named in the knowledge base.'
  }</div>`;
}

/** Why each Data Needed entry was matched: the log-source table row and event, missing fields, or the enrichment that needs it. */
function renderDataNeededReasons(matches: readonly DataNeededMatch[], rule: DetectionRule, context: SiteContext): SafeHtml {
  if (matches.length === 0) {
    return html`<p>No Data Needed entry describes this rule's log source${rule.logsources[0] ? html` (${logSourceText(rule.logsources[0])})` : ''}. It is listed on the ${link(context.urls.href('/gaps/#rules-without-data-needed'), 'gaps page')}.</p>`;
  }
  const collection = rule.rules.length > 1;
  return html`<ul class="reasons">${matches.map(
    (match) => html`<li>${link(context.urls.dataNeeded(match.dataNeeded), match.dataNeeded.title)}<ul>${match.reasons.map((reason) => html`<li>${reasonText(reason, rule, collection, context)}</li>`)}</ul></li>`,
  )}</ul>`;
}

function reasonText(reason: DataNeededReason, rule: DetectionRule, collection: boolean, context: SiteContext): SafeHtml {
  if (reason.via === 'correlated-rule') {
    const target = context.kb.ruleLinks.get(rule)!.correlatedRules.find((candidate) => candidate.title === reason.rule);
    return html`needed by the correlated rule ${target ? link(context.urls.rule(target), reason.rule) : reason.rule}`;
  }
  if (reason.via === 'enrichment') {
    const enrichment = context.kb.enrichmentsByTitle.get(reason.enrichment);
    return html`needed by the enrichment ${enrichment ? link(context.urls.enrichment(enrichment), reason.enrichment) : code(reason.enrichment)} this rule uses`;
  }
  return html`${collection ? html`rule ${reason.document + 1} of the collection: ` : ''}log source ${code(reason.logSource)} is recorded as ${reason.event}; ${
    reason.missingFields.length === 0
      ? 'the entry lists every field the rule uses'
      : html`<strong>the entry does not list</strong> ${codeList(reason.missingFields, '')} (the closest entry for this event)`
  }`;
}

/**
 * One panel per configured query target. Without JavaScript every panel is shown with its heading; the
 * script turns them into ARIA tabs, remembers the reader's target, and reveals the copy buttons.
 */
function renderQueryTabs(rule: DetectionRule, context: SiteContext): { html: SafeHtml; anchors: Map<string, string> } {
  const queries = context.queries.get(rule) ?? [];
  const anchors = new Map<string, string>();
  const used = new Set(['summary', 'why-this-data-needed', 'sigma-rule', 'queries']);
  for (const query of queries) {
    let anchor = sectionAnchor(query.title);
    for (let suffix = 2; used.has(anchor); suffix += 1) anchor = `${sectionAnchor(query.title)}-${suffix}`;
    used.add(anchor);
    anchors.set(query.title, anchor);
  }
  if (queries.length === 0) return { html: html``, anchors };
  const targets = context.targets;
  const panels = queries.map((query, index) => {
    const anchor = anchors.get(query.title)!;
    const key = targets[index]?.key ?? query.section.target;
    const content = query.result.ok
      ? html`${conversionStatusLine(query, key, context)}${queryCode(rule, query, `query-${anchor}`, context)}${
          query.result.queries.length > 1 ? html`<p class="muted">${query.result.queries.length} queries, one per line: one per rule of the collection.</p>` : ''
        }`
      : conversionStatusLine(query, key, context);
    return html`<section class="tab-panel" id="${anchor}" data-target="${key}" aria-labelledby="heading-${anchor}"><h3 id="heading-${anchor}">${query.title} <a class="anchor" href="#${anchor}" aria-label="${`Link to ${query.title}`}">#</a></h3>${content}</section>`;
  });
  const tabs = queries.map((query, index) => {
    const anchor = anchors.get(query.title)!;
    const key = targets[index]?.key ?? query.section.target;
    return html`<button type="button" role="tab" id="tab-${anchor}" aria-controls="${anchor}" data-target="${key}" aria-selected="${index === 0 ? 'true' : 'false'}" tabindex="${index === 0 ? '0' : '-1'}">${query.title}${query.result.ok ? '' : html` <span class="tab-note">(✗ ${query.result.category})</span>`}</button>`;
  });
  return {
    anchors,
    html: html`<section class="block queries" aria-labelledby="queries">${heading(2, 'Queries')}${conversionSummary(queries, context)}<p class="muted">Converted from the Sigma rule at build time. Your choice of target is remembered on every rule page.</p><div class="tabs" data-tabs><div role="tablist" aria-label="Query targets" hidden>${tabs}</div>${panels}</div></section>`,
  };
}
