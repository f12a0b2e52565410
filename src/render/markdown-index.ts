import type { KnowledgeBase } from '../link/knowledge-base.ts';
import { escapeCell, escapeText, link, table } from './markdown-syntax.ts';
import type { Entity } from '../present/page-addresses.ts';

/** `README.md` at the markdown root: what the knowledge base holds, with a link to every page. */
export function renderMarkdownIndex(kb: KnowledgeBase, siteTitle: string): string {
  const here = (entity: Entity): string => kb.addresses.markdownPath(entity);
  const parts = [
    `# ${escapeText(siteTitle)}`,
    '',
    `ATT&amp;CK version ${escapeText(kb.attack.version)}.`,
    '',
    table(
      ['Section', 'Pages'],
      [
        [link('Detection Rules', '#detection-rules'), String(kb.rules.length)],
        [link('Data Needed', '#data-needed'), String(kb.dataNeeded.length)],
        [link('Logging Policies', '#logging-policies'), String(kb.loggingPolicies.length)],
        [link('Enrichments', '#enrichments'), String(kb.enrichments.length)],
        [link('Triggers', '#triggers'), String(kb.triggers.length)],
      ],
    ),
    '',
    '## Detection Rules',
    '',
    table(
      ['Rule', 'Level', 'Status', 'Data Needed'],
      kb.rules.map((rule) => [link(rule.title, here(rule)), escapeCell(rule.level ?? ''), escapeCell(rule.status ?? ''), String(kb.ruleLinks.get(rule)?.dataNeeded.length ?? 0)]),
    ),
    '',
    '## Data Needed',
    '',
    ...kb.dataNeeded.map((entry) => `- ${link(entry.title, here(entry))}`),
    '',
    '## Logging Policies',
    '',
    ...kb.loggingPolicies.map((policy) => `- ${link(policy.title, here(policy))}`),
    '',
    '## Enrichments',
    '',
    ...kb.enrichments.map((enrichment) => `- ${link(enrichment.title, here(enrichment))}`),
    '',
    '## Triggers',
    '',
    ...kb.triggers.map((trigger) => `- ${link(`${trigger.techniqueId}: ${trigger.displayName}`, here(trigger))}`),
  ];
  return `${parts.join('\n')}\n`;
}
