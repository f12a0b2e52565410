/**
 * Conditions built to exhaust the parser or the selector matcher: each must end, fast, in a reported
 * issue or a query. Time bounds are generous (a loaded 2-core machine); the inputs took from seconds
 * to hours, or broke the stack, before the depth limit and the linear selector matcher.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { MAX_CONDITION_DEPTH } from '../../src/sigma/condition-parser.ts';
import { convertCollection } from '../../src/sigma/convert-collection.ts';
import { selectorPrefixMatches } from '../../src/sigma/to-query-tree.ts';
import { convert, parseRules, parseRuleValues } from './helpers.ts';

const BOUND_MS = 2000;

function timed<T>(run: () => T): { value: T; ms: number } {
  const start = performance.now();
  const value = run();
  return { value, ms: performance.now() - start };
}

function rule(detection: string): string {
  return `title: Hostile condition\nid: 5f0b7f8a-0002-4c8e-9d3a-0000000000f1\nlogsource:\n    product: windows\ndetection:\n${detection}`;
}

describe('condition depth', () => {
  for (const [name, condition] of [
    ['20,000 parentheses', `${'('.repeat(20_000)}sel${')'.repeat(20_000)}`],
    ['20,000 nots', `${'not '.repeat(20_000)}sel`],
    ['unclosed parentheses', '('.repeat(50_000)],
  ] as const) {
    test(`${name}: a sigma-condition-depth issue, not a stack overflow`, () => {
      const { value, ms } = timed(() => parseRules(rule(`    sel:\n        Image: a.exe\n    condition: ${condition}\n`)));
      assert.deepEqual(value.issues.map((issue) => issue.code), ['sigma-condition-depth']);
      assert.match(value.issues[0]!.message, new RegExp(`deeper than ${MAX_CONDITION_DEPTH} levels`));
      assert.ok(ms < BOUND_MS, `${ms} ms`);
    });
  }

  test('the limit itself is accepted, one more level is not', () => {
    const nested = (depth: number) => `${'('.repeat(depth - 1)}not sel${')'.repeat(depth - 1)}`;
    assert.deepEqual(parseRules(rule(`    sel:\n        Image: a.exe\n    condition: ${nested(MAX_CONDITION_DEPTH)}\n`)).issues, []);
    assert.deepEqual(
      parseRules(rule(`    sel:\n        Image: a.exe\n    condition: ${nested(MAX_CONDITION_DEPTH + 1)}\n`)).issues.map((issue) => issue.code),
      ['sigma-condition-depth'],
    );
    // Depth is nesting, not count: many groups side by side are fine.
    assert.deepEqual(parseRules(rule(`    sel:\n        Image: a.exe\n    condition: ${Array(500).fill('(not sel)').join(' or ')}\n`)).issues, []);
  });
});

describe('1 of <pattern> selection', () => {
  test('a pattern of many stars against a long near-miss name converts in linear time', () => {
    // As a backtracking regex, `^(?:x.*x.*…x.*y)` tries every split of the x's before failing on `xxx…`.
    const pattern = `${'x*'.repeat(30)}y`;
    const detection = `    ${'x'.repeat(30)}y:\n        Image: a.exe\n    ${'x'.repeat(200)}:\n        Image: b.exe\n    condition: 1 of ${pattern}\n`;
    const { value, ms } = timed(() => convert(rule(detection), 'lucene'));
    assert.deepEqual(value, ['Image:a.exe']);
    assert.ok(ms < BOUND_MS, `${ms} ms`);
  });

  test('40,000 selections matched by one pattern are lowered in linear time (found by tests/load/mutated-input.test.ts)', () => {
    // Each matched name was looked up by a search of the whole selection list.
    const detection: Record<string, unknown> = Object.fromEntries(Array.from({ length: 40_000 }, (_, index) => [`sel${index}`, { [`F${index}`]: `v${index}` }]));
    detection.condition = '1 of sel*';
    const { rules } = parseRuleValues({ title: 't', logsource: { product: 'windows' }, detection });
    const { value, ms } = timed(() => convertCollection(rules, { target: 'lucene' }));
    assert.ok(value.ok && value.queries[0]!.startsWith('F0:v0 OR F1:v1 OR') && value.queries[0]!.endsWith('F39999:v39999'));
    assert.ok(ms < BOUND_MS, `${ms} ms`);
  });

  test('long names and patterns stay within |pattern| × |name|', () => {
    const name = 'ab'.repeat(5_000);
    const { value, ms } = timed(() => selectorPrefixMatches(`${'a*b*'.repeat(2_000)}c`, name));
    assert.equal(value, false);
    assert.ok(ms < BOUND_MS, `${ms} ms`);
  });

  test('pySigma semantics: `.` is any character but a newline, the match is anchored at the start only', () => {
    const cases: [string, string, boolean][] = [
      ['sel', 'sel', true],
      ['sel', 'selection', true],
      ['sel', 'xsel', false],
      ['sel*', 'sel_a', true],
      ['*_a', 'sel_a', true],
      ['*_a', 'sel_b', false],
      ['s.l', 'sxl', true],
      ['s.l', 's\nl', false],
      ['a*c', 'a\nc', false],
      ['a*b*c', 'aXbYc', true],
      ['a*b*c', 'aXcYb', false],
      ['-*', '-x', true],
      ['*', '', true],
    ];
    for (const [pattern, name, expected] of cases) {
      assert.equal(selectorPrefixMatches(pattern, name), expected, `${pattern} ~ ${JSON.stringify(name)}`);
      const regex = new RegExp(`^(?:${pattern.replaceAll('*', '.*')})`, 'u');
      assert.equal(regex.test(name), expected, `the regex reading agrees on ${pattern} ~ ${JSON.stringify(name)}`);
    }
  });
});
