/**
 * Every relative link of every generated markdown page must reach a page that exists, and every
 * in-page anchor an element of that page: renders the whole knowledge base into a temporary folder and
 * walks the links found by markdown-it (so text inside code blocks is not mistaken for links).
 */
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import MarkdownIt from 'markdown-it';
import { renderMarkdownPages, type OutputFile } from '../../src/render/render-markdown-pages.ts';
import { CORPUS, loadKnowledgeBase, loadSampleKnowledgeBase, skipUnlessExists } from '../helpers/knowledge-base.ts';
import { makeTempFolder } from '../helpers/temp-files.ts';

const markdown = new MarkdownIt({ html: true });

interface Link {
  readonly page: string;
  readonly href: string;
}

/** Writes the pages under `root` and returns their absolute paths. */
function writePages(root: string, files: readonly OutputFile[]): string[] {
  return files.map((file) => {
    const target = path.join(root, file.path);
    assert.ok(target.startsWith(root + path.sep), `${file.path} stays inside the output folder`);
    mkdirSync(path.dirname(target), { recursive: true });
    writeFileSync(target, file.content);
    return target;
  });
}

function linksOf(page: string, text: string): Link[] {
  const links: Link[] = [];
  const walk = (tokens: ReturnType<MarkdownIt['parse']>): void => {
    for (const token of tokens) {
      if (token.type === 'link_open') links.push({ page, href: token.attrGet('href') ?? '' });
      if (token.children) walk(token.children);
    }
  };
  walk(markdown.parse(text, {}));
  return links;
}

/** GitHub's heading anchors: lower case, punctuation dropped, spaces to hyphens. */
function slug(heading: string): string {
  return heading
    .trim()
    .toLowerCase()
    .replace(/<[^>]*>/g, '')
    .replace(/[^\p{L}\p{N}\s_-]/gu, '')
    .replace(/\s/g, '-');
}

