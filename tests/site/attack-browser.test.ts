// The ATT&CK coverage pages in a real Chromium, on the knowledge base of tests/helpers/attack-fixture.ts
// (provisional tactics and techniques, gaps at both levels, a revoked tag): no console errors, axe clean.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { writeCoverageKnowledgeBase } from '../helpers/attack-fixture.ts';
import { atcBuild, axeViolations, siteInChromium, skipWithoutChromium, type SiteInChromium, type StaticServer } from './browser.ts';

describe('ATT&CK coverage pages with provisional entities, in Chromium', { skip: skipWithoutChromium() }, () => {
  let site: SiteInChromium | undefined;
  let server: StaticServer;
  let browser: Browser;

  before(async () => {
    site = await siteInChromium('atc-attack-site-', (folder) => {
      writeCoverageKnowledgeBase(folder);
      atcBuild(['--rules', path.join(folder, 'rules'), '--triggers', path.join(folder, 'triggers'), '--targets', 'es-qs', '--out', path.join(folder, '_site')], folder);
    });
    ({ server, browser } = site);
  });

  after(async () => {
    await site?.close();
  });

  test('provisional tactic and technique pages, the matrix and the gaps: readable, linked, axe clean in light and dark mode', { timeout: 300_000 }, async () => {
    const pages = ['', 'matrix/', 'gaps/', 'tactics/defense-impairment/', 'tactics/stealth/', 'techniques/T1685/', 'techniques/T1003/', 'triggers/T1685/', 'rules/?tactic=stealth'];
    const serious: string[] = [];
    for (const colorScheme of ['light', 'dark'] as const) {
      const context = await browser.newContext({ viewport: { width: 2200, height: 1000 }, colorScheme });
      const page = await context.newPage();
      const problems: string[] = [];
      page.on('console', (message) => {
        if (message.type() === 'error') problems.push(`console: ${message.text()}`);
      });
      page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
      for (const url of pages) {
        const response = await page.goto(server.root + url);
        assert.equal(response?.status(), 200, url);
        for (const violation of await axeViolations(page)) {
          if (violation.impact === 'serious' || violation.impact === 'critical') serious.push(`${colorScheme} ${url}: ${violation.id} ${violation.nodes.map((node) => node.target.join(' ')).join(', ')}`);
        }
      }
      assert.deepEqual(problems, []);
      await context.close();
    }
    assert.deepEqual(serious, []);
  });

  test('the matrix has the provisional columns, and the filtered rule list of a provisional tactic shows its rules', async () => {
    const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
    const page = await context.newPage();
    await page.goto(`${server.root}matrix/`);
    const headings = await page.locator('.matrix-column h2').allInnerTexts();
    assert.ok(headings.some((text) => text.startsWith('Stealth')), headings.join(' | '));
    assert.ok(headings.some((text) => text.startsWith('Defense Impairment')));
    assert.ok(headings.some((text) => text.startsWith('No tactic')));
    await page.locator('.matrix-column', { hasText: 'Defense Impairment' }).locator('a.cell', { hasText: 'T1685' }).first().click();
    await page.waitForURL(/\/techniques\/T1685\/$/);
    assert.match(await page.locator('.banner.provisional').first().innerText(), /Provisional/);
    await page.goto(`${server.root}rules/?tactic=stealth`);
    const rows = page.locator('table tbody tr:visible');
    await page.waitForFunction("document.querySelectorAll('table tbody tr:not([hidden])').length === 2");
    assert.equal(await rows.count(), 2, 'the two rules tagged attack.stealth');
    await context.close();
  });
});
