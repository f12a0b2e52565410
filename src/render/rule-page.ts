import { attackObjectUrl, techniqueUrl, type AttackCatalog } from '../attack/attack-catalog.ts';
import { attackTacticUrl, originSuffix, tacticLabel, techniqueLabel } from '../present/attack-labels.ts';
import type { DetectionRule } from '../model/detection-rule.ts';
import type { RuleLinks } from '../link/knowledge-base.ts';
import type { QuerySectionResult } from '../convert/convert-knowledge-base.ts';
import { queryText } from '../present/query-text.ts';
import { cellList, codeBlock, escapeCell, escapeText, keyValueTable, link, reference } from './markdown-syntax.ts';
import type { PageAddresses } from '../present/page-addresses.ts';

/**
 * A detection rule's markdown page in the seed's layout: the table, the Sigma rule as written, then one
 * section per configured query target. Rows beyond the seed's (enrichments, related rules, correlations,
 * other tags) appear only when they have content, so a plain rule's page matches the seed row for row.
 */
export function renderRuleMarkdown(rule: DetectionRule, links: RuleLinks, attack: AttackCatalog, queries: readonly QuerySectionResult[], addresses: PageAddresses): string {
  const rows: Array<[string, string]> = [
    ['Description', escapeCell(rule.description ?? '') || 'No description'],
    ['ATT&amp;CK Tactic', cellList(links.tactics.map((tactic) => { const url = attackTacticUrl(tactic); return (url ? link(tacticLabel(tactic), url) : escapeText(tacticLabel(tactic))) + originSuffix(tactic.origin); }), 'Not mapped to an ATT&CK tactic')],
    [
      'ATT&amp;CK Technique',
      cellList(links.techniques.map((technique) => link(techniqueLabel(technique), techniqueUrl(technique.id)) + originSuffix(technique.origin)), 'Not mapped to an ATT&CK technique'),
    ],
    ['Data Needed', cellList(links.dataNeeded.map((match) => link(match.dataNeeded.title, addresses.markdownLink(match.dataNeeded))), 'No Data Needed entry matches this rule')],
  ];
  if (links.enrichments.length > 0) {
    rows.push(['Enrichment', cellList(links.enrichments.map((enrichment) => link(enrichment.title, addresses.markdownLink(enrichment))), '')]);
  }
  rows.push(
    [
      'Trigger',
      cellList(
        links.triggers.map((trigger) => link(`${trigger.techniqueId}: ${attack.technique(trigger.techniqueId)?.name ?? trigger.displayName}`, addresses.markdownLink(trigger))),
        'No Atomic Red Team test for these techniques yet',
      ),
    ],
    ['Severity Level', escapeCell(rule.level ?? 'not set')],
    ['False Positives', cellList(rule.falsepositives.map(escapeText), 'None documented')],
    ['Development Status', escapeCell(rule.status ?? 'not set')],
    ['References', cellList(rule.references.map(reference), 'None documented')],
    ['Author', escapeCell(rule.author ?? 'unknown')],
  );
  if (links.correlatedRules.length > 0) {
    rows.push(['Correlates', cellList(links.correlatedRules.map((target) => link(target.title, addresses.markdownLink(target))), '')]);
  }
  if (links.correlatedBy.length > 0) {
    rows.push(['Correlated by', cellList(links.correlatedBy.map((source) => link(source.title, addresses.markdownLink(source))), '')]);
  }
  if (links.related.length > 0) {
    rows.push([
      'Related Rules',
      cellList(links.related.map((entry) => `${escapeText(entry.type)}: ${entry.rule ? link(entry.rule.title, addresses.markdownLink(entry.rule)) : escapeText(entry.id)}`), ''),
    ]);
  }
  if (links.relatedBy.length > 0) {
    rows.push(['Referenced by', cellList(links.relatedBy.map((entry) => `${escapeText(entry.type)}: ${link(entry.rule.title, addresses.markdownLink(entry.rule))}`), '')]);
  }
  const actors = [...links.groups, ...links.software];
  if (actors.length > 0) {
    rows.push(['ATT&amp;CK Groups and Software', cellList(actors.map((actor) => link(actor.name === actor.id ? actor.id : `${actor.id}: ${actor.name}`, attackObjectUrl(actor.kind, actor.id)) + originSuffix(actor.origin)), '')]);
  }
  if (links.otherTags.length > 0) rows.push(['Other Tags', cellList(links.otherTags.map(escapeText), '')]);

  const sections = [keyValueTable(escapeCell(rule.title), rows), '', '', '## Detection Rules', '', '### Sigma rule', '', codeBlock(rule.text)];
  for (const query of queries) {
    sections.push('', '', `### ${escapeText(query.title)}`, '');
    sections.push(query.result.ok ? codeBlock(queryText(query.result)) : `*Not available for this rule: ${escapeText(query.result.reason)}*`);
  }
  return `${sections.join('\n')}\n`;
}