function anchorsOf(text: string): Set<string> {
  const anchors = new Set<string>();
  for (const match of text.matchAll(/\bid="([^"]+)"/g)) anchors.add(match[1]!);
  const withoutCode = text.replace(/^(`{3,}|~{3,})[^\n]*\n[\s\S]*?^\1[`~]*\s*$/gm, '');
  for (const match of withoutCode.matchAll(/^#{1,6} +(.+?) *#*$/gm)) anchors.add(slug(match[1]!));
  return anchors;
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

/** Checks every relative link and anchor of the pages written under `root`. */
function walkLinks(root: string, pages: readonly string[]): Walk {
  const texts = new Map(pages.map((page) => [page, readFileSync(page, 'utf8')]));
  const anchorCache = new Map<string, Set<string>>();
  const anchorsIn = (page: string): Set<string> => {
    let anchors = anchorCache.get(page);
    if (!anchors) {
      anchors = anchorsOf(texts.get(page) ?? readFileSync(page, 'utf8'));
      anchorCache.set(page, anchors);
    }
    return anchors;
  };
  const broken: string[] = [];
  let relativeLinks = 0;
  let anchorLinks = 0;
  for (const [page, text] of texts) {
    const shown = path.relative(root, page);
    const links = linksOf(page, text);
    const relative = links.filter(({ href }) => !/^[a-z][a-z0-9+.-]*:/i.test(href)).length;
    if (relative !== textualLinkCount(text)) broken.push(`${shown}: ${textualLinkCount(text)} links in the text, but markdown-it parses ${relative}`);
    for (const { href } of links) {
      if (/^[a-z][a-z0-9+.-]*:/i.test(href)) continue; // https:, mailto: ...
      const [rawPath = '', rawAnchor] = href.split('#', 2) as [string, string | undefined];
      const targetPath = decodeURIComponent(rawPath);
      let target = page;
      if (targetPath !== '') {
        relativeLinks += 1;
        if (path.isAbsolute(targetPath)) {
          broken.push(`${shown}: absolute link ${href}`);
          continue;
        }
        target = path.resolve(path.dirname(page), targetPath);
        if (!target.startsWith(root + path.sep)) {
          broken.push(`${shown}: ${href} leaves the output folder`);
          continue;
        }
        if (!existsSync(target)) {
          broken.push(`${shown}: ${href} → missing ${path.relative(root, target)}`);
          continue;
        }
      }
      if (rawAnchor !== undefined) {
        anchorLinks += 1;
        const anchor = decodeURIComponent(rawAnchor);
        if (anchor.startsWith('test-')) {
          if (!(texts.get(target) ?? readFileSync(target, 'utf8')).includes(`id="${anchor}"`)) broken.push(`${shown}: ${href} → no id="${anchor}" in ${path.relative(root, target)}`);
        } else if (!anchorsIn(target).has(anchor)) {
          broken.push(`${shown}: ${href} → no heading or id "${anchor}" in ${path.relative(root, target)}`);
        }
      }
    }
  }
  return { pages: texts.size, relativeLinks, anchorLinks, broken };
}

describe('links between markdown pages', () => {
  test('the walker finds broken links, missing anchors and links markdown-it does not parse', (t) => {
    const root = makeTempFolder(t, 'atc-kb-links-self-');
    const pages = writePages(root, [
      { path: 'markdown/A/a.md', content: '# A\n\n<a id="test-1"></a>\n\n[ok](../B/b.md) [ok](#test-1) [ok](#a) [missing](../B/c.md)\n[no id](../B/b.md#test-2) [no heading](#nothing)\n\n```\n[in code](../B/none.md)\n```\n' },
      { path: 'markdown/B/b.md', content: '| K | V |\n|---|---|\n| x | <ul><li>[back](../A/a.md#test-1)</li></ul> |\n\n[broken [text](../A/a.md) [spaced](../A/a b.md)\n' },
    ]);
    const walk = walkLinks(root, pages);
    assert.deepEqual(walk.broken, [
      'markdown/A/a.md: ../B/c.md → missing markdown/B/c.md',
      'markdown/A/a.md: ../B/b.md#test-2 → no id="test-2" in markdown/B/b.md',
      'markdown/A/a.md: #nothing → no heading or id "nothing" in markdown/A/a.md',
      'markdown/B/b.md: 3 links in the text, but markdown-it parses 2',
    ]);
    assert.equal(walk.relativeLinks, 5);
  });

  test('the sample knowledge base: every relative link and anchor resolves', (t) => {
    const { kb } = loadSampleKnowledgeBase();
    const root = makeTempFolder(t, 'atc-kb-links-');
    const pages = writePages(root, renderMarkdownPages(kb, new Map(), 'ATT&CK detection knowledge base'));
    const walk = walkLinks(root, pages);
    assert.deepEqual(walk.broken, []);
    assert.equal(walk.pages, 1 + kb.rules.length + kb.dataNeeded.length + kb.loggingPolicies.length + kb.enrichments.length + kb.triggers.length);
    assert.ok(walk.relativeLinks > 200, `walked ${walk.relativeLinks} relative links`);
    assert.ok(walk.anchorLinks > 5, `walked ${walk.anchorLinks} anchors`);
    // Pages link in both directions: a rule to its Data Needed, the Data Needed back to the rule.
    const rulePage = readFileSync(path.join(root, 'markdown/Detection_Rules/file_event_win_lsass_dump_file_created.md'), 'utf8');
    assert.ok(rulePage.includes('(../Data_Needed/DN_0005_11_windows_sysmon_file_create.md)'));
    assert.ok(rulePage.includes('(../Enrichments/EN_0002_enrich_sysmon_file_create_with_process_context.md)'));
    assert.ok(rulePage.includes('(../Triggers/T1003.001.md)'));
    const dataNeededPage = readFileSync(path.join(root, 'markdown/Data_Needed/DN_0005_11_windows_sysmon_file_create.md'), 'utf8');
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
      const root = makeTempFolder(t, 'atc-kb-corpus-links-');
      const pages = writePages(root, renderMarkdownPages(kb, new Map(), 'ATT&CK detection knowledge base'));
      const walk = walkLinks(root, pages);
      assert.deepEqual(walk.broken.slice(0, 20), [], `${walk.broken.length} broken links (first 20 shown)`);
      assert.ok(walk.pages > 4000, `${walk.pages} pages`);
      assert.ok(kb.triggers.length > 300 && walk.anchorLinks > 1000, `${walk.anchorLinks} anchors walked`);
      const seconds = (performance.now() - started) / 1000;
      assert.ok(seconds < 20, `took ${seconds.toFixed(1)} s`);
      t.diagnostic(`${walk.pages} pages, ${walk.relativeLinks} relative links, ${walk.anchorLinks} anchors in ${seconds.toFixed(1)} s`);
    },
  );
});
