// The site on a phone (issue 13, items 6 and 7), in a real Chromium at 390×844: no page type is wider
// than the screen, the header stays under 64 px with the navigation behind a Menu button (and reachable
// without JavaScript), long code blocks and lists open and close, and axe finds nothing serious in light
// and dark mode. With ../shared present the same holds on the full corpus build's worst pages, and no
// HTML page of that build weighs more than 1 MB.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { sharedCorpusConfig, sharedCorpusExists } from '../../scripts/shared-corpus.ts';
import { buildKnowledgeBase } from '../../src/build.ts';
import { list } from '../../src/render/html/components.ts';
import { listTargets } from '../../src/sigma/convert-collection.ts';
import { PROJECT, SAMPLE_PAGE_TYPES, atcBuild, axeViolations, siteInChromium, skipWithoutChromium, type SiteInChromium, type StaticServer } from './browser.ts';

const PHONE = { width: 390, height: 844 };
const HEADER_LIMIT = 64;
/** A Data Needed entry of the sample whose raw log sample is longer than a code block shows collapsed. */
const LONG_SAMPLE_PAGE = 'data-needed/DN_0003_1_windows_sysmon_process_creation/';

/** One page of each type of the sample site; the search page with results, since they hold the longest names. */
const SAMPLE_PAGES = [...SAMPLE_PAGE_TYPES, 'search/?q=sysmon'];

interface Fit {
  readonly url: string;
  readonly width: number;
  readonly header: number;
}

/** Opens `url` and measures the document's width and the header's height. */
async function measure(page: Page, root: string, url: string): Promise<Fit> {
  await page.goto(root + url);
  if (url.startsWith('search/?')) await page.locator('#search-results li').first().waitFor({ timeout: 30_000 });
  const { width, header } = await page.evaluate<{ width: number; header: number }>(
    `({ width: document.documentElement.scrollWidth, header: document.querySelector('.site-header').getBoundingClientRect().height })`,
  );
  return { url, width, header };
}

function assertFits(fits: readonly Fit[]): void {
  assert.deepEqual(
    fits.filter((fit) => fit.width > PHONE.width || fit.header > HEADER_LIMIT),
    [],
    `no page wider than ${PHONE.width} px, no header taller than ${HEADER_LIMIT} px`,
  );
}

/** Serious and critical axe violations of each page in light and dark mode at phone size; the first page also with the menu open. */
async function seriousViolations(browser: Browser, root: string, pages: readonly string[]): Promise<string[]> {
  const found: string[] = [];
  for (const colorScheme of ['light', 'dark'] as const) {
    const context = await browser.newContext({ viewport: PHONE, colorScheme });
    const page = await context.newPage();
    for (const [index, url] of pages.entries()) {
      await page.goto(root + url);
      if (url.startsWith('search/?')) await page.locator('#search-results li').first().waitFor({ timeout: 30_000 });
      for (const open of index === 0 ? [false, true] : [false]) {
        if (open) await page.locator('.menu-button').click();
        for (const violation of await axeViolations(page)) {
          if (violation.impact !== 'serious' && violation.impact !== 'critical') continue;
          found.push(`${colorScheme} ${url}${open ? ' (menu open)' : ''}: ${violation.id} ${violation.nodes.slice(0, 3).map((node) => node.target.join(' ')).join(', ')}`);
        }
      }
    }
    await context.close();
  }
  return found;
}

