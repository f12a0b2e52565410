import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import * as cheerio from 'cheerio';
import { FEED_LIMIT, feedEntries, xml } from '../../src/export/atom-feed.ts';
import { parseSigmaDate as parseRuleDate } from '../../src/sigma/rule-metadata.ts';
import { writeTempTree } from '../helpers/temp-files.ts';
import { buildExports, NASTY_KB, nastyConfig, sampleConfig } from './export-helpers.ts';

function loadFeed(text: string): cheerio.CheerioAPI {
  return cheerio.load(text, { xml: { xmlMode: true, decodeEntities: true } });
}

/** Well-formedness beyond what a forgiving parser checks: no raw `<`/`&` in text, no control characters, balanced tags. */
function assertWellFormed(text: string): void {
  assert.ok(text.startsWith('<?xml version="1.0" encoding="utf-8"?>\n<feed xmlns="http://www.w3.org/2005/Atom">'));
  assert.doesNotMatch(text, /[\u0000-\u0008\u000B\u000C\u000E-\u001F]/, 'no characters XML 1.0 forbids');
  assert.doesNotMatch(text.replace(/^<\?xml[^>]*\?>/, '').replace(/<\/?[a-z]+(?: [a-z:]+="[^"<&]*(?:&(?:amp|lt|gt|quot|apos);[^"<&]*)*")*\/?>/g, ''), /[<>]/, 'every < and > belongs to a tag');
  assert.doesNotMatch(text, /&(?!(?:amp|lt|gt|quot|apos);)/, 'every & starts an entity');
  const stack: string[] = [];
  for (const match of text.matchAll(/<(\/?)([a-z]+)[^>]*?(\/?)>/g)) {
    if (match[3]) continue;
    if (match[1]) assert.equal(stack.pop(), match[2], `closing </${match[2]}>`);
    else stack.push(match[2]!);
  }
  assert.deepEqual(stack, []);
}

describe('Atom feed of new and modified rules', () => {
  test('the sample knowledge base: well-formed, newest first, stable ids, updated = newest entry', () => {
    const { build, files } = buildExports(sampleConfig({ baseUrl: 'https://kb.example.org/' }));
    const text = files.get('feed.xml')!;
    assertWellFormed(text);
    const $ = loadFeed(text);
    const entries = $('feed > entry').toArray();
    const dated = build.kb.rules.filter((rule) => parseRuleDate(rule.modified) ?? parseRuleDate(rule.date));
    assert.equal(entries.length, Math.min(FEED_LIMIT, dated.length));
    const updated = entries.map((entry) => $(entry).children('updated').text());
    assert.deepEqual(updated, [...updated].sort().reverse(), 'newest first');
    assert.equal($('feed > updated').text(), updated[0]);
    assert.equal($('feed > id').text(), 'https://kb.example.org/feed.xml');
    for (const entry of entries) {
      const rule = build.kb.rules.find((candidate) => $(entry).children('link').attr('href') === `https://kb.example.org/rules/${(candidate.id ?? candidate.name).toLowerCase()}/`);
      assert.ok(rule, `entry links to a rule page: ${$(entry).children('link').attr('href')}`);
      if (rule.id) assert.equal($(entry).children('id').text(), `urn:uuid:${rule.id.toLowerCase()}`);
      const change = parseRuleDate(rule.modified) && parseRuleDate(rule.modified) !== parseRuleDate(rule.date) ? 'modified' : 'new';
      assert.ok($(entry).children(`category[term="${change}"]`).length === 1);
      assert.equal($(entry).children('title').text(), `${change === 'new' ? 'New' : 'Modified'}: ${rule.title}`);
    }
  });

  test('hostile text is escaped; rules without a date are left out; rules without an id get a path-based id', (t) => {
    const root = writeTempTree(t, NASTY_KB);
    const { build, files } = buildExports(nastyConfig(root));
    const text = files.get('feed.xml')!;
    assertWellFormed(text);
    const $ = loadFeed(text);
    assert.equal($('feed > title').text(), 'Nasty <KB> & "friends": new and modified rules');
    const titles = $('feed > entry > title').toArray().map((element) => $(element).text());
    assert.deepEqual(titles, ['Modified: =HYPERLINK("http://evil.example/?a=1&b=2","<click>")', 'New: +cmd, with comma'], 'newest first; the rule without a date is left out (an impossible date is refused when the rule is loaded)');
    const first = $('feed > entry').first();
    assert.equal(first.children('summary').text(), 'Line one <b>bold</b> & "quoted", comma\nline two  bell', 'markup is text; the control character is dropped');
    assert.equal(first.children('author').children('name').text(), "O'Brien <obrien@example.org>");
    assert.equal(first.children('published').text(), '2024-01-02T00:00:00Z');
    assert.equal(first.children('updated').text(), '2024-03-04T00:00:00Z');
    assert.equal($('feed > entry').eq(1).children('id').text(), 'urn:atc-kb:rule:no%20id%2C%20plus%3A%20comma.yml');
    assert.equal($('feed > entry').eq(1).children('link').attr('href'), '/rules/no_id__plus__comma/', 'site-relative without a base URL');
    assert.equal(feedEntries(build.kb).length, 2);
  });

  test('a site title with a lone surrogate gives a feed id with U+FFFD, not a URIError (found by tests/load/mutated-input.test.ts)', () => {
    const text = buildExports(sampleConfig({ title: 'Broken \uD800 title' })).files.get('feed.xml')!;
    assertWellFormed(text);
    assert.equal(loadFeed(text)('feed > id').text(), 'urn:atc-kb:feed:Broken%20%EF%BF%BD%20title');
  });

  test('dates: both Sigma forms, and nothing that is not a calendar date', () => {
    assert.equal(parseRuleDate('2019/04/02'), '2019-04-02');
    assert.equal(parseRuleDate('2023-01-05'), '2023-01-05');
    assert.equal(parseRuleDate('2023-02-29'), undefined);
    assert.equal(parseRuleDate('2023/13/01'), undefined);
    assert.equal(parseRuleDate('05.01.2023'), undefined);
    assert.equal(parseRuleDate(undefined), undefined);
    assert.equal(xml('a<b>&"\'\u0000\uD800z'), 'a&lt;b&gt;&amp;&quot;&apos;z');
  });
});
