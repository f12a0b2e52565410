/**
 * The link scanner of the broken-link check (src/check/markdown-links.ts) on the markdown constructs it
 * must get right; tests/render/markdown-links.test.ts compares it with markdown-it on every page of the
 * sample and the corpus.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { headingSlug, markdownAnchors, markdownLinks, walkMarkdownLinks } from '../../src/check/markdown-links.ts';

const hrefs = (text: string): string[] => markdownLinks(text).map((link) => link.href);

test('links and images; titles; angle brackets; balanced parentheses', () => {
  assert.deepEqual(hrefs('[a](x.md) ![img](i.png) [t](y.md "title") [u](<z z.md>) [p](f(1).md) [w](w.md (paren title))'), ['x.md', 'i.png', 'y.md', 'z z.md', 'f(1).md', 'w.md']);
});

test('not links: code spans, escaped brackets, spaces in the destination, text after it', () => {
  assert.deepEqual(hrefs('`[a](x.md)` ``[b](`y.md`)`` \\[c](z.md) [d](a b.md) [e](f.md g)'), []);
  assert.deepEqual(hrefs('[outer [inner](in.md)'), ['in.md']);
  assert.deepEqual(hrefs('`unclosed [a](x.md)'), ['x.md'], 'an unclosed backtick is literal');
});

test('fenced code is skipped: backticks and tildes, longer closing fences, unclosed fences', () => {
  const text = ['[1](one.md)', '```yaml', '[no](a.md)', '````', '[2](two.md)', '~~~', '[no](b.md)', '```', '[no](c.md)', '~~~~', '[3](three.md)', '  ```', '[no](d.md)'].join('\n');
  assert.deepEqual(markdownLinks(text), [
    { href: 'one.md', offset: 0 },
    { href: 'two.md', offset: text.indexOf('[2]') },
    { href: 'three.md', offset: text.indexOf('[3]') },
  ]);
  assert.deepEqual(hrefs('``` not a fence ` here\n[x](x.md)'), ['x.md'], 'a backtick fence cannot have a backtick in its info string');
});

test('anchors: ids and heading slugs, not headings inside code', () => {
  const anchors = markdownAnchors('# Title: One!\n\n<a id="test-42"></a>\n```\n# not a heading\n```\n### Kibana query\n');
  assert.deepEqual([...anchors].sort(), ['kibana-query', 'test-42', 'title-one']);
  assert.equal(headingSlug('ES|QL <em>x</em>'), 'esql-x');
});

test('the walk reports the line of a broken link, and leaves external links alone', () => {
  const walk = walkMarkdownLinks(
    new Map([
      ['markdown/A/a.md', '# A\n\nfine [b](../B/b.md#b) [web](https://example.org/x.md) [mail](mailto:x@example.org)\n\n[gone](../B/gone.md)\n[out](../../../x.md) [abs](/x.md)'],
      ['markdown/B/b.md', '# B\n'],
    ]),
  );
  assert.deepEqual(
    walk.broken.map((link) => [link.line, link.href, link.problem]),
    [
      [5, '../B/gone.md', 'missing markdown/B/gone.md'],
      [6, '../../../x.md', 'leaves the output folder'],
      [6, '/x.md', 'absolute link'],
    ],
  );
  assert.equal(walk.relativeLinks, 4);
  assert.equal(walk.anchorLinks, 1);
});
