import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { EleventyUserConfig } from '@11ty/eleventy';
import type { OutputFile } from '../render/render-markdown-pages.ts';
import type { SitePages } from '../render/html/site-pages.ts';
import type { RedirectPage, SiteSection } from '../render/html/site-context.ts';
import { renderRedirectHtml } from '../render/html/redirect-page.ts';
import { writeSearchIndex } from './search-index.ts';

/** The folder Eleventy reads: layouts (chrome only) and static assets. Nothing in it is a page. */
export const SITE_INPUT_DIR = path.resolve(import.meta.dirname);
const ASSETS_DIR = path.join(SITE_INPUT_DIR, 'assets');

export interface SitePluginOptions {
  readonly site: SitePages;
  /**
   * Other files of the build (markdown pages, exports) to publish through Eleventy, for `--serve`;
   * `atc build` writes them itself (replaceOutputFolder).
   */
  readonly files?: readonly OutputFile[];
  /**
   * For `--serve`: rebuilds the knowledge base and its pages. Called before Eleventy rebuilds when a
   * watched file outside the site's own folder changed (a rule, a Data Needed entry, the configuration).
   */
  readonly rebuild?: () => { site: SitePages; files: readonly OutputFile[] };
  /** Files and folders to watch (`--serve`); a change runs `rebuild`. */
  readonly watch?: readonly string[];
  /** Write the Pagefind index after each Eleventy build (`--serve`; `atc build` writes it beside Eleventy). */
  readonly searchAfterBuild?: boolean;
  /**
   * Whether Eleventy writes the redirect stubs (default: yes, for `--serve`). `atc build` writes the
   * thousands of stubs itself, beside Eleventy: they are complete documents without a layout, and going
   * through Eleventy would cost as much as all the real pages.
   */
  readonly redirects?: boolean;
}

const NAVIGATION: ReadonlyArray<{ key: SiteSection; label: string; path: string }> = [
  { key: 'rules', label: 'Rules', path: '/rules/' },
  { key: 'matrix', label: 'Matrix', path: '/matrix/' },
  { key: 'conversions', label: 'Conversions', path: '/conversions/' },
  { key: 'data-needed', label: 'Data Needed', path: '/data-needed/' },
  { key: 'logging-policies', label: 'Logging Policies', path: '/logging-policies/' },
  { key: 'enrichments', label: 'Enrichments', path: '/enrichments/' },
  { key: 'triggers', label: 'Triggers', path: '/triggers/' },
  { key: 'gaps', label: 'Gaps', path: '/gaps/' },
];

/**
 * The only module that talks to Eleventy. Page bodies arrive finished (src/render/html); this plugin
 * registers them as 11ty.js virtual templates, so Eleventy never runs rule or trigger text through
 * Liquid or Nunjucks (their `{{` stays text): an 11ty.js template's output is the string its render
 * function returns. One paginated template per kind keeps Eleventy's per-template overhead low. The
 * Nunjucks layouts only wrap the body in the site's chrome, with autoescaping on.
 */
