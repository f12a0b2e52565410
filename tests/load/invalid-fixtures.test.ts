/**
 * One invalid input per issue code, in tests/fixtures/invalid/<code>.yml or tests/fixtures/invalid/<code>/.
 * Each is loaded through the real loader its header names and must produce exactly one issue of that
 * code, at the line (and column) the header gives. A code without a fixture fails the completeness test,
 * so adding a code to ISSUE_CODES means adding an input that shows it.
 *
 * Header (comment lines at the top of the file, or of `fixture.yml` in a folder fixture):
 *   # kind: rule|data-needed|logging-policy|enrichment|trigger|config|kb
 *   # line: 12          the exact line of the issue
 *   # column: 5         optional, the exact column
 *   # file: rules/b.yml folder fixtures: the file the issue names, relative to the folder
 *   # message: text     optional, a piece of the message
 *   # todo: reason      optional: a known bug in src/ makes this fixture fail; the test runs as a TODO
 * File fixtures of an entity kind are loaded alone and then linked (so dangling references and ATT&CK
 * tags are reported); `kb` folders hold rules/, data_needed/... and are loaded and linked together;
 * `config` fixtures are read by loadConfig (a file as --config, a folder as the working directory).
 */
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { loadConfig } from '../../src/load/load-config.ts';
import { loadDataNeeded } from '../../src/load/load-data-needed.ts';
import { MAX_YAML_FILE_BYTES } from '../../src/load/read-yaml-file.ts';
import { ISSUE_CODES, type Issue, type IssueCode } from '../../src/model/issue.ts';
import { describeIssues, loadKnowledgeBase, standardFolders, type KnowledgeBaseFolders } from '../helpers/knowledge-base.ts';
import { INVALID, readFixtures, type Fixture, type Kind } from '../helpers/invalid-fixtures.ts';


/** Codes shown by a test below instead of a committed fixture, with the reason. */
const GENERATED: Partial<Record<IssueCode, string>> = {
  'file-too-large': 'needs a file over 2 MiB; the test writes one into a temporary folder',
  'kb-size-limit': 'needs over 50,000 files or 256 MiB in one knowledge base; tests/load/knowledge-base-budget.test.ts lowers the limits',
  'yaml-list-limit': 'needs over 10,000 list items or mapping entries; tests/load/yaml-limits.test.ts writes them',
  // Git stores a symbolic link as a link only where the checkout supports them; these tests make their own.
  'symlink-outside-input': 'a symbolic link, made by a test below in a temporary folder',
  'symlink-dangling': 'a symbolic link, made by a test below in a temporary folder',
  // Check-stage codes (src/check/run-checks.ts) need conversion and rendered pages, which the loaders and
  // the linker run here do not produce; tests/check/check-command.test.ts shows each through `atc check`
  // on tests/fixtures/check/<code>/.
  'duplicate-rule-title': 'check stage: tests/fixtures/check/duplicate-rule-title, run by tests/check',
  'data-needed-no-logging-policy': 'check stage: tests/fixtures/check/data-needed-no-logging-policy, run by tests/check',
  'broken-link': 'check stage (rendered pages): tests/fixtures/check/broken-link, run by tests/check',
  'conversion-failed': 'check stage (conversion): tests/fixtures/check/conversion-failed, run by tests/check',
  // Profiles are resolved after conversion (a profile may name a query target), which these loaders do not run.
  'unknown-profile-reference': 'coverage stage: tests/fixtures/check/unknown-profile-reference, run by tests/check',
};

/** Runs the fixture through the real loaders (and the linker) and returns every issue. */
function issuesOf(fixture: Fixture): readonly Issue[] {
  const cwd = fixture.isFolder ? fixture.path : INVALID;
  if (fixture.kind === 'config') {
    return fixture.isFolder ? loadConfig({}, fixture.path).issues : loadConfig({ configFile: path.basename(fixture.path) }, INVALID).issues;
  }
  if (fixture.kind === 'kb') {
    assert.ok(fixture.isFolder, `${fixture.code}: kind kb needs a folder`);
    return loadKnowledgeBase(standardFolders(fixture.path), cwd).issues;
  }
  const key: Record<Exclude<Kind, 'config' | 'kb'>, keyof KnowledgeBaseFolders> = {
    rule: 'rules',
    'data-needed': 'dataNeeded',
    'logging-policy': 'loggingPolicies',
    enrichment: 'enrichments',
    trigger: 'triggers',
  };
  return loadKnowledgeBase({ [key[fixture.kind]]: [fixture.path] }, cwd).issues;
}

const fixtures = readFixtures();

