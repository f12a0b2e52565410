// The HTML site without a browser: page rendering, the URL scheme, the link checker, and whole builds
// (the sample knowledge base always; the full ../shared corpus when it is present).
import { test } from 'node:test';
import { spawnSync } from 'node:child_process';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { load } from 'cheerio';
import path from 'node:path';
import { buildKnowledgeBase } from '../../src/build.ts';
import { loadConfig } from '../../src/load/load-config.ts';
import { renderAuthorMarkdown } from '../../src/render/html/author-markdown.ts';
import { escapeHtml, html } from '../../src/render/html/escape-html.ts';
import { highlightYaml } from '../../src/render/html/highlight-yaml.ts';
import { renderSitePages } from '../../src/render/html/site-pages.ts';
import { sectionAnchor } from '../../src/present/site-urls.ts';
import { checkLinks } from '../../src/site/check-links.ts';
import { listTargets } from '../../src/sigma/convert-collection.ts';
import { sharedCorpusConfig, sharedCorpusExists } from '../../scripts/shared-corpus.ts';
import { PROJECT, atcBuild } from './browser.ts';

const sample = () => buildKnowledgeBase(loadConfig({ configFile: path.join(PROJECT, 'atc.config.yml') }).config);

test('escapeHtml and the html tag escape every interpolated value', () => {
  assert.equal(escapeHtml(`<a href="x" onclick='y'>&</a>`), '&lt;a href=&quot;x&quot; onclick=&#39;y&#39;&gt;&amp;&lt;/a&gt;');
  const title = '<script>alert(1)</script>';
  assert.equal(html`<a href="${'/x?a=1&b="2"'}">${title}</a>`.value, '<a href="/x?a=1&amp;b=&quot;2&quot;">&lt;script&gt;alert(1)&lt;/script&gt;</a>');
  assert.equal(html`<p>${html`<b>${'<i>'}</b>`}${['<', '>']}${undefined}${false}${3}</p>`.value, '<p><b>&lt;i&gt;</b>&lt;&gt;3</p>');
});

test('the YAML highlighter only adds spans: without them the text is the escaped input', () => {
  const rule = readFileSync(path.join(PROJECT, 'rules/windows/process_creation/proc_creation_win_rundll32_comsvcs_minidump.yml'), 'utf8');
  const tricky = `title: a <b> "c" 'd' # not a comment? yes\nx: 'it''s' # comment\ny: "a # b"\nz: |\n  <script>\n  {{ 7*7 }}\nw: - 1\n- - a: b\n---\nk: [a, b]\n`;
  for (const text of [rule, tricky]) {
    const highlighted = highlightYaml(text).value;
    assert.equal(highlighted.replace(/<span class="y-[a-z]+">|<\/span>/g, ''), escapeHtml(text.replace(/\r\n?/g, '\n')));
    assert.ok(!/<(?!\/?span)/.test(highlighted));
  }
  assert.match(highlightYaml('level: high').value, /<span class="y-key">level<\/span>/);
});

test('author markdown renders with raw HTML, images and non-http links disabled', () => {
  const out = renderAuthorMarkdown('# Title\n\n<script>x()</script> <img src=x onerror=y> [a](javascript:alert(1)) [b](https://example.com) [c](../relative.md) ![i](https://example.com/i.png)\n').value;
  assert.ok(!out.includes('<script') && !out.includes('<img'));
  assert.match(out, /&lt;script&gt;x\(\)&lt;\/script&gt;/);
  assert.match(out, /<a href="https:\/\/example.com" rel="noopener noreferrer">b<\/a>/);
  assert.ok(!out.includes('javascript:alert(1)"') && !out.includes('href="../relative.md"'));
  assert.match(out, /<h3>Title<\/h3>/);
});

test('section anchors come from section titles', () => {
  assert.equal(sectionAnchor('Kibana query'), 'kibana-query');
  assert.equal(sectionAnchor('X-Pack Watcher'), 'x-pack-watcher');
  assert.equal(sectionAnchor('ES|QL'), 'es-ql');
  assert.equal(sectionAnchor('Lucene (ECS)'), 'lucene-ecs');
});

