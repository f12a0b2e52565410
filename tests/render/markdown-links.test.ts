/**
 * Every relative link of every generated markdown page must reach a page that exists, and every
 * in-page anchor an element of that page. The walk is src/check/markdown-links.ts, the same code that
 * `atc check` and `atc build` run (issue code broken-link). This test also holds that walk's link scanner
 * to markdown-it: on every page both must find the same links (so text inside code blocks is not
 * mistaken for links), and a plain search must find no link that markdown-it does not parse as one.
 */
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import MarkdownIt from 'markdown-it';
import { describeBrokenLink, markdownLinks, walkMarkdownLinks } from '../../src/check/markdown-links.ts';
import { renderMarkdownPages } from '../../src/render/render-markdown-pages.ts';
import type { OutputFile } from '../../src/present/output-file.ts';
import { CORPUS, loadKnowledgeBase, loadSampleKnowledgeBase, skipUnlessExists } from '../helpers/knowledge-base.ts';

const markdown = new MarkdownIt({ html: true });
const EXTERNAL = /^[a-z][a-z0-9+.-]*:/i;

/** Link and image targets as markdown-it parses them, relative ones only. */
function markdownItLinks(text: string): string[] {
  const links: string[] = [];
  const walk = (tokens: ReturnType<MarkdownIt['parse']>): void => {
    for (const token of tokens) {
      if (token.type === 'link_open') links.push(token.attrGet('href') ?? '');
      if (token.type === 'image') links.push(token.attrGet('src') ?? '');
      if (token.children) walk(token.children);
    }
  };
  walk(markdown.parse(text, {}));
  return links.filter((href) => !EXTERNAL.test(href)).map(decode);
}

function decode(href: string): string {
  try {
    return decodeURI(href);
  } catch {
    return href;
  }
}

/**
 * Links as a plain search sees them (`](../X/y.md)`, `](#anchor)`) outside fenced code: a link that
 * markdown-it does not parse as one (broken by an unescaped bracket in its text, say) shows up here.
 */
