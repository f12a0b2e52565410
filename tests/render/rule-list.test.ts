// The rule list's data (src/present/rule-list-index.ts), its JSON index and static pages
// (src/render/html/rule-list-pages.ts), and the entity pages' "all N rules" links into it, on the sample
// knowledge base (and the full corpus when ../shared is there).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import * as cheerio from 'cheerio';
import { buildKnowledgeBase, type Build } from '../../src/build.ts';
import { loadConfig } from '../../src/load/load-config.ts';
import { filterRuleList, RULE_LIST_FACET_KEYS, ruleListIndex, type RuleListFacetKey, type RuleListIndex } from '../../src/present/rule-list-index.ts';
import { parseSigmaDate } from '../../src/sigma/rule-metadata.ts';
import { renderRuleListPages, ruleListIndexFile, ruleListPagePath } from '../../src/render/html/rule-list-pages.ts';
import { renderSitePages, siteModel } from '../../src/render/html/site-pages.ts';
import { RULE_LIST_KEYS } from '../../src/present/site-urls.ts';
import { sharedCorpusConfig, sharedCorpusExists } from '../../scripts/shared-corpus.ts';
import { PROJECT } from '../site/browser.ts';

/** Facets only a build with coverage profiles has (tests/render/profile-pages.test.ts covers them). */
const WITHOUT_PROFILES: readonly string[] = ['profile', 'runnable'];

const sampleBuild = (): Build => buildKnowledgeBase(loadConfig({ configFile: path.join(PROJECT, 'atc.config.yml') }).config);

function indexOf(build: Build): RuleListIndex {
  const { context } = siteModel(build);
  return ruleListIndex(context.kb, context.queries, context.targets);
}

/** The last-changed day the list sorts by, read from the rule itself rather than from the index. */
const changed = (build: Build, title: string): string => {
  const rule = build.kb.rules.find((candidate) => candidate.title === title)!;
  return parseSigmaDate(rule.modified) ?? parseSigmaDate(rule.date) ?? '';
};

