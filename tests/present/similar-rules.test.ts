/**
 * Similar rules (src/present/similar-rules.ts) on knowledge bases loaded by the real loaders and linker:
 * the ranking (shared techniques, then log source, then title), the limit, no rule suggesting itself or a
 * deprecated rule, and the same answer whatever order the rules arrive in.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { DetectionRule } from '../../src/model/detection-rule.ts';
import { SIMILAR_RULE_LIMIT, similarRules } from '../../src/present/similar-rules.ts';
import { CORPUS, describeIssues, loadKnowledgeBase, loadSampleKnowledgeBase, skipUnlessExists } from '../helpers/knowledge-base.ts';
import { writeTempTree } from '../helpers/temp-files.ts';
import path from 'node:path';
import { load } from 'cheerio';
import { DEFAULT_CONFIG } from '../../src/config.ts';
import { renderRulePage } from '../../src/render/html/rule-page.ts';
import { siteModel } from '../../src/render/html/site-pages.ts';

function ruleText(title: string, tags: readonly string[], category = 'process_creation', extra = ''): string {
  return `title: ${title}\n${extra}tags:\n${tags.map((tag) => `  - ${tag}\n`).join('')}logsource:\n  product: windows\n  category: ${category}\ndetection:\n  selection:\n    Image|endswith: '\\x.exe'\n  condition: selection\nlevel: high\n`;
}

/** Every rule's suggestions as titles, by title. */
function titles(kb: Parameters<typeof similarRules>[0]): Map<string, string[]> {
  const found = similarRules(kb);
  return new Map(kb.rules.map((rule) => [rule.title, found.get(rule)!.map((similar) => similar.rule.title)]));
}

