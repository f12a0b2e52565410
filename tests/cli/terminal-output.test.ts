/**
 * A contributed rule controls its file name, its title and its field names, and atc quotes all three in
 * what it prints. Run through the real CLI: no raw control character reaches the terminal or the CI log,
 * and no printed line can start a GitHub Actions workflow command (`::name …::` or `##[name]`).
 */
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync } from 'node:fs';
import path from 'node:path';
import { escapeControlCharacters, terminalLine } from '../../src/terminal-text.ts';
import { FIXTURES, PROJECT_ROOT } from '../helpers/knowledge-base.ts';
import { writeTempTree } from '../helpers/temp-files.ts';

const ATC = path.join(PROJECT_ROOT, 'bin/atc.js');
const HOSTILE = '\u001b[2K\r\n::error file=x.yml,line=1::injected';

/** A rule whose file name, title and field name all carry terminal and workflow-command payloads. */
function hostileRule(id: string, title: string): string {
  return [
    `title: ${JSON.stringify(title)}`,
    `id: ${id}`,
    'status: test',
    'description: a rule with hostile names',
    'logsource:',
    '  category: process_creation',
    '  product: windows',
    'detection:',
    '  selection:',
    `    ${JSON.stringify(`Image${HOSTILE}|endswith`)}: '\\evil.exe'`,
    '  condition: selection',
    'level: high',
    '',
  ].join('\n');
}

function hostileKnowledgeBase(t: { after: (fn: () => void) => void }): string {
  const root = writeTempTree(t, {
    // Two rules with the same title, so that the duplicate-title warning quotes the title and the other file.
    [`rules/${HOSTILE}.yml`]: hostileRule('3e1f7c52-6a43-4b0e-9a51-0c8f2d7b9e21', `Evil ${HOSTILE}`),
    'rules/::error::first.yml': hostileRule('3e1f7c52-6a43-4b0e-9a51-0c8f2d7b9e22', `Evil ${HOSTILE}`),
    'rules/ ##[error]second.yml': hostileRule('3e1f7c52-6a43-4b0e-9a51-0c8f2d7b9e23', `Other ${HOSTILE}`),
  });
  for (const folder of ['data_needed', 'logging_policies']) cpSync(path.join(FIXTURES, 'check/conversion-failed', folder), path.join(root, folder), { recursive: true });
  return root;
}

/** `--rules .` from inside rules/, so that every issue line starts with a hostile file name. */
function atc(root: string, args: string[]): { status: number | null; output: string } {
  const { GITHUB_ACTIONS: _ignored, ...inherited } = process.env;
  const result = spawnSync(process.execPath, [ATC, ...args, '--rules', '.', '--data-needed', '../data_needed', '--logging-policies', '../logging_policies'], {
    cwd: path.join(root, 'rules'),
    encoding: 'utf8',
    env: { ...inherited, CI: 'true' },
  });
  return { status: result.status, output: result.stdout + result.stderr };
}

function assertNoRawControl(output: string): void {
  // Line feeds separate our own lines; every other control character must have been escaped.
  const raw = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u2028\u2029]/.exec(output);
  assert.equal(raw, null, `raw U+${raw?.[0].charCodeAt(0).toString(16).padStart(4, '0')} in:\n${output}`);
}

