import type MarkdownIt from 'markdown-it';
import { authorHeadingLevel, createAuthorMarkdownParser } from '../author-markdown.ts';
import { SafeHtml } from './escape-html.ts';

/**
 * Third-party markdown rendered as HTML: Logging Policy `configuration` and Enrichment `config` written by
 * the knowledge base's authors, and ATT&CK's descriptions (src/render/html/attack-knowledge.ts). Read by
 * the parser both editions share (src/render/author-markdown.ts: raw HTML and images off, only http(s)
 * and mailto links; relative ones lead into the markdown edition, so they are text here). Headings sit
 * under the page's own sections, and links open without a referrer.
 */
export function createWebMarkdown(): MarkdownIt {
  const markdown = createAuthorMarkdownParser('web');
  markdown.renderer.rules.heading_open = (tokens, index) => `<h${authorHeadingLevel(Number(tokens[index]!.tag.slice(1)))}>`;
  markdown.renderer.rules.heading_close = (tokens, index) => `</h${authorHeadingLevel(Number(tokens[index]!.tag.slice(1)))}>\n`;
  const defaultLinkOpen = markdown.renderer.rules.link_open ?? ((tokens, index, options, _env, self) => self.renderToken(tokens, index, options));
  markdown.renderer.rules.link_open = (tokens, index, options, env, self) => {
    tokens[index]!.attrSet('rel', 'noopener noreferrer');
    return defaultLinkOpen(tokens, index, options, env, self);
  };
  return markdown;
}

const markdown = createWebMarkdown();

export function renderAuthorMarkdown(text: string): SafeHtml {
  return new SafeHtml(markdown.render(text));
}
