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
} from './components.ts';
import { actorTagList } from './actor-pages.ts';
import { html, type SafeHtml } from './escape-html.ts';
import { highlightYaml } from './highlight-yaml.ts';
import { queryCode } from './query-files.ts';
import type { SitePage, SiteContext } from './site-context.ts';
import { conversionStatusLine, conversionSummary } from './conversion-pages.ts';
import { attackTacticUrl } from '../../present/attack-labels.ts';
import { HTML_RULE_ROWS, RULE_ROWS, ruleRows, triggerLabel, type RuleRow } from '../../present/rule-summary.ts';
import type { RuleLinks } from '../../link/knowledge-base.ts';
import { similarRules } from '../../present/similar-rules.ts';
import { runsIn, statusNote } from '../../present/profile-view.ts';
import { responseLabel } from '../../present/response-view.ts';
import { ruleSourceFileName, ruleSourcePath, upstreamRuleUrl } from '../../present/rule-source.ts';

/** Relations whose naming rule takes over from the rule it names: the replacement of a deprecated rule. */
const REPLACING_RELATIONS = new Set(['obsolete', 'merged', 'renamed', 'derived']);

/** How each row's cell reads on the site; labels, order and empty texts are the summary's (src/present/rule-summary.ts). */
const HTML_CELLS: { readonly [row in RuleRow]: (rule: DetectionRule, links: RuleLinks, context: SiteContext) => SafeHtml | string } = {
  title: (rule) => rule.title,
  description: (rule) => prose(rule.description, RULE_ROWS.description.empty),
  tactics: (_, links, context) =>
    list(
      links.tactics.map((tactic) => {
        const attackUrl = attackTacticUrl(tactic);
        return html`${tacticLink(tactic, context)}${attackUrl ? html` ${externalLink(attackUrl, 'ATT&CK')}` : ''}`;
      }),
      RULE_ROWS.tactics.empty!,
    ),
  techniques: (_, links, context) =>
    list(
      links.techniques.map((technique) => {
        const flag = technique.revoked ? ' (revoked in ATT&CK)' : technique.deprecated ? ' (deprecated in ATT&CK)' : '';
        return html`${techniqueLabel(technique.id, context)}${flag} ${externalLink(context.kb.attack.techniqueUrl(technique.id), 'ATT&CK')}`;
      }),
      RULE_ROWS.techniques.empty!,
    ),
  actors: (_, links, context) => actorTagList([...links.groups, ...links.software], context),
  dataNeeded: (_, links, context) => list(links.dataNeeded.map((match) => link(context.urls.dataNeeded(match.dataNeeded), match.dataNeeded.title)), RULE_ROWS.dataNeeded.empty!),
  runsIn: (rule, _, context) =>
    list(
      runsIn(rule, context.profiles?.profiles ?? []).map((entry) => html`${link(context.urls.profile(entry.profile.key), entry.profile.profile.title)}${statusNote(entry.status)}`),
      '',
    ),
  enrichments: (_, links, context) => list(links.enrichments.map((enrichment) => link(context.urls.enrichment(enrichment), enrichment.title)), ''),
  response: (_, links, context) => list(links.playbooks.map((playbook) => link(context.urls.responsePlaybook(playbook), responseLabel(playbook))), RULE_ROWS.response.empty!),
  triggers: (_, links, context) =>
    list(
      links.triggers.map(
        (trigger) => html`${link(context.urls.trigger(trigger), triggerLabel(trigger, context.kb.attack))} <span class="muted">(${trigger.tests.length} atomic ${trigger.tests.length === 1 ? 'test' : 'tests'})</span>`,
      ),
      RULE_ROWS.triggers.empty!,
    ),
  level: (rule) => (rule.level ? levelBadge(rule.level) : RULE_ROWS.level.empty!),
  falsePositives: (rule) => list(rule.falsepositives.map((item) => html`${item}`), RULE_ROWS.falsePositives.empty!),
  status: (rule) => (rule.status ? statusBadge(rule.status) : RULE_ROWS.status.empty!),
  references: (rule) => list(rule.references.map(reference), RULE_ROWS.references.empty!, 'plain-list references'),
  author: (rule) => rule.author ?? RULE_ROWS.author.empty!,
  dates: (rule) => html`${rule.date ? html`created ${rule.date}` : ''}${rule.date && rule.modified ? ', ' : ''}${rule.modified ? html`modified ${rule.modified}` : ''}`,
  logSources: (rule) => list(rule.logsources.map((logsource) => logSourceText(logsource)), RULE_ROWS.logSources.empty!),
  correlates: (_, links, context) => list(links.correlatedRules.map((target) => ruleItem(target, context)), ''),
  correlatedBy: (_, links, context) => list(links.correlatedBy.map((source) => ruleItem(source, context)), ''),
  related: (_, links, context) => list(links.related.map((entry) => html`${entry.type}: ${entry.rule ? link(context.urls.rule(entry.rule), entry.rule.title) : code(entry.id)}`), ''),
  referencedBy: (_, links, context) => list(links.relatedBy.map((entry) => html`${entry.type}: ${link(context.urls.rule(entry.rule), entry.rule.title)}`), ''),
  otherTags: (_, links) => codeList(links.otherTags, ''),
  similar: (rule, _, context) =>
    list(
      (similarRules(context.kb).get(rule) ?? []).map((entry) => html`${link(context.urls.rule(entry.rule), entry.rule.title)} <span class="muted">(${entry.sharedTechniques.join(', ')}${entry.sameLogSource ? '; same log source' : ''})</span>`),
      '',
    ),
  sigmaId: (rule) => (rule.id ? code(rule.id) : RULE_ROWS.sigmaId.empty!),
  source: (rule, _, context) => ruleSourceLinks(rule, context),
};

