import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { ruleVariant } from '../../scripts/synthetic-corpus.ts';
import { PROJECT_ROOT } from '../helpers/knowledge-base.ts';
import { convert, parseRules } from '../sigma/helpers.ts';

const RULES = path.join(PROJECT_ROOT, 'rules');
const ruleFiles = (readdirSync(RULES, { recursive: true }) as string[]).filter((name) => name.endsWith('.yml')).sort();

test('scale bench variants: each sample rule stays a valid Sigma file with new ids and title, converts, and is generated the same way twice', () => {
  assert.ok(ruleFiles.length > 10, `${ruleFiles.length} sample rules`);
  let changedDetections = 0;
  for (const file of ruleFiles) {
    const text = readFileSync(path.join(RULES, file), 'utf8');
    const variant = ruleVariant(text, file, 3, 'seed');
    assert.equal(ruleVariant(text, file, 3, 'seed'), variant, `${file}: deterministic`);
    assert.notEqual(ruleVariant(text, file, 4, 'seed'), variant, `${file}: each copy differs`);
    const original = parseRules(text, file);
    const copy = parseRules(variant, file);
    assert.deepEqual(copy.issues.map((issue) => issue.code), original.issues.map((issue) => issue.code), `${file}: no new problem`);
    const ids = new Set([...original.rules, ...original.correlations].map((rule) => rule.id));
    for (const rule of [...copy.rules, ...copy.correlations]) {
      if (rule.id !== undefined) assert.ok(!ids.has(rule.id), `${file}: id ${rule.id} is new`);
    }
    if (copy.rules[0]?.title !== undefined) assert.match(copy.rules[0].title, /\(variant 3\)$/);
    if (original.rules.length > 0 && original.correlations.length === 0) {
      const before = convert(text, 'lucene');
      const after = convert(variant, 'lucene');
      assert.equal(typeof after, typeof before, `${file}: converts as its original does`);
      if (JSON.stringify(after) !== JSON.stringify(before)) changedDetections += 1;
    }
  }
  assert.ok(changedDetections > 0, 'some variants match other values than their originals');
});