export function sitePlugin(eleventyConfig: EleventyUserConfig, options: SitePluginOptions): void {
  // The current pages; `--serve` replaces them when the knowledge base changes, and the global data
  // below are functions, so each rebuild reads the new ones without reloading the configuration.
  let current = { site: options.site, files: options.files ?? [] };
  const { urls } = options.site.context;
  if (options.rebuild) {
    const rebuild = options.rebuild;
    eleventyConfig.on('eleventy.beforeWatch', (changed: readonly string[]) => {
      if (changed.some((file) => !path.resolve(file).startsWith(SITE_INPUT_DIR + path.sep))) current = rebuild();
    });
  }
  for (const target of options.watch ?? []) eleventyConfig.addWatchTarget(target);
  // Eleventy waits for a file to stay unchanged for 150 ms before rebuilding; editors save in one write.
  if (options.watch) eleventyConfig.setChokidarConfig({ awaitWriteFinish: { stabilityThreshold: 40, pollInterval: 10 } });
  eleventyConfig.setTemplateFormats(['11ty.js']);
  eleventyConfig.setUseGitIgnore(false);
  eleventyConfig.setNunjucksEnvironmentOptions({ autoescape: true, throwOnUndefined: false });

  const assets = readdirSync(ASSETS_DIR).sort();
  const version = (name: string): string => createHash('sha256').update(readFileSync(path.join(ASSETS_DIR, name))).digest('hex').slice(0, 10);
  eleventyConfig.addGlobalData('atcSite', () => ({
    title: current.site.context.siteTitle,
    prefix: urls.prefix,
    attackVersion: current.site.context.kb.attack.version,
    css: `${urls.asset('site.css')}?v=${version('site.css')}`,
    js: `${urls.asset('site.js')}?v=${version('site.js')}`,
    nav: NAVIGATION.map((item) => ({ key: item.key, label: item.label, href: urls.href(item.path) })),
    searchHref: urls.href('/search/'),
    homeHref: urls.href('/'),
    downloadsHref: urls.href('/downloads/'),
    conversionsHref: urls.href('/conversions/'),
    feedHref: current.site.feed,
  }));
  eleventyConfig.addGlobalData('atcPages', () => current.site.pages);
  eleventyConfig.addGlobalData('atcRedirects', () => current.site.redirects);
  eleventyConfig.addTemplate('atc-pages.11ty.js', {
    data: {
      pagination: { data: 'atcPages', size: 1, alias: 'atcPage', addAllPagesToCollections: false },
      layout: 'layouts/base.njk',
      permalink: (data: { atcPage: { url: string } }) => data.atcPage.url,
      eleventyExcludeFromCollections: true,
    },
    render: (data: { atcPage: { body: { value: string } } }) => data.atcPage.body.value,
  });
  if (options.redirects !== false) eleventyConfig.addTemplate('atc-redirects.11ty.js', {
    data: {
      pagination: { data: 'atcRedirects', size: 1, alias: 'atcRedirect', addAllPagesToCollections: false },
      permalink: (data: { atcRedirect: RedirectPage }) => data.atcRedirect.url,
      eleventyExcludeFromCollections: true,
    },
    render: (data: { atcRedirect: RedirectPage }) => renderRedirectHtml(data.atcRedirect, current.site.context.siteTitle).value,
  });
  for (const name of assets) {
    eleventyConfig.addTemplate(`atc-assets/${name}.11ty.js`, {
      data: { permalink: `/assets/${name}`, eleventyExcludeFromCollections: true },
      render: () => readFileSync(path.join(ASSETS_DIR, name), 'utf8'),
    });
  }
  if (options.files && options.files.length > 0) {
    eleventyConfig.addGlobalData('atcFiles', () => current.files);
    eleventyConfig.addTemplate('atc-files.11ty.js', {
      data: {
        pagination: { data: 'atcFiles', size: 1, alias: 'atcFile', addAllPagesToCollections: false },
        permalink: (data: { atcFile: OutputFile }) => `/${data.atcFile.path}`,
        eleventyExcludeFromCollections: true,
      },
      render: (data: { atcFile: OutputFile }) => data.atcFile.content,
    });
  }
  if (options.searchAfterBuild) {
    // Not awaited: the page is served at once and the index follows a moment later; runs are queued.
    let queue: Promise<unknown> = Promise.resolve();
    eleventyConfig.on('eleventy.after', ({ directories }) => {
      const records = current.site.search;
      queue = queue
        .then(() => writeSearchIndex(records, path.resolve(directories.output, 'pagefind')))
        .catch((error: unknown) => process.stderr.write(`atc: search index not written: ${String(error)}\n`));
    });
  }
}

/**
 * Runs Eleventy once, programmatically, into `outputDir` (the staging folder of `atc build`). The
 * project's .eleventy.js is not read (configPath: false): it exists for `eleventy --serve` and would
 * build the knowledge base a second time.
 */
export async function writeSiteWithEleventy(outputDir: string, options: SitePluginOptions): Promise<void> {
  const { default: Eleventy } = await import('@11ty/eleventy');
  const eleventy = new Eleventy(SITE_INPUT_DIR, outputDir, {
    quietMode: true,
    configPath: false,
    pathPrefix: options.site.context.urls.prefix,
    config: (eleventyConfig) => eleventyConfig.addPlugin(sitePlugin, options),
  });
  eleventy.disableLogger(); // atc build prints its own summary; errors still throw from write()
  await eleventy.write();
}
