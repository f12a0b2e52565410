// A rule's source on its page (issue 13, item 8a): `site.repo_url` validated and turned into a link to the
// rule's file upstream, and the file itself published beside the page, byte for byte, as YAML (never HTML).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { load } from 'cheerio';
import { buildKnowledgeBase } from '../../src/build.ts';
import { loadConfig } from '../../src/load/load-config.ts';
import { upstreamRuleUrl } from '../../src/present/rule-source.ts';
import { buildSite } from '../../src/site/build-site.ts';
import { checkLinks } from '../../src/site/check-links.ts';
import { PROJECT } from './browser.ts';
import { makeTempFolder, writeTempTree } from '../helpers/temp-files.ts';
import { describeIssues } from '../helpers/knowledge-base.ts';

const INJECTION = path.join(PROJECT, 'tests/fixtures/site-injection');

/** loadConfig on a configuration file with these `site:` lines (and `rules:` lines, when given). */
function configWith(t: { after: (fn: () => void) => void }, siteLines: readonly string[], rulesLines: readonly string[] = ['rules: rules']) {
  const root = writeTempTree(t, { 'rules/a.yml': 'title: a\n', 'more/b.yml': 'title: b\n', 'atc.config.yml': [...rulesLines, 'site:', ...siteLines.map((line) => `  ${line}`), ''].join('\n') });
  return { root, ...loadConfig({ configFile: path.join(root, 'atc.config.yml') }, root) };
}

const messages = (issues: ReadonlyArray<{ code: string; message: string }>): string[] => issues.map((issue) => `${issue.code}: ${issue.message}`);

describe('site.repo_url', () => {
  test('an https repository; the branch defaults to main and the rules path to the rules folder beside the configuration', (t) => {
    const { config, issues } = configWith(t, ['repo_url: https://github.com/example/kb/']);
    assert.deepEqual(messages(issues), []);
    assert.deepEqual(config.site.repository, { url: 'https://github.com/example/kb', branch: 'main', rulesPath: 'rules' });
    const explicit = configWith(t, ['repo_url: https://gitlab.example.org/soc/detections', 'repo_branch: release/2026', 'repo_path: ./sigma/rules/'], ['rules: [rules, more]']);
    assert.deepEqual(messages(explicit.issues), []);
    assert.deepEqual(explicit.config.site.repository, { url: 'https://gitlab.example.org/soc/detections', branch: 'release/2026', rulesPath: 'sigma/rules' });
    assert.deepEqual(configWith(t, ['repo_url: https://github.com/SigmaHQ/sigma', 'repo_path: .']).config.site.repository?.rulesPath, '');
  });

  test('the rules path follows --rules, which moves the rules folder', (t) => {
    const { root } = configWith(t, ['repo_url: https://github.com/example/kb']);
    const { config, issues } = loadConfig({ configFile: path.join(root, 'atc.config.yml'), rules: [path.join(root, 'more')] }, root);
    assert.deepEqual(messages(issues), []);
    assert.equal(config.site.repository?.rulesPath, 'more');
  });

  for (const [settings, wanted] of [
    [['repo_url: http://github.com/example/kb'], /repo_url must be an https URL/],
    [['repo_url: "javascript:alert(1)//github.com"'], /repo_url must be an https URL/],
    [['repo_url: https://user:secret@github.com/example/kb'], /repo_url must be an https URL/],
    [['repo_url: https://github.com/example/kb?tab=readme'], /repo_url must be an https URL/],
    [['repo_url: https://github.com/example/kb#readme'], /repo_url must be an https URL/],
    [['repo_url: [https://github.com/example/kb]'], /repo_url must be an https URL/],
    [['repo_url: https://github.com/example/kb', 'repo_branch: ../main'], /repo_branch must be a branch or tag name/],
    [['repo_url: https://github.com/example/kb', 'repo_branch: "main?x=1"'], /repo_branch must be a branch or tag name/],
    [['repo_url: https://github.com/example/kb', 'repo_path: ../elsewhere'], /repo_path must be a folder inside the repository/],
    [['repo_url: https://github.com/example/kb', 'repo_path: /etc'], /repo_path must be a folder inside the repository/],
    [['repo_branch: main'], /repo_branch has no effect without site.repo_url/],
  ] as const) {
    test(`refused: ${settings.join(', ')}`, (t) => {
      const { config, issues } = configWith(t, settings);
      assert.equal(config.site.repository, undefined);
      assert.ok(issues.some((issue) => issue.code === 'config-invalid' && issue.severity === 'error' && wanted.test(issue.message)), messages(issues).join('\n'));
    });
  }

  test('several rules folders need repo_path: the rules path cannot be guessed', (t) => {
    const { config, issues } = configWith(t, ['repo_url: https://github.com/example/kb'], ['rules: [rules, more]']);
    assert.equal(config.site.repository, undefined);
    assert.match(messages(issues).join('\n'), /config-invalid: site\.repo_url: there are 2 rules folders, so set site\.repo_path/);
  });

  test('the upstream URL encodes each path segment: a file name cannot add a query or a fragment', (t) => {
    const root = writeTempTree(t, { 'rules/windows/odd name #1?.yml': 'title: Odd\nlogsource:\n  product: windows\ndetection:\n  selection:\n    a: b\n  condition: selection\n' });
    const { config } = loadConfig({ rules: [path.join(root, 'rules')] }, root);
    const build = buildKnowledgeBase(config);
    const rule = build.kb.rules[0]!;
    assert.equal(upstreamRuleUrl(rule, { url: 'https://github.com/example/kb', branch: 'feature/x', rulesPath: 'detections/sigma' }), 'https://github.com/example/kb/blob/feature/x/detections/sigma/windows/odd%20name%20%231%3F.yml');
  });
});

