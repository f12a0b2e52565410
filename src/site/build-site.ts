import { renderSitePages, siteModel, siteSearchRecords } from '../render/html/site-pages.ts';
import path from 'node:path';
import { closeSearchIndexer, SEARCH_FOLDER, startSearchIndex, type SearchIndexJob } from './search-index.ts';
import type { SiteBuild, SiteModel, SitePages } from '../render/html/site-pages.ts';
import type { SearchRecord } from '../render/html/search-records.ts';
import { writeSiteWithEleventy } from './site-plugin.ts';
import { replaceOutputFolder, writeFiles, writeStreamedFiles, type ReplaceOptions } from './write-output.ts';
import { CACHE_FOLDER_NAME } from './output-cache.ts';
import { refuseUnsafeOutput } from './output-guard.ts';
import { renderRedirectHtml } from '../render/html/redirect-page.ts';

export interface SiteTimings {
  /** Listing the pages and rendering the dozen list pages; entity pages render within `eleventy`, as each is written. */
  readonly pages: number;
  /** Writing the streamed files (the bulk SIEM exports), which are produced as they are written. */
  readonly streamed: number;
  /** Eleventy: rendering the entity pages, the pages through its pagination, and writing them. */
  readonly eleventy: number;
  /** Writing the redirect stubs, and the markdown and export files of the build. */
  readonly files: number;
  /** Pagefind: indexing and writing the index (in its own process, fed by a worker thread, in parallel with the rest). */
  readonly search: number;
  readonly htmlPages: number;
  readonly redirects: number;
  readonly indexedPages: number;
  /** The files written into the output folder, relative to it (the output's manifest lists them). */
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
  let pages = 0;
  let streaming = 0;
  let eleventy = 0;
  let files = 0;
  let indexed = 0;
  let written: string[] = [];
  let site: SitePages | undefined;
  try {
    // First the files too large to hold (the bulk SIEM exports), a line at a time, while Pagefind starts
    // indexing on the other core: the Downloads page states their sizes, known only once they are written.
    const streamed = build.streamed ? writeStreamedFiles(outputDir, build.streamed) : [];
    written = streamed.map((file) => file.path);
    streaming = performance.now() - started;
    started = performance.now();
    const rendered = renderSitePages(build, model, records, streamed);
    site = rendered;
    pages = performance.now() - started;
    started = performance.now();
    written = written.concat(await writeSiteWithEleventy(outputDir, { site: rendered, redirects: false }));
    eleventy = performance.now() - started;
    started = performance.now();
    // Written while Pagefind finishes the index (its own process, on the other core): the redirect stubs
    // (complete documents, no chrome; through Eleventy they would cost as much as the real pages), the
    // rules' source files and the files of queries too long for their pages, then the markdown and export files.
    const stubs = rendered.redirects.map((redirect) => ({ path: `${redirect.url.slice(1)}index.html`, content: renderRedirectHtml(redirect, rendered.context).value }));
    written = written.concat(writeFiles(outputDir, stubs), writeFiles(outputDir, rendered.files), writeFiles(outputDir, build.files ?? []));
    files = performance.now() - started;
    const index = await searching;
    if (index) {
      indexed = index.records;
      written = written.concat(index.files.map((file) => `${SEARCH_FOLDER}/${file}`));
    }
  } finally {
    if (job) await closeSearchIndexer();
    // After a failure the index may still be arriving, and would be written into a staging folder the
    // caller has already removed (a full disk left one behind): settled, nothing more is written.
    await searching.catch(() => undefined);
  }
  return {
    pages,
    streamed: streaming,
    eleventy,
    files,
    search,
    htmlPages: site!.pages.length,
    redirects: site!.redirects.length,
    indexedPages: indexed,
    written,
  };
}

/** How publishSite places the output; see replaceOutputFolder. */
export interface PublishOptions extends Partial<Omit<ReplaceOptions, 'cacheRoot'>> {
  readonly prepared?: PreparedSite;
  /** atc's cache folder (staging, spare, lock); default: `.atc-cache/` in the configuration's folder. */
  readonly cacheRoot?: string;
}

/**
 * `atc build`'s output step: the output folder is checked (never an input, the project, the home
 * folder, a symbolic link; see output-guard.ts), then everything is written into a staging folder in
 * atc's cache and placed only when complete (replaceOutputFolder), touching no file atc did not write.
 * Throws OutputFolderError for a refused folder, another build holding it, or a disk that refuses writes.
 */
export async function publishSite(build: SiteBuild, outDir: string, options: PublishOptions = {}): Promise<SiteTimings> {
  const { prepared, cacheRoot, ...placing } = options;
  let site: SiteTimings | undefined;
  try {
    refuseUnsafeOutput(outDir, build.config);
    await replaceOutputFolder(
      outDir,
      async (stagingDir) => {
        site = await buildSite(build, stagingDir, prepared ? { prepared } : {});
        return site.written;
      },
      { ...placing, cacheRoot: cacheRoot ?? path.resolve(build.config.rootDir, CACHE_FOLDER_NAME) },
    );
  } finally {
    if (!site) await closeSearchIndexer(); // the index may still be running when the build failed early
  }
  return site!;
}
