import type { DataNeeded, Enrichment, LoggingPolicy } from '../../model/entities.ts';
import type { DetectionRule } from '../../model/detection-rule.ts';
import { compareTechniqueIds } from '../../attack/attack-catalog.ts';
import { renderAuthorMarkdown } from './author-markdown.ts';
import { code, codeBlock, codeList, keyValueTable, link, list, pageHeader, prose, reference, ruleListPreview, section, techniqueLabel } from './components.ts';
import { html, type SafeHtml } from './escape-html.ts';
import type { SiteContext, SitePage } from './site-context.ts';

/** Techniques covered by a set of rules, in ATT&CK order: the roll-up shown on log-source pages. */
function techniquesOf(rules: readonly DetectionRule[], context: SiteContext): string[] {
  const ids = new Set<string>();
  for (const rule of rules) for (const technique of context.kb.ruleLinks.get(rule)!.techniques) ids.add(technique.id);
  return [...ids].sort(compareTechniqueIds);
}

function techniqueCloud(ids: readonly string[], context: SiteContext): SafeHtml {
  return list(ids.map((id) => techniqueLabel(id, context)), 'None', 'plain-list columns');
}

export function renderDataNeededPage(entry: DataNeeded, context: SiteContext): SitePage {
  const { kb, urls } = context;
  const rules = kb.rulesByDataNeeded.get(entry) ?? [];
  const policies = kb.loggingPoliciesByDataNeeded.get(entry) ?? [];
  const enrichments = kb.enrichmentsByDataNeeded.get(entry) ?? [];
  const rows: Array<[string, SafeHtml | string]> = [
    ['Title', entry.title],
    ['Description', prose(entry.description)],
    ['Author', entry.author ?? 'unknown'],
    ['Logging Policy', list(policies.map((policy) => link(urls.loggingPolicy(policy), policy.title)), 'No Logging Policy documented')],
  ];
  if (entry.mitigationPolicies.length > 0) rows.push(['Mitigation Policy', list(entry.mitigationPolicies.map((item) => html`${item}`), '')]);
  rows.push(
    ['References', list(entry.references.map(reference), 'None documented', 'plain-list references')],
    ['Category', entry.category ?? ''],
    ['Platform', entry.platform ?? ''],
    ['Type', entry.type ?? ''],
    ['Channel', entry.channel ?? ''],
    ['Provider', entry.provider ?? ''],
    ['Event ID', entry.eventId === undefined ? '' : html`${String(entry.eventId)}${entry.eventIdSource === 'title' ? html` <span class="muted">(from the title)</span>` : ''}`],
    ['Fields', codeList(entry.fields, 'None documented')],
  );
  if (enrichments.length > 0) rows.push(['Enrichments', list(enrichments.map((enrichment) => link(urls.enrichment(enrichment), enrichment.title)), '')]);
  const samples: SafeHtml[] = [];
  if (entry.sample) samples.push(html`<h3>Raw log</h3>${codeBlock(entry.sample)}`);
  if (entry.enrichedSample) samples.push(html`<h3>Enriched log</h3>${codeBlock(entry.enrichedSample)}`);
  const body = html`<article class="entity">
${pageHeader('Data Needed', entry.title, html`<p class="badges">${policies.length === 0 ? html`<span class="badge gap">no Logging Policy</span>` : ''} <span class="badge tag">${rules.length} ${rules.length === 1 ? 'rule' : 'rules'}</span></p>`)}
${section('Summary', keyValueTable(rows, `Summary of ${entry.title}`))}
${section('Detection rules', html`<p class="muted">Rules whose log source this entry describes (or whose enrichments need it).</p>${ruleListPreview(rules, { dn: kb.addresses.pageName(entry) }, context, 'No rule needs this data yet')}`)}
${section('Techniques covered', html`<p class="muted">ATT&amp;CK techniques of the rules above: what collecting this data gives you.</p>${techniqueCloud(techniquesOf(rules, context), context)}`)}
${samples.length > 0 ? section('Log samples', samples) : ''}
</article>`;
  return { url: urls.pathDataNeeded(entry), title: entry.title, section: 'data-needed', description: entry.description.trim().split('\n')[0], body, searchable: true };
}