/**
 * A rule's page: the seed's table as HTML (every entity linked), why each Data Needed entry matched, the
 * Sigma rule highlighted, and one tab per configured query target (all readable without JavaScript).
 */
export function renderRulePage(rule: DetectionRule, context: SiteContext): SitePage {
  const { kb, urls } = context;
  const links = kb.ruleLinks.get(rule)!;
  const queries = context.queries.get(rule) ?? [];
  const rows = ruleRows(rule, kb, HTML_RULE_ROWS, context.profiles?.profiles).map((row): [string, SafeHtml | string] => [RULE_ROWS[row].label, HTML_CELLS[row](rule, links, context)]);

  const banner = deprecationBanner(rule, context);
  const toc = [
    ['Summary', 'summary'],
    ['Why this Data Needed', 'why-this-data-needed'],
    ['Sigma rule', 'sigma-rule'],
    ...(queries.length > 0 ? [['Queries', 'queries'] as const] : []),
    ...queries.map((query, index) => [query.title, context.targets[index]!.anchor] as const),
  ];
  const body = html`<article class="entity rule">
${pageHeader(rule.correlations.length > 0 ? 'Correlation rule' : 'Detection rule', rule.title, html`<p class="badges">${levelBadge(rule.level)} ${statusBadge(rule.status)} ${links.techniques.length > 0 ? html`<span class="badge tag">${links.techniques.map((technique) => technique.id).join(' · ')}</span>` : ''}</p>`)}
${banner}
<nav class="toc" aria-label="On this page"><ul>${toc.map(([title, id]) => html`<li><a href="#${id}">${title}</a></li>`)}</ul></nav>
${section('Summary', keyValueTable(rows, `Summary of ${rule.title}`))}
${section('Why this Data Needed', renderDataNeededReasons(links.dataNeeded, rule, context))}
${section('Sigma rule', html`<p class="muted">${code(rule.relativePath)}${rule.id ? html` · id ${code(rule.id)}` : ''}</p><div class="code-wrap">${copyButton('sigma-source', 'Copy the Sigma rule')}${codeBlock(rule.text, { id: 'sigma-source', language: 'yaml', highlighted: highlightYaml(rule.text.trimEnd()) })}</div>`)}
${renderQueryTabs(rule, context)}
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

/** The rule's file in its repository (when `site.repo_url` is set) and as published beside this page. */
function ruleSourceLinks(rule: DetectionRule, context: SiteContext): SafeHtml {
  const upstream = context.repository ? html`${externalLink(upstreamRuleUrl(rule, context.repository), rule.relativePath)} · ` : '';
  return html`${upstream}<a href="${context.urls.href(ruleSourcePath(rule, context.urls))}" type="application/yaml" download="${ruleSourceFileName(rule)}">Download the YAML</a>`;
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
 * One panel per configured query target, with the id its target spec gives it (QueryTarget.anchor) and the
 * title-based alias inside. Without JavaScript every panel is shown with its heading; the script turns them
 * into ARIA tabs, remembers the reader's target, and reveals the copy buttons.
 */
function renderQueryTabs(rule: DetectionRule, context: SiteContext): SafeHtml {
  const queries = context.queries.get(rule) ?? [];
  if (queries.length === 0) return html``;
  const panels = queries.map((query, index) => {
    const { anchor, alias, key } = context.targets[index]!;
    const content = query.result.ok
      ? html`${conversionStatusLine(query, key, context)}${queryCode(rule, query, `query-${anchor}`, context)}${
          query.result.queries.length > 1 ? html`<p class="muted">${query.result.queries.length} queries, one per line: one per rule of the collection.</p>` : ''
        }`
      : conversionStatusLine(query, key, context);
    return html`<section class="tab-panel" id="${anchor}" data-target="${key}" aria-labelledby="heading-${anchor}">${alias ? html`<span id="${alias}" class="anchor-alias"></span>` : ''}<h3 id="heading-${anchor}">${query.title} <a class="anchor" href="#${anchor}" aria-label="${`Link to ${query.title}`}">#</a></h3>${content}</section>`;
  });
  const tabs = queries.map((query, index) => {
    const { anchor, key } = context.targets[index]!;
    return html`<button type="button" role="tab" id="tab-${anchor}" aria-controls="${anchor}" data-target="${key}" aria-selected="${index === 0 ? 'true' : 'false'}" tabindex="${index === 0 ? '0' : '-1'}">${query.title}${query.result.ok ? '' : html` <span class="tab-note">(✗ ${query.result.category})</span>`}</button>`;
  });
  return html`<section class="block queries" aria-labelledby="queries">${heading(2, 'Queries')}${conversionSummary(queries, context)}<p class="muted">Converted from the Sigma rule at build time. Your choice of target is remembered on every rule page.</p><div class="tabs" data-tabs><div role="tablist" aria-label="Query targets" hidden>${tabs}</div>${panels}</div></section>`;
}
