import type { AttackCatalog } from '../attack/attack-catalog.ts';
import type { KnowledgeBase, RuleLinks } from '../link/knowledge-base.ts';
import { similarRules } from './similar-rules.ts';
import type { DetectionRule } from '../model/detection-rule.ts';
import type { TriggerTechnique } from '../model/entities.ts';
import type { ProfileCoverage } from '../link/profile-coverage-model.ts';
import { runsIn } from './profile-view.ts';

/**
 * The rows of a rule's summary table: the seed's table, which the markdown page keeps row for row, and the
 * rows the site adds. Labels, the text of an empty row, the order and which rows appear only with content
 * are stated here once; the markdown and HTML pages only say how a row's cell looks.
 */
export type RuleRow =
  | 'title'
  | 'description'
  | 'tactics'
  | 'techniques'
  | 'actors'
  | 'dataNeeded'
  | 'runsIn'
  | 'enrichments'
  | 'triggers'
  | 'response'
  | 'level'
  | 'falsePositives'
  | 'status'
  | 'references'
  | 'author'
  | 'dates'
  | 'logSources'
  | 'correlates'
  | 'correlatedBy'
  | 'related'
  | 'referencedBy'
  | 'similar'
  | 'otherTags'
  | 'sigmaId'
  | 'source';

interface RowSpec {
  readonly label: string;
  /** The label the markdown page prints, where the older tool's differs. */
  readonly markdownLabel?: string;
  /** Shown when the row has nothing to list; a row without one is left out when empty. */
  readonly empty?: string;
  /** Whether the row has content (for rows left out when empty). */
  readonly has?: (rule: DetectionRule, links: RuleLinks, kb: KnowledgeBase, profiles: readonly ProfileCoverage[]) => boolean;
}

export const RULE_ROWS: { readonly [key in RuleRow]: RowSpec } = {
  title: { label: 'Title' },
  description: { label: 'Description', empty: 'No description' },
  tactics: { label: 'ATT&CK Tactic', empty: 'Not mapped to an ATT&CK tactic' },
  techniques: { label: 'ATT&CK Technique', empty: 'Not mapped to an ATT&CK technique' },
  actors: { label: 'ATT&CK Group / Software', markdownLabel: 'ATT&CK Groups and Software', has: (_, links) => links.groups.length + links.software.length > 0 },
  dataNeeded: { label: 'Data Needed', empty: 'No Data Needed entry matches this rule' },
  // Absent without profiles, and for a rule no profile can run: the profile pages say why.
  runsIn: { label: 'Runs in', has: (rule, _, __, profiles) => runsIn(rule, profiles).length > 0 },
  enrichments: { label: 'Enrichment', has: (_, links) => links.enrichments.length > 0 },
  triggers: { label: 'Trigger', empty: 'No Atomic Red Team test for these techniques yet' },
  // Absent from a knowledge base without playbooks: there, every rule would say the same.
  response: { label: 'Response', empty: 'No Response Playbook for these techniques yet', has: (_, __, kb) => kb.response.playbooks.length > 0 },
  level: { label: 'Severity Level', empty: 'not set' },
  falsePositives: { label: 'False Positives', empty: 'None documented' },
  status: { label: 'Development Status', empty: 'not set' },
  references: { label: 'References', empty: 'None documented' },
  author: { label: 'Author', empty: 'unknown' },
  dates: { label: 'Dates', has: (rule) => !!(rule.date || rule.modified) },
  logSources: { label: 'Log Source', empty: 'None (correlation rule)' },
  correlates: { label: 'Correlates', has: (_, links) => links.correlatedRules.length > 0 },
  correlatedBy: { label: 'Correlated by', has: (_, links) => links.correlatedBy.length > 0 },
  related: { label: 'Related Rules', has: (_, links) => links.related.length > 0 },
  referencedBy: { label: 'Referenced by', has: (_, links) => links.relatedBy.length > 0 },
  similar: { label: 'Similar Rules', has: (rule, _, kb) => (similarRules(kb).get(rule) ?? []).length > 0 },
  otherTags: { label: 'Other Tags', has: (_, links) => links.otherTags.length > 0 },
  sigmaId: { label: 'Sigma ID', empty: 'none' },
  source: { label: 'Source' },
};

/** The markdown page's rows: the seed's, then the links the seed's tool did not have (the title is the table's header). */
export const MARKDOWN_RULE_ROWS: readonly RuleRow[] = [
  'description',
  'tactics',
  'techniques',
  'dataNeeded',
  'enrichments',
  'triggers',
  'level',
  'falsePositives',
  'status',
  'references',
  'author',
  'correlates',
  'correlatedBy',
  'related',
  'referencedBy',
  'actors',
  'otherTags',
  'runsIn',
  'response',
];

/** The site's rows: the seed's, with the title, dates, log sources and Sigma id a reader of the page looks for. */
export const HTML_RULE_ROWS: readonly RuleRow[] = [
  'title',
  'description',
  'tactics',
  'techniques',
  'actors',
  'dataNeeded',
  'runsIn',
  'enrichments',
  'triggers',
  'response',
  'level',
  'falsePositives',
  'status',
  'references',
  'author',
  'dates',
  'logSources',
  'correlates',
  'correlatedBy',
  'related',
  'referencedBy',
  'similar',
  'otherTags',
  'sigmaId',
  'source',
];

/** The rows of `order` this rule shows: every row with an empty text, and the others when they have content. */
export function ruleRows(rule: DetectionRule, kb: KnowledgeBase, order: readonly RuleRow[], profiles: readonly ProfileCoverage[] = []): RuleRow[] {
  const links = kb.ruleLinks.get(rule)!;
  return order.filter((row) => RULE_ROWS[row].has?.(rule, links, kb, profiles) ?? true);
}

/** A trigger as a rule's table names it: "T1003.001: LSASS Memory" (ATT&CK's name, else Atomic Red Team's). */
export function triggerLabel(trigger: TriggerTechnique, attack: AttackCatalog): string {
  return `${trigger.techniqueId}: ${attack.technique(trigger.techniqueId)?.name ?? trigger.displayName}`;
}
