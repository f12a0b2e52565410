import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, watch, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { EleventyUserConfig } from '@11ty/eleventy';
import type { OutputFile } from '../present/output-file.ts';
import type { SitePages } from '../render/html/site-pages.ts';
import type { PendingPage, RedirectPage, SiteContext } from '../render/html/site-context.ts';
import { outputPathOfUrl, ServedOutput, type ServedEntry } from './serve-output.ts';
import { renderPageDocument, siteChrome, type SiteChrome } from '../render/html/page-document.ts';
import { renderRedirectHtml } from '../render/html/redirect-page.ts';
import { SEARCH_FOLDER, writeSearchIndex } from './search-index.ts';
import { terminalLine } from '../terminal-text.ts';

/** The folder Eleventy reads: only static assets; the pages are virtual templates. */
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
   * For `--serve`: rebuilds the knowledge base after a watched file outside the site's own folder changed
   * (a rule, a Data Needed entry, the configuration); `changed` are the paths Eleventy reports. See ServeRebuild.
   */
  readonly rebuild?: (changed: readonly string[]) => ServeRebuild;
  /** Files and folders to watch (`--serve`); a change runs `rebuild`. */
  readonly watch?: readonly string[];
  /**
   * For `--serve`: a file (outside the output folder) written whenever the pages after a rebuild have been
   * updated; the dev server watches it (setServerOptions) and reloads the browser.
   */
  readonly reloadMarker?: string;
  /** Whether Eleventy writes the static assets (default: yes); one batch of writeSiteWithEleventy does. */
  readonly assets?: boolean;
  /** Write the Pagefind index after each Eleventy build (`--serve`; `atc build` writes it beside Eleventy). */
  readonly searchAfterBuild?: boolean;
  /**
   * Whether Eleventy writes the redirect stubs (default: yes, for `--serve`). `atc build` writes the
   * thousands of stubs itself, beside Eleventy: they are complete documents without a layout, and going
   * through Eleventy would cost as much as all the real pages.
   */
  readonly redirects?: boolean;
}

/**
 * What `--serve` does after an edit, in two steps: Eleventy writes the pages of the edited files at once
 * (`first`, rendered with `context`), so the page an author is looking at is served within a second at
 * corpus size; then `finish` renders everything else (markdown, exports, checks, every page), of which only
 * the files whose content changed are written, in slices that give way to a newer edit, and the browser is
 * told to reload. Pagefind follows.
 */
export interface ServeRebuild {
  readonly first: readonly PendingPage[];
  readonly context: SiteContext;
  /** Pauses (yields) between its stages, where a newer edit may take over. */
  finish(): Generator<unknown, { site: SitePages; files: readonly OutputFile[] }>;
}

/**
 * The only module that talks to Eleventy. Page bodies arrive finished (src/render/html); this plugin
 * registers them as 11ty.js virtual templates, so Eleventy never runs rule or trigger text through
 * Liquid or Nunjucks (their `{{` stays text): an 11ty.js template's output is the string its render
 * function returns. One paginated template per kind keeps Eleventy's per-template overhead low. Each page
 * is a whole document (src/render/html/page-document.ts): there is no layout for a template language to
 * interpret.
 */