function textualLinkCount(text: string): number {
  const withoutCode = text.replace(/^(`{3,}|~{3,})[^\n]*\n[\s\S]*?^\1[`~]*\s*$/gm, '');
  return [...withoutCode.matchAll(/\]\((?:\.\.\/|#|[A-Za-z_]+\/[^)\s]*\.md)/g)].length;
}

interface Walk {
  readonly pages: number;
  readonly relativeLinks: number;
  readonly anchorLinks: number;
  readonly broken: string[];
}

/** The check's walk, plus the comparisons with markdown-it. */
function walkLinks(files: readonly OutputFile[]): Walk {
  for (const file of files) assert.ok(!path.posix.normalize(file.path).startsWith('..') && !path.isAbsolute(file.path), `${file.path} stays inside the output folder`);
  const pages = new Map(files.map((file) => [file.path, file.content]));
  const walk = walkMarkdownLinks(pages);
  const broken = walk.broken.map(describeBrokenLink);
  for (const [page, text] of pages) {
    const parsed = markdownItLinks(text);
    const textual = textualLinkCount(text);
    if (parsed.length !== textual) broken.push(`${page}: ${textual} links in the text, but markdown-it parses ${parsed.length}`);
    const scanned = markdownLinks(text).map((link) => link.href).filter((href) => !EXTERNAL.test(href)).map(decode);
    if (scanned.join('\n') !== parsed.join('\n')) broken.push(`${page}: the check's scanner finds [${scanned.join(', ')}], markdown-it [${parsed.join(', ')}]`);
  }
  return { pages: walk.pages, relativeLinks: walk.relativeLinks, anchorLinks: walk.anchorLinks, broken };
}

describe('links between markdown pages', () => {
  test('the walker finds broken links, missing anchors and links markdown-it does not parse', () => {
    const walk = walkLinks([
      { path: 'markdown/A/a.md', content: '# A\n\n<a id="test-1"></a>\n\n[ok](../B/b.md) [ok](#test-1) [ok](#a) [missing](../B/c.md)\n[no id](../B/b.md#test-2) [no heading](#nothing)\n\n```\n[in code](../B/none.md)\n```\n' },
      { path: 'markdown/B/b.md', content: '| K | V |\n|---|---|\n| x | <ul><li>[back](../A/a.md#test-1)</li></ul> |\n\n[broken [text](../A/a.md) [spaced](../A/a b.md)\n' },
    ]);
    assert.deepEqual(walk.broken, [
      'markdown/A/a.md: ../B/c.md → missing markdown/B/c.md',
      'markdown/A/a.md: ../B/b.md#test-2 → no id="test-2" in markdown/B/b.md',
      'markdown/A/a.md: #nothing → no heading or id "nothing" in markdown/A/a.md',
      'markdown/B/b.md: 3 links in the text, but markdown-it parses 2',
    ]);
    assert.equal(walk.relativeLinks, 5);
  });

  test('the sample knowledge base: every relative link and anchor resolves', () => {
    const { kb } = loadSampleKnowledgeBase();
    const files = renderMarkdownPages(kb, new Map(), 'ATT&CK detection knowledge base');
    const walk = walkLinks(files);
    assert.deepEqual(walk.broken, []);
    const response = kb.response.actions.length + kb.response.playbooks.length + kb.response.stages.length;
    assert.ok(kb.response.playbooks.length > 0, 'the sample has a playbook, so its response pages are walked too');
    assert.equal(walk.pages, 1 + kb.rules.length + kb.dataNeeded.length + kb.loggingPolicies.length + kb.enrichments.length + kb.triggers.length + response);
    assert.ok(walk.relativeLinks > 200, `walked ${walk.relativeLinks} relative links`);
    assert.ok(walk.anchorLinks > 5, `walked ${walk.anchorLinks} anchors`);
    // Pages link in both directions: a rule to its Data Needed, the Data Needed back to the rule.
    const page = (name: string): string => files.find((file) => file.path === name)!.content;
    const rulePage = page('markdown/Detection_Rules/file_event_win_lsass_dump_file_created.md');
    assert.ok(rulePage.includes('(../Data_Needed/DN_0005_11_windows_sysmon_file_create.md)'));
    assert.ok(rulePage.includes('(../Enrichments/EN_0002_enrich_sysmon_file_create_with_process_context.md)'));
    assert.ok(rulePage.includes('(../Triggers/T1003.001.md)'));
    const dataNeededPage = page('markdown/Data_Needed/DN_0005_11_windows_sysmon_file_create.md');
    assert.ok(dataNeededPage.includes('(../Detection_Rules/file_event_win_lsass_dump_file_created.md)'));
  });

  test(
    'the shared corpus (SigmaHQ, atc-data, Atomic Red Team): every relative link and anchor resolves',
    { skip: skipUnlessExists('the corpus link walk', path.join(CORPUS, 'sigma'), path.join(CORPUS, 'atc-data'), path.join(CORPUS, 'atomic-red-team/atomics')) },
    (t) => {
      const started = performance.now();
      const { kb } = loadKnowledgeBase({
        rules: [path.join(CORPUS, 'sigma')],
        dataNeeded: [path.join(CORPUS, 'atc-data/data_needed')],
        loggingPolicies: [path.join(CORPUS, 'atc-data/logging_policies')],
        enrichments: [path.join(CORPUS, 'atc-data/enrichments')],
        triggers: [path.join(CORPUS, 'atomic-red-team/atomics')],
      });
      const walk = walkLinks(renderMarkdownPages(kb, new Map(), 'ATT&CK detection knowledge base'));
      assert.deepEqual(walk.broken.slice(0, 20), [], `${walk.broken.length} broken links (first 20 shown)`);
      assert.ok(walk.pages > 4000, `${walk.pages} pages`);
      assert.ok(kb.triggers.length > 300 && walk.anchorLinks > 1000, `${walk.anchorLinks} anchors walked`);
      const seconds = (performance.now() - started) / 1000;
      assert.ok(seconds < 20, `took ${seconds.toFixed(1)} s`);
      t.diagnostic(`${walk.pages} pages, ${walk.relativeLinks} relative links, ${walk.anchorLinks} anchors in ${seconds.toFixed(1)} s`);
    },
  );
});
