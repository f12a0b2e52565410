/**
 * The seed page: ../shared/seed/expected-win_susp_procdump.md must come out of ../shared/seed/kb.
 * The table is compared cell by cell (whitespace around cells is free), code blocks exactly.
 */
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { renderMarkdownPages } from '../../src/render/render-markdown-pages.ts';
import type { QuerySection } from '../../src/config.ts';
import { describeIssues, loadSeedKnowledgeBase, PROJECT_ROOT, SEED_EXPECTED_PAGE, SEED_KB, skipUnlessExists } from '../helpers/knowledge-base.ts';
import { parseMarkdownPage, sectionNamed, type MarkdownPage } from '../helpers/markdown-page.ts';

const PAGE_PATH = 'markdown/Detection_Rules/win_susp_procdump.md';
const CONVERTER = path.join(PROJECT_ROOT, 'src/sigma/convert-collection.ts');
const SEED_QUERY_SECTIONS: readonly QuerySection[] = [{ target: 'es-qs' }, { target: 'xpack-watcher' }, { target: 'graylog' }];
const sharedSkip = skipUnlessExists('the seed page', SEED_KB, SEED_EXPECTED_PAGE);

function expectedPage(): MarkdownPage {
  return parseMarkdownPage(readFileSync(SEED_EXPECTED_PAGE, 'utf8'));
}

function assertSameTable(actual: MarkdownPage, expected: MarkdownPage): void {
  assert.ok(expected.tableRows.length > 0, 'the expected page has a table');
  // Row by row first, so that a failure names the row.
  const labels = (page: MarkdownPage): string[] => page.tableRows.map((row) => row[0] ?? '');
  assert.deepEqual(labels(actual), labels(expected), 'the same rows in the same order');
  expected.tableRows.forEach((row, index) => {
    assert.deepEqual(actual.tableRows[index], row, `row "${row[0]}"`);
  });
}

describe('the seed page (Detection_Rules/win_susp_procdump.md)', () => {
  test('table and Sigma rule block match the expected page', { skip: sharedSkip }, () => {
    const { kb, issues } = loadSeedKnowledgeBase();
    const errors = issues.filter((issue) => issue.severity === 'error');
    assert.deepEqual(errors, [], describeIssues(errors));
    const files = renderMarkdownPages(kb, new Map(), 'ATT&CK detection knowledge base');
    const page = files.find((file) => file.path === PAGE_PATH);
    assert.ok(page, `${PAGE_PATH} is generated; got ${files.filter((file) => file.path.includes('Detection_Rules')).map((file) => file.path).join(', ')}`);
    const actual = parseMarkdownPage(page.content);
    const expected = expectedPage();
    assertSameTable(actual, expected);
    assert.deepEqual(actual.headings, ['Detection Rules']);
    const sigma = sectionNamed(actual, 'Sigma rule');
    assert.equal(sigma.code, sectionNamed(expected, 'Sigma rule').code);
    // The block is the rule file as written (trailing spaces included), not a re-serialisation.
    assert.equal(`${sigma.code}\n`, readFileSync(path.join(SEED_KB, 'rules/win_susp_procdump.yml'), 'utf8').replace(/\s+$/, '\n'));
    assert.deepEqual(actual.sections.map((section) => section.heading), ['Sigma rule'], 'no query sections without conversion');
  });

  test(
    'query blocks (Kibana, X-Pack Watcher, Graylog) match the expected page',
    {
      skip: sharedSkip || (existsSync(CONVERTER) ? false : 'query sections need the converter (src/sigma/convert-collection.ts)'),
    },
    async () => {
      // Imported here: src/build.ts needs the converter, which may not exist yet.
      const { buildKnowledgeBase } = await import('../../src/build.ts');
      const { loadConfig } = await import('../../src/load/load-config.ts');
      // Folders given explicitly: without a config file, loadConfig leaves the default folders relative,
      // and the loaders would resolve them against process.cwd() instead of SEED_KB.
      const { config, issues: configIssues } = loadConfig(
        { rules: ['rules'], dataNeeded: ['data_needed'], loggingPolicies: ['logging_policies'], enrichments: ['enrichments'], triggers: ['triggers'], querySections: SEED_QUERY_SECTIONS },
        SEED_KB,
      );
      assert.deepEqual(configIssues, []);
      const build = buildKnowledgeBase(config);
      const errors = build.issues.filter((issue) => issue.severity === 'error');
      assert.deepEqual(errors, [], describeIssues(errors));
      const page = build.files.find((file) => file.path === PAGE_PATH);
      assert.ok(page, `${PAGE_PATH} is generated`);
      const actual = parseMarkdownPage(page.content);
      const expected = expectedPage();
      assertSameTable(actual, expected);
      assert.deepEqual(actual.sections.map((section) => section.heading), expected.sections.map((section) => section.heading));
      for (const section of expected.sections) {
        const generated = sectionNamed(actual, section.heading);
        assert.equal(generated.text, section.text, `"${section.heading}" is a code block`);
        assert.equal(generated.code, section.code, `code block under "### ${section.heading}"`);
      }
    },
  );
});

describe('tests/helpers/markdown-page.ts', () => {
  test('splits tables on unescaped pipes and pairs headings with code blocks', () => {
    const page = parseMarkdownPage(
      [
        '| Title | A \\| B |',
        '|:------|:----|',
        '| Key   |  <ul><li>x</li></ul>  |',
        '',
        '## Detection Rules',
        '',
        '### Sigma rule',
        '',
        '````yaml',
        '```',
        'inner',
        '```',
        '````',
        '',
        '### Missing',
        '',
        '*Not available for this rule: reason*',
        '',
      ].join('\n'),
    );
    assert.deepEqual(page.tableRows, [['Title', 'A \\| B'], ['Key', '<ul><li>x</li></ul>']]);
    assert.deepEqual(page.headings, ['Detection Rules']);
    assert.deepEqual(page.sections, [
      { heading: 'Sigma rule', code: '```\ninner\n```', language: 'yaml' },
      { heading: 'Missing', text: '*Not available for this rule: reason*' },
    ]);
  });
});
