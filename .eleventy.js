// Eleventy configuration for authors: `npx @11ty/eleventy --serve` serves the site and rebuilds it when a
// rule or any other knowledge-base file changes. Wiring only: the knowledge base is built from
// atc.config.yml and handed to the site plugin (src/site/site-plugin.ts), the one module that talks to
// Eleventy. `atc build` does not read this file; it runs the same plugin itself (src/site/build-site.ts).
// Node 20 cannot load .ts files, so tsx's loader is registered first, as bin/atc.js does.
import { register } from 'tsx/esm/api';

register();
const { loadConfig } = await import('./src/load/load-config.ts');
const { buildKnowledgeBase } = await import('./src/build.ts');
const { formatIssueReport } = await import('./src/report-issues.ts');
const { renderSitePages } = await import('./src/render/html/site-pages.ts');
const { sitePlugin } = await import('./src/site/site-plugin.ts');
const { listedFile, streamedInMemory } = await import('./src/present/output-file.ts');

/** Builds the knowledge base and its pages from atc.config.yml, printing problems (warnings and errors). */
function buildFromConfig() {
  const { config, issues } = loadConfig({});
  const build = buildKnowledgeBase(config);
  process.stderr.write(formatIssueReport([...issues, ...build.issues], { minimumSeverity: 'warning' }));
  // The dev server serves every file from memory, the bulk exports too (atc build streams them to disk).
  const streamed = streamedInMemory(build.streamed);
  const site = renderSitePages(build, undefined, undefined, streamed.map(listedFile));
  return { config, site, files: [...build.files, ...streamed] };
}

/** @param {import('@11ty/eleventy').EleventyUserConfig} eleventyConfig */
export default function (eleventyConfig) {
  const { config, site, files } = buildFromConfig();
  eleventyConfig.setQuietMode(true);
  eleventyConfig.addPlugin(sitePlugin, {
    site,
    files,
    rebuild: buildFromConfig,
    watch: [...Object.values(config.inputs).flat(), 'atc.config.yml', ...(config.attack?.overlay ? [config.attack.overlay.path] : [])],
    searchAfterBuild: true,
  });
  return { pathPrefix: config.site.pathPrefix };
}

// The dev server writes into atc's cache, not _site/: Eleventy keeps no manifest of what it wrote, and
// `atc build` refuses an output folder holding files it did not list (README, "The output folder").
export const config = {
  dir: { input: 'src/site', output: '.atc-cache/serve' },
};
