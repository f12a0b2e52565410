import type { QuerySectionResult } from '../convert/convert-knowledge-base.ts';
import type { KnowledgeBase } from '../link/knowledge-base.ts';
import type { DetectionRule } from '../model/detection-rule.ts';
import { renderDataNeededMarkdown, renderEnrichmentMarkdown, renderLoggingPolicyMarkdown } from './entity-pages.ts';
import { renderMarkdownIndex } from './markdown-index.ts';
import { renderRuleMarkdown } from './rule-page.ts';
import { renderTriggerMarkdown } from './trigger-page.ts';
import { encodedFile, type OutputFile } from '../present/output-file.ts';
import { MARKDOWN_ROOT } from '../present/page-addresses.ts';
import type { ProfileSite } from '../present/profile-view.ts';
import { renderProfileMarkdownPages } from './profile-pages.ts';
import { hasResponseContent } from '../present/response-view.ts';
import { renderResponseActionMarkdown, renderResponsePlaybookMarkdown, renderResponseStageMarkdown } from './response-pages.ts';

/** Every markdown page of the knowledge base (and of its coverage profiles and use cases, when it has any), in a deterministic order. */
export function renderMarkdownPages(
  kb: KnowledgeBase,
  queries: ReadonlyMap<DetectionRule, readonly QuerySectionResult[]>,
  siteTitle: string,
  profiles?: ProfileSite,
): OutputFile[] {
  const { addresses } = kb;
  const at = (path: string, content: string): OutputFile => encodedFile(`${MARKDOWN_ROOT}/${path}`, content);
  return [
    at('README.md', renderMarkdownIndex(kb, siteTitle, profiles)),
    ...kb.rules.map((rule) => at(addresses.markdownPath(rule), renderRuleMarkdown(rule, kb, queries.get(rule) ?? [], profiles?.profiles))),
    ...kb.dataNeeded.map((entry) => at(addresses.markdownPath(entry), renderDataNeededMarkdown(entry, kb))),
    ...kb.loggingPolicies.map((policy) => at(addresses.markdownPath(policy), renderLoggingPolicyMarkdown(policy, kb))),
    ...kb.enrichments.map((enrichment) => at(addresses.markdownPath(enrichment), renderEnrichmentMarkdown(enrichment, kb))),
    ...kb.triggers.map((trigger) => at(addresses.markdownPath(trigger), renderTriggerMarkdown(trigger, kb))),
    ...kb.response.actions.map((action) => at(addresses.markdownPath(action), renderResponseActionMarkdown(action, kb))),
    ...kb.response.playbooks.map((playbook) => at(addresses.markdownPath(playbook), renderResponsePlaybookMarkdown(playbook, kb))),
    // Stages only beside actions or playbooks: RE&CT's six are built in, and a detection-only knowledge base has no use for them.
    ...(hasResponseContent(kb) ? kb.response.stages.map((stage) => at(addresses.markdownPath(stage), renderResponseStageMarkdown(stage, kb))) : []),
    ...(profiles ? renderProfileMarkdownPages(profiles, kb) : []),
  ];
}
