/**
 * The per-file YAML limits (alias expansion, nesting depth, list items) and duplicate keys, in the parser
 * and through the real CLI: hostile files are refused quickly with their own code and bounded memory,
 * and a duplicate key is a warning that only `atc check --strict` turns into a failure.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseYamlText } from '../../src/load/read-yaml-file.ts';
import { writeTempTree } from '../helpers/temp-files.ts';

const PROJECT = path.resolve(import.meta.dirname, '../..');
const ATC = path.join(PROJECT, 'bin/atc.js');

/**
 * The collection from issue 11: 50 documents, each expanding an anchor of 100 values 1,900 times
 * (190,000 values), about 1 MB in all. Its 100,000 alias items now pass the file's entry limit first.
 */
function aliasCollection(): string {
  const values = Array.from({ length: 100 }, (_, index) => `v${index}`).join(', ');
  const uses = Array(1900).fill('*values').join(', ');
  return expandingDocuments(50, (index) => [`values: &values [${values}]`, `        CommandLine|contains: [${uses}]`, index]);
}

/**
 * Expansion that stays under the entry limit: each of 50 documents nests its aliases (100 values, 19
 * copies of them, 9 uses of those: about 19,100 values, just under a per-document budget of 20,000)
 * with only about 140 written entries, so only the alias budget, counted over the file, can refuse it.
 */
function nestedAliasCollection(): string {
  const values = Array.from({ length: 100 }, (_, index) => `v${index}`).join(', ');
  return expandingDocuments(50, (index) => [
    `values: &values [${values}]\ncopies: &copies [${Array(19).fill('*values').join(', ')}]`,
    `        CommandLine|contains: [${Array(9).fill('*copies').join(', ')}]`,
    index,
  ]);
}

function expandingDocuments(count: number, parts: (index: number) => [string, string, number]): string {
  return Array.from({ length: count }, (_, index) => {
    const [anchors, selection] = parts(index);
    return [`title: Expanding rule ${index}`, anchors, 'logsource:', '    product: windows', 'detection:', '    selection:', selection, '    condition: selection', ''].join('\n');
  }).join('---\n');
}

/** Runs bin/atc.js in a child process that reports its own peak memory (resident set, bytes). */
function atcWithPeakMemory(args: string[], cwd: string): { status: number | null; output: string; peakBytes: number } {
  const report = [
    "process.argv.splice(1, 0, 'atc');",
    "process.on('exit', () => process.stderr.write(`\\npeak-rss-kb=${process.resourceUsage().maxRSS}\\n`));",
    `await import(${JSON.stringify(pathToFileURL(ATC).href)});`,
  ].join('\n');
  const result = spawnSync(process.execPath, ['--input-type=module', '-e', report, ...args], { cwd, encoding: 'utf8' });
  const peak = /peak-rss-kb=(\d+)/.exec(result.stderr);
  assert.ok(peak, `no memory report: ${result.stderr}`);
  return { status: result.status, output: `${result.stdout}${result.stderr}`, peakBytes: Number(peak[1]) * 1024 };
}

test('the 50-document alias collection is refused in under 2 s, counted across the whole file', () => {
  const text = nestedAliasCollection();
  const started = performance.now();
  const parsed = parseYamlText(text, 'collection.yml');
  const elapsed = performance.now() - started;
  assert.ok(elapsed < 2000, `took ${elapsed.toFixed(0)} ms`);
  assert.deepEqual(parsed.documents, []);
  assert.deepEqual(parsed.issues.map((issue) => [issue.code, issue.severity]), [['yaml-alias-limit', 'error']]);
  // One such document alone stays within the budget: the limit is the file's, not each document's.
  const single = parseYamlText(text.split('---\n')[0]!, 'one.yml');
  assert.deepEqual(single.issues, []);
});

test('atc check refuses the 1 MB alias collection of issue 11 (yaml-list-limit) and the nested one (yaml-alias-limit), with bounded time and memory', (t) => {
  const text = aliasCollection();
  assert.ok(text.length > 800_000 && text.length < 1_200_000, `about 1 MB (${text.length} bytes)`);
  const issue = parseYamlText(text, 'collection.yml');
  // The sixth document's aliases take the file past 10,000 entries.
  assert.deepEqual(issue.issues.map((found) => [found.line, found.code]), [[43, 'yaml-list-limit']]);
  const folder = writeTempTree(t, { 'rules/collection.yml': nestedAliasCollection() });
  const started = performance.now();
  const result = atcWithPeakMemory(['check', '--rules', 'rules'], folder);
  const elapsed = performance.now() - started;
  assert.equal(result.status, 1, result.output);
  assert.match(result.output, /rules\/collection\.yml:1:1 error yaml-alias-limit /);
  // Before the file-wide budget this took 40 s and 4.7 GB; the bounds are generous for a loaded machine.
  assert.ok(elapsed < 20_000, `took ${elapsed.toFixed(0)} ms`);
  assert.ok(result.peakBytes < 600 * 1024 * 1024, `peak memory ${(result.peakBytes / 1024 / 1024).toFixed(0)} MB`);
});

