/**
 * `atc check` end to end: every issue code it can report (the check-stage codes on the knowledge bases of
 * tests/fixtures/check/, the load and link codes on tests/fixtures/invalid/), the exit codes, and the
 * text, json and github formats.
 */
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readdirSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { escapeData, escapeProperty, formatGithubAnnotations } from '../../src/check/issue-formats.ts';
import { runCheck } from '../../src/cli/check-command.ts';
import { MAX_YAML_FILE_BYTES } from '../../src/load/read-yaml-file.ts';
import { ISSUE_CODES, makeIssue, type IssueCode } from '../../src/model/issue.ts';
import { FIXTURES, PROJECT_ROOT } from '../helpers/knowledge-base.ts';
import { makeTempFolder } from '../helpers/temp-files.ts';
import { readFixtures, type Fixture } from '../helpers/invalid-fixtures.ts';

const CHECK_FIXTURES = path.join(FIXTURES, 'check');
const ATC = path.join(PROJECT_ROOT, 'bin/atc.js');

interface JsonReport {
  readonly ok: boolean;
  readonly strict: boolean;
  readonly counts: { error: number; warning: number; info: number };
  readonly by_code: Record<string, { count: number; severity: string }>;
  readonly issues: Array<{ file: string; line: number; column: number; severity: string; code: string; message: string }>;
}

