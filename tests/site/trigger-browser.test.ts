// Trigger pages in Chromium (issue 13, item 3): the sample knowledge base built with `atc build`. Typed
// argument values show in the commands as text and are what the copy buttons copy; the page reads
// without JavaScript; axe finds nothing serious in light or dark mode.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { ARTIFACTS, axeViolations, openSampleSite, skipWithoutChromium, watchedPage, type SiteInChromium } from './browser.ts';

const PAGE = 'triggers/T1003.001/';
/** The sample's first T1003.001 test: one input argument, dump_path, used by the command and the cleanup. */
const TEST = '#test-1089e625-f273-434b-9a1a-1a0b00f842a7';
const DEFAULT_PATH = '$env:TEMP\\atc-lsass-test.dmp';
const PAYLOAD = '</script><img src=x onerror="window.__pwned=1">#{dump_path}';

async function openTrigger(context: BrowserContext, root: string): Promise<{ page: Page; problems: string[] }> {
  const watched = await watchedPage(context);
  await watched.page.goto(root + PAGE);
  return watched;
}

describe('trigger pages in Chromium', { skip: skipWithoutChromium() }, () => {
  let site: SiteInChromium | undefined;
  before(async () => {
    site = await openSampleSite();
  });
  after(() => site?.close());
  const opened = (): SiteInChromium => site ?? assert.fail('the sample site did not open');

  test('a typed value replaces its placeholder in every command as text, and copy copies the command as shown', async () => {
    const context = await opened().browser.newContext({ viewport: { width: 1440, height: 900 } });
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: opened().server.origin });
    const { page, problems } = await openTrigger(context, opened().server.root);
    // The first test starts on the first screen, before any rule.
    const testTop = await page.locator(TEST).evaluate((element) => element.getBoundingClientRect().top);
    const rulesTop = await page.locator('#detection-rules').evaluate((element) => element.getBoundingClientRect().top);
    assert.ok(testTop < 900 && testTop < rulesTop, `first test at y=${testTop}, rules at y=${rulesTop}`);

    const input = page.getByLabel('dump_path');
    assert.equal(await input.inputValue(), DEFAULT_PATH, 'the field starts with the default');
    const command = page.locator(`${TEST}-command`);
    const cleanup = page.locator(`${TEST}-cleanup`);
    assert.ok((await command.innerText()).includes(`"${DEFAULT_PATH}" full`), 'with the script, commands show the defaults');
    assert.ok(!(await command.innerText()).includes('#{dump_path}'));

    await input.fill('C:\\tmp\\mine.dmp');
    assert.equal((await command.innerText()).split('C:\\tmp\\mine.dmp').length - 1, 2, 'both places in the command');
    assert.equal(await cleanup.innerText(), 'Remove-Item "C:\\tmp\\mine.dmp" -Force -ErrorAction Ignore');
    await page.locator(`button.copy[data-copy="${TEST.slice(1)}-command"]`).click();
    await page.locator(`button.copy[data-copy="${TEST.slice(1)}-command"]`, { hasText: 'Copied' }).waitFor();
    const copied = await page.evaluate<string>('navigator.clipboard.readText()');
    assert.equal(copied, await command.textContent());
    assert.match(copied, /"C:\\tmp\\mine\.dmp" full/);

    // The Invoke-AtomicTest line has its own button.
    await page.locator(`button.copy[data-copy="${TEST.slice(1)}-invoke-1"]`).click();
    await page.locator(`button.copy[data-copy="${TEST.slice(1)}-invoke-1"]`, { hasText: 'Copied' }).waitFor();
    assert.equal(await page.evaluate<string>('navigator.clipboard.readText()'), 'Invoke-AtomicTest T1003.001 -TestNumbers 1');

    // Markup and placeholders typed into a field stay text: nothing parses, nothing expands again.
    await input.fill(PAYLOAD);
    assert.equal(await cleanup.innerText(), `Remove-Item "${PAYLOAD}" -Force -ErrorAction Ignore`);
    assert.equal(await page.locator('main img, main script').count(), 0);
    assert.equal(await page.evaluate('window.__pwned'), undefined);
    await page.screenshot({ path: path.join(ARTIFACTS, 'trigger.png'), fullPage: true });

    await page.getByRole('button', { name: 'Reset to the defaults' }).click();
    await page.waitForFunction(`document.querySelector('${TEST}-cleanup').textContent.includes('atc-lsass-test.dmp')`);
    assert.equal(await input.inputValue(), DEFAULT_PATH);
    assert.deepEqual(problems, []);
    await context.close();
  });

  test('without JavaScript the commands read as written, beside the table of defaults', async () => {
    const context = await opened().browser.newContext({ javaScriptEnabled: false });
    const { page } = await openTrigger(context, opened().server.root);
    assert.ok((await page.locator(`${TEST}-command`).innerText()).includes('"#{dump_path}" full'));
    assert.equal(await page.locator(`${TEST} .arg-default`).innerText(), DEFAULT_PATH);
    assert.equal(await page.locator(`${TEST} input`).isVisible(), false, 'no field that would do nothing');
    assert.equal(await page.locator(`${TEST} button.copy`).first().isVisible(), false);
    await context.close();
  });

  test('axe finds nothing serious in light and dark mode, with the form shown', async () => {
    for (const colorScheme of ['light', 'dark'] as const) {
      const context = await opened().browser.newContext({ viewport: { width: 1440, height: 900 }, colorScheme });
      const { page, problems } = await openTrigger(context, opened().server.root);
      await page.emulateMedia({ colorScheme });
      await page.locator('details.test-index summary').click();
      await page.getByLabel('dump_path').fill('changed');
      const serious = (await axeViolations(page)).filter((violation) => violation.impact === 'serious' || violation.impact === 'critical');
      assert.deepEqual(serious.map((violation) => `${violation.id}: ${violation.nodes.map((node) => node.target.join(' ')).join(', ')}`), [], colorScheme);
      assert.deepEqual(problems, []);
      await context.close();
    }
  });
});
