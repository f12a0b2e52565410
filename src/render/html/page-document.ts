import { flattenString } from '../flatten-string.ts';
import { html, join, type SafeHtml } from './escape-html.ts';
import type { SiteContext, SitePage, SiteSection } from './site-context.ts';
import { RESPONSE_MATRIX_PATH } from '../../present/site-urls.ts';
import { hasResponseContent } from '../../present/response-view.ts';

/**
 * What every page shares around its body: the header with the navigation and the search box, the
 * footer, and the links to the stylesheet, the script and the feed. Prefixed URLs throughout.
 */
export interface SiteChrome {
  readonly siteTitle: string;
  readonly prefix: string;
  readonly attackVersion: string;
  /** Stylesheet and script URLs, with a content version so that browsers fetch them again when they change. */
  readonly css: string;
  readonly js: string;
  /** URL of any asset by file name (page scripts such as rule-list.js), with its content version. */
  readonly asset: (name: string) => string;
  readonly feed?: string;
  readonly nav: ReadonlyArray<{ readonly key: SiteSection; readonly label: string; readonly href: string }>;
  readonly home: string;
  readonly search: string;
  readonly downloads: string;
  readonly conversions: string;
  readonly gaps: string;
  readonly techniques: string;
}

const NAVIGATION: ReadonlyArray<{ key: SiteSection; label: string; path: string }> = [
  { key: 'rules', label: 'Rules', path: '/rules/' },
  { key: 'matrix', label: 'Matrix', path: '/matrix/' },
  // Short labels: every item fits one row of the header at 1280 px (site.css); the pages' own titles are longer.
  { key: 'conversions', label: 'Queries', path: '/conversions/' },
  { key: 'data-needed', label: 'Data Needed', path: '/data-needed/' },
  { key: 'logging-policies', label: 'Policies', path: '/logging-policies/' },
  { key: 'enrichments', label: 'Enrichments', path: '/enrichments/' },
  { key: 'triggers', label: 'Triggers', path: '/triggers/' },
  { key: 'groups', label: 'Groups', path: '/groups/' },
  { key: 'software', label: 'Software', path: '/software/' },
  { key: 'gaps', label: 'Gaps', path: '/gaps/' },
  { key: 'profiles', label: 'Profiles', path: '/profiles/' },
  { key: 'response', label: 'Response', path: RESPONSE_MATRIX_PATH },
];

/** `assetVersions` maps an asset's file name (site.css) to a short hash of its content. */
export function siteChrome(context: SiteContext, assetVersions: ReadonlyMap<string, string>, feed?: string): SiteChrome {
  const { urls } = context;
  const asset = (name: string): string => {
    const version = assetVersions.get(name);
    return version === undefined ? urls.asset(name) : `${urls.asset(name)}?v=${version}`;
  };
  return {
    siteTitle: context.siteTitle,
    prefix: urls.prefix,
    attackVersion: context.kb.attack.version,
    css: asset('site.css'),
    js: asset('site.js'),
    asset,
    ...(feed === undefined ? {} : { feed }),
    // Profiles and Response only when the build has some: a knowledge base without them has no such page.
    nav: NAVIGATION.filter((item) => (item.key === 'profiles' ? (context.profiles?.profiles.length ?? 0) > 0 : item.key === 'response' ? hasResponseContent(context.kb) : true)).map((item) => ({ key: item.key, label: item.label, href: urls.href(item.path) })),
    home: urls.href('/'),
    search: urls.href('/search/'),
    downloads: urls.href('/downloads/'),
    conversions: urls.href('/conversions/'),
    gaps: urls.href('/gaps/'),
    techniques: urls.href('/techniques/'),
  };
}

/**
 * The whole HTML document of a page: its finished body inside the site's chrome. Written here, through
 * the same escaping as the bodies, rather than as an Eleventy layout: a layout costs Eleventy about a
 * third of a millisecond per page, a second and a half on the full corpus, for a string concatenation.
 */
export function renderPageDocument(page: SitePage, chrome: SiteChrome): string {
  const title = page.section === 'home' ? chrome.siteTitle : `${page.title} · ${chrome.siteTitle}`;
  const navigation = join(chrome.nav.map((item) => html`<li><a href="${item.href}"${item.key === page.section ? html` aria-current="page"` : ''}>${item.label}</a></li>`));
  const feedLink: SafeHtml | string = chrome.feed === undefined ? '' : html`<link rel="alternate" type="application/atom+xml" title="New and modified rules" href="${chrome.feed}">\n`;
  const feedFooter: SafeHtml | string = chrome.feed === undefined ? '' : html` · <a href="${chrome.feed}" type="application/atom+xml">Atom feed</a>`;
  // Flat at once: Eleventy keeps every page it renders until its build ends (see flattenString).
  return flattenString(html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title}</title>
${page.description ? html`<meta name="description" content="${page.description}">\n` : ''}<meta name="color-scheme" content="light dark">
<link rel="icon" href="data:,">
<link rel="canonical" href="${chrome.prefix}${page.url.slice(1)}">
<link rel="stylesheet" href="${chrome.css}">
${feedLink}<script>document.documentElement.classList.add('js')</script>
<script src="${chrome.js}" defer></script>
${join((page.scripts ?? []).map((name) => html`<script src="${chrome.asset(name)}" defer></script>\n`))}</head>
<body data-prefix="${chrome.prefix}">
<a class="skip-link" href="#main">Skip to content</a>
<header class="site-header">
<a class="brand" href="${chrome.home}">${chrome.siteTitle}</a>
<button type="button" class="menu-button" aria-expanded="false" aria-controls="site-nav" hidden>Menu</button>
<nav class="site-nav" id="site-nav" aria-label="Main">
<ul>${navigation}</ul>
</nav>
<form class="search-form mini" action="${chrome.search}" method="get" role="search" aria-label="Site search">
<label class="visually-hidden" for="site-search">Search the knowledge base</label>
<input id="site-search" name="q" type="search" placeholder="Search…" autocomplete="off">
<button type="submit">Search</button>
</form>
</header>
<main id="main" tabindex="-1">
${page.body}
</main>
<footer class="site-footer">
<p>Mapped to ATT&amp;CK Enterprise ${chrome.attackVersion}. Generated by atc-kb. <a href="${chrome.gaps}">Coverage gaps</a> · <a href="${chrome.techniques}">Techniques</a> · <a href="${chrome.conversions}">Conversion matrix</a> · <a href="${chrome.search}">Search</a> · <a href="${chrome.downloads}">Downloads</a>${feedFooter}</p>
</footer>
</body>
</html>
`.value);
}
