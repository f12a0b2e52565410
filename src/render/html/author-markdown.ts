import MarkdownIt from 'markdown-it';
import { SafeHtml } from './escape-html.ts';

/**
 * Markdown written by the knowledge base's authors (Logging Policy `configuration`, Enrichment `config`).
 * Raw HTML is disabled, so `<PID>` stays text and `<script>` is shown, not run; images are off (no
 * external requests); links are kept only when they are absolute http(s) URLs, since a relative link
 * would point into the author's repository, not into this site. Headings are moved down two levels to
 * sit under the page's own h2 sections.
 */
const markdown = new MarkdownIt({ html: false, linkify: false, typographer: false });
markdown.disable('image');
markdown.validateLink = (url: string): boolean => /^(https?:\/\/|mailto:)/i.test(url.trim());
markdown.renderer.rules.heading_open = (tokens, index) => {
  const level = Math.min(6, Number(tokens[index]!.tag.slice(1)) + 2);
  return `<h${level}>`;
};
markdown.renderer.rules.heading_close = (tokens, index) => {
  const level = Math.min(6, Number(tokens[index]!.tag.slice(1)) + 2);
  return `</h${level}>\n`;
};
const defaultLinkOpen = markdown.renderer.rules.link_open ?? ((tokens, index, options, _env, self) => self.renderToken(tokens, index, options));
markdown.renderer.rules.link_open = (tokens, index, options, env, self) => {
  tokens[index]!.attrSet('rel', 'noopener noreferrer');
  return defaultLinkOpen(tokens, index, options, env, self);
};

export function renderAuthorMarkdown(text: string): SafeHtml {
  return new SafeHtml(markdown.render(text));
}