export function sitePlugin(eleventyConfig: EleventyUserConfig, options: SitePluginOptions): void {
  // What Eleventy renders in its next build: everything at first; after an edit, only the edited files'
  // pages (ServeRebuild.first), the rest being written by the update that follows. The global data below
  // are functions, so each build reads the current value without reloading the configuration.
  let current = { site: options.site, files: options.files ?? [] };
  // The whole site of the latest knowledge base (Pagefind's records, the feed link of the chrome).
  let latest = current;
  let finishing: ServeRebuild['finish'] | undefined;
  let generation = 0;
  let served: ServedOutput | undefined;
  let search: ((records: SitePages['search'], outputDir: string) => void) | undefined;
  if (options.rebuild) {
    const rebuild = options.rebuild;
    eleventyConfig.on('eleventy.beforeWatch', (changed: readonly string[]) => {
      if (!changed.some((file) => !path.resolve(file).startsWith(SITE_INPUT_DIR + path.sep))) {
        current = latest; // an asset or the site's own code changed: Eleventy renders everything again
        return;
      }
      generation += 1;
      const update = rebuild(changed);
      finishing = update.finish;
      current = { site: { ...latest.site, context: update.context, pages: update.first, redirects: [], files: [] }, files: [] };
    });
    // Renders the whole site of a rebuild and writes what changed (see ServeRebuild); superseded by a newer rebuild.
    const updateServed = async (finish: ServeRebuild['finish'], outputDir: string): Promise<void> => {
      const mine = generation;
      const superseded = (): boolean => mine !== generation;
      const steps = finish();
      let step = steps.next();
      while (!step.done) {
        await new Promise((resolve) => setImmediate(resolve));
        if (superseded()) return;
        step = steps.next();
      }
      const full = step.value;
      latest = { site: full.site, files: full.files };
      current = latest;
      chrome = undefined;
      const done = await served!.update(servedEntries(full.site, full.files, currentChrome(), assets), superseded);
      if (!done) return;
      if (options.reloadMarker) touch(options.reloadMarker);
      search?.(full.site.search, outputDir);
    };
    const reportFailure = (error: unknown): void => {
      process.stderr.write(`${terminalLine(`atc: the served pages were not all updated: ${String(error)}`)}\n`);
    };
    eleventyConfig.on('eleventy.after', ({ directories }: { directories: { output: string } }) => {
      const finish = finishing;
      finishing = undefined;
      if (!finish) return;
      const mine = generation;
      // After Eleventy has served the first pages: a timer, so that its build ends (and the browser reloads) first.
      setTimeout(() => {
        if (mine === generation) updateServed(finish, directories.output).catch(reportFailure);
      }, 0);
    });
    eleventyConfig.on('eleventy.before', ({ directories }: { directories: { output: string } }) => {
      served ??= new ServedOutput(path.resolve(directories.output));
    });
    // Eleventy builds when a watched file is added or changed, not when one is deleted: deletions are
    // watched here, and rebuild the knowledge base without an Eleventy build (nothing to show first).
    watchDeletions(options.watch ?? [], (deleted) => {
      if (!served) return; // not serving yet
      generation += 1;
      updateServed(rebuild(deleted).finish, served.folder).catch(reportFailure);
    });
    if (options.reloadMarker) eleventyConfig.setServerOptions({ watch: [options.reloadMarker] });
  }
  // In `--serve`, what Eleventy writes is recorded, so that an update writes only what differs.
  const record = <T extends string>(url: string, content: T): T => {
    served?.record(outputPathOfUrl(url), content);
    return content;
  };
  for (const target of options.watch ?? []) eleventyConfig.addWatchTarget(target);
  // Eleventy waits for a file to stay unchanged for 150 ms before rebuilding; editors save in one write.
  if (options.watch) eleventyConfig.setChokidarConfig({ awaitWriteFinish: { stabilityThreshold: 40, pollInterval: 10 } });
  eleventyConfig.setTemplateFormats(['11ty.js']);
  eleventyConfig.setUseGitIgnore(false);

  const assets = readdirSync(ASSETS_DIR).sort();
  // The chrome is made once per Eleventy build, so that `--serve` picks up a new knowledge base and
  // edited assets (whose content hash is in their URL).
  let chrome: SiteChrome | undefined;
  eleventyConfig.on('eleventy.before', () => {
    chrome = undefined;
  });
  const currentChrome = (): SiteChrome => {
    if (chrome) return chrome;
    const versions = new Map(assets.map((name) => [name, createHash('sha256').update(readFileSync(path.join(ASSETS_DIR, name))).digest('hex').slice(0, 10)]));
    return (chrome = siteChrome(current.site.context, versions, current.site.feed));
  };
  eleventyConfig.addGlobalData('atcPages', () => current.site.pages);
  eleventyConfig.addGlobalData('atcRedirects', () => current.site.redirects);
  eleventyConfig.addTemplate('atc-pages.11ty.js', {
    data: {
      pagination: { data: 'atcPages', size: 1, alias: 'atcPage', addAllPagesToCollections: false },
      permalink: (data: { atcPage: PendingPage }) => data.atcPage.url,
      eleventyExcludeFromCollections: true,
    },
    render: (data: { atcPage: PendingPage }) => record(data.atcPage.url, renderPageDocument(data.atcPage.render(), currentChrome())),
  });
  if (options.redirects !== false) eleventyConfig.addTemplate('atc-redirects.11ty.js', {
    data: {
      pagination: { data: 'atcRedirects', size: 1, alias: 'atcRedirect', addAllPagesToCollections: false },
      permalink: (data: { atcRedirect: RedirectPage }) => data.atcRedirect.url,
      eleventyExcludeFromCollections: true,
    },
    render: (data: { atcRedirect: RedirectPage }) => record(data.atcRedirect.url, renderRedirectHtml(data.atcRedirect, current.site.context).value),
  });
  for (const name of options.assets === false ? [] : assets) {
    eleventyConfig.addTemplate(`atc-assets/${name}.11ty.js`, {
      data: { permalink: `/assets/${name}`, eleventyExcludeFromCollections: true },
      render: () => record(`/assets/${name}`, readFileSync(path.join(ASSETS_DIR, name), 'utf8')),
    });
  }
  if (options.files && options.files.length > 0) {
    eleventyConfig.addGlobalData('atcFiles', () => [...current.site.files, ...current.files]);
    eleventyConfig.addTemplate('atc-files.11ty.js', {
      data: {
        pagination: { data: 'atcFiles', size: 1, alias: 'atcFile', addAllPagesToCollections: false },
        permalink: (data: { atcFile: OutputFile }) => `/${data.atcFile.path}`,
        eleventyExcludeFromCollections: true,
      },
      render: (data: { atcFile: OutputFile }) => record(`/${data.atcFile.path}`, data.atcFile.content),
    });
  }
  if (options.searchAfterBuild) {
    // Not awaited: the page is served at once and the index follows a moment later; runs are queued.
    let queue: Promise<unknown> = Promise.resolve();
    search = (records, outputDir) => {
      queue = queue
        .then(() => writeSearchIndex(records, path.resolve(outputDir, SEARCH_FOLDER)))
        .catch((error: unknown) => process.stderr.write(`${terminalLine(`atc: search index not written: ${String(error)}`)}\n`));
    };
    eleventyConfig.on('eleventy.after', ({ directories }: { directories: { output: string } }) => {
      // After an edit, the index waits for the whole site (see the update above); otherwise it follows this build.
      if (current.site.pages === latest.site.pages) search?.(current.site.search, directories.output);
    });
  }
}

