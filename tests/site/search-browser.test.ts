// The search page of the sample site in Chromium: result cards, paging past the first twenty, the
// entities a query names listed first, the "/" key, and axe in light and dark mode.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { PROJECT, atcBuild, axeViolations, launchChromium, serveFolder, skipWithoutChromium, type StaticServer } from './browser.ts';
import { resultCards, searchFor, urlNamesId } from './search-page.ts';

const COMSVCS_RULE = 'c13720be-cded-4ca2-aa87-6f0ee89f04f8';

describe('the search page in Chromium', { skip: skipWithoutChromium() }, () => {
  let folder: string;
  let server: StaticServer;
  let browser: Browser;
  let page: Page;
  const errors: string[] = [];

  before(async () => {
    folder = mkdtempSync(path.join(tmpdir(), 'atc-search-'));
    atcBuild(['--out', path.join(folder, '_site')], PROJECT);
    server = await serveFolder(path.join(folder, '_site'));
    browser = await launchChromium();
    page = await browser.newPage();
    page.on('pageerror', (error) => errors.push(error.message));
  });

  after(async () => {
    assert.deepEqual(errors, []);
    await browser?.close();
    await server?.close();
    if (folder) rmSync(folder, { recursive: true, force: true });
  });

  test('a rule result is a card: kind, level, techniques, log source, linked title and an excerpt that marks the words', async () => {
    const cards = await searchFor(page, server.root, 'comsvcs');
    const card = cards.find((candidate) => urlNamesId(candidate.href, COMSVCS_RULE));
    assert.ok(card, JSON.stringify(cards));
    assert.deepEqual(
      { kind: card.kind, title: card.title, level: card.level, techniques: card.techniques, logSource: card.logSource },
      { kind: 'Rule', title: 'LSASS Memory Dump Via Comsvcs.dll MiniDump Export', level: 'high', techniques: 'T1003.001 T1218.011', logSource: 'windows / process_creation' },
    );
    assert.match(card.excerpt ?? '', /comsvcs/i);
    assert.ok((await page.locator('#search-results mark').count()) > 0);
    assert.equal(card.href, `/rules/${COMSVCS_RULE}/`);
  });

  test('results come twenty at a time: "More results" adds the next twenty, moves focus to the first of them, and goes when all are shown', async () => {
    const first = await searchFor(page, server.root, '', { type: 'Group' });
    assert.equal(first.length, 20);
    const status = await page.locator('#search-status-line').innerText();
    const total = Number(/^(\d+) results/.exec(status)?.[1]);
    assert.ok(total > 40, status);
    assert.match(status, /20 shown/);
    const more = page.locator('#search-more');
    await more.click();
    await page.locator('#search-results > li').nth(39).waitFor();
    const second = await resultCards(page);
    assert.equal(second.length, 40);
    assert.deepEqual(second.slice(0, 20), first);
    assert.ok(second.every((card) => card.kind === 'Group'));
    assert.equal(await page.evaluate<string | null>(`document.activeElement.getAttribute('href')`), second[20]!.href);
    // Each click loads a page of results with the button disabled, and the last one hides it: wait for either
    // before looking again, or a click may wait on a button that is about to go.
    const settled = "(() => { const button = document.getElementById('search-more'); return button.hidden || !button.disabled; })()";
    while (await more.isVisible()) {
      await more.click();
      await page.waitForFunction(settled);
    }
    const all = await resultCards(page);
    assert.equal(all.length, total);
    assert.equal(new Set(all.map((card) => card.href)).size, total, 'no result is listed twice');
    assert.equal(await page.locator('#search-status-line').innerText(), `${total} results.`);
  });

  test('an entity whose id, name or every word the query names comes first', async () => {
    const expectations: Array<[string, Record<string, string>, string, string]> = [
      ['sysmon 1', {}, 'Data Needed', 'DN_0003'],
      ['DN_0002', {}, 'Data Needed', 'DN_0002'],
      ['4688', {}, 'Data Needed', 'DN_0001'],
      ['4688', { type: 'Logging Policy' }, 'Logging Policy', 'LP_0001'],
      ['T1003.001', {}, 'Technique', 'T1003.001'],
      ['lsass memory', {}, 'Technique', 'T1003.001'],
      ['mimikatz', {}, 'Software', 'S0002'],
      [COMSVCS_RULE, {}, 'Rule', COMSVCS_RULE],
    ];
    for (const [query, filters, kind, id] of expectations) {
      const [top] = await searchFor(page, server.root, query, filters);
      assert.ok(top && top.kind === kind && urlNamesId(top.href, id), `${query} ${JSON.stringify(filters)}: ${JSON.stringify(top)}`);
    }
    // A named entity is listed once, not again among Pagefind's results.
    const cards = await searchFor(page, server.root, 'sysmon 1');
    assert.equal(new Set(cards.map((card) => card.href)).size, cards.length);
    // Level and status describe rules only: no entity is put before the rules.
    const [high] = await searchFor(page, server.root, '4688', { level: 'high' });
    assert.equal(high?.kind, 'Rule');
  });

  test('"/" focuses the search box on any page, but not while typing in a field', async () => {
    await page.goto(`${server.root}rules/${COMSVCS_RULE}/`);
    await page.keyboard.press('/');
    assert.equal(await page.evaluate<string>('document.activeElement.id'), 'site-search');
    await page.keyboard.type('lsass/');
    assert.equal(await page.locator('#site-search').inputValue(), 'lsass/');
    await page.keyboard.press('Enter');
    await page.waitForURL(/\/search\/\?q=lsass%2F/);
    // On the search page, the page's own box.
    await page.locator('#search-status-line').filter({ hasText: /results?\b|No results/ }).waitFor();
    await page.locator('#search-type').focus();
    await page.keyboard.press('/');
    assert.equal(await page.evaluate<string>('document.activeElement.id'), 'search-type', 'a focused field keeps the key');
    await page.locator('h1').click();
    await page.keyboard.press('/');
    assert.equal(await page.evaluate<string>('document.activeElement.id'), 'search-q');
    assert.equal(await page.locator('#search-q').inputValue(), 'lsass/');
  });

  test('axe finds no serious or critical violation on a page of result cards, in light and dark mode', async () => {
    for (const colorScheme of ['light', 'dark'] as const) {
      const context = await browser.newContext({ colorScheme });
      const themed = await context.newPage();
      await searchFor(themed, server.root, 'lsass');
      const violations = (await axeViolations(themed)).filter((violation) => violation.impact === 'serious' || violation.impact === 'critical');
      assert.deepEqual(
        violations.map((violation) => `${colorScheme} ${violation.id}: ${violation.nodes.map((node) => node.target.join(' ')).join(', ')}`),
        [],
      );
      await context.close();
    }
  });
});
