// The response side of the sample site in Chromium, built with the real `atc build`: the RE&CT matrix, the
// playbook, an action, a stage, the three lists and the technique page that lists the playbook load without
// console errors, axe finds nothing serious in light and dark mode, the header keeps to one row at 1280 px,
// a phone scrolls only the matrix sideways, and the playbook prints as a runbook without the site's chrome.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import path from 'node:path';
import { PROJECT, atcBuild, axeViolations, siteInChromium, skipWithoutChromium, watchedPage, type SiteInChromium } from './browser.ts';

const PLAYBOOK = 'response-playbooks/RP_0001_credential_dumping_from_lsass/';
const PAGES = [
  'response/',
  PLAYBOOK,
  'response-actions/RA_2401_list_processes_that_accessed_lsass/',
  'response-stages/RS0002/',
  'response-actions/',
  'response-playbooks/',
  'response-stages/',
  'techniques/T1003/',
];
const DESKTOP = { width: 1280, height: 900 };
const PHONE = { width: 390, height: 844 };

/** The header's visible parts (brand, navigation, search), each as its top and bottom edge. */
async function headerParts(page: Page): Promise<{ name: string; top: number; bottom: number }[]> {
  return page.evaluate<{ name: string; top: number; bottom: number }[]>(`[...document.querySelector('.site-header').children]
    .filter((element) => element.getBoundingClientRect().width > 0)
    .map((element) => ({ name: element.className, top: element.getBoundingClientRect().top, bottom: element.getBoundingClientRect().bottom }))`);
}

describe('the response side in Chromium', { skip: skipWithoutChromium() }, () => {
  let site: SiteInChromium;

  before(async () => {
    site = await siteInChromium('atc-response-', (folder) => atcBuild(['--out', path.join(folder, '_site')], PROJECT));
  });

  after(async () => {
    await site?.close();
  });

  test('every response page and the technique page load without errors, axe finds nothing serious, and the header is one row at 1280 px', async () => {
    const found: string[] = [];
    for (const colorScheme of ['light', 'dark'] as const) {
      const context = await site.browser.newContext({ viewport: DESKTOP, colorScheme });
      const { page, problems } = await watchedPage(context);
      for (const url of PAGES) {
        await page.goto(site.server.root + url);
        const parts = await headerParts(page);
        assert.deepEqual(parts.map((part) => part.name), ['brand', 'site-nav', 'search-form mini'], url);
        // One row: every part starts above the point where the first of them ends.
        const firstBottom = Math.min(...parts.map((part) => part.bottom));
        for (const part of parts) assert.ok(part.top < firstBottom, `${url}: ${part.name} starts at ${part.top}, below a part ending at ${firstBottom}`);
        for (const violation of await axeViolations(page)) {
          if (violation.impact === 'serious' || violation.impact === 'critical') found.push(`${colorScheme} ${url} ${violation.id}: ${violation.help} ${violation.nodes.map((node) => node.target.join(' ')).join('; ')}`);
        }
      }
      assert.deepEqual(problems, []);
      await context.close();
    }
    assert.deepEqual(found, []);
  });

  test('the technique page leads to the playbook, the playbook to its actions, and the matrix to every action', async () => {
    const context = await site.browser.newContext({ viewport: DESKTOP });
    const { page, problems } = await watchedPage(context);
    await page.goto(`${site.server.root}techniques/T1003/`);
    await page.locator('#response-playbooks ~ ul a', { hasText: 'RP0001' }).click();
    await page.waitForURL(site.server.root + PLAYBOOK);
    await page.locator('table.kv a', { hasText: 'RA2401' }).click();
    await page.waitForURL(/\/response-actions\/RA_2401_list_processes_that_accessed_lsass\/$/);
    assert.equal(await page.locator('h1').innerText(), 'List processes that accessed lsass');
    await page.goto(`${site.server.root}response/`);
    assert.equal(await page.locator('.response-matrix a.response-cell').count(), 8);
    assert.equal(await page.locator('nav.site-nav a[aria-current="page"]').innerText(), 'Response');
    assert.deepEqual(problems, []);
    await context.close();
  });

  test('on a phone the pages fit, the matrix scrolls within itself, and the menu offers Response', async () => {
    const context = await site.browser.newContext({ viewport: PHONE });
    const { page, problems } = await watchedPage(context);
    for (const url of ['response/', PLAYBOOK, 'response-actions/']) {
      await page.goto(site.server.root + url);
      const width = await page.evaluate<number>('document.documentElement.scrollWidth');
      assert.ok(width <= PHONE.width, `${url} is ${width} px wide`);
    }
    await page.goto(`${site.server.root}response/`);
    const matrix = await page.evaluate<{ scroll: number; client: number }>(`(() => { const m = document.querySelector('.response-matrix'); return { scroll: m.scrollWidth, client: m.clientWidth }; })()`);
    assert.ok(matrix.scroll > matrix.client, 'six stage columns are wider than a phone');
    await page.locator('.site-header .menu-button').click();
    assert.equal(await page.locator('nav.site-nav a', { hasText: 'Response' }).isVisible(), true);
    assert.deepEqual(problems, []);
    await context.close();
  });

  test('printed, the playbook is a runbook: no header, navigation, footer or search; every step shown', async () => {
    const context = await site.browser.newContext({ viewport: DESKTOP });
    const { page, problems } = await watchedPage(context);
    await page.goto(site.server.root + PLAYBOOK);
    assert.equal(await page.locator('nav.site-nav').isVisible(), true);
    await page.emulateMedia({ media: 'print' });
    for (const selector of ['.site-header', 'nav.site-nav', '.site-footer', '#site-search']) assert.equal(await page.locator(selector).isVisible(), false, selector);
    assert.equal(await page.locator('.runbook-step').count(), 8);
    for (const step of await page.locator('.runbook-step h4').all()) assert.equal(await step.isVisible(), true);
    assert.equal(await page.locator('.runbook-step .no-print').first().isVisible(), false, 'the links to the action pages are screen-only');
    assert.equal(await page.evaluate<string>(`getComputedStyle(document.querySelector('section[aria-labelledby="runbook"]')).breakBefore`), 'page', 'the runbook starts on a page of its own');
    assert.deepEqual(problems, []);
    await context.close();
  });
});
