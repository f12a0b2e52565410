// Stable links in a real Chromium (issue 13, item 5): a redirect stub keeps the address's #fragment, a
// query tab puts its panel in the address, and each panel copies a link to itself. Panel ids are read
// from the page, not derived from a naming rule, so the tests hold whatever the ids are keyed by.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { openSampleSite, skipWithoutChromium, type SiteInChromium } from './browser.ts';

/** The sample's comsvcs rule: its canonical page, and the stub at its file-name address. */
const CANONICAL = 'rules/c13720be-cded-4ca2-aa87-6f0ee89f04f8/';
const STUB = 'rules/proc_creation_win_rundll32_comsvcs_minidump/';

async function panelIds(page: Page): Promise<string[]> {
  return page.locator('.tabs .tab-panel').evaluateAll((panels) => panels.map((panel) => panel.id));
}

async function selectedPanel(page: Page): Promise<string | null> {
  return page.evaluate(`document.getElementById(document.querySelector('[role="tab"][aria-selected="true"]').getAttribute('aria-controls')).id`);
}

describe('stable links to query tabs in Chromium', { skip: skipWithoutChromium() }, () => {
  let opened: SiteInChromium | undefined;
  before(async () => {
    opened = await openSampleSite();
  });
  after(async () => {
    await opened?.close();
  });
  const site = {
    get browser() {
      return (opened ?? assert.fail('the sample site did not open')).browser;
    },
    get server() {
      return (opened ?? assert.fail('the sample site did not open')).server;
    },
  };

  test('a redirect stub with a #fragment lands on the canonical page with that fragment and its tab open', async () => {
    const context = await site.browser.newContext();
    const page = await context.newPage();
    await page.goto(site.server.root + CANONICAL);
    const ids = await panelIds(page);
    assert.ok(ids.length >= 3, ids.join(','));
    // Not the first panel, nor the one a remembered choice would open: only the fragment can select it.
    const wanted = ids[ids.length - 2]!;
    await page.goto(`${site.server.root}${STUB}#${wanted}`);
    await page.waitForURL(`${site.server.root}${CANONICAL}#${wanted}`);
    await page.waitForLoadState('load');
    assert.equal(await selectedPanel(page), wanted);
    assert.equal(await page.locator(`[id="${wanted}"]`).isVisible(), true);
    // Without a fragment the stub goes on as before (the meta refresh).
    await page.goto(site.server.root + STUB);
    await page.waitForURL(site.server.root + CANONICAL);
    await context.close();

    const noScript = await site.browser.newContext({ javaScriptEnabled: false });
    const plain = await noScript.newPage();
    await plain.goto(`${site.server.root}${STUB}#${wanted}`);
    await plain.waitForURL((url) => url.pathname === `/${CANONICAL}`);
    await noScript.close();
  });

  test('an id anywhere inside a panel opens that panel, on arrival and on an in-page link', async () => {
    const context = await site.browser.newContext();
    const page = await context.newPage();
    await page.goto(site.server.root + CANONICAL);
    const ids = await panelIds(page);
    const inner = async (panel: string): Promise<string> => page.locator(`[id="${panel}"] [id]`).first().evaluate((element) => element.id);
    const second = await inner(ids[1]!);
    await page.goto(`${site.server.root}${CANONICAL}#${second}`);
    await page.reload();
    assert.equal(await selectedPanel(page), ids[1]);
    // The table of contents links each panel: following one to a hidden panel opens it and scrolls to it.
    const last = ids[ids.length - 1]!;
    assert.equal(await page.locator(`[id="${last}"]`).isVisible(), false);
    await page.locator(`nav.toc a[href="#${last}"]`).click();
    assert.equal(await selectedPanel(page), last);
    assert.equal(await page.locator(`[id="${last}"]`).isVisible(), true);
    assert.ok(await page.locator(`[id="${last}"]`).evaluate((element) => element.getBoundingClientRect().top < element.ownerDocument.documentElement.clientHeight), 'scrolled into view');
    await context.close();
  });

  test('clicking a tab puts its panel in the address without a new history entry or a scroll jump', async () => {
    const context = await site.browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    await page.goto(site.server.root + CANONICAL);
    const ids = await panelIds(page);
    const tabs = page.getByRole('tab');
    await tabs.nth(2).scrollIntoViewIfNeeded();
    const before = await page.evaluate<{ scroll: number; history: number }>('({ scroll: window.scrollY, history: history.length })');
    await tabs.nth(2).click();
    assert.equal(new URL(page.url()).hash, `#${ids[2]}`);
    const afterClick = await page.evaluate<{ scroll: number; history: number }>('({ scroll: window.scrollY, history: history.length })');
    assert.deepEqual(afterClick, before);
    // The keyboard chooses a tab too.
    await tabs.nth(2).press('ArrowRight');
    assert.equal(new URL(page.url()).hash, `#${ids[3]}`);
    // The address is a working link: opened anew, it shows the same tab.
    const other = await context.newPage();
    await other.goto(page.url());
    assert.equal(await selectedPanel(other), ids[3]);
    await context.close();
  });

  test('"Copy link to this query" copies the canonical address of the open panel', async () => {
    const context = await site.browser.newContext();
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: site.server.origin });
    const page = await context.newPage();
    await page.goto(`${site.server.root}${STUB}`);
    await page.waitForURL(site.server.root + CANONICAL);
    const ids = await panelIds(page);
    await page.getByRole('tab').nth(1).click();
    // One button per panel; only the open panel's shows.
    assert.equal(await page.locator('.tab-panel .copy-link').count(), ids.length);
    const button = page.locator(`[id="${ids[1]}"] .copy-link`);
    assert.equal(await button.isVisible(), true);
    await button.click();
    await page.locator(`[id="${ids[1]}"] .copy-link`, { hasText: 'Link copied' }).waitFor();
    assert.equal(await page.evaluate<string>('navigator.clipboard.readText()'), `${site.server.root}${CANONICAL}#${ids[1]}`);
    await context.close();

    const noScript = await site.browser.newContext({ javaScriptEnabled: false });
    const plain = await noScript.newPage();
    await plain.goto(site.server.root + CANONICAL);
    assert.equal(await plain.locator('.copy-link').count(), 0, 'no button that cannot work without JavaScript');
    await noScript.close();
  });
});
