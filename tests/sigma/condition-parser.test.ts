import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import { formatParsedCondition } from '../../src/sigma/condition-ast.ts';
import { ConditionSyntaxError, matchesPattern, parseCondition } from '../../src/sigma/condition-parser.ts';
import { readFixtures } from './helpers.ts';

const NAMES = ['a', 'b', 'c', 'sel1', 'sel2', 'filter_x'];

describe('parseCondition', () => {
  for (const fixture of readFixtures(readFileSync(new URL('./fixtures/conditions.txt', import.meta.url), 'utf8'))) {
    test(fixture.caption, () => {
      assert.equal(formatParsedCondition(parseCondition(fixture.input, NAMES)), fixture.expected);
    });
  }

  const errors: [string, RegExp, number][] = [
    ['a and nope', /unknown selection "nope"/, 6],
    ['1 of x*', /pattern "x\*" matches no selection/, 5],
    ['a and', /expected a selection name/, 5],
    ['(a or b', /expected "\)"/, 7],
    ['a b', /unexpected "b"/, 2],
    ['sel*', /needs "1 of" or "all of"/, 0],
    ['a | count() by', /expected a field name/, 14],
    ['a & b', /unexpected character "&"/, 2],
    ['', /empty condition/, 0],
  ];
  for (const [text, message, offset] of errors) {
    test(`error: ${text || '(empty)'}`, () => {
      assert.throws(
        () => parseCondition(text, NAMES),
        (error: unknown) => error instanceof ConditionSyntaxError && message.test(error.message) && error.offset === offset,
      );
    });
  }

  test('patterns use * only', () => {
    assert.equal(matchesPattern('sel*', 'selection'), true);
    assert.equal(matchesPattern('*_main', 'filter_main'), true);
    assert.equal(matchesPattern('a*b*c', 'a_b_c'), true);
    assert.equal(matchesPattern('a*b*c', 'a_c'), false);
    assert.equal(matchesPattern('sel.', 'selx'), false);
  });
});
