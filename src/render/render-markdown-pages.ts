import type { QuerySectionResult } from '../convert/convert-knowledge-base.ts';
import type { KnowledgeBase } from '../link/knowledge-base.ts';
import type { DetectionRule } from '../model/detection-rule.ts';
import { renderDataNeededMarkdown, renderEnrichmentMarkdown, renderLoggingPolicyMarkdown } from './entity-pages.ts';
import { renderMarkdownIndex } from './markdown-index.ts';
import { renderRuleMarkdown } from './rule-page.ts';
import { renderTriggerMarkdown } from './trigger-page.ts';

/** A file of the output, by path relative to the output folder. */
export interface OutputFile {
  readonly path: string;
  readonly content: string;
  /** The content UTF-8 encoded, when the file is held that way (encodedFile): what the writer writes. */
  readonly bytes?: Uint8Array;
}

/**
 * An output file held UTF-8 encoded, outside the JavaScript heap, until the site writes it. The build
 * keeps its markdown pages and JSON documents (about five files per rule) from rendering to writing; as
 * strings, at 40,000 rules, they alone outgrew Node's default heap (a page holding one character beyond
 * Latin-1 takes two bytes per character). Encoded they take one byte per ASCII character, encoding them
 * costs what the writer's encoding cost before, and `content` decodes a copy for the few readers (the
 * link check, the Downloads page).
 */
class EncodedFile implements OutputFile {
  readonly path: string;
  readonly bytes: Buffer;
  constructor(path: string, content: string) {
    this.path = path;
    this.bytes = Buffer.from(content, 'utf8');
  }
  get content(): string {
    return this.bytes.toString('utf8');
  }
}

export function encodedFile(path: string, content: string): OutputFile {
  return new EncodedFile(path, content);
}

export const MARKDOWN_ROOT = 'markdown';

/** Every markdown page of the knowledge base, in a deterministic order. */
export function renderMarkdownPages(
  kb: KnowledgeBase,
  queries: ReadonlyMap<DetectionRule, readonly QuerySectionResult[]>,
  siteTitle: string,
): OutputFile[] {
  const { addresses } = kb;
  const at = (path: string, content: string): OutputFile => encodedFile(`${MARKDOWN_ROOT}/${path}`, content);
  return [
    at('README.md', renderMarkdownIndex(kb, siteTitle)),
    ...kb.rules.map((rule) => at(addresses.markdownPath(rule), renderRuleMarkdown(rule, kb.ruleLinks.get(rule)!, kb.attack, queries.get(rule) ?? [], addresses))),
    ...kb.dataNeeded.map((entry) => at(addresses.markdownPath(entry), renderDataNeededMarkdown(entry, kb))),
    ...kb.loggingPolicies.map((policy) => at(addresses.markdownPath(policy), renderLoggingPolicyMarkdown(policy, kb))),
    ...kb.enrichments.map((enrichment) => at(addresses.markdownPath(enrichment), renderEnrichmentMarkdown(enrichment, kb))),
    ...kb.triggers.map((trigger) => at(addresses.markdownPath(trigger), renderTriggerMarkdown(trigger, kb))),
  ];
}