describe('the rule list index', () => {
  const build = sampleBuild();
  const index = indexOf(build);

  test('holds every rule once, most recently modified first, undated last, ties by title', () => {
    assert.equal(index.entries.length, build.kb.rules.length);
    assert.equal(new Set(index.entries.map((entry) => entry.rule)).size, build.kb.rules.length);
    for (let position = 1; position < index.entries.length; position += 1) {
      const [before, after] = [index.entries[position - 1]!, index.entries[position]!];
      const [a, b] = [changed(build, before.rule.title), changed(build, after.rule.title)];
      assert.ok(a > b || (a === b && before.titleRank < after.titleRank) || (b === '' && a !== ''), `${before.rule.title} (${a}) before ${after.rule.title} (${b})`);
    }
    // Title ranks are a permutation in title order.
    const byRank = [...index.entries].sort((a, b) => a.titleRank - b.titleRank);
    assert.deepEqual(byRank.map((entry) => entry.titleRank), byRank.map((_, position) => position));
    for (let position = 1; position < byRank.length; position += 1) assert.ok(byRank[position - 1]!.rule.title <= byRank[position]!.rule.title);
  });

  test('has a facet for every key of the list URL except q and sort (and the profile facets, without profiles), and each value a rule has', () => {
    assert.deepEqual(index.facets.map((facet) => facet.key), RULE_LIST_KEYS.filter((key) => !['q', 'sort', ...WITHOUT_PROFILES].includes(key)));
    for (const [facetIndex, facet] of index.facets.entries()) {
      assert.equal(new Set(facet.values).size, facet.values.length, `${facet.key}: values are unique`);
      assert.equal(facet.labels.length, facet.values.length);
      const used = new Set(index.entries.flatMap((entry) => entry.facetValues[facetIndex]!));
      assert.equal(used.size, facet.values.length, `${facet.key}: every value belongs to a rule`);
    }
    const level = index.facets.find((facet) => facet.key === 'level')!;
    assert.deepEqual(level.values.filter((value) => ['critical', 'high', 'medium', 'low', 'informational'].includes(value)), ['critical', 'high', 'medium', 'low', 'informational'].filter((value) => level.values.includes(value)));
  });

  test('a filter ORs the values of a facet and ANDs facets', () => {
    const high = filterRuleList(index, { level: ['high'] });
    const critical = filterRuleList(index, { level: ['critical'] });
    const both = filterRuleList(index, { level: ['high', 'critical'] });
    assert.ok(high.length > 0 && critical.length > 0);
    assert.equal(both.length, high.length + critical.length);
    const withTrigger = filterRuleList(index, { level: ['high', 'critical'], trigger: ['yes'] });
    assert.ok(withTrigger.length > 0 && withTrigger.length < both.length);
    assert.ok(withTrigger.every((entry) => both.includes(entry) && build.kb.ruleLinks.get(entry.rule)!.triggers.length > 0));
    assert.deepEqual(filterRuleList(index, { dn: ['no such page'] }), []);
  });

  test('the JSON index is deterministic and round-trips titles, paths and facet values', () => {
    const { context } = siteModel(build);
    const first = ruleListIndexFile(index, context).content;
    const again = sampleBuild();
    assert.equal(ruleListIndexFile(indexOf(again), siteModel(again).context).content, first, 'two builds write the same index');
    const document = JSON.parse(first) as { facets: { key: string; values: string[] }[]; rules: { t: string; u: string; f: number[][] }[] };
    assert.equal(document.rules.length, index.entries.length);
    document.rules.forEach((rule, position) => {
      const entry = index.entries[position]!;
      assert.equal(rule.t, entry.rule.title);
      assert.equal(`/${rule.u}`, context.urls.pathRule(entry.rule));
      assert.deepEqual(rule.f, entry.facetValues);
    });
    assert.deepEqual(document.facets.map((facet) => facet.key), RULE_LIST_FACET_KEYS.filter((key) => !WITHOUT_PROFILES.includes(key)));
  });

  test('static pages hold every rule once, in list order, linked page to page', () => {
    const { context } = siteModel(build);
    const pageSize = 10;
    const pages = renderRuleListPages(index, context, pageSize);
    assert.equal(pages.length, Math.ceil(build.kb.rules.length / pageSize));
    assert.deepEqual(pages.map((page) => page.url), pages.map((_, position) => ruleListPagePath(position + 1)));
    const seen: string[] = [];
    pages.forEach((page, position) => {
      const $ = cheerio.load(page.body.value);
      const rows = $('#rule-table tbody tr');
      assert.ok(rows.length <= pageSize && rows.length > 0);
      rows.each((_, row) => void seen.push($(row).find('td').first().find('a').attr('href')!));
      const next = $('.pager').first().find('a[rel="next"]').attr('href');
      assert.equal(next, position + 1 < pages.length ? context.urls.href(ruleListPagePath(position + 2)) : undefined);
      const previous = $('.pager').first().find('a[rel="prev"]').attr('href');
      assert.equal(previous, position > 0 ? context.urls.href(ruleListPagePath(position)) : undefined);
    });
    assert.deepEqual(seen, index.entries.map((entry) => context.urls.rule(entry.rule)));
    assert.deepEqual(pages[0]!.scripts, ['rule-list.js']);
    assert.equal(pages.slice(1).some((page) => page.scripts !== undefined), false, 'only /rules/ loads the list script');
  });
});

/** Every "All N rules in the rule list" link of the entity pages selects exactly N rules in the list. */
function checkPreviewLinks(build: Build): number {
  const site = renderSitePages(build);
  const index = ruleListIndex(site.context.kb, site.context.queries, site.context.targets);
  let links = 0;
  for (const pending of site.pages) {
    if (pending.url.startsWith('/rules/')) continue;
    const $ = cheerio.load(pending.render().body.value);
    $('.rule-list-link a').each((_, anchor) => {
      const href = $(anchor).attr('href')!;
      const url = new URL(href, 'https://kb.example/');
      assert.equal(url.pathname, site.context.urls.href('/rules/'), href);
      const filter: Partial<Record<RuleListFacetKey, string[]>> = {};
      for (const [key, value] of url.searchParams) {
        assert.ok((RULE_LIST_FACET_KEYS as readonly string[]).includes(key), `${pending.url}: ${key} is a facet of the list`);
        filter[key as RuleListFacetKey] = value.split(',');
      }
      const expected = Number(/^All ([\d,]+) rules? in the rule list/.exec($(anchor).text())![1]!.replace(/,/g, ''));
      assert.equal(filterRuleList(index, filter).length, expected, `${pending.url}: ${href}`);
      links += 1;
    });
  }
  return links;
}

test('the entity pages link to the rule list filtered to exactly their rules', () => {
  const links = checkPreviewLinks(sampleBuild());
  assert.ok(links > 50, `${links} links`);
});

test('the full corpus: every entity page link selects as many rules as it announces', { skip: sharedCorpusExists() ? false : '../shared is absent', timeout: 300_000 }, () => {
  const links = checkPreviewLinks(buildKnowledgeBase(sharedCorpusConfig()));
  assert.ok(links > 500, `${links} links`);
});