test('site pages: unique URLs, canonical rule URLs by id, basename and related redirects', () => {
  const build = sample();
  const site = renderSitePages(build);
  const urls = [...site.pages.map((page) => page.url), ...site.redirects.map((redirect) => redirect.url)];
  assert.equal(new Set(urls).size, urls.length, 'every page has its own URL');
  const rule = build.kb.rules.find((candidate) => candidate.name === 'proc_creation_win_rundll32_comsvcs_minidump')!;
  assert.equal(site.context.urls.pathRule(rule), '/rules/c13720be-cded-4ca2-aa87-6f0ee89f04f8/');
  const basename = site.redirects.find((redirect) => redirect.url === '/rules/proc_creation_win_rundll32_comsvcs_minidump/');
  assert.equal(basename?.target, '/rules/c13720be-cded-4ca2-aa87-6f0ee89f04f8/');
  const page = site.pages.find((candidate) => candidate.url === '/rules/c13720be-cded-4ca2-aa87-6f0ee89f04f8/')!.render().body.value;
  for (const anchor of ['summary', 'why-this-data-needed', 'sigma-rule', 'queries', 'es-qs', 'xpack-watcher', 'graylog', 'kibana-query', 'x-pack-watcher']) assert.match(page, new RegExp(`id="${anchor}"`));
  // Every rule, entry and trigger has a page; every live technique too.
  for (const entity of [...build.kb.rules.map((one) => site.context.urls.pathRule(one)), ...build.kb.dataNeeded.map((one) => site.context.urls.pathDataNeeded(one)), ...build.kb.triggers.map((one) => site.context.urls.pathTrigger(one))]) {
    assert.ok(urls.includes(entity), entity);
  }
  // A page is listed at the URL it renders with (Eleventy writes it there before rendering it).
  for (const pending of site.pages) assert.equal(pending.render().url, pending.url);
  // Rendering twice gives the same bytes.
  const again = renderSitePages(build);
  assert.deepEqual(again.pages.map((one) => one.render().body.value), site.pages.map((one) => one.render().body.value));
});

test('the conversion matrix: one cell per rule × target, counts per target and category, each reason listed once', () => {
  const { config } = loadConfig({ configFile: path.join(PROJECT, 'atc.config.yml') });
  const build = buildKnowledgeBase({ ...config, querySections: [{ target: 'splunk', pipeline: 'splunk_cim' }, { target: 'kusto' }, { target: 'es-qs' }] });
  const site = renderSitePages(build);
  const page = site.pages.find((candidate) => candidate.url === '/conversions/')!.render();
  assert.equal(page.title, 'Conversion matrix');
  const $ = load(page.body.value);
  const rows = $('#conversion-table tbody tr');
  assert.equal(rows.length, build.kb.rules.length);
  rows.each((_, row) => assert.equal($(row).find('td').length, 3));
  assert.deepEqual($('#conversion-table thead th').map((_, cell) => $(cell).attr('data-target') ?? '').get(), ['', 'splunk+splunk_cim', 'kusto', 'es-qs']);
  // Every category the pipeline produces shows up, each cell naming its category and linking to its reason.
  const categories = new Set<string>();
  let unsupported = 0;
  for (const [rule, results] of build.queries) {
    const row = rows.eq(build.kb.rules.indexOf(rule));
    results.forEach((query, index) => {
      const cell = row.find('td').eq(index);
      if (query.result.ok) {
        assert.equal(cell.text(), '✓');
        return;
      }
      unsupported += 1;
      categories.add(query.result.category);
      assert.ok(cell.hasClass(query.result.category));
      const reason = $(cell.find('a').attr('href')!);
      assert.equal(reason.find('.reason-text').text(), query.result.reason);
      assert.equal(reason.attr('data-category'), query.result.category);
    });
  }
  assert.deepEqual([...categories].sort(), ['feature', 'field', 'logsource']);
  const reasons = $('#reason-list > li');
  assert.equal(new Set(reasons.map((_, item) => `${$(item).attr('data-category')} ${$(item).find('.reason-text').text()}`).get()).size, reasons.length, 'each reason once');
  assert.ok(reasons.length < unsupported);
  // Counts per target: converted + unsupported = rules.
  $('.conversion-summary-table tbody tr').each((_, row) => {
    const numbers = $(row).find('td').map((__, cell) => Number($(cell).text().replace(/[,%]/g, ''))).get();
    assert.equal(numbers[0]! + numbers[2]!, build.kb.rules.length);
    assert.equal(numbers[2], numbers[3]! + numbers[4]! + numbers[5]!);
  });
  // The rule page says the same, with the category's meaning and the reason.
  const [rule, results] = [...build.queries].find(([, candidate]) => !candidate[0]!.result.ok && candidate[0]!.result.category === 'logsource')!;
  const rulePage = load(site.pages.find((candidate) => candidate.url === site.context.urls.pathRule(rule))!.render().body.value);
  const panel = rulePage('.tab-panel[data-target="splunk+splunk_cim"]');
  assert.match(panel.find('.conversion-status').text(), /Not available for Splunk.*logsource: the pipeline has no table, data model or index/s);
  assert.equal(panel.find('.reason').text(), results[0]!.result.ok ? '' : results[0]!.result.reason);
  assert.match(rulePage('[role="tab"][data-target="splunk+splunk_cim"]').text(), /✗ logsource/);
});