describe('the sample site on a phone', { skip: skipWithoutChromium() }, () => {
  let site: SiteInChromium | undefined;
  let server: StaticServer;
  let browser: Browser;

  before(async () => {
    site = await siteInChromium('atc-mobile-', (folder) => atcBuild(['--out', path.join(folder, '_site')], PROJECT));
    ({ server, browser } = site);
  });

  after(async () => {
    await site?.close();
  });

  test('no page type is wider than 390 px, and the header is at most 64 px tall', { timeout: 180_000 }, async () => {
    const context = await browser.newContext({ viewport: PHONE });
    const page = await context.newPage();
    const fits: Fit[] = [];
    for (const url of SAMPLE_PAGES) fits.push(await measure(page, server.root, url));
    assertFits(fits);
    await context.close();
  });

  test('the navigation folds behind a Menu button; without JavaScript it stays reachable in a sideways row', async () => {
    const context = await browser.newContext({ viewport: PHONE });
    const page = await context.newPage();
    await page.goto(server.root);
    const button = page.locator('.site-header .menu-button');
    const matrixLink = page.locator('nav.site-nav a', { hasText: 'Matrix' });
    assert.equal(await button.getAttribute('aria-expanded'), 'false');
    assert.equal(await matrixLink.isVisible(), false);
    assert.equal(await page.locator('#site-search').isVisible(), true, 'the search box stays in the header');
    await button.click();
    assert.equal(await button.getAttribute('aria-expanded'), 'true');
    assert.equal(await page.locator('nav.site-nav a', { hasText: 'Gaps' }).isVisible(), true);
    await page.keyboard.press('Escape');
    assert.equal(await button.getAttribute('aria-expanded'), 'false');
    assert.equal(await page.evaluate('document.activeElement.className'), 'menu-button');
    await button.click();
    await matrixLink.click();
    await page.waitForURL(`${server.root}matrix/`);
    await context.close();

    const desktop = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const wide = await desktop.newPage();
    await wide.goto(server.root);
    assert.equal(await wide.locator('.menu-button').isVisible(), false);
    assert.equal(await wide.locator('nav.site-nav a', { hasText: 'Matrix' }).isVisible(), true);
    await desktop.close();

    const noScript = await browser.newContext({ viewport: PHONE, javaScriptEnabled: false });
    const plain = await noScript.newPage();
    const fit = await measure(plain, server.root, 'rules/c13720be-cded-4ca2-aa87-6f0ee89f04f8/');
    assert.ok(fit.width <= PHONE.width, `${fit.width} px wide without JavaScript`);
    assert.equal(await plain.locator('.menu-button').isVisible(), false, 'no button that cannot work');
    const links = plain.locator('nav.site-nav a');
    assert.equal(await links.count(), 12, 'the sample has profiles and response content, so Profiles and Response are in the navigation');
    for (const name of ['Rules', 'Gaps', 'Profiles', 'Response']) {
      const navLink = plain.locator('nav.site-nav a', { hasText: name });
      await navLink.scrollIntoViewIfNeeded();
      assert.equal(await navLink.isVisible(), true, name);
    }
    await noScript.close();
  });

  test('a long code block shows its first lines until "show all" is opened, with or without JavaScript; a long list its first 20 items', async () => {
    for (const javaScriptEnabled of [true, false]) {
      const context = await browser.newContext({ viewport: PHONE, javaScriptEnabled });
      const page = await context.newPage();
      await page.goto(server.root + LONG_SAMPLE_PAGE);
      const block = page.locator('.collapsible-code').first();
      const clipped = (): Promise<boolean> => block.locator('pre.code').evaluate((pre) => pre.scrollHeight > pre.clientHeight + 1);
      assert.equal(await clipped(), true, `collapsed (JavaScript ${javaScriptEnabled ? 'on' : 'off'})`);
      await block.locator('summary').click();
      assert.equal(await clipped(), false, 'opened: every line shows');
      assert.equal(await block.locator('summary').innerText(), 'Show less');
      await block.locator('summary').click();
      assert.equal(await clipped(), true, 'closed again');
      await context.close();
    }
    // The sample has no list that long: the component's own markup, under the site's stylesheet.
    const context = await browser.newContext({ viewport: PHONE });
    const page = await context.newPage();
    await page.goto(server.root);
    const markup = list(Array.from({ length: 45 }, (_, index) => `value ${index}`), '').value;
    await page.evaluate(`document.querySelector('main').innerHTML = ${JSON.stringify(markup)}`);
    const visible = (): Promise<number> => page.locator('main li').evaluateAll((items) => items.filter((item) => item.getBoundingClientRect().height > 0).length);
    assert.equal(await visible(), 20);
    await page.locator('main summary').click();
    assert.equal(await visible(), 45);
    await context.close();
  });

  test('axe: no serious or critical violation at phone size, light and dark, menu closed and open', { timeout: 300_000 }, async () => {
    assert.deepEqual(await seriousViolations(browser, server.root, ['', 'rules/c13720be-cded-4ca2-aa87-6f0ee89f04f8/', LONG_SAMPLE_PAGE, 'matrix/', 'techniques/T1003/', 'triggers/T1003.001/', 'gaps/', 'search/?q=sysmon', 'conversions/']), []);
  });
});

