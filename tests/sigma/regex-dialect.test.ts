import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { regexProblem } from '../../src/sigma/regex-dialect.ts';

describe('regular expressions checked when a rule is loaded', () => {
  test('syntax other engines share and JavaScript lacks is accepted', () => {
    for (const pattern of [
      '(?i)\\\\windows\\\\.*\\.exe', // SigmaHQ's leading flag group
      'abc(?i)def', // a flag group further on (PCRE, Java, RE2)
      '(?i:a|b)c', // scoped flags
      '(?P<name>a)(?P=name)', // Python's named group and back-reference
      '(?>a+)b', // atomic group
      'a++b', // possessive quantifiers
      'a{2,3}+',
      'a+?', // lazy
      '(?#why)a', // comment group
      '(?x) a # comment with (', // extended mode: left unchecked
      '(?<=a)b(?!c)', // lookaround
      '(?<n>a)\\k<n>',
      '[(]a\\(', // a parenthesis in a class or escaped
      'a{,3}x{', // braces that are no quantifier are literal
      '\\-\\_\\"\\:', // needless escapes, which the u flag would refuse
    ]) {
      assert.equal(regexProblem(pattern), undefined, pattern);
    }
  });

  test('what no engine compiles is refused with the reason', () => {
    const cases: [string, RegExp][] = [
      ['(a', /Unterminated group/],
      ['a)', /Unmatched '\)'/],
      ['*a', /Nothing to repeat/],
      ['a**', /Nothing to repeat/],
      ['a+?+', /Nothing to repeat/],
      ['[z-a]', /Range out of order/],
      ['[abc', /Unterminated character class/],
      ['a\\', /\\ at end of pattern/],
      ['a{3,1}', /numbers out of order/],
      ['(?i', /Invalid group|Unterminated group/],
      ['(?<n>a)(?<n>b)', /Duplicate capture group name/],
    ];
    for (const [pattern, reason] of cases) assert.match(regexProblem(pattern) ?? 'compiled', reason, pattern);
  });

  test('hostile patterns are only compiled, in time linear in their length', () => {
    const started = performance.now();
    // Would backtrack for ever if run against "aaaa…!"; compiling it is instant.
    assert.equal(regexProblem('(a+)+$'), undefined);
    for (const pattern of ['('.repeat(100_000), 'a+'.repeat(200_000), '(?P<a>'.repeat(50_000), '(?#'.repeat(50_000), '[' + '\\'.repeat(100_001)]) regexProblem(pattern);
    assert.ok(performance.now() - started < 2000, `took ${performance.now() - started} ms`);
  });
});
