/**
 * What `atc build` prints: the errors and warnings (not every note), then a one-screen summary; a status
 * line per stage on a terminal, none in CI. The checks themselves are the same as `atc check`'s.
 */
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync } from 'node:fs';
import path from 'node:path';
import { describeFiles, formatBuildSummary, StageProgress } from '../../src/check/build-report.ts';
import { attackCatalog, FIXTURES, PROJECT_ROOT } from '../helpers/knowledge-base.ts';
import { makeTempFolder } from '../helpers/temp-files.ts';
import { buildKnowledgeBase } from '../../src/build.ts';
import { loadConfig } from '../../src/load/load-config.ts';

function buildIn(t: { after: (fn: () => void) => void }, fixture: string, args: string[] = [], env: Record<string, string> = { CI: 'true' }): { status: number | null; stderr: string; stdout: string; folder: string } {
  const folder = makeTempFolder(t, 'atc-kb-build-report-');
  cpSync(path.join(FIXTURES, 'check', fixture), folder, { recursive: true });
  const result = spawnSync(process.execPath, [path.join(PROJECT_ROOT, 'bin/atc.js'), 'build', ...args], { cwd: folder, encoding: 'utf8', env: { ...process.env, ...env } });
  return { status: result.status, stderr: result.stderr, stdout: result.stdout, folder };
}

describe('atc build: issues and summary', () => {
  test('notes are counted, not listed; the summary names what was written; CI output has no progress line; the exports are written', (t) => {
    const result = buildIn(t, 'conversion-failed');
    assert.equal(result.status, 0, result.stderr);
    assert.doesNotMatch(result.stderr, / info conversion-failed (es-qs|graylog)/, 'no note lines');
    assert.match(result.stderr, /^ +3 {2}info conversion-failed$/m);
    assert.match(result.stderr, /^atc build: 1 rules, 1 Data Needed, 1 Logging Policies, 0 Enrichments, 0 Triggers$/m);
    // 3 layers of the rules, and one per ATT&CK group and software of the committed snapshot.
    const layers = 3 + attackCatalog().groups.length + attackCatalog().software.length;
    assert.match(result.stderr, new RegExp(`^ {2}written to _site: 4 markdown pages, ${layers} Navigator layers, \\d+ api/ documents, 3 CSV files, 1 feed`, 'm'));
    assert.match(result.stderr, /^ {2}0 errors, 0 warnings, 3 notes \(notes are not listed; atc check lists them\)$/m);
    assert.match(result.stderr, /^ {2}time: [\d.]+ s \(load [\d.]+, link [\d.]+, convert [\d.]+, coverage [\d.]+, render [\d.]+, check [\d.]+, site [\d.]+\)$/m);
    assert.doesNotMatch(result.stderr, /[\r\u001b]/, 'no terminal control in CI');
    assert.ok(result.stderr.split('\n').length < 25, 'one screen');
    for (const file of ['layers/all.json', 'layers/product-windows.json', 'layers/level-high.json', 'api/rules.json', 'api/rules/3e1f7c52-6a43-4b0e-9a51-0c8f2d7b9e10.json', 'analytics.csv', 'rules.csv', 'techniques.csv', 'feed.xml']) {
      assert.ok(existsSync(path.join(result.folder, '_site', file)), file);
    }
  });

  test('warnings are listed (not with --quiet); errors are listed and nothing is written', (t) => {
    const warnings = buildIn(t, 'duplicate-rule-title');
    assert.equal(warnings.status, 0);
    assert.match(warnings.stderr, /^rules\/proc_creation_win_rundll32_comsvcs_ordinal\.yml:1:8 warning duplicate-rule-title /m);
    const quiet = buildIn(t, 'duplicate-rule-title', ['--quiet']);
    assert.equal(quiet.status, 0);
    assert.doesNotMatch(quiet.stderr, /^rules\/.* warning duplicate-rule-title /m);
    assert.match(quiet.stderr, /^ +1 {2}warning duplicate-rule-title$/m);
    const errors = buildIn(t, 'broken-link');
    assert.equal(errors.status, 1);
    assert.match(errors.stderr, /^logging_policies\/LP_0002_windows_audit_process_creation_with_commandline\.yml:1:1 error broken-link /m);
    assert.match(errors.stderr, /nothing written/);
    assert.ok(!existsSync(path.join(errors.folder, '_site')));
  });

  test('progress: a rewritten status line on a terminal, nothing in CI or into a pipe', () => {
    const written: string[] = [];
    const terminal = { isTTY: true, write: (text: string) => written.push(text) };
    const progress = new StageProgress(terminal, {});
    assert.equal(progress.enabled, true);
    progress.stage('load');
    progress.stage('site');
    progress.clear();
    assert.match(written[0]!, /^\r\u001b\[2Katc build: loading files… \(0\.\d s\)$/);
    assert.match(written[1]!, /writing the site/);
    assert.equal(written[2], '\r\u001b[2K');
    for (const [stream, env] of [
      [terminal, { CI: 'true' }],
      [{ isTTY: false, write: terminal.write }, {}],
      [{ write: terminal.write }, {}],
    ] as const) {
      const quiet = new StageProgress(stream, env);
      const before = written.length;
      quiet.stage('load');
      quiet.clear();
      assert.equal(quiet.enabled, false);
      assert.equal(written.length, before);
    }
  });

  test('the summary of the sample knowledge base fits one screen and counts every file kind', () => {
    const { config } = loadConfig({ configFile: 'atc.config.yml' }, PROJECT_ROOT);
    const stages: string[] = [];
    const build = buildKnowledgeBase(config, { onStage: (stage) => stages.push(stage) });
    assert.deepEqual(stages, ['load', 'link', 'convert', 'coverage', 'render', 'check']);
    const text = formatBuildSummary({ build, issues: build.issues, outDir: '_site', site: '316 HTML pages', siteSeconds: 1.5, totalSeconds: 2 });
    assert.ok(text.split('\n').length <= 24, text);
    // analytics.csv, rules.csv, techniques.csv, and one per coverage profile; a case template per playbook.
    assert.match(describeFiles(build.files), new RegExp(`^\\d+ markdown pages, \\d+ Navigator layers, \\d+ api/ documents, ${build.kb.response.playbooks.length} TheHive case templates, ${3 + build.profiles.length} CSV files, 1 feed$`));
    assert.ok(build.kb.response.playbooks.length > 0);
    assert.ok(build.profiles.length > 0);
  });
});
