// Heavy pages (issue 13, item 7): long code blocks and lists collapse behind a "show all" control, long
// rules lose their highlighting, and queries too long for a page are published as files it links.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { load } from 'cheerio';
import { buildKnowledgeBase } from '../../src/build.ts';
import { DEFAULT_CONFIG, type BuildConfig } from '../../src/config.ts';
import { queryText } from '../../src/present/query-text.ts';
import { codeBlock, list } from '../../src/render/html/components.ts';
import { escapeHtml } from '../../src/render/html/escape-html.ts';
import { HIGHLIGHTED_CHARACTERS, highlightYaml } from '../../src/render/html/highlight-yaml.ts';
import { QUERY_INLINE_BYTES } from '../../src/render/html/query-files.ts';
import { renderSitePages } from '../../src/render/html/site-pages.ts';
import { buildSite } from '../../src/site/build-site.ts';
import { checkLinks } from '../../src/site/check-links.ts';
import { makeTempFolder, writeTempTree } from '../helpers/temp-files.ts';

const HEAVY_ID = '0d6f1c2e-3b4a-4c5d-8e9f-a0b1c2d3e4f5';
const LIGHT_ID = '1e7a2d3f-4c5b-4d6e-9fa0-b1c2d3e4f5a6';
const HASH_COUNT = 3000;
const REFERENCE_COUNT = 40;

/** Distinct, recognisable fake MD5 values. */
const hash = (index: number): string => `${index.toString(16).padStart(8, '0')}${'c0ffee'.repeat(4)}`;

function ruleYaml(id: string, title: string, hashes: number, references: number): string {
  return [
    `title: ${title}`,
    `id: ${id}`,
    'status: test',
    'description: Loads of a driver whose hash is on a block list.',
    'references:',
    ...Array.from({ length: references }, (_, index) => `  - https://example.com/advisory/${index + 1}`),
    'author: atc-kb tests',
    'date: 2024-01-01',
    'tags:',
    '  - attack.privilege-escalation',
    '  - attack.t1068',
    'logsource:',
    '  product: windows',
    '  category: driver_load',
    'detection:',
    '  selection:',
    '    Hashes|contains:',
    ...Array.from({ length: hashes }, (_, index) => `      - 'MD5=${hash(index)}'`),
    '  condition: selection',
    'level: high',
    '',
  ].join('\n');
}

/** One rule with thousands of hashes and forty references, one small rule; two query targets, one with a pipeline (a `+` in its spec). */
function heavyBuild(t: Parameters<typeof writeTempTree>[0]) {
  const root = writeTempTree(t, {
    'rules/heavy.yml': ruleYaml(HEAVY_ID, 'Driver on a block list', HASH_COUNT, REFERENCE_COUNT),
    'rules/light.yml': ruleYaml(LIGHT_ID, 'Driver on a short list', 3, 2),
  });
  const config: BuildConfig = {
    ...DEFAULT_CONFIG,
    rootDir: root,
    inputs: { rules: [path.join(root, 'rules')], dataNeeded: [], loggingPolicies: [], enrichments: [], triggers: [] },
    querySections: [{ target: 'lucene', pipeline: 'ecs_windows' }, { target: 'splunk' }],
  };
  return buildKnowledgeBase(config);
}

test('code blocks over 30 lines or 3,000 characters and lists over 30 items collapse behind "show all"; shorter ones do not', () => {
  const lines = (count: number): string => Array.from({ length: count }, (_, index) => `line ${index}`).join('\n');
  assert.doesNotMatch(codeBlock(lines(30)).value, /collapsible-code|show-all/);
  const long = load(codeBlock(lines(31), { id: 'x' }).value);
  assert.equal(long('.collapsible-code > pre.code#x').length, 1);
  assert.equal(long('.collapsible-code > details.show-all > summary .when-closed').text(), 'Show all 31 lines');
  assert.equal(long('pre#x').text(), lines(31), 'the block keeps every line, for reading without CSS and for its copy button');
  assert.doesNotMatch(codeBlock('x'.repeat(3000)).value, /show-all/);
  assert.equal(load(codeBlock('x'.repeat(3001)).value)('.when-closed').text(), 'Show all 3,001 characters');

  const items = (count: number): string[] => Array.from({ length: count }, (_, index) => `item ${index}`);
  assert.doesNotMatch(list(items(30), '').value, /collapsible-list|beyond/);
  const longList = load(list(items(31), '', 'plain-list', 'rule').value);
  assert.equal(longList('.collapsible-list > ul.plain-list > li').length, 31);
  assert.equal(longList('li:not(.beyond)').length, 20);
  assert.equal(longList('li.beyond').first().text(), 'item 20');
  assert.equal(longList('.when-closed').text(), 'Show all 31 rules');
});

