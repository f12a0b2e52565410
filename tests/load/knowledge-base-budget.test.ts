// The knowledge-base limits hold across entity kinds: one budget is shared by every loader of a build, files
// past it are left out unread, and exactly one kb-size-limit error names the first of them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { KnowledgeBaseBudget, KNOWLEDGE_BASE_LIMITS } from '../../src/load/knowledge-base-budget.ts';
import { loadDataNeeded } from '../../src/load/load-data-needed.ts';
import { loadDetectionRules } from '../../src/load/load-detection-rules.ts';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { ATC } from '../cli/cli-harness.ts';
import { makeTempFolder, writeTempTree } from '../helpers/temp-files.ts';

const rule = (n: number): string => `title: Rule ${n}\nlogsource: {product: windows}\ndetection: {sel: {EventID: ${n}}, condition: sel}\n`;
const dataNeeded = (n: number): string => `title: DN_000${n}_example\ndescription: d\nloggingpolicy: None\nplatform: Windows\ntype: Windows Log\nchannel: Security\nprovider: Microsoft-Windows-Security-Auditing\nfields: [EventID]\nsample: x\n`;

test('the file limit counts every kind of one build and refuses the rest with one error', (t) => {
  const root = writeTempTree(t, {
    'rules/a.yml': rule(1),
    'rules/b.yml': rule(2),
    'data_needed/DN_0001.yml': dataNeeded(1),
    'data_needed/DN_0002.yml': dataNeeded(2),
  });
  const budget = new KnowledgeBaseBudget({ files: 3, bytes: KNOWLEDGE_BASE_LIMITS.bytes });
  const rules = loadDetectionRules(['rules'], root, budget);
  const entries = loadDataNeeded(['data_needed'], root, budget);
  assert.equal(rules.items.length, 2);
  assert.deepEqual(entries.items.map((entry) => entry.title), ['DN_0001_example']);
  assert.deepEqual(entries.issues.map((issue) => `${issue.file} ${issue.severity} ${issue.code}`), ['data_needed/DN_0002.yml error kb-size-limit']);
  assert.match(entries.issues[0]!.message, /more than 3 files; this file and every file after it are left out/);
});

test('the byte limit counts the text read, and nothing after the first refusal is loaded', (t) => {
  const root = writeTempTree(t, { 'rules/a.yml': rule(1), 'rules/b.yml': rule(2), 'rules/c.yml': rule(3) });
  const budget = new KnowledgeBaseBudget({ files: KNOWLEDGE_BASE_LIMITS.files, bytes: Buffer.byteLength(rule(1)) + 10 });
  const rules = loadDetectionRules(['rules'], root, budget);
  assert.deepEqual(rules.items.map((item) => item.title), ['Rule 1']);
  assert.deepEqual(rules.issues.map((issue) => `${issue.file} ${issue.code}`), ['rules/b.yml kb-size-limit']);
});

test('a fresh budget per build: the default limits admit the whole sample', (t) => {
  const root = writeTempTree(t, { 'rules/a.yml': rule(1) });
  assert.equal(loadDetectionRules(['rules'], root).issues.length, 0);
  assert.ok(KNOWLEDGE_BASE_LIMITS.files >= 40_390, 'the scale bench builds 40,390 rules; the limit must admit them');
});

test('through atc check: a knowledge base of 50,001 files stops at the limit with one kb-size-limit error, in bounded time', (t) => {
  // Empty files keep the 50,000 admitted ones cheap (each is a yaml-empty error); the point is the count.
  const root = makeTempFolder(t);
  for (let folder = 0; folder < 50; folder += 1) mkdirSync(path.join(root, 'rules', String(folder).padStart(2, '0')), { recursive: true });
  for (let index = 0; index <= KNOWLEDGE_BASE_LIMITS.files; index += 1) writeFileSync(path.join(root, 'rules', String(index % 50).padStart(2, '0'), `${String(index).padStart(6, '0')}.yml`), '');
  const started = performance.now();
  // 50,000 issues make a report of several megabytes: more than spawnSync buffers by default.
  const result = spawnSync(process.execPath, [ATC, 'check', '--rules', 'rules', '--format', 'json'], { cwd: root, encoding: 'utf8', maxBuffer: 256 << 20 });
  const elapsed = performance.now() - started;
  assert.equal(result.status, 1, result.stderr);
  const issues = (JSON.parse(result.stdout) as { issues: Array<{ file: string; code: string; severity: string }> }).issues;
  const refused = issues.filter((issue) => issue.code === 'kb-size-limit');
  assert.deepEqual(refused.map((issue) => [issue.file, issue.severity]), [['rules/49/049999.yml', 'error']]);
  assert.equal(issues.filter((issue) => issue.code === 'yaml-empty').length, KNOWLEDGE_BASE_LIMITS.files);
  assert.ok(elapsed < 120_000, `took ${Math.round(elapsed)} ms`);
});
