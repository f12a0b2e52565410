// The rule list (/rules/, rule-list.js over rules/index.json) in Chromium, on the sample site built with
// `atc build`: multi-select facets, sorting, the state in the URL, the panel on a phone, the page
// without JavaScript, and axe in light and dark mode.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { PROJECT, atcBuild, axeViolations, launchChromium, serveFolder, skipWithoutChromium, watchedPage, type StaticServer } from './browser.ts';

/** Waits until rule-list.js has rendered the list from the index (its count line names the sort). */
async function listReady(page: Page): Promise<void> {
  await page.waitForFunction(`document.getElementById('rule-count').textContent.includes('sorted by')`);
}

const rows = (page: Page) => page.locator('#rule-table tbody tr');
const column = (page: Page, index: number) => rows(page).locator(`td:nth-child(${index})`).allInnerTexts();

describe('the rule list in Chromium', { skip: skipWithoutChromium() }, () => {
  let folder: string;
  let server: StaticServer;
  let browser: Browser;
  let total: number;

  before(async () => {
    folder = mkdtempSync(path.join(tmpdir(), 'atc-rule-list-'));
    atcBuild(['--out', path.join(folder, '_site')], PROJECT);
    server = await serveFolder(path.join(folder, '_site'));
    browser = await launchChromium();
    const page = await browser.newPage();
    await page.goto(`${server.root}rules/`);
    await listReady(page);
    total = await rows(page).count();
    await page.close();
  });

  after(async () => {
    await browser?.close();
    await server?.close();
    if (folder) rmSync(folder, { recursive: true, force: true });
  });

  test('multi-select facets: OR within a facet, AND across facets, counts and URL kept in step', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const { page, problems } = await watchedPage(context);
    await page.goto(`${server.root}rules/?level=high,critical`);
    await listReady(page);
    const levels = (await column(page, 2)).map((level) => level.trim());
    assert.ok(levels.length > 0 && levels.length < total);
    assert.ok(levels.includes('high') && levels.includes('critical'), levels.join(','));
    assert.ok(levels.every((level) => level === 'high' || level === 'critical'));
    assert.match(await page.locator('#rule-count').innerText(), new RegExp(`^${levels.length} of ${total} rules match`));
    // The chosen values show as checked boxes, and each option counts the rules it would leave.
    await page.locator('details[data-facet="level"] > summary').click();
    assert.equal(await page.locator('details[data-facet="level"] input[value="high"]').isChecked(), true);
    assert.equal(await page.locator('details[data-facet="level"] input[value="critical"]').isChecked(), true);
    const highCount = Number(/\((\d+)\)/.exec(await page.locator('details[data-facet="level"] label:has(input[value="high"]) .facet-count').innerText())![1]);
    assert.equal(highCount, levels.filter((level) => level === 'high').length);
    // A second facet narrows (AND) and updates the URL, which opens the same view elsewhere.
    await page.locator('details[data-facet="trigger"] > summary').click();
    await page.locator('details[data-facet="trigger"] input[value="yes"]').check();
    const narrowed = await rows(page).count();
    assert.ok(narrowed > 0 && narrowed < levels.length, `${narrowed} of ${levels.length}`);
    await page.waitForURL(/\?level=critical,high&trigger=yes$/, { timeout: 5_000 });
    const other = await context.newPage();
    await other.goto(page.url());
    await listReady(other);
    assert.equal(await rows(other).count(), narrowed);
    // Unchecking a value widens again.
    await page.locator('details[data-facet="level"] input[value="critical"]').uncheck();
    await page.waitForURL(/\?level=high&trigger=yes$/, { timeout: 5_000 });
    assert.ok((await column(page, 2)).every((level) => level.trim() === 'high'));
    // Clear filters shows every rule, in the default order, and empties the URL query.
    await page.locator('#facet-reset').click();
    assert.equal(await rows(page).count(), total);
    await page.waitForURL(/\/rules\/$/, { timeout: 5_000 });
    assert.deepEqual(problems, []);
    await context.close();
  });

  test('sorting by a column: in the URL, both directions, missing values last', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const { page, problems } = await watchedPage(context);
    await page.goto(`${server.root}rules/`);
    await listReady(page);
    // Default: most recently modified first (modified, else date).
    const lastChanged = async () => {
      const [dates, modified] = [await column(page, 6), await column(page, 7)];
      return dates.map((date, index) => modified[index]!.trim() || date.trim());
    };
    const initial = await lastChanged();
    const dated = initial.filter((day) => day !== '');
    assert.deepEqual(dated, [...dated].sort().reverse());
    assert.deepEqual(initial.slice(0, dated.length), dated, 'undated rules last');
    assert.equal(await page.locator('th[data-sort="modified"]').getAttribute('aria-sort'), 'descending');

    await page.getByRole('button', { name: 'Sort by title' }).click();
    const titles = await column(page, 1);
    assert.deepEqual(titles, [...titles].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)));
    await page.waitForURL(/\?sort=title$/, { timeout: 5_000 });
    assert.equal(await page.locator('th[data-sort="title"]').getAttribute('aria-sort'), 'ascending');
    await page.getByRole('button', { name: 'Sort by title' }).click();
    assert.deepEqual(await column(page, 1), [...titles].reverse());
    await page.waitForURL(/\?sort=-title$/, { timeout: 5_000 });

    await page.getByRole('button', { name: 'Sort by level' }).click();
    const order = ['critical', 'high', 'medium', 'low', 'informational'];
    const levels = (await column(page, 2)).map((level) => order.indexOf(level.trim()));
    assert.deepEqual(levels, [...levels].sort((a, b) => a - b), 'most severe first');
    await page.waitForURL(/\?sort=-level$/, { timeout: 5_000 });

    // The sort survives a reload, and filters combine with it.
    await page.goto(`${server.root}rules/?level=medium&sort=date`);
    await listReady(page);
    const dates = (await column(page, 6)).map((date) => date.trim()).filter((date) => date !== '');
    assert.ok(dates.length > 1);
    assert.deepEqual(dates, [...dates].sort());
    assert.ok((await column(page, 2)).every((level) => level.trim() === 'medium'));
    // Typing in the title box filters as you type and keeps the words in the URL.
    const word = (await column(page, 1))[0]!.split(' ')[0]!;
    await page.locator('#facet-q').fill(word.toLowerCase());
    await page.waitForURL(new RegExp(`\\?q=${encodeURIComponent(word.toLowerCase())}&level=medium&sort=date$`), { timeout: 5_000 });
    const matching = await column(page, 1);
    assert.ok(matching.length > 0 && matching.every((title) => title.toLowerCase().includes(word.toLowerCase())), matching.join(' | '));
    assert.deepEqual(problems, []);
    await context.close();
  });

  test('without JavaScript: the rows of page 1, every page linked, no filter panel', async () => {
    const context = await browser.newContext({ javaScriptEnabled: false });
    const page = await context.newPage();
    await page.goto(`${server.root}rules/`);
    assert.equal(await page.locator('#rule-filter-panel').isVisible(), false);
    const seen = new Set<string>();
    for (let pageNumber = 1; ; pageNumber += 1) {
      for (const href of await page.locator('#rule-table tbody a').evaluateAll((anchors) => anchors.map((anchor) => anchor.getAttribute('href')))) seen.add(href!);
      assert.match(await page.locator('.pager').first().innerText(), new RegExp(`Page ${pageNumber} of \\d+`));
      const next = page.locator('.pager').first().locator('a[rel="next"]');
      if ((await next.count()) === 0) break;
      await next.click();
    }
    assert.equal(seen.size, total, 'every rule once');
    await context.close();
  });

  test('on a phone the filters are folded away and the table starts near the top', async () => {
    const context = await browser.newContext({ viewport: { width: 390, height: 844 } });
    const { page, problems } = await watchedPage(context);
    await page.goto(`${server.root}rules/?level=high`);
    await listReady(page);
    assert.equal(await page.locator('#rule-filter-panel').getAttribute('open'), null);
    assert.match(await page.locator('#rule-filter-panel > summary').innerText(), /Filters \(1 active\)/);
    const top = await page.locator('#rule-table').evaluate((table) => table.getBoundingClientRect().top);
    assert.ok(top < 600, `the table starts at y=${top}`);
    await page.locator('#rule-filter-panel > summary').click();
    assert.equal(await page.locator('#facet-q').isVisible(), true);
    assert.deepEqual(problems, []);
    await context.close();
  });

  test('axe finds no serious or critical violation with the filters open, in light and dark mode', async () => {
    for (const colorScheme of ['light', 'dark'] as const) {
      const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, colorScheme });
      const page = await context.newPage();
      await page.goto(`${server.root}rules/?level=high&sort=title`);
      await listReady(page);
      for (const facet of ['level', 'tactic', 'dn']) await page.locator(`details[data-facet="${facet}"] > summary`).click();
      const serious = (await axeViolations(page)).filter((violation) => violation.impact === 'serious' || violation.impact === 'critical');
      assert.deepEqual(serious.map((violation) => `${colorScheme} ${violation.id}: ${violation.help} ${violation.nodes.map((node) => node.target.join(' ')).join('; ')}`), []);
      await context.close();
    }
  });
});