test('nesting past the depth limit is refused with yaml-depth-limit, without exhausting the stack', () => {
  for (const [name, text] of [
    ['flow', `a: ${'['.repeat(20_000)}${']'.repeat(20_000)}\n`],
    ['block', `${Array.from({ length: 150 }, (_, depth) => `${'  '.repeat(depth)}k${depth}:`).join('\n')} x\n`],
  ] as const) {
    const started = performance.now();
    const parsed = parseYamlText(text, 'deep.yml');
    assert.ok(performance.now() - started < 1000, name);
    assert.deepEqual(parsed.documents, [], name);
    assert.deepEqual(parsed.issues.map((issue) => [issue.code, issue.severity]), [['yaml-depth-limit', 'error']], name);
  }
  const nestedTen = `${Array.from({ length: 10 }, (_, depth) => `${'  '.repeat(depth)}k${depth}:`).join('\n')} x\n`;
  assert.deepEqual(parseYamlText(nestedTen, 'ok.yml').issues, []);
});

test('lists and mappings holding more than 10,000 entries in one file are refused with yaml-list-limit where the count passes it', () => {
  const list = (size: number): string => `[${Array(size).fill('x').join(',')}]`;
  const oneHuge = parseYamlText(`title: t\nvalues: ${list(10_001)}\n`, 'huge.yml');
  assert.deepEqual(oneHuge.issues.map((issue) => [issue.line, issue.column, issue.code, issue.severity]), [[2, 9, 'yaml-list-limit', 'error']]);
  assert.deepEqual(oneHuge.documents, []);
  const mapping = parseYamlText(`title: t\nfields:\n${Array.from({ length: 10_001 }, (_, index) => `  f${index}: x`).join('\n')}\n`, 'keys.yml');
  assert.deepEqual(mapping.issues.map((issue) => [issue.line, issue.code]), [[3, 'yaml-list-limit']]);
  // Two lists, each under the limit, in two documents: the count is the file's.
  const split = parseYamlText(`a: ${list(6_000)}\n---\nb: ${list(6_000)}\n`, 'split.yml');
  assert.deepEqual(split.issues.map((issue) => [issue.line, issue.code]), [[3, 'yaml-list-limit']]);
  const fine = parseYamlText(`a: ${list(4_990)}\n---\nb: ${list(4_990)}\n`, 'fine.yml');
  assert.deepEqual(fine.issues, []);
  assert.equal((fine.documents[1]!.value as { b: unknown[] }).b.length, 4_990);
});

test('through the CLI, a duplicate key is a warning: atc check passes, atc check --strict fails, atc build publishes the last value', (t) => {
  const rule = (extra: string): string =>
    [
      'title: Net user listing',
      'level: low',
      'logsource:',
      '  product: windows',
      '  category: process_creation',
      'detection:',
      '  selection:',
      "    Image|endswith: '\\net.exe'",
      '  condition: selection',
      extra,
    ].join('\n');
  const atc = (args: string[], cwd: string): { status: number | null; output: string } => {
    const result = spawnSync(process.execPath, [ATC, ...args], { cwd, encoding: 'utf8' });
    return { status: result.status, output: `${result.stdout}${result.stderr}` };
  };
  const clean = writeTempTree(t, { 'rules/r.yml': rule('') });
  assert.equal(atc(['check', '--strict', '--rules', 'rules'], clean).status, 0, 'the rule alone passes --strict');

  const folder = writeTempTree(t, { 'rules/r.yml': rule('level: high\n') });
  const check = atc(['check', '--rules', 'rules'], folder);
  assert.equal(check.status, 0, check.output);
  assert.match(check.output, /rules\/r\.yml:10:1 warning yaml-duplicate-key key "level" is written at lines 2 and 10; the last value wins/);
  const strict = atc(['check', '--strict', '--rules', 'rules'], folder);
  assert.equal(strict.status, 1, strict.output);
  assert.match(strict.output, /yaml-duplicate-key/);
  const build = atc(['build', '--rules', 'rules', '--out', 'site'], folder);
  assert.equal(build.status, 0, build.output);
  const page = readFileSync(path.join(folder, 'site/markdown/Detection_Rules/r.md'), 'utf8');
  assert.match(page, /Severity Level\s*\|\s*high\s*\|/);
});