/** Every HTML file under `root`, with its size in bytes, relative path with "/" separators. */
function htmlPageSizes(root: string): Array<{ page: string; bytes: number }> {
  const found: Array<{ page: string; bytes: number }> = [];
  const walk = (folder: string): void => {
    for (const entry of readdirSync(folder, { withFileTypes: true })) {
      const full = path.join(folder, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.name.endsWith('.html')) found.push({ page: path.relative(root, full).split(path.sep).join('/'), bytes: statSync(full).size });
    }
  };
  walk(root);
  return found.sort((a, b) => b.bytes - a.bytes || a.page.localeCompare(b.page));
}

const PAGE_LIMIT_BYTES = 1_000_000;
/** The rule list has its own, tighter budget (issue 13 item 1), met by rendering its rows from a JSON index. */
const RULE_LIST_PAGE = 'rules/index.html';
const RULE_LIST_LIMIT_BYTES = 600_000;

describe('the full corpus build on a phone', { skip: sharedCorpusExists() ? skipWithoutChromium() : '../shared is absent' }, () => {
  let site: SiteInChromium | undefined;
  let server: StaticServer;
  let browser: Browser;
  let sizes: Array<{ page: string; bytes: number }>;
  /** The largest rule page's URL. */
  let largestRule: string;

  before(async () => {
    const { publishSite } = await import('../../src/site/build-site.ts');
    site = await siteInChromium('atc-mobile-corpus-', async (folder) => {
      const build = buildKnowledgeBase(sharedCorpusConfig(listTargets().map((target) => ({ target: target.id }))));
      await publishSite(build, path.join(folder, '_site'), { cacheRoot: path.join(folder, '.atc-cache') });
    });
    ({ server, browser } = site);
    sizes = htmlPageSizes(site.site);
    largestRule = sizes.find((size) => /^rules\/[^/]+\/index\.html$/.test(size.page))!.page.replace(/index\.html$/, '');
  });

  after(async () => {
    await site?.close();
  });

  test('no HTML page is over 1 MB', (t) => {
    const pages = sizes;
    t.diagnostic(`largest HTML pages: ${pages.slice(0, 5).map((size) => `${size.page} ${size.bytes.toLocaleString('en-US')} B`).join(', ')}`);
    assert.deepEqual(pages.filter((size) => size.bytes > PAGE_LIMIT_BYTES), []);
  });

  test('the rule list is under 600 kB', (t) => {
    const size = sizes.find((one) => one.page === RULE_LIST_PAGE)!;
    t.diagnostic(`${size.page} ${size.bytes.toLocaleString('en-US')} B`);
    assert.ok(size.bytes <= RULE_LIST_LIMIT_BYTES, `${size.bytes} B`);
  });

  test('the widest pages fit 390 px with a header of at most 64 px: a technique, the gaps, search, the matrix, the largest rule page', { timeout: 300_000 }, async () => {
    const context = await browser.newContext({ viewport: PHONE });
    const page = await context.newPage();
    const fits: Fit[] = [];
    for (const url of ['techniques/T1003/', 'gaps/', 'search/?q=sysmon', 'matrix/', largestRule]) fits.push(await measure(page, server.root, url));
    assertFits(fits);
    await context.close();
  });

  test('axe on the largest rule page at phone size, light and dark', { timeout: 300_000 }, async () => {
    assert.deepEqual(await seriousViolations(browser, server.root, [largestRule]), []);
  });
});
