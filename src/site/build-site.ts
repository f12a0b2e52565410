import { renderSitePages, siteModel, siteSearchRecords } from '../render/html/site-pages.ts';
import path from 'node:path';
import { closeSearchIndexer, SEARCH_FOLDER, startSearchIndex, type SearchIndexJob } from './search-index.ts';
import type { SiteBuild, SiteModel } from '../render/html/site-pages.ts';
import type { SearchRecord } from '../render/html/search-records.ts';
import { writeSiteWithEleventy } from './site-plugin.ts';
import { replaceOutputFolder, writeFiles } from './write-output.ts';
import { renderRedirectHtml } from '../render/html/redirect-page.ts';

export interface SiteTimings {
  /** Rendering page bodies in TypeScript. */
  readonly pages: number;
  /** Eleventy: the pages through its pagination, and writing them. */
  readonly eleventy: number;
  /** Writing the redirect stubs, and the markdown and export files of the build. */
  readonly files: number;
  /** Pagefind: indexing and writing the index (in its own process, fed by a worker thread, in parallel with the rest). */
  readonly search: number;
  readonly htmlPages: number;
  readonly redirects: number;
  readonly indexedPages: number;
  /** The files written into the output folder, relative to it (replaceOutputFolder removes anything else). */
  readonly written: readonly string[];
}

/** The part of the site that can start before the output folder exists: the URL scheme and the search index. */
export interface PreparedSite {
  readonly model: SiteModel;
  readonly records: readonly SearchRecord[];
  readonly search?: SearchIndexJob;
  readonly started: number;
}

/** Starts the search index (in Pagefind's own process) so that it runs while the pages are rendered and written. */
export function prepareSite(build: SiteBuild, options: { search?: boolean } = {}): PreparedSite {
  const model = siteModel(build);
  const records = siteSearchRecords(model);
  return { model, records, ...(options.search === false ? {} : { search: startSearchIndex(records) }), started: performance.now() };
}

/**
 * Writes the whole output into `outputDir`: the HTML site (pages, redirects, assets, search index) and
 * the build's other files (markdown edition, exports). `atc build` passes the staging folder through
 * replaceOutputFolder's fill callback, so a failure leaves the previous site in place.
 */
export async function buildSite(build: SiteBuild, outputDir: string, options: { search?: boolean; prepared?: PreparedSite } = {}): Promise<SiteTimings> {
  // Pagefind indexes in its own process (from records built from the knowledge base, not from HTML)
  // while this one renders the pages and Eleventy writes them.
  const { model, records, search: job, started: searchStarted } = options.prepared ?? prepareSite(build, options);
  let search = 0;
  const searching = !job
    ? Promise.resolve(undefined)
    : job.finish(path.join(outputDir, SEARCH_FOLDER)).then((written) => {
        search = performance.now() - searchStarted;
        return written;
      });
  searching.catch(() => undefined); // awaited below; this keeps an early failure from being reported as unhandled
  let started = performance.now();
  const site = renderSitePages(build, model, records);
  const pages = performance.now() - started;
  started = performance.now();
  let eleventy = 0;
  let files = 0;
  let indexed = 0;
  let written: string[] = [];
  try {
    written = await writeSiteWithEleventy(outputDir, { site, redirects: false });
    eleventy = performance.now() - started;
    started = performance.now();
    // Written while Pagefind finishes the index (its own process, on the other core): the redirect stubs
    // (complete documents, no chrome; through Eleventy they would cost as much as the real pages), then
    // the markdown and export files.
    const stubs = site.redirects.map((redirect) => ({ path: `${redirect.url.slice(1)}index.html`, content: renderRedirectHtml(redirect, site.context.siteTitle).value }));
    written = written.concat(writeFiles(outputDir, stubs), writeFiles(outputDir, build.files ?? []));
    files = performance.now() - started;
    const index = await searching;
    if (index) {
      indexed = index.records;
      written = written.concat(index.files.map((file) => `${SEARCH_FOLDER}/${file}`));
    }
  } finally {
    if (job) await closeSearchIndexer();
  }
  return {
    pages,
    eleventy,
    files,
    search,
    htmlPages: site.pages.length,
    redirects: site.redirects.length,
    indexedPages: indexed,
    written,
  };
}

/**
 * `atc build`'s output step: everything written into a staging folder and swapped in for `outDir` only
 * when complete (replaceOutputFolder), so a failure leaves the previous output as it was.
 */
export async function publishSite(build: SiteBuild, outDir: string, options: { prepared?: PreparedSite } = {}): Promise<SiteTimings> {
  let site: SiteTimings | undefined;
  try {
    await replaceOutputFolder(outDir, async (stagingDir) => {
      site = await buildSite(build, stagingDir, options);
      return site.written;
    });
  } finally {
    if (!site) await closeSearchIndexer(); // the index may still be running when the build failed early
  }
  return site!;
}
