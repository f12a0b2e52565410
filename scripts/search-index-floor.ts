// The part of a one-rule `atc build` no render cache can remove (issue 16): a fresh process loads, links
// and converts the knowledge base (conversions from the cache the previous build left), makes the search
// records from it, and then Pagefind indexes all of them again, since it has no incremental mode
// (Pagefind/pagefind#71) and one changed record changes the index. Prints one JSON line: seconds from the
// process's start until the records are ready, and Pagefind's time alone, with nothing else running.
// Run by scripts/incremental-build.ts in the corpus copy: node --import tsx search-index-floor.ts FOLDER
import path from 'node:path';
import { modelKnowledgeBase } from '../src/build.ts';
import { cacheFolderFor } from '../src/cache/build-cache.ts';
import { loadConfig } from '../src/load/load-config.ts';
import { siteModel, siteSearchRecords } from '../src/render/html/site-pages.ts';
import { closeSearchIndexer, startSearchIndex } from '../src/site/search-index.ts';

const folder = path.resolve(process.argv[2] ?? '.');
const { config } = loadConfig({ configFile: path.join(folder, 'atc.config.yml') }, folder);
const model = modelKnowledgeBase(config, { cache: { folder: cacheFolderFor(config.rootDir), reuse: true } });
const records = siteSearchRecords(siteModel(model));
const recordsReady = process.uptime();
const started = performance.now();
// No cache: the index as a changed record makes it.
const files = await startSearchIndex(records).files();
const indexing = (performance.now() - started) / 1000;
await closeSearchIndexer();
process.stdout.write(`${JSON.stringify({ recordsReady, indexing, records: records.length, indexFiles: files.length })}\n`);
