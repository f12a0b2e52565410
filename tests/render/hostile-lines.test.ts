/**
 * Long hostile lines through the YAML highlighter and the markdown link walk (the broken-link check of
 * `atc build` and `atc check`): each must finish well inside a generous bound on a loaded machine. The
 * inputs took from seconds to minutes before, through regexes whose adjacent quantifiers competed for
 * the same characters.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { markdownAnchors, walkMarkdownLinks } from '../../src/check/markdown-links.ts';
import { escapeHtml } from '../../src/render/html/escape-html.ts';
import { highlightYaml } from '../../src/render/html/highlight-yaml.ts';
import { searchableText } from '../../src/render/html/search-records.ts';

const BOUND_MS = 2000;

function assertFast(name: string, run: () => void): void {
  const start = performance.now();
  run();
  const ms = performance.now() - start;
  assert.ok(ms < BOUND_MS, `${name}: ${Math.round(ms)} ms`);
}

test('the YAML highlighter is linear on long lines of spaces, markers, quotes and hashes', () => {
  const lines = [
    `a${' '.repeat(400_000)}b`,
    `key${' '.repeat(400_000)}x: value`,
    `- ${'- '.repeat(200_000)}x`,
    `"${'\\"'.repeat(200_000)}`,
    `'${"''".repeat(200_000)} : x`,
    `v: ${' #'.repeat(200_000)}`,
    `v: "${' '.repeat(400_000)}`,
  ];
  for (const line of lines) {
    let html = '';
    assertFast(JSON.stringify(line.slice(0, 12)), () => (html = highlightYaml(line).value));
    // The highlighter only adds spans: stripping them gives back the escaped line.
    assert.equal(html.replace(/<span class="y-[a-z]+">|<\/span>/g, ''), escapeHtml(line));
  }
  assert.match(highlightYaml(`key${' '.repeat(1000)}: value`).value, /^<span class="y-key">key<\/span> {1000}<span class="y-punct">:<\/span>/);
});

test('heading anchors are linear on long headings of spaces, hashes and angle brackets', () => {
  const cases: [string, string][] = [
    [`# a${' '.repeat(200_000)}b`, `a${'-'.repeat(200_000)}b`],
    [`## x${' #'.repeat(100_000)}`, `x${'-'.repeat(99_999)}`],
    [`# ${'<'.repeat(200_000)}t`, `t`],
    [`# a<b>${'<x'.repeat(100_000)}`, `a${'x'.repeat(100_000)}`],
  ];
  for (const [page, slug] of cases) {
    let anchors = new Set<string>();
    assertFast(JSON.stringify(page.slice(0, 12)), () => (anchors = markdownAnchors(page)));
    assert.ok(anchors.has(slug), `${JSON.stringify(page.slice(0, 12))}: ${[...anchors].map((a) => a.slice(0, 20))}`);
  }
});

test('the link walk of a policy page with a long heading and a broken anchor on every line', () => {
  const heading = `## Configuration${' '.repeat(80_000)}x`;
  const broken = Array.from({ length: 40_000 }, (_, i) => `[l${i}](#nowhere)`);
  const pages = new Map([['policy.md', [heading, ...broken].join('\n')]]);
  let walk: ReturnType<typeof walkMarkdownLinks> | undefined;
  assertFast('walk', () => (walk = walkMarkdownLinks(pages)));
  assert.equal(walk!.broken.length, 40_000);
  assert.deepEqual(walk!.broken.at(-1), { page: 'policy.md', href: '#nowhere', line: 40_001, problem: 'no heading or id "nowhere" in policy.md' });
});

test('the link scanner is linear on a line of many unfinished links and code spans', () => {
  let ticks = '';
  for (let run = 1; run < 600; run++) ticks += `${'`'.repeat(run)}a`;
  const lines: [string, string][] = [
    ['unbalanced parentheses', `${'[a](b('.repeat(40_000)}`],
    ['balanced pairs, one left open', `${'[a](b()'.repeat(40_000)}(`],
    ['unclosed titles', `${'[a](b ('.repeat(40_000)}`],
    ['unclosed angle brackets', `${'[a](<'.repeat(40_000)}`],
    ['backtick runs of every length', `${ticks}[a](x.md)`],
  ];
  for (const [name, line] of lines) {
    const pages = new Map([['page.md', `${line}\n[ok](page.md)\n`]]);
    let walk: ReturnType<typeof walkMarkdownLinks> | undefined;
    assertFast(name, () => (walk = walkMarkdownLinks(pages)));
    // The last link still counts: the scan went through the hostile line without losing its place.
    assert.ok(walk!.relativeLinks >= 1, name);
  }
});

test('the search words of a detection are linear on a long run of dots inside a word', () => {
  let words = '';
  assertFast('dots', () => (words = searchableText(`--lsass.exe-- a${'.'.repeat(400_000)}b __comsvcs.dll..`, 10)));
  assert.equal(words, 'lsass.exe comsvcs.dll');
});