export function renderLoggingPolicyPage(policy: LoggingPolicy, context: SiteContext): SitePage {
  const { kb, urls } = context;
  const dataNeeded = kb.dataNeededByLoggingPolicy.get(policy) ?? [];
  const rules = [...new Set(dataNeeded.flatMap((entry) => kb.rulesByDataNeeded.get(entry) ?? []))].sort((a, b) => (a.relativePath < b.relativePath ? -1 : a.relativePath > b.relativePath ? 1 : 0));
  const rows: Array<[string, SafeHtml | string]> = [
    ['Title', policy.title],
    ['Description', prose(policy.description)],
    ['Author', policy.author ?? 'unknown'],
    ['Default', policy.default ?? ''],
    ['Event Volume', policy.volume ?? ''],
    ['EventID', codeList(policy.eventIds.map(String), 'None')],
    ['References', list(policy.references.map(reference), 'None documented', 'plain-list references')],
    ['Data Needed', list(dataNeeded.map((entry) => link(urls.dataNeeded(entry), entry.title)), 'No Data Needed entry refers to this policy')],
  ];
  const body = html`<article class="entity">
${pageHeader('Logging Policy', policy.title)}
${section('Summary', keyValueTable(rows, `Summary of ${policy.title}`))}
${policy.configuration ? section('Configuration', html`<div class="markdown">${renderAuthorMarkdown(policy.configuration)}</div>`) : ''}
${policy.sample ? section('Sample', codeBlock(policy.sample)) : ''}
${section('Detection rules enabled', html`<p class="muted">Rules that need the Data Needed entries this policy switches on.</p>${ruleListPreview(rules, { lp: kb.addresses.pageName(policy) }, context, 'No rule depends on this policy yet')}`)}
</article>`;
  return { url: urls.pathLoggingPolicy(policy), title: policy.title, section: 'logging-policies', description: policy.description.trim().split('\n')[0], body, searchable: true };
}

export function renderEnrichmentPage(enrichment: Enrichment, context: SiteContext): SitePage {
  const { kb, urls } = context;
  const resolveDataNeeded = (titles: readonly { title: string }[]): SafeHtml[] =>
    titles.map(({ title }) => {
      const target = kb.dataNeededByTitle.get(title);
      return target ? link(urls.dataNeeded(target), title) : html`${code(title)} <span class="muted">(not in the knowledge base)</span>`;
    });
  const requirements = enrichment.requirements.map(({ title }) => {
    const target = kb.enrichmentsByTitle.get(title);
    return target ? link(urls.enrichment(target), title) : html`${code(title)} <span class="muted">(not in the knowledge base)</span>`;
  });
  const rows: Array<[string, SafeHtml | string]> = [
    ['Title', enrichment.title],
    ['Description', prose(enrichment.description)],
    ['Data Needed', list(resolveDataNeeded(enrichment.dataNeeded), 'None')],
    ['Data to enrich', list(resolveDataNeeded(enrichment.dataToEnrich), 'None')],
    ['References', list(enrichment.references.map(reference), 'None documented', 'plain-list references')],
    ['Author', enrichment.author ?? 'unknown'],
    ['Requirements', list(requirements, 'None')],
    ['Required by', list((kb.enrichmentsRequiring.get(enrichment) ?? []).map((other) => link(urls.enrichment(other), other.title)), 'None')],
    ['New fields', codeList(enrichment.newFields, 'None')],
  ];
  const body = html`<article class="entity">
${pageHeader('Enrichment', enrichment.title)}
${section('Summary', keyValueTable(rows, `Summary of ${enrichment.title}`))}
${enrichment.config ? section('Config', html`<div class="markdown">${renderAuthorMarkdown(enrichment.config)}</div>`) : ''}
${section('Detection rules', ruleListPreview(kb.rulesByEnrichment.get(enrichment) ?? [], { enrichment: kb.addresses.pageName(enrichment) }, context, 'No rule uses this enrichment yet'))}
</article>`;
  return { url: urls.pathEnrichment(enrichment), title: enrichment.title, section: 'enrichments', description: enrichment.description.trim().split('\n')[0], body, searchable: true };
}