function atc(args: string[], cwd: string, env: Record<string, string> = {}): { status: number | null; stdout: string; stderr: string } {
  const { GITHUB_ACTIONS: _ignored, ...inherited } = process.env;
  const result = spawnSync(process.execPath, [ATC, ...args], { cwd, encoding: 'utf8', env: { ...inherited, ...env } });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** Runs the real command in-process (same code as the CLI, without a process per fixture). */
async function checkInProcess(args: string[]): Promise<{ status: number; report: JsonReport; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const status = await runCheck([...args, '--format', 'json'], { stdout: { write: (text: string) => (stdout += text) }, stderr: { write: (text: string) => (stderr += text) }, env: {} });
  return { status, report: JSON.parse(stdout), stderr };
}

/** The issues of a fixture knowledge base, as [file, line, column, severity, code]. */
function brief(report: JsonReport): Array<[string, number, number, string, string]> {
  return report.issues.map((issue) => [issue.file, issue.line, issue.column, issue.severity, issue.code]);
}

const fixture = (name: string): string => path.join(CHECK_FIXTURES, name);

describe('atc check: the check-stage issue codes, through the real command', () => {
  test('clean: no issue, exit 0, nothing written', () => {
    const result = atc(['check'], fixture('clean'));
    assert.equal(result.status, 0, result.stderr);
    assert.equal(result.stdout, '0 errors, 0 warnings, 0 notes\n');
    assert.match(result.stderr, /^atc check: passed; 1 rules, 1 Data Needed, 1 Logging Policies/);
    assert.deepEqual(readdirSync(fixture('clean')).sort(), ['data_needed', 'logging_policies', 'rules'], 'no output folder');
  });

  test('duplicate-rule-title (warning): at the later file\'s title, naming the first file; exit 0, 1 with --strict', () => {
    const result = atc(['check', '--format', 'json'], fixture('duplicate-rule-title'));
    assert.equal(result.status, 0);
    const report: JsonReport = JSON.parse(result.stdout);
    assert.deepEqual(brief(report), [['rules/proc_creation_win_rundll32_comsvcs_ordinal.yml', 1, 8, 'warning', 'duplicate-rule-title']]);
    assert.equal(report.issues[0]!.message, 'rule title "Rundll32 Calling Comsvcs.dll" is also used by rules/proc_creation_win_rundll32_comsvcs.yml');
    assert.equal(report.ok, true);
    const strict = atc(['check', '--strict', '--format', 'json'], fixture('duplicate-rule-title'));
    assert.equal(strict.status, 1);
    assert.equal(JSON.parse(strict.stdout).ok, false);
    assert.equal(JSON.parse(strict.stdout).strict, true);
  });

  test('data-needed-no-logging-policy (warning)', () => {
    const result = atc(['check', '--format', 'json'], fixture('data-needed-no-logging-policy'));
    assert.equal(result.status, 0);
    const report: JsonReport = JSON.parse(result.stdout);
    assert.deepEqual(brief(report), [['data_needed/DN_0002_4688_windows_process_creation_with_commandline.yml', 1, 1, 'warning', 'data-needed-no-logging-policy']]);
    assert.match(report.issues[0]!.message, /names no Logging Policy/);
  });

  test('unknown-profile-reference (warning): at the name in the profile, with the closest known name', () => {
    const result = atc(['check', '--format', 'json'], fixture('unknown-profile-reference'));
    assert.equal(result.status, 0);
    const report: JsonReport = JSON.parse(result.stdout);
    assert.deepEqual(brief(report), [['profiles/security-log.yml', 4, 5, 'warning', 'unknown-profile-reference']]);
    assert.match(report.issues[0]!.message, /closest: "DN_0002_4688_windows_process_creation_with_commandline"/);
  });

  test('broken-link (error): a missing page and a missing anchor in author-written markdown; a link inside code is no link; exit 1', () => {
    const result = atc(['check'], fixture('broken-link'));
    assert.equal(result.status, 1);
    const file = 'logging_policies/LP_0002_windows_audit_process_creation_with_commandline.yml';
    const page = 'markdown/Logging_Policies/LP_0002_windows_audit_process_creation_with_commandline.md';
    assert.deepEqual(result.stdout.split('\n').filter((line) => line.includes(' broken-link ')), [
      `${file}:1:1 error broken-link its page ${page}, line 16 links to ../Data_Needed/DN_0001_4688_windows_process_creation.md: missing markdown/Data_Needed/DN_0001_4688_windows_process_creation.md`,
      `${file}:1:1 error broken-link its page ${page}, line 17 links to #steps: no heading or id "steps" in ${page}`,
    ]);
    assert.match(result.stdout, /^ +2 {2}error broken-link$/m);
    assert.match(result.stderr, /atc check: failed/);
  });

  test('conversion-failed (info): one per rule × target, with the reason; exit 0 even with --strict', () => {
    const result = atc(['check', '--strict', '--format', 'json'], fixture('conversion-failed'));
    assert.equal(result.status, 0);
    const report: JsonReport = JSON.parse(result.stdout);
    const file = 'rules/proc_creation_win_rundll32_comsvcs.yml';
    assert.deepEqual(brief(report), [
      [file, 14, 3, 'info', 'conversion-failed'],
      [file, 14, 3, 'info', 'conversion-failed'],
      [file, 14, 3, 'info', 'conversion-failed'],
    ]);
    assert.deepEqual(report.issues.map((issue) => issue.message.split(':')[0]), ['es-qs (Kibana query)', 'graylog (Graylog)', 'xpack-watcher (X-Pack Watcher)']);
    assert.ok(report.issues.every((issue) => issue.message.endsWith('placeholders (|expand) need a pipeline that fills them: %admin_tools%')));
    // --targets narrows the query sections, and so the conversions checked.
    const one = atc(['check', '--targets', 'es-qs', '--format', 'json'], fixture('conversion-failed'));
    assert.equal(JSON.parse(one.stdout).issues.length, 1);
  });
});

describe('atc check: formats and exit codes', () => {
  test('json: one document with the issues, the counts by severity and by code', () => {
    const result = atc(['check', '--format', 'json'], fixture('broken-link'));
    assert.equal(result.status, 1);
    assert.equal(result.stderr, '', 'json prints nothing else');
    const report: JsonReport = JSON.parse(result.stdout);
    assert.deepEqual(report.counts, { error: 2, info: 0, warning: 0 });
    assert.deepEqual(report.by_code, { 'broken-link': { count: 2, severity: 'error' } });
    assert.equal(report.ok, false);
    assert.deepEqual(Object.keys(report.issues[0]!), ['code', 'column', 'file', 'line', 'message', 'severity']);
  });

  test('github: workflow commands per issue (notice for info), then the counts; chosen by GITHUB_ACTIONS=true', () => {
    const result = atc(['check'], fixture('conversion-failed'), { GITHUB_ACTIONS: 'true' });
    assert.equal(result.status, 0);
    const lines = result.stdout.trimEnd().split('\n');
    assert.equal(
      lines[0],
      '::notice file=rules/proc_creation_win_rundll32_comsvcs.yml,line=14,col=3,title=conversion-failed::conversion-failed: es-qs (Kibana query): placeholders (|expand) need a pipeline that fills them: %25admin_tools%25',
    );
    assert.equal(lines.filter((line) => line.startsWith('::notice ')).length, 3);
    assert.deepEqual(lines.slice(3), ['', 'issues by code:', '       3  info conversion-failed', '0 errors, 0 warnings, 3 notes']);
    const errors = atc(['check'], fixture('broken-link'), { GITHUB_ACTIONS: 'true' });
    assert.equal(errors.status, 1);
    assert.match(errors.stdout, /^::error file=logging_policies\/LP_0002_windows_audit_process_creation_with_commandline\.yml,line=1,col=1,title=broken-link::broken-link: its page /m);
    const warnings = atc(['check'], fixture('duplicate-rule-title'), { GITHUB_ACTIONS: 'true' });
    assert.match(warnings.stdout, /^::warning file=rules\/proc_creation_win_rundll32_comsvcs_ordinal\.yml,line=1,col=8,title=duplicate-rule-title::/m);
    const text = atc(['check', '--format', 'text'], fixture('conversion-failed'), { GITHUB_ACTIONS: 'true' });
    assert.match(text.stdout, /^rules\/proc_creation_win_rundll32_comsvcs\.yml:14:3 info conversion-failed /m, '--format overrides the environment');
  });

  test('github: % CR LF are escaped in messages, and also , and : in properties (file names); control characters become \\uXXXX first', (t) => {
    assert.equal(escapeData('50% done\r\nnext'), '50%25 done%0D%0Anext');
    assert.equal(escapeProperty('a,b:c%d\ne'), 'a%2Cb%3Ac%25d%0Ae');
    assert.equal(
      formatGithubAnnotations([makeIssue('dir,x/a:b.yml', { line: 3, column: 9 }, 'field-value', 'bad: "x,y"\nsecond line 100%')]),
      '::error file=dir%2Cx/a%3Ab.yml,line=3,col=9,title=field-value::field-value: bad: "x,y"\\u000asecond line 100%25\n\nissues by code:\n       1  error field-value\n1 errors, 0 warnings, 0 notes\n',
    );
    // End to end, with a file whose name holds a comma, a colon and a percent sign.
    const folder = makeTempFolder(t, 'atc-kb-check-github-');
    cpSync(fixture('conversion-failed'), folder, { recursive: true });
    renameSync(path.join(folder, 'rules/proc_creation_win_rundll32_comsvcs.yml'), path.join(folder, 'rules/odd, name: 100%.yml'));
    const result = atc(['check', '--targets', 'es-qs', '--format', 'github'], folder);
    assert.match(result.stdout, /^::notice file=rules\/odd%2C name%3A 100%25\.yml,line=14,col=3,title=conversion-failed::/m);
  });

  test('exit 2 on a wrong command line, with the usage', () => {
    for (const args of [['--format', 'xml'], ['--format'], ['--bogus'], ['--strict=yes'], ['--targets', 'not a spec!'], ['positional']]) {
      const result = atc(['check', ...args], fixture('clean'));
      assert.equal(result.status, 2, `atc check ${args.join(' ')}`);
      assert.match(result.stderr, /usage: atc check/);
      assert.equal(result.stdout, '');
    }
    const help = atc(['check', '--help'], fixture('clean'));
    assert.equal(help.status, 0);
    assert.match(help.stdout, /usage: atc check/);
  });
});

/**
 * Command-line folders for a fixture: the kind's folder is the fixture. A folder named on the command line
 * must hold a YAML file, so the other kinds come from a configuration that names none: their default
 * folders, which do not exist beside it, are empty sections.
 */
function argumentsFor(item: Fixture, empty: string): string[] {
  const flag: Record<string, string> = { rule: 'rules', 'data-needed': 'data-needed', 'logging-policy': 'logging-policies', enrichment: 'enrichments', trigger: 'triggers' };
  const args: string[] = [];
  if (item.kind === 'kb') {
    for (const [name, folder] of [['rules', 'rules'], ['data-needed', 'data_needed'], ['logging-policies', 'logging_policies'], ['enrichments', 'enrichments'], ['triggers', 'triggers'], ['response-actions', 'response_actions'], ['response-playbooks', 'response_playbooks'], ['response-stages', 'response_stages']]) {
      if (existsSync(path.join(item.path, folder!))) args.push(`--${name}`, path.join(item.path, folder!));
    }
  } else if (flag[item.kind]) args.push(`--${flag[item.kind]}`, item.path);
  args.push('--config', item.kind === 'config' ? (item.isFolder ? path.join(item.path, 'atc.config.yml') : item.path) : noFoldersConfig(empty));
  return [...args, '--targets', 'es-qs'];
}

/** A configuration in an otherwise empty folder: every input folder defaults to one that is not there. */
function noFoldersConfig(folder: string): string {
  const file = path.join(folder, 'atc.config.yml');
  writeFileSync(file, 'output: _site\n');
  return file;
}

describe('atc check: the load and link issue codes, on tests/fixtures/invalid', () => {
  const fixtures = readFixtures();
  const checkStage = readdirSync(CHECK_FIXTURES).filter((name) => name in ISSUE_CODES);

  test('every issue code is shown through atc check by a fixture here or in tests/fixtures/invalid (file-too-large, yaml-list-limit: generated below)', () => {
    // Symbolic links are made by tests/cli/hostile-entities.test.ts, which runs atc check on them.
    const generatedElsewhere = ['symlink-outside-input', 'symlink-dangling', 'kb-size-limit'];
    const covered = new Set([...fixtures.map((item) => item.code), ...checkStage, 'file-too-large', 'yaml-list-limit', ...generatedElsewhere]);
    assert.deepEqual(Object.keys(ISSUE_CODES).filter((code) => !covered.has(code)), []);
    assert.deepEqual(checkStage.sort(), ['broken-link', 'conversion-failed', 'data-needed-no-logging-policy', 'duplicate-rule-title', 'unknown-profile-reference']);
  });

  for (const item of fixtures) {
    test(`${item.code}`, async (t) => {
      const empty = makeTempFolder(t, 'atc-kb-empty-');
      const { status, report } = await checkInProcess(argumentsFor(item, empty));
      const matching = report.issues.filter((issue) => issue.code === item.code);
      assert.ok(matching.length >= 1, `no ${item.code} in:\n${report.issues.map((issue) => `${issue.file}:${issue.line} ${issue.code}`).join('\n')}`);
      const issue = matching.find((candidate) => candidate.file.replace(/\\/g, '/').endsWith(item.file) && candidate.line === item.line);
      assert.ok(issue, `${item.code} at ${item.file}:${item.line}; found ${matching.map((candidate) => `${candidate.file}:${candidate.line}`).join(', ')}`);
      assert.equal(issue.severity, ISSUE_CODES[item.code as IssueCode]);
      assert.equal(status, report.issues.some((candidate) => candidate.severity === 'error') ? 1 : 0, 'exit status follows the errors');
      assert.equal(report.by_code[item.code]!.count, matching.length);
    });
  }

  test('file-too-large (generated)', async (t) => {
    const folder = makeTempFolder(t, 'atc-kb-check-large-');
    mkdirSync(path.join(folder, 'dn'));
    writeFileSync(path.join(folder, 'dn', 'huge.yml'), `title: DN_9999_huge\n${'#'.repeat(MAX_YAML_FILE_BYTES)}`);
    const empty = path.join(folder, 'empty');
    mkdirSync(empty);
    const { status, report } = await checkInProcess(['--data-needed', path.join(folder, 'dn'), '--config', noFoldersConfig(empty)]);
    assert.equal(status, 1);
    assert.deepEqual(report.issues.filter((issue) => issue.code === 'file-too-large').map((issue) => [path.basename(issue.file), issue.line, issue.severity]), [['huge.yml', 1, 'error']]);
  });

  test('yaml-list-limit (generated: 100,001 list items are 200 KB)', async (t) => {
    const folder = makeTempFolder(t, 'atc-kb-check-list-');
    mkdirSync(path.join(folder, 'rules'));
    writeFileSync(path.join(folder, 'rules', 'long.yml'), `title: Long list
values: [${Array(100_001).fill('x').join(',')}]
`);
    const empty = path.join(folder, 'empty');
    mkdirSync(empty);
    const { status, report } = await checkInProcess(['--rules', path.join(folder, 'rules'), '--config', noFoldersConfig(empty)]);
    assert.equal(status, 1);
    assert.deepEqual(report.issues.filter((issue) => issue.code === 'yaml-list-limit').map((issue) => [path.basename(issue.file), issue.line, issue.severity]), [['long.yml', 2, 'error']]);
  });
});
