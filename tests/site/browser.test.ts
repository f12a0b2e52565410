// The HTML site in a real Chromium: the sample knowledge base built with `atc build`, served from a
// temp folder on 127.0.0.1. Screenshots go to test-artifacts/ (git-ignored).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { checkLinks } from '../../src/site/check-links.ts';
import { ARTIFACTS, SAMPLE_PAGE_TYPES, atcBuild, axeViolations, openSampleSite, sampleConfigWithPrefix, serveFolder, skipWithoutChromium, watchedPage, type SiteInChromium, type StaticServer } from './browser.ts';

const COMSVCS_RULE = 'rules/c13720be-cded-4ca2-aa87-6f0ee89f04f8/';
const DEPRECATED_RULE = 'rules/15e19897-f5b5-4939-8101-c81ff3d36f23/';
/** A rule with a `|fieldref` modifier, which the Lucene-based targets and EQL cannot convert. */
const FIELDREF_RULE = 'rules/42219837-341f-49d6-8826-a6005401a6bd/';

describe('the HTML site in Chromium', { skip: skipWithoutChromium() }, () => {
  let site: SiteInChromium | undefined;
  let server: StaticServer;
  let browser: Browser;

  before(async () => {
    site = await openSampleSite();
    ({ server, browser } = site);
  });

  after(async () => {
    await site?.close();
  });

  test('home → search → rule page', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const { page, problems } = await watchedPage(context);
    await page.goto(server.root);
    assert.match(await page.locator('h1').innerText(), /ATT&CK detection knowledge base/);
    await page.screenshot({ path: path.join(ARTIFACTS, 'home.png'), fullPage: true });
    await page.locator('#home-search').fill('comsvcs');
    await page.locator('#home-search').press('Enter');
    await page.waitForURL(/\/search\/\?q=comsvcs/);
    const result = page.locator('#search-results a', { hasText: 'LSASS Memory Dump Via Comsvcs.dll MiniDump Export' });
    await result.waitFor({ timeout: 15_000 });
    await page.locator('#search-results mark').first().waitFor();
    await page.screenshot({ path: path.join(ARTIFACTS, 'search.png'), fullPage: true });
    await result.click();
    await page.waitForURL(`${server.root}${COMSVCS_RULE}`);
    assert.equal(await page.locator('h1').innerText(), 'LSASS Memory Dump Via Comsvcs.dll MiniDump Export');
    // A search filter narrows the results and lives in the URL.
    await page.goto(`${server.root}search/?q=lsass&type=Trigger`);
    await page.locator('#search-results li').first().waitFor();
    const kinds = await page.locator('#search-results .result-kind').allInnerTexts();
    assert.ok(kinds.length > 0 && kinds.every((kind) => kind === 'Trigger'), kinds.join(','));
    assert.deepEqual(problems, []);
    await context.close();
  });

  test('query tabs: keyboard and mouse, copy button, and a readable page without JavaScript', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: server.origin });
    const { page, problems } = await watchedPage(context);
    await page.goto(server.root + COMSVCS_RULE);
    const tabs = page.getByRole('tab');
    const titles = await tabs.allInnerTexts();
    for (const title of ['Kibana query', 'X-Pack Watcher', 'Graylog']) assert.ok(titles.includes(title), `a tab for ${title}: ${titles.join(', ')}`);
    assert.equal(await page.locator('.tab-panel').count(), titles.length);
    await page.getByRole('tab', { name: 'Kibana query' }).click();
    assert.equal(await page.locator('#es-qs').isVisible(), true);
    assert.equal(await page.locator('#graylog').isVisible(), false);
    await page.getByRole('tab', { name: 'Graylog' }).click();
    assert.equal(await page.getByRole('tab', { name: 'Graylog' }).getAttribute('aria-selected'), 'true');
    assert.equal(await page.locator('#graylog').isVisible(), true);
    assert.equal(await page.locator('#es-qs').isVisible(), false);
    // Keyboard: arrows move between tabs (wrapping at the ends), Home and End jump, focus follows.
    const graylog = titles.indexOf('Graylog');
    const next = titles[(graylog + 1) % titles.length]!;
    await page.getByRole('tab', { name: 'Graylog' }).press('ArrowRight');
    assert.equal(await page.getByRole('tab', { name: next, exact: true }).getAttribute('aria-selected'), 'true');
    assert.equal(await page.evaluate("document.activeElement?.getAttribute('role')"), 'tab');
    await page.keyboard.press('End');
    assert.equal(await tabs.last().getAttribute('aria-selected'), 'true');
    await page.keyboard.press('ArrowRight');
    assert.equal(await tabs.first().getAttribute('aria-selected'), 'true');
    await page.getByRole('tab', { name: 'Graylog' }).focus();
    await page.keyboard.press('Enter');
    assert.equal(await page.getByRole('tab', { name: 'Graylog' }).getAttribute('aria-selected'), 'true');
    await page.screenshot({ path: path.join(ARTIFACTS, 'rule.png'), fullPage: true });
    // Copy puts the visible query on the clipboard.
    const expected = await page.locator('#query-graylog').innerText();
    await page.locator('#graylog button.copy').click();
    await page.locator('#graylog button.copy', { hasText: 'Copied' }).waitFor();
    assert.equal((await page.evaluate<string>('navigator.clipboard.readText()')).trim(), expected.trim());
    // A link to a section anchor opens that tab.
    await page.goto(`${server.root}${COMSVCS_RULE}#xpack-watcher`);
    assert.equal(await page.locator('#xpack-watcher').isVisible(), true);
    assert.deepEqual(problems, []);
    await context.close();

    const noScript = await browser.newContext({ javaScriptEnabled: false });
    const plain = await noScript.newPage();
    await plain.goto(server.root + COMSVCS_RULE);
    for (const id of ['es-qs', 'xpack-watcher', 'graylog']) {
      assert.equal(await plain.locator(`#${id}`).isVisible(), true, `${id} is readable without JavaScript`);
      assert.equal(await plain.locator(`#${id} h3`).isVisible(), true);
    }
    assert.equal(await plain.locator('[role="tablist"]').isVisible(), false);
    await noScript.close();
  });

  test('the chosen query target is remembered across pages and followed by other open tabs', async () => {
    const context = await browser.newContext();
    const first = await watchedPage(context);
    const second = await watchedPage(context);
    await first.page.goto(server.root + COMSVCS_RULE);
    await second.page.goto(server.root + DEPRECATED_RULE);
    await first.page.getByRole('tab', { name: 'Graylog' }).click();
    // The other open tab follows (storage event)...
    await second.page.waitForFunction(`document.querySelector('[role="tab"][data-target="graylog"]')?.getAttribute('aria-selected') === 'true'`);
    // ...and a page opened later starts on the same target.
    await first.page.goto(`${server.root}rules/`);
    await first.page.locator('#rule-table a').first().click();
    await first.page.waitForSelector('[role="tab"]');
    assert.equal(await first.page.locator('[role="tab"][aria-selected="true"]').getAttribute('data-target'), 'graylog');
    await second.page.getByRole('tab', { name: 'X-Pack Watcher' }).click();
    await first.page.waitForFunction(`document.querySelector('[role="tab"][aria-selected="true"]')?.getAttribute('data-target') === 'xpack-watcher'`);
    assert.deepEqual([...first.problems, ...second.problems], []);
    await context.close();
  });

  test('a matrix cell leads to its technique page', async () => {
    const context = await browser.newContext({ viewport: { width: 1600, height: 1000 } });
    const { page, problems } = await watchedPage(context);
    await page.goto(`${server.root}matrix/`);
    await page.screenshot({ path: path.join(ARTIFACTS, 'matrix.png') });
    const cell = page.locator('a.cell[href$="/techniques/T1003/"]').first();
    assert.match((await cell.getAttribute('class')) ?? '', /heat-[1-5]/);
    await cell.click();
    await page.waitForURL(`${server.root}techniques/T1003/`);
    assert.equal(await page.locator('h1').innerText(), 'T1003: OS Credential Dumping');
    assert.ok(await page.locator('#T1003\\.001').isVisible());
    // A sub-technique's own URL redirects to its section.
    await page.goto(`${server.root}techniques/T1003.001/`);
    await page.waitForURL(`${server.root}techniques/T1003/#T1003.001`);
    // Gaps are marked: a technique with tests but no rule.
    assert.ok((await page.goto(`${server.root}matrix/`)) !== null);
    assert.ok((await page.locator('a.cell.gap').count()) > 0);
    assert.deepEqual(problems, []);
    await context.close();
  });

  test('ATT&CK knowledge: the groups list leads to a group page with its coverage and layer; technique pages cite and link their users', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const { page, problems } = await watchedPage(context);
    // The sample's comsvcs rule tags HAFNIUM (attack.g0125): its rule page links the group page.
    await page.goto(server.root + COMSVCS_RULE);
    await page.locator('a[href$="/groups/G0125/"]').first().click();
    await page.waitForURL(`${server.root}groups/G0125/`);
    assert.equal(await page.locator('h1').innerText(), 'G0125: HAFNIUM');
    assert.match(await page.locator('.page-head .badge.tag').innerText(), /^\d+ of \d+ techniques have a rule \(\d+ %\)$/);
    assert.ok(await page.locator('section[aria-labelledby="rules"] a', { hasText: 'LSASS Memory Dump Via Comsvcs.dll MiniDump Export' }).isVisible());
    const covered = page.locator('.actor-matrix a.cell[href$="/techniques/T1003/#T1003.001"]');
    assert.match((await covered.getAttribute('class')) ?? '', /heat-[1-5]/);
    await page.screenshot({ path: path.join(ARTIFACTS, 'group.png'), fullPage: true });
    const layer = await page.request.get(new URL((await page.locator('a[href$="/layers/groups/G0125.json"]').getAttribute('href'))!, server.root).href);
    assert.equal(((await layer.json()) as { domain: string }).domain, 'enterprise-attack');
    // The list is sorted by the share of techniques with a rule: the first row's share is the highest.
    await page.goto(`${server.root}groups/`);
    const shares = (await page.locator('tbody tr td:nth-of-type(3)').allInnerTexts()).map((text) => Number.parseInt(text, 10)).filter((share) => !Number.isNaN(share));
    assert.ok(shares.length > 100 && shares.every((share, index) => index === 0 || share <= shares[index - 1]!), shares.slice(0, 10).join(','));
    await page.goto(`${server.root}software/S0002/`);
    assert.equal(await page.locator('h1').innerText(), 'S0002: Mimikatz');
    assert.ok(await page.locator('section[aria-labelledby="rules"] a', { hasText: 'Credential Dumping Keywords In PowerShell Script Block' }).isVisible());
    // A technique page: the description's first citation leads to its reference; users link to their pages.
    await page.goto(`${server.root}techniques/T1003/`);
    await page.locator('#attack-description sup.citation a, section[aria-labelledby="attack-description"] sup.citation a').first().click();
    await page.waitForURL(/#ref-T1003-1$/);
    assert.ok(await page.locator('[id="ref-T1003-1"]').isVisible());
    await page.locator('section[aria-labelledby="attack-used-by"] summary').click();
    await page.locator('section[aria-labelledby="attack-used-by"] dd a[href$="/groups/G0007/"]').click();
    await page.waitForURL(`${server.root}groups/G0007/`);
    assert.deepEqual(problems, []);
    await context.close();
  });

  test('the conversion matrix filters by target, status and category from the URL, and without JavaScript shows everything', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const { page, problems } = await watchedPage(context);
    await page.goto(`${server.root}conversions/`);
    const rows = page.locator('#conversion-table tbody tr');
    const visible = page.locator('#conversion-table tbody tr:not([hidden])');
    const total = await rows.count();
    assert.ok(total > 20, `${total} rules`);
    assert.equal(await visible.count(), total);
    // The per-target table says how many rules EQL cannot convert; the filtered view shows exactly those.
    const eqlRow = page.locator('.conversion-summary-table tbody tr', { has: page.locator('code', { hasText: /^eql$/ }) });
    const unsupported = Number(await eqlRow.locator('td').nth(2).innerText());
    assert.ok(unsupported > 0);
    await page.goto(`${server.root}conversions/?target=eql&status=unsupported`);
    assert.equal(await page.locator('#conv-target').inputValue(), 'eql');
    assert.equal(await page.locator('#conv-status').inputValue(), 'unsupported');
    assert.equal(await visible.count(), unsupported);
    assert.match(await page.locator('#conversion-count').innerText(), new RegExp(`^${unsupported} of ${total} rules match, target EQL`));
    // Only the EQL column is shown, and each of its shown cells says why (category and reason number).
    const headers = await page.evaluate<string[]>(`[...document.querySelectorAll('#conversion-table thead th')].filter((cell) => getComputedStyle(cell).display !== 'none').map((cell) => cell.textContent)`);
    assert.deepEqual(headers, ['Rule', 'EQL']);
    for (const cell of await visible.locator('td.no:visible').allInnerTexts()) assert.match(cell, /^✗ (feature|field|logsource) \d+$/);
    assert.equal(await visible.locator('td.no:visible').count(), unsupported);
    // A reason cell leads to its reason, and carries it as a tooltip too.
    const first = visible.first().locator('td.no:visible a');
    const title = (await first.getAttribute('title')) ?? '';
    assert.match(title, /^(feature|field|logsource): ./);
    await first.click();
    const target = decodeURIComponent(new URL(page.url()).hash.slice(1));
    assert.match(target, /^reason-\d+$/);
    assert.ok(title.endsWith((await page.locator(`#${target} .reason-text`).innerText()).trim()));
    await page.screenshot({ path: path.join(ARTIFACTS, 'conversions-eql.png'), fullPage: true });
    // Changing a filter updates the URL; "converted" for EQL is the complement.
    await page.locator('#conv-status').selectOption('converted');
    assert.match(page.url(), /target=eql/);
    assert.match(page.url(), /status=converted/);
    assert.equal(await visible.count(), total - unsupported);
    // A category with no cells for this target leaves no rule; a target spec with "+" survives the URL.
    await page.goto(`${server.root}conversions/?target=lucene+ecs_windows&category=feature`);
    assert.equal(await page.locator('#conv-target').inputValue(), 'lucene+ecs_windows');
    assert.ok((await visible.count()) > 0 && (await visible.count()) < total);
    await page.locator('#conv-reset').click();
    assert.equal(await visible.count(), total);
    assert.equal(new URL(page.url()).search, '');
    assert.deepEqual(problems, []);
    await context.close();

    const noScript = await browser.newContext({ javaScriptEnabled: false });
    const plain = await noScript.newPage();
    await plain.goto(`${server.root}conversions/?target=eql&status=unsupported`);
    assert.equal(await plain.locator('#conversion-table tbody tr:visible').count(), total);
    assert.ok((await plain.locator('#conversion-table thead th:visible').count()) > 2, 'every target column is readable without JavaScript');
    assert.ok(await plain.locator('#reason-1').isVisible());
    await noScript.close();
  });

  test('a rule page shows each target\'s conversion status, and why an unsupported target cannot convert', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const { page, problems } = await watchedPage(context);
    await page.goto(`${server.root}${FIELDREF_RULE}#eql`);
    const tab = page.getByRole('tab', { name: /^EQL/ });
    assert.match(await tab.innerText(), /✗ feature/);
    const panel = page.locator('#eql');
    assert.equal(await panel.isVisible(), true);
    const note = await panel.innerText();
    assert.match(note, /Not available for EQL/);
    assert.match(note, /feature/);
    assert.match(note, /field references/i);
    assert.match(await page.locator('.conversion-summary').innerText(), /^Converts for \d of \d+ targets; not for .*EQL/);
    // A converted target says so, without the ✗ note.
    await page.getByRole('tab', { name: /^ES\|QL/ }).click();
    assert.match(await page.locator('#esql .conversion-status').innerText(), /Converted for esql/);
    // The note links to the matrix, filtered to the same target and category.
    await page.getByRole('tab', { name: /^EQL/ }).click();
    await panel.locator('a', { hasText: 'Other rules EQL cannot convert' }).click();
    await page.waitForURL(/\/conversions\/\?target=eql&status=unsupported&category=feature$/);
    assert.ok((await page.locator('#conversion-table tbody tr:not([hidden])').count()) > 0);
    assert.deepEqual(problems, []);
    await context.close();
  });

  test('the Downloads page lists the exports, and the layout links the Atom feed', async () => {
    const context = await browser.newContext();
    const { page, problems } = await watchedPage(context);
    await page.goto(server.root);
    await page.locator('footer a', { hasText: 'Downloads' }).click();
    await page.waitForURL(`${server.root}downloads/`);
    for (const file of ['layers/all.json', 'api/rules.json', 'api/response-playbooks.json', 'analytics.csv', 'rules.csv', 'feed.xml', 'exports/splunk/savedsearches.conf', 'exports/eql/elastic-detection-rules.ndjson', 'exports/queries.jsonl', 'thehive/RP_0001_credential_dumping_from_lsass.json']) {
      const anchor = page.locator(`main a[href="/${file}"]`);
      assert.equal(await anchor.count(), 1, file);
      const response = await page.request.get(new URL(`/${file}`, server.root).toString());
      assert.equal(response.status(), 200, file);
    }
    assert.equal(await page.locator('head link[rel="alternate"][type="application/atom+xml"]').getAttribute('href'), '/feed.xml');
    assert.deepEqual(problems, []);
    await context.close();
  });

  test('no console errors, failed requests or external requests on any kind of page', async () => {
    const context = await browser.newContext();
    const { page, problems } = await watchedPage(context);
    const failed: string[] = [];
    page.on('response', (response) => {
      if (response.status() >= 400) failed.push(`${response.status()} ${response.url()}`);
    });
    const pages = [
      ...SAMPLE_PAGE_TYPES,
      DEPRECATED_RULE,
      'data-needed/DN_0002_4688_windows_process_creation_with_commandline/',
      'conversions/?target=eql&status=unsupported',
      'search/?q=powershell',
    ];
    for (const url of pages) {
      await page.goto(server.root + url);
      await page.waitForLoadState('load');
      assert.ok(await page.locator('h1').count() >= 1, `${url} has a heading`);
    }
    await page.locator('#search-results li').first().waitFor();
    assert.deepEqual(problems, []);
    assert.deepEqual(failed, []);
    await context.close();
  });

  test('accessibility: axe-core finds no serious or critical violation on any page type, in light and dark mode', { timeout: 360_000 }, async () => {
    // One page of each type, plus states the script creates (an unsupported query tab, a filtered matrix).
    const pages = [
      ...SAMPLE_PAGE_TYPES,
      `${FIELDREF_RULE}#eql`,
      DEPRECATED_RULE,
      'rules/?level=high',
      'data-needed/DN_0002_4688_windows_process_creation_with_commandline/',
      'search/?q=lsass',
      'conversions/?target=eql&status=unsupported',
      'groups/G0125/',
    ];
    const found: Array<{ scheme: string; url: string; id: string; impact: string | null; help: string; nodes: string[] }> = [];
    for (const colorScheme of ['light', 'dark'] as const) {
      // Wide enough that the whole ATT&CK matrix is on screen: axe only measures the contrast of what it can see.
      const context = await browser.newContext({ viewport: { width: 2200, height: 1000 }, colorScheme });
      const { page, problems } = await watchedPage(context);
      await page.emulateMedia({ colorScheme });
      for (const url of pages) {
        await page.goto(server.root + url);
        if (url.startsWith('search/')) await page.locator('#search-results li').first().waitFor();
        for (const violation of await axeViolations(page)) {
          found.push({ scheme: colorScheme, url, id: violation.id, impact: violation.impact, help: violation.help, nodes: violation.nodes.slice(0, 5).map((node) => `${node.target.join(' ')}: ${node.failureSummary ?? ''}`) });
        }
      }
      assert.deepEqual(problems, []);
      await context.close();
    }
    writeFileSync(path.join(ARTIFACTS, 'axe-violations.json'), `${JSON.stringify(found, null, 2)}\n`);
    const serious = found.filter((violation) => violation.impact === 'serious' || violation.impact === 'critical');
    assert.deepEqual(serious, [], 'see test-artifacts/axe-violations.json');
  });

  test('screenshots: dark home, dark rule page, printed rule page', async () => {
    const dark = await browser.newContext({ viewport: { width: 1280, height: 900 }, colorScheme: 'dark' });
    const page = await dark.newPage();
    await page.emulateMedia({ colorScheme: 'dark' });
    await page.goto(server.root);
    assert.equal(await page.evaluate<string>('getComputedStyle(document.body).backgroundColor'), 'rgb(15, 20, 25)');
    await page.screenshot({ path: path.join(ARTIFACTS, 'home-dark.png'), fullPage: true });
    await page.goto(`${server.root}${FIELDREF_RULE}#eql`);
    await page.screenshot({ path: path.join(ARTIFACTS, 'rule-dark.png'), fullPage: true });
    await dark.close();
    const print = await browser.newContext({ viewport: { width: 1000, height: 1400 } });
    const printed = await print.newPage();
    await printed.emulateMedia({ media: 'print' });
    await printed.goto(server.root + FIELDREF_RULE);
    // Printing shows every query target, and none of the chrome.
    for (const id of ['lucene', 'eql', 'es-qs', 'graylog']) assert.equal(await printed.locator(`#${id}`).isVisible(), true, id);
    assert.equal(await printed.locator('.site-header').isVisible(), false);
    assert.equal(await printed.locator('[role="tablist"]').isVisible(), false);
    await printed.screenshot({ path: path.join(ARTIFACTS, 'rule-print.png'), fullPage: true });
    await print.close();
  });

  test('a deprecated rule is bannered with a link to its replacement; the basename URL redirects', async () => {
    const context = await browser.newContext();
    const { page } = await watchedPage(context);
    await page.goto(server.root + DEPRECATED_RULE);
    const banner = page.locator('.banner.deprecated');
    assert.match(await banner.innerText(), /deprecated/i);
    await banner.locator('a').first().click();
    await page.waitForURL(server.root + COMSVCS_RULE);
    await page.goto(`${server.root}rules/proc_creation_win_rundll32_comsvcs_minidump/`);
    await page.waitForURL(server.root + COMSVCS_RULE);
    await context.close();
  });

  test('under a path prefix every link, asset and search result stays inside it', async () => {
    const prefixed = mkdtempSync(path.join(tmpdir(), 'atc-site-prefix-'));
    const prefixServer = await (async () => {
      atcBuild(['--config', sampleConfigWithPrefix(prefixed, '/kb/'), '--out', path.join(prefixed, '_site')], prefixed);
      return serveFolder(path.join(prefixed, '_site'), '/kb/');
    })();
    try {
      assert.deepEqual(checkLinks(path.join(prefixed, '_site'), { pathPrefix: '/kb/' }).problems, []);
      const context = await browser.newContext();
      const { page, problems } = await watchedPage(context);
      await page.goto(`${prefixServer.root}search/?q=comsvcs`);
      const result = page.locator('#search-results a').first();
      await result.waitFor({ timeout: 15_000 });
      assert.match((await result.getAttribute('href')) ?? '', /^\/kb\//);
      await result.click();
      await page.waitForLoadState('load');
      assert.ok(page.url().startsWith(`${prefixServer.root}rules/`));
      await page.locator('nav.site-nav a', { hasText: 'Matrix' }).click();
      await page.waitForURL(`${prefixServer.root}matrix/`);
      assert.deepEqual(problems, []);
      await context.close();
    } finally {
      await prefixServer.close();
      rmSync(prefixed, { recursive: true, force: true });
    }
  });
});
