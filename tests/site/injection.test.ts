// XSS and template payloads in every text field of every entity type (tests/fixtures/site-injection),
// built with the real `atc build` and opened in Chromium: nothing may run, no dialog may open, and the
// payloads must show as text. Eleventy must not have run any of it through Liquid or Nunjucks.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { load } from 'cheerio';
import type { Browser } from 'playwright-core';
import { checkLinks } from '../../src/site/check-links.ts';
import { SITE_INPUT_DIR } from '../../src/site/site-plugin.ts';
import { PROJECT, atcBuild, launchChromium, serveFolder, skipWithoutChromium, type StaticServer } from './browser.ts';

const FIXTURE = path.join(PROJECT, 'tests/fixtures/site-injection');
const SCRIPT_PAYLOAD = '<script>window.__pwned=1</script>';
const IMG_PAYLOAD = '<img src=x onerror="window.__pwned=1">';

function htmlFiles(folder: string): string[] {
  const found: string[] = [];
  for (const entry of readdirSync(folder, { recursive: true, withFileTypes: true })) {
    if (entry.isFile() && entry.name.endsWith('.html')) found.push(path.join(entry.parentPath, entry.name));
  }
  return found.sort();
}

describe('third-party text cannot inject markup or templates', () => {
  let folder: string;
  let site: string;

  before(() => {
    folder = mkdtempSync(path.join(tmpdir(), 'atc-injection-'));
    site = path.join(folder, '_site');
    atcBuild(['--config', path.join(FIXTURE, 'atc.config.yml'), '--out', site], FIXTURE);
  });

  after(() => {
    if (folder) rmSync(folder, { recursive: true, force: true });
  });

  test('no page of the built site contains a payload as markup, and no template was evaluated', () => {
    for (const file of htmlFiles(site)) {
      const html = readFileSync(file, 'utf8');
      const where = path.relative(site, file);
      assert.ok(!html.includes(SCRIPT_PAYLOAD), `${where} has a raw <script> payload`);
      assert.ok(!html.includes('<b>raw html</b>'), `${where} passed raw HTML through`);
      const $ = load(html);
      $('*').each((_, element) => {
        for (const name of Object.keys((element as { attribs?: Record<string, string> }).attribs ?? {})) assert.ok(!/^on/i.test(name), `${where}: <${(element as { tagName: string }).tagName} ${name}>`);
      });
      assert.equal($('img, iframe, object, embed').length, 0, `${where} has an embedded element`);
      $('script').each((_, element) => {
        const source = $(element).attr('src');
        // Ours: site.js and the page scripts of src/site/assets (rule-list.js) by file name and content version,
        // and the redirect stubs' own script.
        const asset = /^\/assets\/([a-z][a-z0-9-]*\.js)(?:\?v=[0-9a-f]+)?$/.exec(source ?? '');
        assert.ok(source ? asset !== null && existsSync(path.join(SITE_INPUT_DIR, 'assets', asset[1]!)) : $(element).text() === "document.documentElement.classList.add('js')", `${where}: a script that is not ours`);
      });
      $('[href], [src], [action]').each((_, element) => {
        for (const name of ['href', 'src', 'action']) assert.ok(!/^\s*javascript:/i.test($(element).attr(name) ?? ''), `${where}: a javascript: URL in ${name}`);
      });
    }
    const rule = readFileSync(path.join(site, 'rules/0b7a8f42-6c1e-4d5a-9f00-000000000001/index.html'), 'utf8');
    assert.ok(rule.includes('{{ 7*7 }}') && rule.includes('{% raw %}') && rule.includes('${7*7}'), 'template syntax is kept literally');
    assert.ok(!/Rule title [^<]*\b49\b/.test(rule), 'no {{ 7*7 }} was evaluated');
  });

  test('every internal link of the injected site resolves', () => {
    assert.deepEqual(checkLinks(site).problems, []);
  });

  describe('in Chromium', { skip: skipWithoutChromium() }, () => {
    let server: StaticServer;
    let browser: Browser;
    before(async () => {
      server = await serveFolder(site);
      browser = await launchChromium();
    });
    after(async () => {
      await browser?.close();
      await server?.close();
    });

    test('nothing runs and the payloads show literally on every page type', async () => {
      const context = await browser.newContext();
      const page = await context.newPage();
      const dialogs: string[] = [];
      const errors: string[] = [];
      page.on('dialog', (dialog) => {
        dialogs.push(dialog.message());
        void dialog.dismiss();
      });
      page.on('pageerror', (error) => errors.push(error.message));
      const pages: Array<[string, string[]]> = [
        ['', ['Newest rules']],
        ['rules/', [`Rule title ${SCRIPT_PAYLOAD}`]],
        ['rules/0b7a8f42-6c1e-4d5a-9f00-000000000001/', [`Rule title ${SCRIPT_PAYLOAD} ${IMG_PAYLOAD} {{ 7*7 }} {% raw %} \${7*7} [md link](javascript:window.__pwned=1) <b>raw html</b>`, 'Rule description', 'javascript:window.__pwned=1', `Author ${SCRIPT_PAYLOAD}`, `False positive ${SCRIPT_PAYLOAD}`, `cve.2025-${SCRIPT_PAYLOAD}`, `Definition ${SCRIPT_PAYLOAD}`]],
        ['rules/0b7a8f42-6c1e-4d5a-9f00-000000000002/', ['This rule is deprecated', `Deprecated description ${SCRIPT_PAYLOAD}`]],
        ['data-needed/', [`DN_9001_4688_injection ${SCRIPT_PAYLOAD}`]],
        [`data-needed/DN_9001_4688_injection__script_window.__pwned_1__script_/`, [`DN description ${SCRIPT_PAYLOAD}`, `Provider ${SCRIPT_PAYLOAD}`, `Sample ${SCRIPT_PAYLOAD}`, '{{ 7*7 }}']],
        [`logging-policies/LP_9001_injection__script_window.__pwned_1__script_/`, [`LP description ${SCRIPT_PAYLOAD}`, `Default ${SCRIPT_PAYLOAD}`, `Markdown paragraph ${SCRIPT_PAYLOAD}`, `Heading ${SCRIPT_PAYLOAD}`, IMG_PAYLOAD, '[markdown javascript link](javascript:window.__pwned=1)', `{{ 7*7 }} {% raw %} \${7*7} ${SCRIPT_PAYLOAD}`]],
        [`enrichments/EN_9001_enrichment__script_window.__pwned_1__script_/`, [`EN description ${SCRIPT_PAYLOAD}`, `EN config ${SCRIPT_PAYLOAD}`, `{{ 7*7 }} {% raw %} ${SCRIPT_PAYLOAD}`]],
        ['triggers/T1003.001/', [`Display name ${SCRIPT_PAYLOAD}`, `Test name ${SCRIPT_PAYLOAD}`, `Test description ${SCRIPT_PAYLOAD}`, `Input description ${SCRIPT_PAYLOAD}`, `C:\\Users\\<USER>\\{{ 7*7 }}${SCRIPT_PAYLOAD}`, `echo "${SCRIPT_PAYLOAD}" > C:\\Users\\<USER>\\{{ 7*7 }}${SCRIPT_PAYLOAD}`, 'echo {{ 7*7 }} {% raw %} ${7*7}', `Dependency ${SCRIPT_PAYLOAD}`]],
        ['techniques/T1003/', [`Rule title ${SCRIPT_PAYLOAD}`]],
        ['tactics/TA0006/', [`Rule title ${SCRIPT_PAYLOAD}`]],
        ['tactics/TA0112/', [`Tactic name ${SCRIPT_PAYLOAD} {{ 7*7 }}`, `Technique name ${SCRIPT_PAYLOAD} \${7*7}`, `Rule title ${SCRIPT_PAYLOAD}`]],
        ['techniques/T1685/', [`Technique name ${SCRIPT_PAYLOAD} \${7*7}`]],
        ['gaps/', ['Coverage gaps']],
        ['matrix/', ['ATT&CK matrix']],
      ];
      for (const [url, texts] of pages) {
        await page.goto(server.root + url);
        await page.waitForLoadState('load');
        const text = await page.locator('body').innerText();
        for (const expected of texts) assert.ok(text.includes(expected), `${url} shows ${JSON.stringify(expected)}`);
        assert.equal(await page.evaluate('window.__pwned'), undefined, `${url} ran a payload`);
        assert.equal(await page.locator('main script, main img[onerror], main [onerror], main a[href^="javascript:"]').count(), 0, `${url} has payload elements`);
        assert.match(await page.title(), /Injection <script>window\.__pwned=1<\/script> \{\{ 7\*7 \}\}/);
      }
      // Search results carry indexed third-party text: it must come back as text too.
      await page.goto(`${server.root}search/?q=pwned`);
      await page.locator('#search-results li').first().waitFor({ timeout: 15_000 });
      assert.ok((await page.locator('#search-results').innerText()).includes('window.__pwned'));
      assert.equal(await page.evaluate('window.__pwned'), undefined);
      assert.equal(await page.locator('#search-results script, #search-results img').count(), 0);
      // A named entity (the names index) is listed first, its hostile title as text.
      await page.goto(`${server.root}search/?q=DN_9001`);
      await page.locator('#search-results li').first().waitFor({ timeout: 15_000 });
      assert.equal(await page.locator('#search-results li a').first().innerText(), `DN_9001_4688_injection ${SCRIPT_PAYLOAD}`);
      assert.equal(await page.locator('#search-results script, #search-results img').count(), 0);
      assert.equal(await page.evaluate('window.__pwned'), undefined);
      // Copying a query copies text, it does not run it.
      await page.goto(`${server.root}rules/0b7a8f42-6c1e-4d5a-9f00-000000000001/`);
      await page.locator('.tab-panel:not([hidden]) button.copy').click();
      assert.equal(await page.evaluate('window.__pwned'), undefined);
      assert.deepEqual(dialogs, []);
      assert.deepEqual(errors, []);
      await context.close();
    });
  });
});
