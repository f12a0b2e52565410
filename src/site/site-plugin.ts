import { existsSync, mkdirSync, statSync, watch, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { EleventyUserConfig } from '@11ty/eleventy';
import type { OutputFile } from '../present/output-file.ts';
import type { SitePages } from '../render/html/site-pages.ts';
import type { PendingPage, SiteContext } from '../render/html/site-context.ts';
import { renderPageDocument, type SiteChrome } from '../render/html/page-document.ts';
import { renderRedirectHtml } from '../render/html/redirect-page.ts';
import { contentHash } from './output-manifest.ts';
import { SEARCH_FOLDER, writeSearchIndex } from './search-index.ts';
import { ServedOutput } from './serve-output.ts';
import { assetPermalink, outputPathOf, siteAssets, siteChromeFor, type SiteAsset, type SiteOutput } from './site-outputs.ts';
import { terminalLine } from '../terminal-text.ts';

/** The folder Eleventy reads: only static assets; the pages are virtual templates. */
export const SITE_INPUT_DIR = path.resolve(import.meta.dirname);

export interface SitePluginOptions {
  readonly site: SitePages;
  /** Other files of the build (markdown pages, exports), served too. */
  readonly files?: readonly OutputFile[];
  /**
   * Rebuilds the knowledge base after a watched file outside the site's own folder changed (a rule, a
   * Data Needed entry, the configuration); `changed` are the paths Eleventy reports. See ServeRebuild.
   */
  readonly rebuild?: (changed: readonly string[]) => ServeRebuild;
  /** Files and folders to watch; a change runs `rebuild`. */
  readonly watch?: readonly string[];
  /**
   * A file (outside the output folder) written whenever the pages after a rebuild have been updated; the
   * dev server watches it (setServerOptions) and reloads the browser.
   */
  readonly reloadMarker?: string;
  /** Write the Pagefind index after each build (not awaited: the pages are served first). */
  readonly searchAfterBuild?: boolean;
}

/**
 * What the dev server does after an edit, in two steps: Eleventy writes the pages of the edited files at
 * once (`first`, rendered with `context`), so the page an author is looking at is served within a second
 * at corpus size; then `finish` renders everything else (markdown, exports, checks, every page), of which
 * only the files whose content changed are written, in slices that give way to a newer edit, and the
 * browser is told to reload. Pagefind follows.
 */
export interface ServeRebuild {
  readonly first: readonly PendingPage[];
  readonly context: SiteContext;
  /**
   * Pauses (yields) between its stages, where a newer edit may take over. A stage may yield early pages
   * (ServeEarlyPages): those that changed are written at once, before the stages that follow.
   */
  finish(): Generator<unknown, { site: SitePages; files: readonly OutputFile[] }>;
}

/**
 * The site's pages made from the knowledge base's model alone, before the markdown pages and exports: the
 * technique, list and Data Needed pages of an edit are served seconds sooner. Only the Downloads page,
 * which lists the exports, can differ from the final one (it shows the previous build's files until then).
 */
export interface ServeEarlyPages {
  readonly earlyPages: SitePages;
}

function isEarlyPages(step: unknown): step is ServeEarlyPages {
  return typeof step === 'object' && step !== null && 'earlyPages' in step;
}

/**
 * The dev server's plugin (`npx @11ty/eleventy --serve`, .eleventy.js), and the only module that talks to
 * Eleventy. Page bodies arrive finished (src/render/html); every page's whole document
 * (src/render/html/page-document.ts) is rendered here and handed to Eleventy as the output of one 11ty.js
 * virtual template, so Eleventy never runs rule or trigger text through Liquid or Nunjucks (their `{{`
 * stays text), and there is no layout for a template language to interpret.
 */
export function sitePlugin(eleventyConfig: EleventyUserConfig, options: SitePluginOptions): void {
  // The whole site of the latest knowledge base.
  let latest = { site: options.site, files: options.files ?? [] };
  // What Eleventy writes in its next build: everything at first (and after an edited asset); after an
  // edit of the knowledge base, only the edited files' pages, the rest being written by the update that follows.
  let outputs: readonly SiteOutput[] = [];
  const everything = (): readonly SiteOutput[] => everyOutput(latest.site, latest.files, siteAssets(), served);
  let nextOutputs = everything;
  let finishing: ServeRebuild['finish'] | undefined;
  let generation = 0;
  let served: ServedOutput | undefined;
  eleventyConfig.on('eleventy.before', ({ directories }) => {
    served ??= new ServedOutput(path.resolve(directories.output));
    outputs = nextOutputs();
    nextOutputs = everything;
  });
  addOutputTemplate(eleventyConfig, () => outputs);

  let search: ((records: SitePages['search'], outputDir: string) => void) | undefined;
  if (options.searchAfterBuild) {
    // Not awaited: the page is served at once and the index follows a moment later; runs are queued,
    // and skipped when the records are those of the index last written.
    let queue: Promise<unknown> = Promise.resolve();
    let indexed: string | undefined;
    search = (records, outputDir) => {
      queue = queue
        .then(async () => {
          const key = contentHash([JSON.stringify(records)]);
          if (key === indexed) return;
          await writeSearchIndex(records, path.resolve(outputDir, SEARCH_FOLDER));
          indexed = key;
        })
        .catch((error: unknown) => process.stderr.write(`${terminalLine(`atc: search index not written: ${String(error)}`)}\n`));
    };
  }

  if (options.rebuild) {
    const rebuild = options.rebuild;
    eleventyConfig.on('eleventy.beforeWatch', (changed) => {
      // An asset or the site's own code changed: Eleventy writes everything again (nextOutputs as it is).
      if (!changed.some((file) => !path.resolve(file).startsWith(SITE_INPUT_DIR + path.sep))) return;
      generation += 1;
      const update = rebuild(changed);
      finishing = update.finish;
      nextOutputs = () => {
        const chrome = siteChromeFor({ ...latest.site, context: update.context }, siteAssets());
        // Rendered now, to leave out a page the folder already holds (a save that changed nothing on it).
        return pageOutputs(update.first, chrome).flatMap((output) => {
          const text = output.text();
          return served?.holds(outputPathOf(output.permalink), text) ? [] : [recorded(served, { permalink: output.permalink, text: () => text })];
        });
      };
    });
    // Renders the whole site of a rebuild and writes what changed (see ServeRebuild); superseded by a newer rebuild.
    const updateServed = async (finish: ServeRebuild['finish'], outputDir: string): Promise<void> => {
      const mine = generation;
      const superseded = (): boolean => mine !== generation;
      const steps = finish();
      let step = steps.next();
      while (!step.done) {
        if (isEarlyPages(step.value)) {
          const { earlyPages } = step.value;
          const pages = pageOutputs(earlyPages.pages, siteChromeFor(earlyPages, siteAssets()));
          if (!(await served!.update(pages, superseded, { removeOthers: false }))) return;
          if (options.reloadMarker) touch(options.reloadMarker);
        }
        await new Promise((resolve) => setImmediate(resolve));
        if (superseded()) return;
        step = steps.next();
      }
      latest = { site: step.value.site, files: step.value.files };
      const done = await served!.update(everyOutput(latest.site, latest.files, siteAssets()), superseded);
      if (!done) return;
      if (options.reloadMarker) touch(options.reloadMarker);
      search?.(latest.site.search, outputDir);
    };
    const reportFailure = (error: unknown): void => {
      process.stderr.write(`${terminalLine(`atc: the served pages were not all updated: ${String(error)}`)}\n`);
    };
    eleventyConfig.on('eleventy.after', ({ directories }) => {
      const finish = finishing;
      finishing = undefined;
      if (!finish) {
        search?.(latest.site.search, directories.output);
        return;
      }
      const mine = generation;
      // After Eleventy has served the first pages: a timer, so that its build ends (and the browser reloads) first.
      setTimeout(() => {
        if (mine === generation) updateServed(finish, directories.output).catch(reportFailure);
      }, 0);
    });
    // Eleventy builds when a watched file is added or changed, not when one is deleted: deletions are
    // watched here, and rebuild the knowledge base without an Eleventy build (nothing to show first).
    watchDeletions(options.watch ?? [], (deleted) => {
      if (!served) return; // not serving yet
      generation += 1;
      updateServed(rebuild(deleted).finish, served.folder).catch(reportFailure);
    });
    if (options.reloadMarker) eleventyConfig.setServerOptions({ watch: [options.reloadMarker] });
  } else if (search) {
    eleventyConfig.on('eleventy.after', ({ directories }) => search(latest.site.search, directories.output));
  }
  for (const target of options.watch ?? []) eleventyConfig.addWatchTarget(target);
  // Eleventy waits for a file to stay unchanged for 150 ms before rebuilding; editors save in one write.
  if (options.watch) eleventyConfig.setChokidarConfig({ awaitWriteFinish: { stabilityThreshold: 40, pollInterval: 10 } });
  configureEleventy(eleventyConfig);
}

/** Every output of a served site, rendered when asked for; with `served`, what Eleventy writes is recorded there. */
function everyOutput(site: SitePages, files: readonly OutputFile[], assets: readonly SiteAsset[], served?: ServedOutput): SiteOutput[] {
  const chrome = siteChromeFor(site, assets);
  const outputs: SiteOutput[] = [
    ...pageOutputs(site.pages, chrome),
    ...site.redirects.map((redirect) => ({ permalink: redirect.url, text: () => renderRedirectHtml(redirect, site.context).value })),
    ...assets.map((asset) => ({ permalink: assetPermalink(asset), text: () => asset.text })),
    ...[...site.files, ...files].map((file) => ({ permalink: `/${file.path}`, text: () => file.content })),
  ];
  return served ? outputs.map((output) => recorded(served, output)) : outputs;
}

/** Pages as outputs: each page's whole document, rendered when asked for. */
function pageOutputs(pages: readonly PendingPage[], chrome: SiteChrome): SiteOutput[] {
  return pages.map((page) => ({ permalink: page.url, text: () => renderPageDocument(page.render(), chrome) }));
}

/** An output whose text, once Eleventy asks for it, is recorded as written, so that an update writes only what differs. */
function recorded(served: ServedOutput | undefined, output: SiteOutput): SiteOutput {
  return {
    permalink: output.permalink,
    text: () => {
      const text = output.text();
      served?.record(outputPathOf(output.permalink), text);
      return text;
    },
  };
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

function configureEleventy(eleventyConfig: EleventyUserConfig): void {
  eleventyConfig.setTemplateFormats(['11ty.js']);
  eleventyConfig.setUseGitIgnore(false);
}

/**
 * One paginated template over every output of the build: the text of each is the string its function
 * returns, written as it is. One template keeps Eleventy's per-template overhead low.
 */
function addOutputTemplate(eleventyConfig: EleventyUserConfig, outputs: () => readonly SiteOutput[]): void {
  eleventyConfig.addGlobalData('atcOutputs', outputs);
  eleventyConfig.addTemplate('atc-output.11ty.js', {
    data: {
      pagination: { data: 'atcOutputs', size: 1, alias: 'atcOutput', addAllPagesToCollections: false },
      permalink: (data: { atcOutput: SiteOutput }) => data.atcOutput.permalink,
      eleventyExcludeFromCollections: true,
    },
    render: (data: { atcOutput: SiteOutput }) => data.atcOutput.text(),
  });
}

/**
 * Has Eleventy write `outputs` into `outputDir` (the staging folder of `atc build`), and checks that each
 * went where the manifest will say it is. The project's .eleventy.js is not read (configPath: false): it
 * exists for `eleventy --serve` and would build the knowledge base a second time. Eleventy keeps every
 * output until its build ends, so callers hand it a bounded number at a time.
 */
export async function writeWithEleventy(outputDir: string, outputs: readonly SiteOutput[], pathPrefix: string): Promise<void> {
  if (outputs.length === 0) return;
  let written: string[];
  try {
    written = await runEleventy(outputDir, outputs, pathPrefix);
  } catch (error) {
    await settleFileWrites();
    throw error;
  }
  const expected = outputs.map((output) => outputPathOf(output.permalink)).sort();
  written.sort();
  if (written.length !== expected.length || written.some((file, index) => file !== expected[index])) {
    const stray = written.find((file, index) => file !== expected[index]) ?? expected[written.length];
    throw new Error(`internal error: Eleventy wrote ${written.length} files where ${expected.length} were expected (${JSON.stringify(stray)})`);
  }
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

async function runEleventy(outputDir: string, outputs: readonly SiteOutput[], pathPrefix: string): Promise<string[]> {
  const { default: Eleventy } = await import('@11ty/eleventy');
  const eleventy = new Eleventy(SITE_INPUT_DIR, outputDir, {
    quietMode: true,
    configPath: false,
    pathPrefix,
    config: (eleventyConfig) => {
      configureEleventy(eleventyConfig);
      addOutputTemplate(eleventyConfig, () => outputs);
    },
  });
  eleventy.disableLogger(); // atc build prints its own summary; errors still throw from write()
  const [, templates] = (await eleventy.write()) as [unknown, Array<{ outputPath: string | false }>];
  const root = path.resolve(outputDir);
  return templates.flatMap((template) => (template.outputPath ? [path.relative(root, path.resolve(template.outputPath)).split(path.sep).join('/')] : []));
}
