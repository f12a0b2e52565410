import { techniqueUrl, type AttackCatalog, type AttackTactic, type AttackTechnique } from '../attack/attack-catalog.ts';
import { attackTacticUrl, originSuffix, tacticLabel, techniqueLabel } from '../present/attack-labels.ts';
import type { KnowledgeBase } from '../link/knowledge-base.ts';
import type { DetectionRule } from '../model/detection-rule.ts';
import type { DataNeeded, Enrichment, LoggingPolicy } from '../model/entities.ts';
import { authorMarkdownToMarkdown } from './author-markdown.ts';
import { cellList, codeBlock, escapeCell, escapeText, keyValueTable, link, reference } from './markdown-syntax.ts';

const ruleLinks = (rules: readonly DetectionRule[], kb: KnowledgeBase): string[] => rules.map((rule) => link(rule.title, kb.addresses.markdownLink(rule)));

/** A Data Needed page in atc-data's layout, plus the reverse links the older tool never had. */
export function renderDataNeededMarkdown(entry: DataNeeded, kb: KnowledgeBase): string {
  const rows: Array<[string, string]> = [
    ['Author', escapeCell(entry.author ?? 'unknown')],
    ['Description', escapeCell(entry.description)],
    ['Logging Policy', cellList((kb.loggingPoliciesByDataNeeded.get(entry) ?? []).map((policy) => link(policy.title, kb.addresses.markdownLink(policy))), 'No Logging Policy documented')],
  ];
  if (entry.mitigationPolicies.length > 0) rows.push(['Mitigation Policy', cellList(entry.mitigationPolicies.map(escapeText), '')]);
  rows.push(
    ['References', cellList(entry.references.map(reference), 'None documented')],
    ['Category', escapeCell(entry.category ?? '')],
    ['Platform', escapeCell(entry.platform ?? '')],
    ['Type', escapeCell(entry.type ?? '')],
    ['Channel', escapeCell(entry.channel ?? '')],
    ['Provider', escapeCell(entry.provider ?? '')],
    ['Event ID', entry.eventId === undefined ? '' : String(entry.eventId)],
    ['Fields', cellList(entry.fields.map(escapeText), 'None documented')],
    ['Detection Rules', cellList(ruleLinks(kb.rulesByDataNeeded.get(entry) ?? [], kb), 'No rule needs this data yet')],
  );
  const enrichments = kb.enrichmentsByDataNeeded.get(entry) ?? [];
  if (enrichments.length > 0) rows.push(['Enrichments', cellList(enrichments.map((enrichment) => link(enrichment.title, kb.addresses.markdownLink(enrichment))), '')]);
  const parts = [keyValueTable(escapeCell(entry.title), rows)];
  if (entry.sample || entry.enrichedSample) {
    parts.push('', '', '## Log Samples');
    if (entry.sample) parts.push('', '### Raw Log', '', codeBlock(entry.sample));
    if (entry.enrichedSample) parts.push('', '### Enriched Log', '', codeBlock(entry.enrichedSample));
  }
  return `${parts.join('\n')}\n`;
}

/**
 * A Logging Policy page. Its configuration is markdown (GPO paths in fenced blocks) from the knowledge
 * base's authors, third-party text: written back through the parser the HTML site uses, never copied.
 */
export function renderLoggingPolicyMarkdown(policy: LoggingPolicy, kb: KnowledgeBase): string {
  const rows: Array<[string, string]> = [
    ['Author', escapeCell(policy.author ?? 'unknown')],
    ['Description', escapeCell(policy.description)],
    ['Default', escapeCell(policy.default ?? '')],
    ['Event Volume', escapeCell(policy.volume ?? '')],
    ['EventID', cellList(policy.eventIds.map(String), 'None')],
    ['References', cellList(policy.references.map(reference), 'None documented')],
    ['Data Needed', cellList((kb.dataNeededByLoggingPolicy.get(policy) ?? []).map((entry) => link(entry.title, kb.addresses.markdownLink(entry))), 'No Data Needed entry refers to this policy')],
  ];
  const parts = [keyValueTable(escapeCell(policy.title), rows)];
  if (policy.configuration) parts.push('', '', '## Configuration', '', authorMarkdownToMarkdown(policy.configuration));
  return `${parts.join('\n')}\n`;
}

export function renderEnrichmentMarkdown(enrichment: Enrichment, kb: KnowledgeBase): string {
  const resolved = (titles: readonly { title: string }[], find: (title: string) => DataNeeded | Enrichment | undefined): string[] =>
    titles.map(({ title }) => {
      const target = find(title);
      return target ? link(title, kb.addresses.markdownLink(target)) : escapeText(title);
    });
  const rows: Array<[string, string]> = [
    ['Description', escapeCell(enrichment.description)],
    ['Data Needed', cellList(resolved(enrichment.dataNeeded, (title) => kb.dataNeededByTitle.get(title)), 'None')],
    ['Data to enrich', cellList(resolved(enrichment.dataToEnrich, (title) => kb.dataNeededByTitle.get(title)), 'None')],
    ['References', cellList(enrichment.references.map(reference), 'None documented')],
    ['Author', escapeCell(enrichment.author ?? 'unknown')],
    ['Requirements', cellList(resolved(enrichment.requirements, (title) => kb.enrichmentsByTitle.get(title)), 'None')],
    ['Required by', cellList((kb.enrichmentsRequiring.get(enrichment) ?? []).map((other) => link(other.title, kb.addresses.markdownLink(other))), 'None')],
    ['New fields', cellList(enrichment.newFields.map(escapeText), 'None')],
    ['Detection Rules', cellList(ruleLinks(kb.rulesByEnrichment.get(enrichment) ?? [], kb), 'No rule uses this enrichment yet')],
  ];
  const parts = [keyValueTable(escapeCell(enrichment.title), rows)];
  if (enrichment.config) parts.push('', '', '## Config', '', authorMarkdownToMarkdown(enrichment.config));
  return `${parts.join('\n')}\n`;
}

/** Link text for a technique, with its ATT&CK name: "T1003.001: LSASS Memory". */
export function techniqueLink(attack: AttackCatalog, id: string): string {
  const technique = attack.technique(id);
  return link(`${id}: ${technique?.name ?? 'unknown technique'}`, techniqueUrl(id)) + originSuffix(technique?.origin);
}

/** A tagged tactic as the markdown tables name it, "TA0006: Credential Access", linked to ATT&CK when it has an ATT&CK page. */
export function tacticMarkdown(tactic: AttackTactic): string {
  const url = attackTacticUrl(tactic);
  return (url ? link(tacticLabel(tactic), url) : escapeText(tacticLabel(tactic))) + originSuffix(tactic.origin);
}

/** A tagged technique as the markdown tables name it, linked to ATT&CK, with where it came from when not from ATT&CK. */
export function techniqueMarkdown(technique: AttackTechnique): string {
  return link(techniqueLabel(technique), techniqueUrl(technique.id)) + originSuffix(technique.origin);
}