/** Every file of a served site, rendered when asked for, in the paths Eleventy gives them. */
function* servedEntries(site: SitePages, files: readonly OutputFile[], chrome: SiteChrome, assets: readonly string[]): Generator<ServedEntry> {
  for (const page of site.pages) yield { path: outputPathOfUrl(page.url), content: () => renderPageDocument(page.render(), chrome) };
  for (const redirect of site.redirects) yield { path: outputPathOfUrl(redirect.url), content: () => renderRedirectHtml(redirect, site.context).value };
  for (const name of assets) yield { path: `assets/${name}`, content: () => readFileSync(path.join(ASSETS_DIR, name), 'utf8') };
  for (const file of [...site.files, ...files]) yield { path: file.path, content: () => (file.encoded?.length === 1 ? file.encoded[0]! : file.encoded ? Buffer.concat(file.encoded) : file.content) };
}

/** How long deletions are gathered before one rebuild (a checkout deletes many files at once). */
const DELETION_SETTLE_MS = 60;

/** Calls `onDeleted` with the files deleted under the watched folders (and watched files), a batch at a time. */
function watchDeletions(targets: readonly string[], onDeleted: (files: string[]) => void): void {
  let batch: string[] = [];
  let timer: NodeJS.Timeout | undefined;
  const noticed = (file: string): void => {
    if (existsSync(file)) return; // created or renamed into place: Eleventy builds for those
    batch.push(file);
    timer ??= setTimeout(() => {
      const files = batch;
      batch = [];
      timer = undefined;
      onDeleted(files);
    }, DELETION_SETTLE_MS);
  };
  for (const target of targets) {
    const root = path.resolve(target);
    let folder: boolean;
    try {
      folder = statSync(root).isDirectory();
    } catch {
      continue; // a folder the configuration names but that does not exist
    }
    const watcher = watch(root, { recursive: folder, persistent: false }, (_event, name) => {
      noticed(folder && name ? path.join(root, name.toString()) : root);
    });
    watcher.on('error', () => watcher.close());
  }
}

