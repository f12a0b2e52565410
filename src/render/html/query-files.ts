import { formatQuerySectionSpec } from '../../config.ts';
import type { QuerySectionResult } from '../../convert/convert-knowledge-base.ts';
import type { DetectionRule } from '../../model/detection-rule.ts';
import { queryText } from '../../present/query-text.ts';
import type { OutputFile } from '../../present/output-file.ts';
import { codeBlock, copyButton, count } from './components.ts';
import { formatSize } from './downloads-page.ts';
import { html, type SafeHtml } from './escape-html.ts';
import type { SiteContext } from './site-context.ts';

/**
 * A converted query longer than this (UTF-8 bytes) is published as a text file beside its rule page,
 * which shows its beginning and links the file: a rule of thousands of hashes converts to eight queries
 * of a quarter to half a megabyte each, and inline they made a 3 MB page (README, "Heavy pages").
 */
export const QUERY_INLINE_BYTES = 64 * 1024;
/** How much of a query published as a file its rule page shows. */
const QUERY_PREVIEW_CHARACTERS = 2000;

function isPublishedAsFile(text: string): boolean {
  return Buffer.byteLength(text, 'utf8') > QUERY_INLINE_BYTES;
}

/**
 * Where a long query's file lives, unprefixed: `/rules/<rule>/queries/<target spec>.txt`. A spec is made of
 * letters, digits, `_`, `-`, `+` and `@` (parseQuerySectionSpec); links encode it (`encode`), since some
 * hosts read a `+` in a path as a space.
 */
function queryFilePath(rule: DetectionRule, query: QuerySectionResult, context: SiteContext, encode: (name: string) => string = (name) => name): string {
  return `${context.urls.pathRule(rule)}queries/${encode(`${formatQuerySectionSpec(query.section)}.txt`)}`;
}

/** The files of every query too long for its rule page, in knowledge-base and target order. */
export function oversizedQueryFiles(context: SiteContext): OutputFile[] {
  return context.kb.rules.flatMap((rule) =>
    (context.queries.get(rule) ?? []).flatMap((query) => {
      if (!query.result.ok) return [];
      const text = queryText(query.result);
      return isPublishedAsFile(text) ? [{ path: queryFilePath(rule, query, context).slice(1), content: `${text}\n` }] : [];
    }),
  );
}

/**
 * A converted query on its rule page, with a copy button; a query published as a file shows its first
 * characters (without a copy button, which would copy only those) and a link to the whole file.
 */
export function queryCode(rule: DetectionRule, query: QuerySectionResult, id: string, context: SiteContext): SafeHtml {
  if (!query.result.ok) return html``;
  const text = queryText(query.result);
  if (!isPublishedAsFile(text)) return html`<div class="code-wrap">${copyButton(id, `Copy the ${query.title}`)}${codeBlock(text, { id })}</div>`;
  const href = context.urls.href(queryFilePath(rule, query, context, encodeURIComponent));
  const size = formatSize(Buffer.byteLength(text, 'utf8') + 1);
  return html`<p class="query-file">This query is ${size}, too long for the page: it shows the first ${count(QUERY_PREVIEW_CHARACTERS, 'character')}. <a class="button" href="${href}" download>Download the whole query (${size})</a></p>${codeBlock(`${preview(text)}…`, { id })}`;
}

/** The first characters of a text, never ending inside a surrogate pair. */
function preview(text: string): string {
  const end = QUERY_PREVIEW_CHARACTERS;
  const last = text.charCodeAt(end - 1);
  return text.slice(0, last >= 0xd800 && last <= 0xdbff ? end - 1 : end);
}