test('the Downloads page lists every export file with its size and count; the feed is linked from every page', () => {
  const build = sample();
  const site = renderSitePages(build);
  const $ = load(site.pages.find((candidate) => candidate.url === '/downloads/')!.render().body.value);
  const linked = new Set($('a[href]').map((_, anchor) => $(anchor).attr('href')!).get());
  // Every layer file is linked, but the per-group and per-software layers (a thousand) by one example per folder.
  for (const file of build.files.filter((one) => /^(layers\/[^/]+$|api\/[^/]+\.json$|[^/]+\.(csv|xml)$)/.test(one.path))) assert.ok(linked.has(`/${file.path}`), file.path);
  for (const folder of ['groups', 'software']) {
    const layers = build.files.filter((one) => one.path.startsWith(`layers/${folder}/`));
    const row = $('tr').filter((_, candidate) => $(candidate).find('code').text() === `layers/${folder}/<id>.json`);
    assert.ok(layers.length > 0 && linked.has(`/${layers[0]!.path}`), folder);
    assert.equal(row.find('td').eq(2).text(), `${layers.length.toLocaleString('en-US')} files`);
  }
  const rulesCsv = $('tr').filter((_, row) => $(row).find('a[href="/rules.csv"]').length > 0);
  assert.equal(rulesCsv.find('td').eq(2).text(), String(build.kb.rules.length));
  const bulk = $('tr').filter((_, row) => $(row).find('a[href="/api/rules.json"]').length > 0);
  assert.equal(bulk.find('td').eq(2).text(), String(build.kb.rules.length));
  assert.equal(site.feed, '/feed.xml');
  // Without export files (a knowledge base built with exports off) the page says so, and there is no feed link.
  const bare = renderSitePages({ kb: build.kb, queries: build.queries, config: build.config });
  assert.match(bare.pages.find((candidate) => candidate.url === '/downloads/')!.render().body.value, /wrote no export files/);
  assert.equal(bare.feed, undefined);
});