/** Writes the reload marker: its content changes every time, so the dev server's watcher always sees a change. */
function touch(marker: string): void {
  mkdirSync(path.dirname(marker), { recursive: true });
  writeFileSync(marker, `${Date.now()}\n`);
}

/**
 * Pages per Eleventy run. Eleventy keeps every page it renders (and returns them all from write()) until
 * its build ends, so one run over 40,000 rule pages would hold gigabytes of HTML; runs of this many pages
 * bound that to about 60 MB, at a few tens of milliseconds of set-up per run.
 */
const PAGES_PER_ELEVENTY_RUN = 1000;

/**
 * Runs Eleventy programmatically into `outputDir` (the staging folder of `atc build`), over the pages in
 * runs of PAGES_PER_ELEVENTY_RUN (the first also writes the assets), and returns the files it wrote,
 * relative to `outputDir`. The project's .eleventy.js is not read (configPath: false): it exists for
 * `eleventy --serve` and would build the knowledge base a second time.
 */
export async function writeSiteWithEleventy(outputDir: string, options: SitePluginOptions): Promise<string[]> {
  const { pages } = options.site;
  const written: string[] = [];
  for (let start = 0; start === 0 || start < pages.length; start += PAGES_PER_ELEVENTY_RUN) {
    const run = { ...options, site: { ...options.site, pages: pages.slice(start, start + PAGES_PER_ELEVENTY_RUN) }, assets: start === 0 };
    // One at a time: a run's pages are released before the next one renders.
    try {
      written.push(...(await runEleventy(outputDir, run)));
    } catch (error) {
      await settleFileWrites();
      throw error;
    }
  }
  return written;
}

/** A failed run is taken as finished once no file was being written for this long (its pages render in microseconds). */
const SETTLED_AFTER_MS = 250;
/** ...or after this long in any case: a write takes milliseconds. */
const SETTLE_LIMIT_MS = 10_000;

/**
 * Eleventy's write() fails at the first failed page (a full disk) while it goes on rendering and writing the
 * others, which would create folders again in the staging folder the caller removes next. Waits until no
 * file system request has been under way for a while, so that the failure leaves nothing behind.
 */
async function settleFileWrites(): Promise<void> {
  const busy = (): boolean => process.getActiveResourcesInfo().some((resource) => resource.startsWith('FSReq') || resource === 'FileHandle');
  const started = performance.now();
  let quietSince = performance.now();
  while (performance.now() - quietSince < SETTLED_AFTER_MS && performance.now() - started < SETTLE_LIMIT_MS) {
    await new Promise((resolve) => setTimeout(resolve, 5));
    if (busy()) quietSince = performance.now();
  }
}

async function runEleventy(outputDir: string, options: SitePluginOptions): Promise<string[]> {
  const { default: Eleventy } = await import('@11ty/eleventy');
  const eleventy = new Eleventy(SITE_INPUT_DIR, outputDir, {
    quietMode: true,
    configPath: false,
    pathPrefix: options.site.context.urls.prefix,
    config: (eleventyConfig) => eleventyConfig.addPlugin(sitePlugin, options),
  });
  eleventy.disableLogger(); // atc build prints its own summary; errors still throw from write()
  const [, templates] = (await eleventy.write()) as [unknown, Array<{ outputPath: string | false }>];
  const root = path.resolve(outputDir);
  return templates.flatMap((template) => (template.outputPath ? [path.relative(root, path.resolve(template.outputPath)).split(path.sep).join('/')] : []));
}
