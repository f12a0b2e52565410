// Search quality on the full ../shared corpus site: the queries of search-queries.json typed into the
// real search page in Chromium, each expected to list one entity first. States precision at 1.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { buildKnowledgeBase } from '../../src/build.ts';
import { sharedCorpusConfig, sharedCorpusExists } from '../../scripts/shared-corpus.ts';
import { launchChromium, serveFolder, skipWithoutChromium } from './browser.ts';
import { searchFor, urlNamesId } from './search-page.ts';

interface ExpectedResult {
  readonly query: string;
  readonly kind: string;
  readonly id: string;
}

const QUERIES: readonly ExpectedResult[] = JSON.parse(readFileSync(path.join(import.meta.dirname, 'search-queries.json'), 'utf8')).queries;
const REQUIRED = 18;

const skip = sharedCorpusExists() ? skipWithoutChromium() : '../shared is absent';

test(`the full corpus site's search lists the expected entity first for at least ${REQUIRED} of ${QUERIES.length} queries`, { skip, timeout: 900_000 }, async (context) => {
  assert.equal(QUERIES.length, 20);
  const { publishSite } = await import('../../src/site/build-site.ts');
  const folder = mkdtempSync(path.join(tmpdir(), 'atc-search-corpus-'));
  const browser = await launchChromium();
  try {
    // No query targets: search records do not hold queries, and conversion would double the build.
    const build = buildKnowledgeBase(sharedCorpusConfig());
    const out = path.join(folder, '_site');
    await publishSite(build, out, { cacheRoot: path.join(folder, '.atc-cache') });
    const server = await serveFolder(out);
    try {
      const page = await browser.newPage();
      const misses: string[] = [];
      for (const expected of QUERIES) {
        const first = (await searchFor(page, server.root, expected.query))[0];
        const hit = first !== undefined && first.kind === expected.kind && urlNamesId(first.href, expected.id);
        if (!hit) misses.push(`"${expected.query}": expected ${expected.kind} ${expected.id}, got ${first ? `${first.kind} ${first.href}` : 'nothing'}`);
      }
      const precision = QUERIES.length - misses.length;
      context.diagnostic(`search precision at 1: ${precision}/${QUERIES.length}${misses.length > 0 ? `; misses: ${misses.join('; ')}` : ''}`);
      assert.ok(precision >= REQUIRED, misses.join('\n'));
    } finally {
      await server.close();
    }
  } finally {
    await browser.close();
    rmSync(folder, { recursive: true, force: true });
  }
});