test('renamed, merged and obsolete rule ids redirect to the rule that took over', () => {
  const folder = mkdtempSync(path.join(tmpdir(), 'atc-related-'));
  try {
    mkdirSync(path.join(folder, 'rules'));
    writeFileSync(
      path.join(folder, 'rules/new_rule.yml'),
      'title: New\nid: 11111111-1111-4111-8111-111111111111\nrelated:\n  - id: 22222222-2222-4222-8222-222222222222\n    type: renamed\n  - id: 33333333-3333-4333-8333-333333333333\n    type: merged\n  - id: 44444444-4444-4444-8444-444444444444\n    type: similar\nstatus: test\nlogsource:\n  product: windows\n  category: process_creation\ndetection:\n  sel:\n    Image: x\n  condition: sel\nlevel: low\n',
    );
    const { config } = loadConfig({ rules: [path.join(folder, 'rules')], dataNeeded: [], loggingPolicies: [], enrichments: [], triggers: [] });
    const site = renderSitePages(buildKnowledgeBase({ ...config, querySections: [] }));
    const from = (id: string) => site.redirects.find((redirect) => redirect.url === `/rules/${id}/`)?.target;
    assert.equal(from('22222222-2222-4222-8222-222222222222'), '/rules/11111111-1111-4111-8111-111111111111/');
    assert.equal(from('33333333-3333-4333-8333-333333333333'), '/rules/11111111-1111-4111-8111-111111111111/');
    assert.equal(from('44444444-4444-4444-8444-444444444444'), undefined, 'a similar rule is not a replacement');
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
});

test('the link checker finds missing pages, missing anchors, repeated ids, links outside the prefix and external resources; links to export files only need the file', () => {
  const folder = mkdtempSync(path.join(tmpdir(), 'atc-links-'));
  try {
    mkdirSync(path.join(folder, 'a'));
    writeFileSync(path.join(folder, 'index.html'), '<h1 id="top">x</h1><a href="a/">ok</a><a href="/a/#here">ok</a><a href="#top">ok</a><a href="/b/">missing</a><a href="/a/#nowhere">no anchor</a><a href="https://example.com/">external link</a><a href="javascript:alert(1)">js</a><script src="https://cdn.example/x.js"></script><a href="mailto:x@y">mail</a><link rel="alternate" type="application/atom+xml" href="/feed.xml"><link rel="alternate" href="https://mirror.example/feed.xml"><a href="/api/rules.json">json</a><a href="rules.csv">csv</a><a href="/missing.csv">missing csv</a>');
    mkdirSync(path.join(folder, 'api'));
    for (const file of ['feed.xml', 'api/rules.json', 'rules.csv']) writeFileSync(path.join(folder, file), 'x');
    writeFileSync(path.join(folder, 'a/index.html'), '<p id="here"></p><section id="lucene-2"></section><section id="lucene-2"></section><a href="../index.html#top">ok</a><a href="../../outside/">outside</a><meta http-equiv="refresh" content="0; url=/gone/">');
    const report = checkLinks(folder, { pathPrefix: '/' });
    assert.deepEqual(
      report.problems.map((problem) => `${problem.page} ${problem.url} ${problem.problem}`).sort(),
      [
        'a/index.html #lucene-2 id "lucene-2" appears more than once',
        'a/index.html ../../outside/ no file outside/index.html',
        'a/index.html /gone/ no file gone/index.html',
        'index.html /a/#nowhere no id "nowhere" in a/index.html',
        'index.html /b/ no file b/index.html',
        'index.html /missing.csv no file missing.csv',
        'index.html https://cdn.example/x.js loads a resource from another site',
        'index.html javascript:alert(1) javascript: URL',
      ],
    );
    assert.ok(checkLinks(folder, { pathPrefix: '/kb/' }).problems.some((problem) => problem.problem.startsWith('outside the path prefix')));
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
});

test('atc build of the sample: markdown and HTML side by side, every link resolves, atc check-links agrees', () => {
  const folder = mkdtempSync(path.join(tmpdir(), 'atc-site-build-'));
  try {
    const out = path.join(folder, '_site');
    atcBuild(['--out', out], PROJECT);
    const report = checkLinks(out);
    assert.deepEqual(report.problems, []);
    assert.ok(report.pages > 300 && report.links > 5000, `${report.pages} pages, ${report.links} links`);
    const cli = spawnSync(process.execPath, [path.join(PROJECT, 'bin/atc.js'), 'check-links', out], { cwd: PROJECT, encoding: 'utf8' });
    assert.equal(cli.status, 0, cli.stdout + cli.stderr);
    assert.match(cli.stderr, /0 problems/);
    for (const file of ['index.html', 'markdown/README.md', 'rules/index.html', 'matrix/index.html', 'conversions/index.html', 'downloads/index.html', 'gaps/index.html', 'search/index.html', 'pagefind/pagefind.js', 'assets/site.css', 'assets/site.js']) {
      assert.ok(readFileSync(path.join(out, file)).length > 0, file);
    }
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
});

test('the full corpus site: every internal link and anchor resolves', { skip: sharedCorpusExists() ? false : '../shared is absent', timeout: 240_000 }, async () => {
  const { publishSite } = await import('../../src/site/build-site.ts');
  const folder = mkdtempSync(path.join(tmpdir(), 'atc-corpus-site-'));
  try {
    const build = buildKnowledgeBase(sharedCorpusConfig(listTargets().map((target) => ({ target: target.id }))));
    const out = path.join(folder, '_site');
    await publishSite(build, out, { cacheRoot: path.join(folder, '.atc-cache') });
    const report = checkLinks(out);
    assert.deepEqual(report.problems.slice(0, 20), []);
    assert.ok(report.pages > 9000, `${report.pages} pages`);
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
});
