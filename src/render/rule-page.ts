import { attackObjectUrl, type AttackCatalog } from '../attack/attack-catalog.ts';
import { originSuffix } from '../present/attack-labels.ts';
import type { DetectionRule } from '../model/detection-rule.ts';
import type { KnowledgeBase, RuleLinks } from '../link/knowledge-base.ts';
import type { QuerySectionResult } from '../convert/convert-knowledge-base.ts';
import { queryText } from '../present/query-text.ts';
import { cellList, codeBlock, escapeCell, escapeText, keyValueTable, link, reference } from './markdown-syntax.ts';
import { tacticMarkdown, techniqueMarkdown } from './entity-pages.ts';
import { profileMarkdownPath, type PageAddresses } from '../present/page-addresses.ts';
import type { ProfileCoverage } from '../link/profile-coverage-model.ts';
import { runsIn, statusNote } from '../present/profile-view.ts';
import { responseLabel } from '../present/response-view.ts';
import { MARKDOWN_RULE_ROWS, RULE_ROWS, ruleRows, triggerLabel, type RuleRow } from '../present/rule-summary.ts';

type MarkdownRow = Exclude<RuleRow, 'title' | 'dates' | 'logSources' | 'sigmaId' | 'similar' | 'source'>;

/** How each row's cell reads in markdown; labels, order and empty texts are the summary's (src/present/rule-summary.ts). */
const MARKDOWN_CELLS: { readonly [row in MarkdownRow]: (rule: DetectionRule, links: RuleLinks, attack: AttackCatalog, addresses: PageAddresses, profiles: readonly ProfileCoverage[]) => string } = {
  description: (rule) => escapeCell(rule.description ?? '') || RULE_ROWS.description.empty!,
  tactics: (_, links) => cellList(links.tactics.map(tacticMarkdown), RULE_ROWS.tactics.empty!),
  techniques: (_, links) => cellList(links.techniques.map(techniqueMarkdown), RULE_ROWS.techniques.empty!),
  actors: (_, links) => cellList([...links.groups, ...links.software].map((actor) => link(actor.name === actor.id ? actor.id : `${actor.id}: ${actor.name}`, attackObjectUrl(actor.kind, actor.id)) + originSuffix(actor.origin)), ''),
  dataNeeded: (_, links, __, addresses) => cellList(links.dataNeeded.map((match) => link(match.dataNeeded.title, addresses.markdownLink(match.dataNeeded))), RULE_ROWS.dataNeeded.empty!),
  runsIn: (rule, _, __, ___, profiles) => cellList(runsIn(rule, profiles).map((entry) => link(entry.profile.profile.title, `../${profileMarkdownPath(entry.profile.key)}`) + escapeText(statusNote(entry.status))), ''),
  enrichments: (_, links, __, addresses) => cellList(links.enrichments.map((enrichment) => link(enrichment.title, addresses.markdownLink(enrichment))), ''),
  response: (_, links, __, addresses) => cellList(links.playbooks.map((playbook) => link(responseLabel(playbook), addresses.markdownLink(playbook))), RULE_ROWS.response.empty!),
  triggers: (_, links, attack, addresses) => cellList(links.triggers.map((trigger) => link(triggerLabel(trigger, attack), addresses.markdownLink(trigger))), RULE_ROWS.triggers.empty!),
  level: (rule) => escapeCell(rule.level ?? RULE_ROWS.level.empty!),
  falsePositives: (rule) => cellList(rule.falsepositives.map(escapeText), RULE_ROWS.falsePositives.empty!),
  status: (rule) => escapeCell(rule.status ?? RULE_ROWS.status.empty!),
  references: (rule) => cellList(rule.references.map(reference), RULE_ROWS.references.empty!),
  author: (rule) => escapeCell(rule.author ?? RULE_ROWS.author.empty!),
  correlates: (_, links, __, addresses) => cellList(links.correlatedRules.map((target) => link(target.title, addresses.markdownLink(target))), ''),
  correlatedBy: (_, links, __, addresses) => cellList(links.correlatedBy.map((source) => link(source.title, addresses.markdownLink(source))), ''),
  related: (_, links, __, addresses) => cellList(links.related.map((entry) => `${escapeText(entry.type)}: ${entry.rule ? link(entry.rule.title, addresses.markdownLink(entry.rule)) : escapeText(entry.id)}`), ''),
  referencedBy: (_, links, __, addresses) => cellList(links.relatedBy.map((entry) => `${escapeText(entry.type)}: ${link(entry.rule.title, addresses.markdownLink(entry.rule))}`), ''),
  otherTags: (_, links) => cellList(links.otherTags.map(escapeText), ''),
};

/**
 * A detection rule's markdown page in the seed's layout: the table, the Sigma rule as written, then one
 * section per configured query target. Rows beyond the seed's (enrichments, related rules, correlations,
 * other tags) appear only when they have content, so a plain rule's page matches the seed row for row.
 */
export function renderRuleMarkdown(rule: DetectionRule, kb: KnowledgeBase, queries: readonly QuerySectionResult[], profiles: readonly ProfileCoverage[] = []): string {
  const { attack, addresses } = kb;
  const links = kb.ruleLinks.get(rule)!;
  const rows = (ruleRows(rule, kb, MARKDOWN_RULE_ROWS, profiles) as MarkdownRow[]).map((row): [string, string] => [
    escapeText(RULE_ROWS[row].markdownLabel ?? RULE_ROWS[row].label),
    MARKDOWN_CELLS[row](rule, links, attack, addresses, profiles),
  ]);
  const sections = [keyValueTable(escapeCell(rule.title), rows), '', '', '## Detection Rules', '', '### Sigma rule', '', codeBlock(rule.text)];
  for (const query of queries) {
    sections.push('', '', `### ${escapeText(query.title)}`, '');
    sections.push(query.result.ok ? codeBlock(queryText(query.result)) : `*Not available for this rule: ${escapeText(query.result.reason)}*`);
  }
  return `${sections.join('\n')}\n`;
}

