import { compareText } from '../model/compare-text.ts';
import type { KnowledgeBase } from '../link/knowledge-base.ts';
import type { DetectionRule } from '../model/detection-rule.ts';
import type { SiteUrls } from '../present/site-urls.ts';
import { isUuid, parseSigmaDate } from '../sigma/rule-metadata.ts';

/**
 * An Atom feed (RFC 4287) of new and modified rules, newest first. A rule's entry is dated by its
 * `modified` date, else its `date`; rules with neither (or with a date that is not a calendar date) are
 * left out. Nothing in it depends on the time of the build: the feed's <updated> is its newest entry's,
 * so two builds of the same input are byte-identical. Entry ids are `urn:uuid:<sigma id>` (stable across
 * moves, renames and base URLs), or for a rule without a UUID an id derived from its file path.
 */

export const FEED_LIMIT = 100;

export interface FeedEntry {
  readonly rule: DetectionRule;
  /** YYYY-MM-DD */
  readonly updated: string;
  readonly published?: string;
  readonly change: 'new' | 'modified';
}

export function feedEntries(kb: KnowledgeBase, limit = FEED_LIMIT): FeedEntry[] {
  const entries: FeedEntry[] = [];
  for (const rule of kb.rules) {
    const published = parseSigmaDate(rule.date);
    const modified = parseSigmaDate(rule.modified);
    const updated = modified ?? published;
    if (!updated) continue;
    entries.push({ rule, updated, ...(published && { published }), change: modified && modified !== published ? 'modified' : 'new' });
  }
  entries.sort((a, b) => (a.updated < b.updated ? 1 : a.updated > b.updated ? -1 : 0) || compareText(a.rule.title, b.rule.title) || compareText(a.rule.relativePath, b.rule.relativePath));
  return entries.slice(0, limit);
}

/** The feed's XML, and how many entries it holds (for the Downloads page). */
export function renderAtomFeed(kb: KnowledgeBase, urls: SiteUrls, siteTitle: string): { xml: string; entries: number } {
  const entries = feedEntries(kb);
  // The title comes from atc.config.yml, and encodeURIComponent throws on a lone surrogate: U+FFFD for it.
  const feedId = urls.absolute ? urls.href('feed.xml') : `urn:atc-kb:feed:${encodeURIComponent(siteTitle.replace(/\p{Surrogate}/gu, '\uFFFD'))}`;
  const updated = entries[0]?.updated ?? '1970-01-01';
  const lines = [
    '<?xml version="1.0" encoding="utf-8"?>',
    '<feed xmlns="http://www.w3.org/2005/Atom">',
    `  <id>${xml(feedId)}</id>`,
    `  <title>${xml(`${siteTitle}: new and modified rules`)}</title>`,
    `  <updated>${updated}T00:00:00Z</updated>`,
    `  <link rel="self" type="application/atom+xml" href="${xml(urls.href('feed.xml'))}"/>`,
    `  <link rel="alternate" type="text/html" href="${xml(urls.href('/'))}"/>`,
    '  <author><name>atc-kb</name></author>',
    '  <generator>atc-kb</generator>',
  ];
  for (const entry of entries) {
    const { rule } = entry;
    lines.push(
      '  <entry>',
      `    <id>${xml(entryId(rule))}</id>`,
      `    <title>${xml(`${entry.change === 'new' ? 'New' : 'Modified'}: ${rule.title}`)}</title>`,
      `    <updated>${entry.updated}T00:00:00Z</updated>`,
      ...(entry.published ? [`    <published>${entry.published}T00:00:00Z</published>`] : []),
      `    <link rel="alternate" type="text/html" href="${xml(urls.rule(rule))}"/>`,
      ...(rule.author ? [`    <author><name>${xml(rule.author)}</name></author>`] : []),
      `    <category term="${entry.change}"/>`,
      ...(rule.level ? [`    <category term="${xml(`level:${rule.level}`)}"/>`] : []),
      ...(rule.status ? [`    <category term="${xml(`status:${rule.status}`)}"/>`] : []),
      ...(rule.description ? [`    <summary>${xml(rule.description.trim())}</summary>`] : []),
      '  </entry>',
    );
  }
  lines.push('</feed>');
  return { xml: `${lines.join('\n')}\n`, entries: entries.length };
}

function entryId(rule: DetectionRule): string {
  const id = rule.id?.trim();
  if (id && isUuid(id)) return `urn:uuid:${id.toLowerCase()}`;
  return `urn:atc-kb:rule:${rule.relativePath.split('/').map(encodeURIComponent).join('/')}`;
}

/**
 * Escapes text for XML content and attribute values, and drops the characters XML 1.0 cannot carry at
 * all (C0 controls other than tab, LF and CR; lone surrogates; U+FFFE and U+FFFF).
 */
export function xml(text: string): string {
  return text
    .replace(/[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu, '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

