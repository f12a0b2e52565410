// Eleventy configuration for authors: `npx @11ty/eleventy --serve` serves the site and rebuilds it when a
// rule or any other knowledge-base file changes. Wiring only: the knowledge base is built from
// atc.config.yml and handed to the site plugin (src/site/site-plugin.ts), the one module that talks to
// Eleventy. `atc build` does not read this file; it runs the same plugin itself (src/site/build-site.ts).
// Node 20 cannot load .ts files, so tsx's loader is registered first, as bin/atc.js does.
import path from 'node:path';
import { register } from 'tsx/esm/api';

register();
const { loadConfig } = await import('./src/load/load-config.ts');
const { modelKnowledgeBase, renderKnowledgeBaseInSteps } = await import('./src/build.ts');
const { cacheFolderFor } = await import('./src/cache/build-cache.ts');
const { LoadMemo } = await import('./src/load/load-memo.ts');
const { formatIssueReport } = await import('./src/report-issues.ts');
const { renderSitePages, siteModel, sourceFilePages } = await import('./src/render/html/site-pages.ts');
const { sitePlugin } = await import('./src/site/site-plugin.ts');
const { listedFile, streamedInMemory } = await import('./src/present/output-file.ts');

// Kept between rebuilds: what each unchanged file loaded as, and the conversions of the last build.
const session = { memo: new LoadMemo() };
/** The markdown and export files of the last whole build, for the early pages of the next (their Downloads page). */
let lastFiles;

/**
 * Builds the knowledge base from atc.config.yml up to its model, and returns the pages of the entities read
 * from `changed` (shown first) and a function rendering everything else; problems (warnings and errors) are
 * printed once everything is rendered.
 * @param {readonly string[]} changed
 */
function rebuild(changed) {
  const changedFiles = new Set(changed.map((file) => path.resolve(file)));
  session.memo.forget(changedFiles);
  const { config, issues } = loadConfig({});
  const modelled = modelKnowledgeBase(config, { session, cache: { folder: cacheFolderFor(config.rootDir), reuse: true } });
  const model = siteModel(modelled);
  return {
    config,
    context: model.context,
    first: sourceFilePages(model).filter((page) => page.file !== undefined && changedFiles.has(path.resolve(page.file))),
    *finish() {
      // The HTML pages first (see ServeEarlyPages), then the markdown pages and exports, then the site again.
      if (lastFiles) yield { earlyPages: renderSitePages({ ...modelled, files: lastFiles.files }, model, undefined, lastFiles.streamed) };
      const build = yield* renderKnowledgeBaseInSteps(modelled);
      process.stderr.write(formatIssueReport([...issues, ...build.issues], { minimumSeverity: 'warning' }));
      // The dev server serves every file from memory, the bulk exports too (atc build streams them to disk).
      const streamed = streamedInMemory(build.streamed);
      yield 'listed';
      lastFiles = { files: build.files, streamed: streamed.map(listedFile) };
      const site = renderSitePages(build, model, undefined, lastFiles.streamed);
      return { site, files: [...build.files, ...streamed] };
    },
  };
}

/** @param {import('@11ty/eleventy').EleventyUserConfig} eleventyConfig */
export default function (eleventyConfig) {
  const first = rebuild([]);
  const { config } = first;
  const steps = first.finish();
  let step = steps.next();
  while (!step.done) step = steps.next();
  const { site, files } = step.value;
  eleventyConfig.setQuietMode(true);
  eleventyConfig.addPlugin(sitePlugin, {
    site,
    files,
    rebuild,
    watch: [...Object.values(config.inputs).flat(), 'atc.config.yml', ...(config.attack?.overlay ? [config.attack.overlay.path] : [])],
    reloadMarker: '.atc-cache/serve-updated',
    searchAfterBuild: true,
  });
  return { pathPrefix: config.site.pathPrefix };
}

// The dev server writes into atc's cache, not _site/: Eleventy keeps no manifest of what it wrote, and
// `atc build` refuses an output folder holding files it did not list (README, "The output folder").
export const config = {
  dir: { input: 'src/site', output: '.atc-cache/serve' },
};
