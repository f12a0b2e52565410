import { renderSitePages, siteModel, siteSearchRecords } from '../render/html/site-pages.ts';
import path from 'node:path';
import type { CacheSettings } from '../cache/build-cache.ts';
import { closeSearchIndexer, SEARCH_FOLDER, startSearchIndex, type SearchIndexJob } from './search-index.ts';
import type { SiteBuild, SiteModel, SitePages } from '../render/html/site-pages.ts';
import type { SearchRecord } from '../render/html/search-records.ts';
import { renderPageDocument } from '../render/html/page-document.ts';
import { writeWithEleventy } from './site-plugin.ts';
import { assetPermalink, outputPathOf, siteAssets, siteChromeFor, type SiteOutput } from './site-outputs.ts';
import { replaceOutputFolder, type ReplaceOptions } from './write-output.ts';
import { OutputWriter, type WriteCounts } from './output-writer.ts';
import { fileContent, type FileContent } from './output-manifest.ts';
import { CACHE_FOLDER_NAME } from './output-cache.ts';
import { refuseUnsafeOutput } from './output-guard.ts';
import { renderRedirectHtml } from '../render/html/redirect-page.ts';

export interface SiteTimings {
  /** Listing the pages and rendering the dozen list pages; entity pages render within `documents`. */
  readonly pages: number;
  /** Writing the streamed files (the bulk SIEM exports), which are produced as they are written. */
  readonly streamed: number;
  /** Rendering every page's whole document and hashing it, to hand Eleventy only those the folder lacks. */
  readonly documents: number;
  /** Eleventy: writing the pages (and assets) the folder did not hold. */
  readonly eleventy: number;
  /** Writing the redirect stubs, and the markdown and export files of the build. */
  readonly files: number;
  /** Pagefind: indexing (in its own process, fed by a worker thread, in parallel with the rest), or taking the index from the cache. */
  readonly search: number;
  /** Whether the search index came from the cache: Pagefind did not run. */
  readonly searchReused: boolean;
  readonly htmlPages: number;
  readonly redirects: number;
  readonly indexedPages: number;
  /** The pages and assets Eleventy wrote (the others were already there, or were copied). */
  readonly eleventyWrites: number;
  /** The files of the output: written, left as the folder held them, copied from the current output. */
  readonly counts: WriteCounts;
  /** Every file of the output, relative to it, with its content (the output's manifest lists them). */
  readonly listed: ReadonlyMap<string, FileContent>;
}

/** The part of the site that can start before the output folder exists: the URL scheme and the search index. */
export interface PreparedSite {
  readonly model: SiteModel;
  readonly records: readonly SearchRecord[];
  readonly search?: SearchIndexJob;
  readonly started: number;
}

export interface PrepareOptions {
  /** Whether to make a search index (default: yes). */
  readonly search?: boolean;
  /** Where an index made from the same records is kept for the next build (`--no-cache`: made afresh). */
  readonly cache?: CacheSettings;
}

/** Starts the search index (in Pagefind's own process) so that it runs while the pages are rendered and written. */
export function prepareSite(build: SiteBuild, options: PrepareOptions = {}): PreparedSite {
  const model = siteModel(build);
  const records = siteSearchRecords(model);
  return { model, records, ...(options.search === false ? {} : { search: startSearchIndex(records, options.cache) }), started: performance.now() };
}

/**
 * Pages rendered before Eleventy writes those of them that changed. Eleventy keeps every page it writes
 * (and returns them all from write()) until its build ends, so one run over 40,000 rule pages would hold
 * gigabytes of HTML; runs of at most this many pages bound that to about 60 MB, at a few tens of
 * milliseconds of set-up per run.
 */
const PAGES_PER_ELEVENTY_RUN = 1000;

/**
 * Writes the whole output into a folder: the HTML site (pages, redirects, assets, search index) and the
 * build's other files (markdown edition, exports). `atc build` passes the writer of its staging folder
 * (replaceOutputFolder), which holds an earlier build: only what differs from it is written, so a failure
 * leaves the previous site in place and an unchanged rebuild writes next to nothing.
 */