test('the YAML highlighter leaves rules over its limit plain: the escaped text, no spans', () => {
  const long = `hashes:\n${"  - 'MD5=<b>&'\n".repeat(Math.ceil(HIGHLIGHTED_CHARACTERS / 14))}`;
  assert.ok(long.length > HIGHLIGHTED_CHARACTERS);
  assert.equal(highlightYaml(long).value, escapeHtml(long));
  assert.match(highlightYaml('hashes:\n  - a\n').value, /<span class="y-key">/);
});

test('a rule of thousands of hashes: its queries become files linked from a light page; a small rule keeps them inline', (t) => {
  const build = heavyBuild(t);
  const site = renderSitePages(build);
  const heavy = build.kb.rules.find((rule) => rule.id === HEAVY_ID);
  const heavyQueries = build.queries.get(heavy!)!;
  assert.ok(heavyQueries.every((query) => query.result.ok && Buffer.byteLength(queryText(query.result)) > QUERY_INLINE_BYTES), 'both queries of the heavy rule exceed the page limit');

  // One file per query of the heavy rule, holding the whole query; none for the small rule. (The site's
  // other files, the rules' sources and the list's index, are not query files.)
  const queryFiles = site.files.filter((file) => file.path.includes('/queries/'));
  assert.deepEqual(
    queryFiles.map((file) => file.path),
    [`rules/${HEAVY_ID}/queries/lucene+ecs_windows.txt`, `rules/${HEAVY_ID}/queries/splunk.txt`],
  );
  for (const [index, file] of queryFiles.entries()) {
    const result = heavyQueries[index]!.result;
    assert.ok(result.ok);
    assert.equal(file.content, `${queryText(result)}\n`);
    for (const number of [0, HASH_COUNT / 2, HASH_COUNT - 1]) assert.ok(file.content.includes(hash(number)), `${file.path} holds hash ${number}`);
  }

  const heavyPage = site.pages.find((page) => page.url === `/rules/${HEAVY_ID}/`)!.render();
  const $ = load(heavyPage.body.value);
  // The page weighs about the rule's own (escaped) text: the queries add a preview each, not their hundreds of kilobytes.
  const ruleText = escapeHtml(heavy!.text).length;
  assert.ok(heavyPage.body.value.length < ruleText + 40_000, `${heavyPage.body.value.length} characters for a rule of ${ruleText}`);
  assert.deepEqual(
    $('.query-file a[download]').map((_, anchor) => $(anchor).attr('href')).get(),
    [`/rules/${HEAVY_ID}/queries/lucene%2Becs_windows.txt`, `/rules/${HEAVY_ID}/queries/splunk.txt`],
  );
  $('pre[id^="query-"]').each((index, pre) => {
    const shown = $(pre).text();
    assert.ok(shown.endsWith('…') && shown.length <= 2001, `preview of ${shown.length} characters`);
    assert.ok(queryFiles[index]!.content.startsWith(shown.slice(0, -1)), 'the preview is the beginning of the query');
  });
  assert.equal($('.queries button.copy').length, 0, 'no copy button copies a preview');
  // The Sigma rule: whole, unhighlighted, collapsed to its first lines.
  assert.equal($('#sigma-source').text(), heavy!.text.trimEnd());
  assert.equal($('#sigma-source span').length, 0);
  assert.equal($('.collapsible-code:has(> #sigma-source) .when-closed').text(), `Show all ${heavy!.text.trimEnd().split('\n').length.toLocaleString('en-US')} lines`);
  // Forty references: twenty shown, the rest behind "show all".
  const references = $('.collapsible-list > ul.references');
  assert.equal(references.children('li').length, REFERENCE_COUNT);
  assert.equal(references.children('li.beyond').length, REFERENCE_COUNT - 20);
  assert.equal(references.parent().find('.when-closed').text(), `Show all ${REFERENCE_COUNT} values`);

  const lightPage = load(site.pages.find((page) => page.url === `/rules/${LIGHT_ID}/`)!.render().body.value);
  assert.equal(lightPage('.query-file, .collapsible-code, .collapsible-list').length, 0);
  assert.equal(lightPage('.queries .code-wrap > button.copy + pre.code').length, 2);
  assert.ok(lightPage('#sigma-source span.y-key').length > 0, 'a small rule stays highlighted');
});

test('the written site holds the query files, and every link to them resolves', async (t) => {
  const build = heavyBuild(t);
  const out = path.join(makeTempFolder(t), '_site');
  await buildSite(build, out, { search: false });
  const file = path.join(out, `rules/${HEAVY_ID}/queries/lucene+ecs_windows.txt`);
  assert.ok(existsSync(file));
  assert.ok(readFileSync(file, 'utf8').includes(hash(HASH_COUNT - 1)));
  assert.deepEqual(checkLinks(out).problems, []);
});
