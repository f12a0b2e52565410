import path from 'node:path';
import type { EleventyUserConfig } from '@11ty/eleventy';
import type { OutputFile } from '../present/output-file.ts';
import type { SitePages } from '../render/html/site-pages.ts';
import { contentHash } from './output-manifest.ts';
import { SEARCH_FOLDER, writeSearchIndex } from './search-index.ts';
import { ServedOutput } from './served-output.ts';
import { outputPathOf, siteAssets, type SiteOutput } from './site-outputs.ts';
import { terminalLine } from '../terminal-text.ts';

/** The folder Eleventy reads: only static assets; the pages are virtual templates. */
export const SITE_INPUT_DIR = path.resolve(import.meta.dirname);

export interface SitePluginOptions {
  readonly site: SitePages;
  /** Other files of the build (markdown pages, exports), served too. */
  readonly files?: readonly OutputFile[];
  /**
   * Rebuilds the knowledge base and its pages. Called before Eleventy rebuilds when a watched file
   * outside the site's own folder changed (a rule, a Data Needed entry, the configuration).
   */
  readonly rebuild?: () => { site: SitePages; files: readonly OutputFile[] };
  /** Files and folders to watch; a change runs `rebuild`. */
  readonly watch?: readonly string[];
  /** Write the Pagefind index after each Eleventy build (not awaited: the pages are served first). */
  readonly searchAfterBuild?: boolean;
}

/**
 * The dev server's plugin (`npx @11ty/eleventy --serve`, .eleventy.js), and the only module that talks to
 * Eleventy. Page bodies arrive finished (src/render/html); every page's whole document
 * (src/render/html/page-document.ts) is rendered here and handed to Eleventy as the output of one 11ty.js
 * virtual template, so Eleventy never runs rule or trigger text through Liquid or Nunjucks (their `{{`
 * stays text), and there is no layout for a template language to interpret.
 *
 * Each build renders every page and file and hashes it, and hands Eleventy only those whose content
 * changed since the previous build of this process (all of them the first time): writing a page costs
 * Eleventy far more than rendering it. A page or file that is gone (a deleted rule) is removed from the
 * output folder (ServedOutput).
 */
export function sitePlugin(eleventyConfig: EleventyUserConfig, options: SitePluginOptions): void {
  // The current pages; a rebuild replaces them when the knowledge base changes.
  let current = { site: options.site, files: options.files ?? [] };
  if (options.rebuild) {
    const rebuild = options.rebuild;
    eleventyConfig.on('eleventy.beforeWatch', (changed: readonly string[]) => {
      if (changed.some((file) => !path.resolve(file).startsWith(SITE_INPUT_DIR + path.sep))) current = rebuild();
    });
  }
  for (const target of options.watch ?? []) eleventyConfig.addWatchTarget(target);
  // Eleventy waits for a file to stay unchanged for 150 ms before rebuilding; editors save in one write.
  if (options.watch) eleventyConfig.setChokidarConfig({ awaitWriteFinish: { stabilityThreshold: 40, pollInterval: 10 } });
  configureEleventy(eleventyConfig);

  const served = new ServedOutput();
  let changed: readonly SiteOutput[] = [];
  // Before each build (edited assets are read again), and before Eleventy reads its global data.
  eleventyConfig.on('eleventy.before', ({ directories }) => {
    changed = served.plan(current.site, current.files, siteAssets(), path.resolve(directories.output));
  });
  eleventyConfig.on('eleventy.after', () => served.commit());
  addOutputTemplate(eleventyConfig, () => changed);

  if (options.searchAfterBuild) {
    // Not awaited: the page is served at once and the index follows a moment later; runs are queued,
    // and skipped when the records are those of the index last written.
    let queue: Promise<unknown> = Promise.resolve();
    let indexed: string | undefined;
    eleventyConfig.on('eleventy.after', ({ directories }) => {
      const records = current.site.search;
      queue = queue
        .then(async () => {
          const key = contentHash([JSON.stringify(records)]);
          if (key === indexed) return;
          await writeSearchIndex(records, path.resolve(directories.output, SEARCH_FOLDER));
          indexed = key;
        })
        .catch((error: unknown) => process.stderr.write(`${terminalLine(`atc: search index not written: ${String(error)}`)}\n`));
    });
  }
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