describe('similar rules', () => {
  test('most shared techniques first (a sub-technique counts as its technique), then the same log source, then title; at most five; never itself or a deprecated rule', (t) => {
    const root = writeTempTree(t, {
      'rules/subject.yml': ruleText('Subject', ['attack.t1003.001', 'attack.t1059.001']),
      'rules/both.yml': ruleText('Zulu Both Techniques', ['attack.t1003', 'attack.t1059.003'], 'file_event'),
      'rules/same-source.yml': ruleText('Yankee Same Source', ['attack.t1003.002']),
      'rules/other-a.yml': ruleText('Alpha Other Source', ['attack.t1003.001'], 'file_event'),
      'rules/other-b.yml': ruleText('Bravo Other Source', ['attack.t1059'], 'registry_set'),
      'rules/other-c.yml': ruleText('Charlie Other Source', ['attack.t1003'], 'network_connection'),
      'rules/other-d.yml': ruleText('Delta Other Source', ['attack.t1059.001'], 'image_load'),
      'rules/deprecated.yml': ruleText('Aaa Deprecated', ['attack.t1003.001', 'attack.t1059.001'], 'process_creation', 'status: deprecated\n'),
      'rules/unrelated.yml': ruleText('Aaa Unrelated', ['attack.t1110']),
    });
    const { kb, issues } = loadKnowledgeBase({ rules: [path.join(root, 'rules')] });
    assert.equal(issues.filter((issue) => issue.severity === 'error').length, 0, describeIssues(issues));
    const found = titles(kb);
    assert.deepEqual(found.get('Subject'), ['Zulu Both Techniques', 'Yankee Same Source', 'Alpha Other Source', 'Bravo Other Source', 'Charlie Other Source']);
    const subject = kb.rules.find((rule) => rule.title === 'Subject')!;
    const [first, second] = similarRules(kb).get(subject)!;
    assert.deepEqual(first!.sharedTechniques, ['T1003', 'T1059']);
    assert.equal(first!.sameLogSource, false);
    assert.deepEqual(second!.sharedTechniques, ['T1003']);
    assert.equal(second!.sameLogSource, true);
    // A deprecated rule still gets suggestions; a rule with no shared technique gets none.
    assert.equal(found.get('Aaa Deprecated')![0], 'Subject');
    assert.deepEqual(found.get('Aaa Unrelated'), []);
  });

  test('the same choice whatever order the rules arrive in; equal titles are settled by file path', (t) => {
    const root = writeTempTree(t, {
      'rules/a.yml': ruleText('Subject', ['attack.t1003']),
      'rules/b/twin.yml': ruleText('Twin', ['attack.t1003']),
      'rules/a/twin.yml': ruleText('Twin', ['attack.t1003']),
      'rules/c.yml': ruleText('Another', ['attack.t1003']),
    });
    const { kb } = loadKnowledgeBase({ rules: [path.join(root, 'rules')] });
    const paths = (rules: ReadonlyMap<DetectionRule, readonly { rule: DetectionRule }[]>, rule: DetectionRule): string[] => rules.get(rule)!.map((similar) => similar.rule.relativePath);
    const subject = kb.rules.find((rule) => rule.title === 'Subject')!;
    assert.deepEqual(paths(similarRules(kb), subject), ['c.yml', 'a/twin.yml', 'b/twin.yml']);
    const reversed = { rules: [...kb.rules].reverse(), ruleLinks: kb.ruleLinks };
    for (const rule of kb.rules) assert.deepEqual(paths(similarRules(reversed), rule), paths(similarRules(kb), rule), rule.relativePath);
  });

  test('on the sample: every suggestion shares a technique, is live, and the lists are ranked', () => {
    const { kb } = loadSampleKnowledgeBase();
    const found = similarRules(kb);
    let suggested = 0;
    for (const rule of kb.rules) {
      const list = found.get(rule)!;
      assert.ok(list.length <= SIMILAR_RULE_LIMIT, rule.relativePath);
      suggested += list.length;
      for (const [index, similar] of list.entries()) {
        assert.notEqual(similar.rule, rule);
        assert.notEqual(similar.rule.status, 'deprecated');
        assert.ok(similar.sharedTechniques.length > 0);
        const previous = list[index - 1];
        if (previous) assert.ok(previous.sharedTechniques.length > similar.sharedTechniques.length || (previous.sharedTechniques.length === similar.sharedTechniques.length && previous.sameLogSource >= similar.sameLogSource), `${rule.relativePath}: ranked`);
      }
    }
    assert.ok(suggested > kb.rules.length, `${suggested} suggestions for ${kb.rules.length} rules`);
    assert.equal(similarRules(kb), found, 'computed once per knowledge base');
  });

  test('a rule page lists its similar rules, linked, with the shared techniques', () => {
    const { kb } = loadSampleKnowledgeBase();
    const { context } = siteModel({ kb, queries: new Map(), config: DEFAULT_CONFIG });
    const found = similarRules(kb);
    let pages = 0;
    for (const rule of kb.rules) {
      const $ = load(renderRulePage(rule, context).body.value);
      const row = $('tr').filter((_, element) => $(element).find('th').text() === 'Similar Rules');
      const expected = found.get(rule)!;
      assert.equal(row.length, expected.length > 0 ? 1 : 0, rule.relativePath);
      if (expected.length === 0) continue;
      pages += 1;
      assert.deepEqual(row.find('li > a').map((_, element) => $(element).attr('href')).get(), expected.map((similar) => context.urls.rule(similar.rule)));
      assert.ok(row.find('li').first().text().includes(expected[0]!.sharedTechniques.join(', ')));
    }
    assert.ok(pages > 0);
  });

  test('the full corpus: every rule ranked in a few hundred milliseconds (a generous bound: the machine is shared)', { skip: skipUnlessExists('the corpus timing', path.join(CORPUS, 'sigma')) }, (t) => {
    const { kb } = loadKnowledgeBase({ rules: [path.join(CORPUS, 'sigma')] });
    assert.ok(kb.rules.length > 3000, `${kb.rules.length} rules`);
    const started = performance.now();
    const found = similarRules(kb);
    const elapsed = performance.now() - started;
    assert.equal(found.size, kb.rules.length);
    assert.ok(elapsed < 5000, `${Math.round(elapsed)} ms for ${kb.rules.length} rules`);
    t.diagnostic(`similar rules for ${kb.rules.length} rules: ${Math.round(elapsed)} ms`);
  });
});
