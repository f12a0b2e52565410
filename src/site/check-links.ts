import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { load } from 'cheerio';
import { normalizePathPrefix } from '../config.ts';

export interface LinkProblem {
  /** The page, relative to the site folder. */
  readonly page: string;
  /** The URL as written. */
  readonly url: string;
  readonly problem: string;
}

export interface LinkReport {
  readonly pages: number;
  readonly links: number;
  readonly problems: readonly LinkProblem[];
}

/** Attributes that point somewhere, by element. */
const URL_ATTRIBUTES: ReadonlyArray<readonly [string, string]> = [
  ['a', 'href'],
  ['area', 'href'],
  ['link', 'href'],
  ['script', 'src'],
  ['img', 'src'],
  ['iframe', 'src'],
  ['source', 'src'],
  ['video', 'src'],
  ['audio', 'src'],
  ['form', 'action'],
];
/** Elements whose URL the browser loads by itself: they must be in the site (no external requests). */
const LOADED = new Set(['link', 'script', 'img', 'iframe', 'source', 'video', 'audio']);

function htmlFiles(folder: string): string[] {
  const found: string[] = [];
  const walk = (directory: string): void => {
    for (const entry of readdirSync(directory, { withFileTypes: true })) {
      const full = path.join(directory, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.name.endsWith('.html')) found.push(path.relative(folder, full).split(path.sep).join('/'));
    }
  };
  walk(folder);
  return found.sort();
}

/**
 * Checks every internal link and anchor of a built site: each href/src/action (and meta refresh) that
 * stays on the site must name a file that exists under `folder` (a folder URL means its index.html),
 * and a `#fragment` must be an id (or a[name]) on the target page. Links to other files of the site
 * (the exports: layers/*.json, api/**, *.csv, feed.xml) only need the file to exist. Links must stay under the path
 * prefix; `javascript:` URLs, resources loaded from other hosts and ids used twice on a page are
 * reported too. Links to other sites are not fetched.
 */
export function checkLinks(folder: string, options: { pathPrefix?: string } = {}): LinkReport {
  const root = path.resolve(folder);
  const prefix = normalizePathPrefix(options.pathPrefix ?? '/');
  const pages = htmlFiles(root);
  const ids = new Map<string, Set<string>>();
  const references: Array<{ page: string; url: string; loaded: boolean }> = [];
  const problems: LinkProblem[] = [];
  for (const page of pages) {
    const $ = load(readFileSync(path.join(root, page), 'utf8'), { xml: { xmlMode: false, decodeEntities: true } });
    const pageIds = new Set<string>();
    $('[id]').each((_, element) => {
      const id = $(element).attr('id')!;
      // A repeated id makes a link to it land on the first one only (and breaks aria references).
      if (pageIds.has(id)) problems.push({ page, url: `#${id}`, problem: `id "${id}" appears more than once` });
      pageIds.add(id);
    });
    $('a[name]').each((_, element) => void pageIds.add($(element).attr('name')!));
    ids.set(page, pageIds);
    for (const [tag, attribute] of URL_ATTRIBUTES) {
      $(`${tag}[${attribute}]`).each((_, element) => {
        const url = $(element).attr(attribute)!;
        if (tag === 'link' && !/\b(stylesheet|icon|preload|modulepreload|manifest)\b/.test($(element).attr('rel') ?? '') && /^[a-z][a-z0-9+.-]*:/i.test(url)) return;
        // A <link> is loaded by the browser only as a stylesheet, icon, preload or manifest (not canonical or alternate, e.g. the Atom feed).
        const loaded = tag === 'link' ? /\b(stylesheet|icon|preload|modulepreload|manifest)\b/.test($(element).attr('rel') ?? '') : LOADED.has(tag);
        references.push({ page, url, loaded });
      });
    }
    $('meta[http-equiv]').each((_, element) => {
      if ($(element).attr('http-equiv')!.toLowerCase() !== 'refresh') return;
      const match = /url=(.*)$/i.exec($(element).attr('content') ?? '');
      if (match) references.push({ page, url: match[1]!.trim().replace(/^['"]|['"]$/g, ''), loaded: false });
    });
  }
  const fileExists = new Map<string, boolean>();
  const exists = (relative: string): boolean => {
    let known = fileExists.get(relative);
    if (known === undefined) {
      const full = path.join(root, relative);
      known = full.startsWith(root) && existsSync(full) && statSync(full).isFile();
      fileExists.set(relative, known);
    }
    return known;
  };
  for (const { page, url, loaded } of references) {
    const trimmed = url.trim();
    if (/^javascript:/i.test(trimmed)) {
      problems.push({ page, url, problem: 'javascript: URL' });
      continue;
    }
    if (/^[a-z][a-z0-9+.-]*:/i.test(trimmed) || trimmed.startsWith('//')) {
      if (loaded && /^(https?:)?\/\//i.test(trimmed)) problems.push({ page, url, problem: 'loads a resource from another site' });
      continue;
    }
    const pageUrl = `${prefix}${page.replace(/(^|\/)index\.html$/, '$1')}`;
    const resolved = new URL(trimmed, `http://site.invalid${pageUrl}`);
    let pathname: string;
    try {
      pathname = decodeURIComponent(resolved.pathname);
    } catch {
      problems.push({ page, url, problem: 'malformed percent-encoding' });
      continue;
    }
    if (!pathname.startsWith(prefix)) {
      problems.push({ page, url, problem: `outside the path prefix ${prefix}` });
      continue;
    }
    let target = pathname.slice(prefix.length);
    if (target === '' || target.endsWith('/')) target += 'index.html';
    else if (!exists(target) && exists(`${target}/index.html`)) target += '/index.html';
    if (!exists(target)) {
      problems.push({ page, url, problem: `no file ${target}` });
      continue;
    }
    let fragment = '';
    try {
      fragment = resolved.hash ? decodeURIComponent(resolved.hash.slice(1)) : '';
    } catch {
      problems.push({ page, url, problem: 'malformed percent-encoding in the fragment' });
      continue;
    }
    if (fragment && target.endsWith('.html') && !ids.get(target)?.has(fragment)) problems.push({ page, url, problem: `no id "${fragment}" in ${target}` });
  }
  return { pages: pages.length, links: references.length, problems };
}