describe('invalid fixtures: one input per issue code', () => {
  test('every fixture is named after an issue code', () => {
    const unknown = fixtures.map((fixture) => fixture.code).filter((code) => !(code in ISSUE_CODES));
    assert.deepEqual(unknown, [], 'fixtures whose name is not a code of ISSUE_CODES (src/model/issue.ts)');
  });

  test('every issue code has a fixture (or is generated by a test, with the reason)', () => {
    const covered = new Set(fixtures.map((fixture) => fixture.code));
    const missing = Object.keys(ISSUE_CODES).filter((code) => !covered.has(code) && !(code in GENERATED));
    assert.deepEqual(missing, [], `add tests/fixtures/invalid/<code>.yml for these codes`);
    for (const code of Object.keys(GENERATED)) {
      assert.ok(!covered.has(code), `${code} has a fixture now; remove it from GENERATED`);
    }
  });

  for (const fixture of fixtures) {
    test(`${fixture.code} (${fixture.kind}${fixture.isFolder ? ', folder' : ''})`, { todo: fixture.todo ?? false }, () => {
      const issues = issuesOf(fixture);
      const matching = issues.filter((issue) => issue.code === fixture.code);
      assert.equal(matching.length, 1, `expected exactly one ${fixture.code} issue, got:\n${describeIssues(issues)}`);
      const issue = matching[0]!;
      assert.equal(issue.severity, ISSUE_CODES[fixture.code as IssueCode], 'the registry severity');
      assert.equal(issue.file, fixture.file, 'the file the issue names');
      assert.equal(issue.line, fixture.line, `line of: ${describeIssues([issue])}`);
      if (fixture.column !== undefined) assert.equal(issue.column, fixture.column, `column of: ${describeIssues([issue])}`);
      else assert.ok(issue.column >= 1, 'columns count from 1');
      if (fixture.message !== undefined) assert.ok(issue.message.includes(fixture.message), `message "${issue.message}" should include "${fixture.message}"`);
      // One problem per fixture: other errors would make it unclear what the fixture shows.
      const otherErrors = issues.filter((other) => other !== issue && other.severity === 'error');
      assert.deepEqual(otherErrors, [], `unexpected errors besides ${fixture.code}:\n${describeIssues(otherErrors)}`);
    });
  }

  test('file-too-large: a file over the limit is refused unread (generated, not committed)', (t) => {
    const folder = mkdtempSync(path.join(tmpdir(), 'atc-kb-too-large-'));
    t.after(() => rmSync(folder, { recursive: true, force: true }));
    const header = 'title: DN_9999_huge\ndescription: padding follows\nfields: [EventID]\n';
    writeFileSync(path.join(folder, 'file-too-large.yml'), header + '#'.repeat(MAX_YAML_FILE_BYTES + 1 - header.length));
    const started = performance.now();
    const { items, issues } = loadDataNeeded(['.'], folder);
    assert.ok(performance.now() - started < 1000, 'refused without parsing');
    assert.deepEqual(items, []);
    assert.deepEqual(
      issues.map((issue) => [issue.file, issue.line, issue.column, issue.code, issue.severity]),
      [['file-too-large.yml', 1, 1, 'file-too-large', 'error']],
    );
    assert.match(issues[0]!.message, new RegExp(String(MAX_YAML_FILE_BYTES)));
  });

  for (const [code, target] of [['symlink-outside-input', '../outside/DN_0900_secret.yml'], ['symlink-dangling', 'DN_0901_gone.yml']] as const) {
    test(`${code}: a link under the input folder, reported at the link (generated, not committed)`, (t) => {
      const folder = mkdtempSync(path.join(tmpdir(), 'atc-kb-symlink-'));
      t.after(() => rmSync(folder, { recursive: true, force: true }));
      mkdirSync(path.join(folder, 'data_needed'));
      mkdirSync(path.join(folder, 'outside'));
      writeFileSync(path.join(folder, 'outside/DN_0900_secret.yml'), 'title: DN_0900_secret\ndescription: not for publication\nfields: [EventID]\n');
      symlinkSync(target, path.join(folder, 'data_needed/DN_0900_link.yml'));
      const { items, issues } = loadDataNeeded(['data_needed'], folder);
      assert.deepEqual(items, []);
      assert.deepEqual(
        issues.map((issue) => [issue.file, issue.line, issue.column, issue.code, issue.severity]),
        [['data_needed/DN_0900_link.yml', 1, 1, code, ISSUE_CODES[code]]],
      );
      assert.ok(issues[0]!.message.includes(target), `the message names the target: ${issues[0]!.message}`);
    });
  }

  test('a file exactly at the limit is read', (t) => {
    const folder = mkdtempSync(path.join(tmpdir(), 'atc-kb-at-limit-'));
    t.after(() => rmSync(folder, { recursive: true, force: true }));
    const header = 'title: DN_9999_at_limit\ndescription: padding follows\nfields: [EventID]\n';
    writeFileSync(path.join(folder, 'at-limit.yml'), header + '#'.repeat(MAX_YAML_FILE_BYTES - header.length));
    const { items, issues } = loadDataNeeded(['.'], folder);
    assert.deepEqual(issues, []);
    assert.equal(items.length, 1);
  });
});
