// Coverage profile pages in Chromium, on the sample site built with `atc build` (its two profiles and its
// customer file): a profile page and /profiles/ fit a 390 px phone and axe finds nothing serious in light
// and dark mode, and the rule list's profile facet (rule-list.js over rules/index.json) shows exactly the
// profile's runnable rules.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { buildKnowledgeBase } from '../../src/build.ts';
import { loadConfig } from '../../src/load/load-config.ts';
import type { ProfileCoverage } from '../../src/link/profile-coverage-model.ts';
import { PROJECT, atcBuild, axeViolations, siteInChromium, skipWithoutChromium, watchedPage, type SiteInChromium } from './browser.ts';

const PHONE = { width: 390, height: 844 };

async function listReady(page: Page): Promise<void> {
  await page.waitForFunction(`document.getElementById('rule-count').textContent.includes('sorted by')`);
}

describe('coverage profiles in Chromium', { skip: skipWithoutChromium() }, () => {
  let site: SiteInChromium;
  let profile: ProfileCoverage;
  let other: ProfileCoverage;
  const runnableTitles = (of: ProfileCoverage) => of.rules.filter((entry) => entry.status === 'runnable').map((entry) => entry.rule.title).sort();

  before(async () => {
    const build = buildKnowledgeBase(loadConfig({ configFile: path.join(PROJECT, 'atc.config.yml') }).config, { exports: false });
    profile = build.profiles.find((candidate) => candidate.key === 'sysmon-everywhere')!;
    other = build.profiles.find((candidate) => candidate.key === 'security-log-command-line')!;
    site = await siteInChromium('atc-profiles-', (folder) => atcBuild(['--out', path.join(folder, '_site')], PROJECT));
  });

  after(async () => {
    await site?.close();
  });

  test('a profile page and /profiles/ fit a phone, and axe finds nothing serious in light and dark mode', async () => {
    const found: string[] = [];
    for (const colorScheme of ['light', 'dark'] as const) {
      const context = await site.browser.newContext({ viewport: PHONE, colorScheme });
      const { page, problems } = await watchedPage(context);
      for (const url of ['profiles/sysmon-everywhere/', 'profiles/']) {
        await page.goto(site.server.root + url);
        const width = await page.evaluate<number>('document.documentElement.scrollWidth');
        assert.ok(width <= PHONE.width, `${url} is ${width} px wide`);
        for (const violation of await axeViolations(page)) {
          if (violation.impact === 'serious' || violation.impact === 'critical') found.push(`${colorScheme} ${url} ${violation.id}: ${violation.help} ${violation.nodes.map((node) => node.target.join(' ')).join('; ')}`);
        }
      }
      assert.deepEqual(problems, []);
      await context.close();
    }
    assert.deepEqual(found, []);
  });

  test('the runnable count links to the rule list, which shows exactly the profile’s runnable rules', async () => {
    const context = await site.browser.newContext({ viewport: { width: 1280, height: 900 } });
    const { page, problems } = await watchedPage(context);
    await page.goto(`${site.server.root}profiles/sysmon-everywhere/`);
    await page.locator('#summary ~ .table-wrap a[href*="runnable=yes"]').click();
    await page.waitForURL(/\/rules\/\?profile=sysmon-everywhere&runnable=yes$/);
    await listReady(page);
    const shown = async () => (await page.locator('#rule-table tbody tr td:first-child').allInnerTexts()).sort();
    assert.deepEqual(await shown(), runnableTitles(profile));
    // Each profile option counts that profile's runnable rules, whichever profile is chosen.
    await page.locator('details[data-facet="profile"] > summary').click();
    // The counts are written on the details' toggle event, which fires a task after the click.
    const optionCount = async (key: string) => {
      const count = page.locator(`details[data-facet="profile"] label:has(input[value="${key}"]) .facet-count`).filter({ hasText: /\(\d+\)/ });
      await count.waitFor({ timeout: 5_000 });
      return Number(/\((\d+)\)/.exec(await count.innerText())![1]);
    };
    assert.equal(await optionCount(profile.key), runnableTitles(profile).length);
    assert.equal(await optionCount(other.key), runnableTitles(other).length);
    // Choosing the other profile keeps `runnable=yes` tied to it: its runnable rules, not the first one's.
    await page.locator('details[data-facet="profile"] input[value="sysmon-everywhere"]').uncheck();
    await page.locator('details[data-facet="profile"] input[value="security-log-command-line"]').check();
    await page.waitForURL(/\?profile=security-log-command-line&runnable=yes$/, { timeout: 5_000 });
    assert.notDeepEqual(runnableTitles(other), runnableTitles(profile));
    assert.deepEqual(await shown(), runnableTitles(other));
    assert.deepEqual(problems, []);
    await context.close();
  });
});