describe('the rule source beside its page', () => {
  test('every rule file is published byte for byte as rule.yml, linked from its page with the upstream file; hostile text stays YAML text', async (t) => {
    // The injection fixture's rules (script tags, template syntax) and one with CRLF line ends and non-ASCII text.
    const inputs = makeTempFolder(t, 'atc-rule-source-');
    const crlf = 'title: Zeilenende — CRLF\r\nid: 6f2c0d9e-1b7a-4c55-9e1e-3d9f1c2b7a10\r\nlogsource:\r\n  product: windows\r\n  category: process_creation\r\ndetection:\r\n  selection:\r\n    Image|endswith: \'\\ä.exe\'\r\n  condition: selection\r\n';
    writeFileSync(path.join(inputs, 'crlf_rule.yml'), crlf);
    const configFile = path.join(inputs, 'atc.config.yml');
    writeFileSync(
      configFile,
      [
        `rules: [${JSON.stringify(path.join(INJECTION, 'rules'))}, ${JSON.stringify(path.join(inputs, 'crlf_rule.yml'))}]`,
        ...['data_needed', 'logging_policies', 'enrichments', 'triggers'].map((key) => `${key}: ${JSON.stringify(path.join(INJECTION, key))}`),
        'site:',
        '  repo_url: https://github.com/example/kb',
        '  repo_path: detections',
        '',
      ].join('\n'),
    );
    const loaded = loadConfig({ configFile }, inputs);
    assert.deepEqual(messages(loaded.issues), []);
    const build = buildKnowledgeBase(loaded.config);
    assert.equal(build.issues.filter((issue) => issue.severity === 'error').length, 0, describeIssues(build.issues));
    const out = makeTempFolder(t, 'atc-rule-source-site-');
    await buildSite(build, out, { search: false });
    assert.equal(build.kb.rules.length, 3);
    for (const rule of build.kb.rules) {
      const page = load(readFileSync(path.join(out, 'rules', build.kb.addresses.ruleSegment(rule), 'index.html'), 'utf8'));
      const download = page('a[download]');
      assert.equal(download.length, 1, rule.relativePath);
      assert.equal(download.attr('download'), path.basename(rule.relativePath));
      const href = download.attr('href')!;
      assert.match(href, /^\/rules\/[^/]+\/rule\.yml$/);
      const published = readFileSync(path.join(out, href));
      assert.ok(published.equals(readFileSync(rule.file)), `${rule.relativePath}: byte-identical to the input`);
      const upstream = page('a.external').filter((_, element) => page(element).attr('href')!.startsWith('https://github.com/example/kb/'));
      assert.equal(upstream.attr('href'), `https://github.com/example/kb/blob/main/detections/${rule.relativePath}`);
    }
    // The hostile rule's file holds its payload as written; it is a .yml file, which servers send as YAML text.
    const hostile = build.kb.rules.find((rule) => rule.text.includes('<script>'));
    assert.ok(hostile, 'the fixture has a rule with a script tag');
    assert.ok(readFileSync(path.join(out, 'rules', build.kb.addresses.ruleSegment(hostile), 'rule.yml'), 'utf8').includes('<script>'));
    const links = checkLinks(out);
    assert.deepEqual(links.problems, []);
  });
});