export async function buildSite(build: SiteBuild, output: string | OutputWriter, options: PrepareOptions & { prepared?: PreparedSite } = {}): Promise<SiteTimings> {
  const writer = typeof output === 'string' ? new OutputWriter(output) : output;
  // Pagefind indexes in its own process (from records built from the knowledge base, not from HTML)
  // while this one renders the pages and Eleventy writes them.
  const { model, records, search: job, started: searchStarted } = options.prepared ?? prepareSite(build, options);
  let search = 0;
  const searching = !job
    ? Promise.resolve(undefined)
    : job.files().then((files) => {
        // A cached index is there at once; this callback may only run at the build's first await.
        if (!job.reused) search = performance.now() - searchStarted;
        return files;
      });
  searching.catch(() => undefined); // awaited below; this keeps an early failure from being reported as unhandled
  let started = performance.now();
  let pages = 0;
  let streaming = 0;
  let documents = 0;
  let eleventy = 0;
  let eleventyWrites = 0;
  let files = 0;
  let site: SitePages | undefined;
  try {
    // First the files too large to hold (the bulk SIEM exports), a line at a time, while Pagefind starts
    // indexing on the other core: the Downloads page states their sizes, known only once they are written.
    const streamed = build.streamed ? writer.writeStreamed(build.streamed) : [];
    streaming = performance.now() - started;
    started = performance.now();
    const rendered = renderSitePages(build, model, records, streamed);
    site = rendered;
    pages = performance.now() - started;
    started = performance.now();
    const write = async (outputs: readonly SiteOutput[]): Promise<void> => {
      const running = performance.now();
      await writeWithEleventy(writer.folder, outputs, rendered.context.urls.prefix);
      eleventy += performance.now() - running;
      eleventyWrites += outputs.length;
    };
    const assets = siteAssets();
    const chrome = siteChromeFor(rendered, assets);
    let batch: SiteOutput[] = [];
    for (const asset of assets) {
      const permalink = assetPermalink(asset);
      if (writer.needsWriting(outputPathOf(permalink), fileContent([asset.text]))) batch.push({ permalink, text: () => asset.text });
    }
    for (const page of rendered.pages) {
      // Exactly what the template writes; a page the folder holds already is let go at once.
      const document = renderPageDocument(page.render(), chrome);
      if (writer.needsWriting(outputPathOf(page.url), fileContent([document]))) batch.push({ permalink: page.url, text: () => document });
      if (batch.length >= PAGES_PER_ELEVENTY_RUN) {
        await write(batch);
        batch = [];
      }
    }
    await write(batch);
    documents = performance.now() - started - eleventy;
    started = performance.now();
    // Written while Pagefind finishes the index (its own process, on the other core): the redirect stubs
    // (complete documents, no chrome; through Eleventy they would cost as much as the real pages), the
    // rules' source files and the files of queries too long for their pages, then the markdown and export files.
    writer.writeFiles(rendered.redirects.map((redirect) => ({ path: outputPathOf(redirect.url), content: renderRedirectHtml(redirect, rendered.context).value })));
    writer.writeFiles(rendered.files);
    writer.writeFiles(build.files ?? []);
    files = performance.now() - started;
    const index = await searching;
    if (index) writer.writeFiles(index.map((file) => ({ path: `${SEARCH_FOLDER}/${file.path}`, content: file.content })));
  } finally {
    if (job) await closeSearchIndexer();
    // After a failure the index may still be arriving, and would be written into a staging folder the
    // caller has already removed (a full disk left one behind): settled, nothing more is written.
    await searching.catch(() => undefined);
  }
  return {
    pages,
    streamed: streaming,
    documents,
    eleventy,
    files,
    search,
    searchReused: job?.reused ?? false,
    htmlPages: site.pages.length,
    redirects: site.redirects.length,
    indexedPages: job?.records ?? 0,
    eleventyWrites,
    counts: writer.counts,
    listed: writer.listed,
  };
}

/** How publishSite places the output; see replaceOutputFolder. */
export interface PublishOptions extends Partial<Omit<ReplaceOptions, 'cacheRoot'>> {
  readonly prepared?: PreparedSite;
  /** The build cache, for the search index when `prepared` is not given. */
  readonly cache?: CacheSettings;
  /** atc's cache folder (staging, spare, lock); default: `.atc-cache/` in the configuration's folder. */
  readonly cacheRoot?: string;
}

/**
 * `atc build`'s output step: the output folder is checked (never an input, the project, the home
 * folder, a symbolic link; see output-guard.ts), then everything is written into a staging folder in
 * atc's cache and placed only when complete (replaceOutputFolder), touching no file atc did not write;
 * the staging folder holds an earlier build, and only the files that differ from it are written.
 * Throws OutputFolderError for a refused folder, another build holding it, or a disk that refuses writes.
 */
export async function publishSite(build: SiteBuild, outDir: string, options: PublishOptions = {}): Promise<SiteTimings> {
  const { prepared, cacheRoot, cache, ...placing } = options;
  let site: SiteTimings | undefined;
  try {
    refuseUnsafeOutput(outDir, build.config);
    await replaceOutputFolder(
      outDir,
      async (staging) => {
        site = await buildSite(build, staging, prepared ? { prepared } : { ...(cache && { cache }) });
      },
      { ...placing, cacheRoot: cacheRoot ?? path.resolve(build.config.rootDir, CACHE_FOLDER_NAME) },
    );
  } finally {
    if (!site) await closeSearchIndexer(); // the index may still be running when the build failed early
  }
  return site!;
}