function assertNoWorkflowCommand(output: string): void {
  for (const line of output.split('\n')) assert.doesNotMatch(line, /^\s*(::|##\[)/, `a workflow command: ${JSON.stringify(line)}`);
}

describe('printed input text is escaped', () => {
  test('atc check, text format: escaped file names, titles and field names; no workflow command', (t) => {
    const root = hostileKnowledgeBase(t);
    const { status, output } = atc(root, ['check']);
    assert.equal(status, 0, output);
    assertNoRawControl(output);
    assertNoWorkflowCommand(output);
    assert.match(output, /^\\u001b\[2K\\u000d\\u000a::error file=x\.yml,line=1::injected\.yml:\d+:\d+ warning /m, 'the file name, escaped');
    assert.match(output, /^\\u003a:error::first\.yml:\d+:\d+ warning /m, 'a leading :: is escaped');
    assert.match(output, /^ \\u0023#\[error\]second\.yml:\d+:\d+ warning /m, 'a leading ##[ is escaped');
    assert.ok(output.includes('provides "Image\\u001b[2K\\u000d\\u000a::error file=x.yml,line=1::injected"'), 'the field name, escaped');
    assert.ok(output.includes('"Evil \\u001b[2K\\u000d\\u000a::error file=x.yml,line=1::injected"'), 'the title, escaped');
  });

  test('atc check --format github: one annotation per issue, payloads escaped inside it', (t) => {
    const root = hostileKnowledgeBase(t);
    const { status, output } = atc(root, ['check', '--format', 'github']);
    assert.equal(status, 0, output);
    assertNoRawControl(output);
    const commands = output.split('\n').filter((line) => /^\s*(::|##\[)/.test(line));
    assert.ok(commands.length >= 4, output);
    // The runner reads `::warning <properties>::<message>`; a property ends at `,` or `::`, so none may hold either.
    for (const line of commands) assert.match(line, /^::(error|warning|notice) file=[^,:]*,line=\d+,col=\d+,title=[a-z-]+::[^\n]*$/, line);
  });

  test('atc build (CI): the listed warnings are escaped the same way', (t) => {
    const root = hostileKnowledgeBase(t);
    const { status, output } = atc(root, ['build', '--out', path.join(root, '_site'), '--targets', 'es-qs']);
    assert.equal(status, 0, output);
    assertNoRawControl(output);
    assertNoWorkflowCommand(output);
    assert.match(output, /^\\u003a:error::first\.yml:\d+:\d+ warning duplicate-rule-title /m);
  });
});

describe('atc convert prints a query as it is, or not at all', () => {
  test('a value with a line break and a workflow command is refused in text mode and escaped in --jsonl; a tab is printed', (t) => {
    const root = writeTempTree(t, {
      'rules/hostile.yml': ['title: t', 'id: 3e1f7c52-6a43-4b0e-9a51-0c8f2d7b9e31', 'logsource:', '  product: windows', '  category: process_creation', 'detection:', '  selection:', `    CommandLine: ${JSON.stringify(`a${HOSTILE}`)}`, '  condition: selection', ''].join('\n'),
      'rules/tab.yml': ['title: t', 'id: 3e1f7c52-6a43-4b0e-9a51-0c8f2d7b9e32', 'logsource:', '  product: windows', '  category: process_creation', 'detection:', '  selection:', '    CommandLine: "a\\tb"', '  condition: selection', ''].join('\n'),
    });
    const run = (args: string[]) => spawnSync(process.execPath, [ATC, 'convert', '-t', 'splunk', ...args, 'rules'], { cwd: root, encoding: 'utf8' });
    const text = run([]);
    assert.equal(text.status, 0, text.stderr);
    assertNoRawControl(text.stdout + text.stderr);
    assertNoWorkflowCommand(text.stdout + text.stderr);
    assert.equal(text.stdout, 'CommandLine="a\tb"\n', 'the tab rule is printed as it is, the hostile one not at all');
    assert.match(text.stderr, /^rules\/hostile\.yml: not printed: the query holds a control character/m);
    const jsonl = run(['--jsonl']);
    assertNoRawControl(jsonl.stdout);
    assertNoWorkflowCommand(jsonl.stdout);
    const hostile = jsonl.stdout.split('\n').filter(Boolean).map((line) => JSON.parse(line) as { rule: string; queries: string[] }).find((line) => line.rule === 'rules/hostile.yml');
    assert.ok(hostile?.queries[0]?.includes(HOSTILE), 'the query keeps the value, escaped by JSON');
  });
});

describe('terminalLine', () => {
  test('controls, separators and bidi overrides become \\uXXXX; printable text and tabs are kept', () => {
    assert.equal(escapeControlCharacters('a\rb\u0007c\u007f\u009b\u2028\u202e\u2066 ü €\t'), 'a\\u000db\\u0007c\\u007f\\u009b\\u2028\\u202e\\u2066 ü €\t');
    assert.equal(terminalLine('C:\\Users\\x: "quoted"'), 'C:\\Users\\x: "quoted"');
  });

  test('a workflow command at the start of a line is broken, also after leading white space', () => {
    assert.equal(terminalLine('::error::x'), '\\u003a:error::x');
    assert.equal(terminalLine('  ::error::x'), '  \\u003a:error::x');
    assert.equal(terminalLine('\u3000##[error]x'), '\u3000\\u0023#[error]x');
    assert.equal(terminalLine('\n::error::x'), '\\u000a::error::x', 'an escaped line feed leaves no line start behind');
    assert.equal(terminalLine('file.yml: ::error::x'), 'file.yml: ::error::x', 'only the start of a line matters');
  });

  test('linear on long hostile input', () => {
    const long = `${' '.repeat(200_000)}:x`;
    const started = performance.now();
    terminalLine(long);
    terminalLine('\u001b'.repeat(200_000));
    assert.ok(performance.now() - started < 1000);
  });
});
