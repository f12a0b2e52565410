// `atc coverage` through the real command (bin/atc.js) on the sample knowledge base, with profiles written
// by each test: the three formats, the JSON contract, --min-techniques, baselines, and hostile profile names.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { writeTempTree } from '../helpers/temp-files.ts';
import { atc as runAtc, PROJECT } from './cli-harness.ts';

/** GitHub's own variable is left out, so that the default format is text wherever the tests run. */
function atc(args: string[], env: Record<string, string> = {}): ReturnType<typeof runAtc> {
  const { GITHUB_ACTIONS: _ignored, ...inherited } = process.env;
  return runAtc(['coverage', ...args], PROJECT, { ...inherited, ...env });
}

const SYSMON = [
  'title: Sysmon everywhere',
  'description: Sysmon on every Windows host',
  'data_needed:',
  '  - DN_0003_1_windows_sysmon_process_creation',
  '  - DN_0004_3_windows_sysmon_network_connection',
  '  - DN_0005_11_windows_sysmon_file_create',
  '  - DN_0006_13_windows_sysmon_registry_value_set',
].join('\n');
const SECURITY = [
  'title: Security log with command line',
  'logging_policies: [LP_0002_windows_audit_process_creation_with_commandline]',
  'data_needed: [DN_0007_4104_windows_powershell_script_block]',
].join('\n');

interface CoverageJson {
  format_version: number;
  ok: boolean;
  profiles: Array<{
    name: string;
    key: string;
    rules: { runnable: number; partial: number; not_runnable: number; considered: number };
    techniques_covered: number;
    enable_next: Array<{ kind: string; name: string; new_runnable_rules: number; new_techniques: number; runnable_after: number; techniques_after: number }>;
    runnable_rules: Array<{ key: string; title: string }>;
    techniques: string[];
  }>;
  failures: Array<{ profile: string; message: string }>;
}

function json(args: string[]): { status: number | null; report: CoverageJson; stderr: string } {
  const result = atc([...args, '--format', 'json']);
  assert.ok(result.stdout.startsWith('{'), `${result.stderr}\n${result.stdout}`);
  return { status: result.status, report: JSON.parse(result.stdout), stderr: result.stderr };
}

describe('atc coverage', () => {
  test('--format json follows the documented contract, and the text format prints the same numbers', (t) => {
    const profiles = writeTempTree(t, { 'sysmon.yml': SYSMON, 'security.yml': SECURITY });
    const { status, report, stderr } = json(['--profiles', profiles]);
    assert.equal(status, 0, stderr);
    assert.equal(report.format_version, 1);
    assert.equal(report.ok, true);
    assert.deepEqual(report.profiles.map((profile) => profile.name), ['Security log with command line', 'Sysmon everywhere']);
    for (const profile of report.profiles) {
      const { rules } = profile;
      for (const count of [rules.runnable, rules.partial, rules.not_runnable, profile.techniques_covered]) assert.ok(Number.isInteger(count) && count >= 0);
      assert.equal(rules.runnable + rules.partial + rules.not_runnable, rules.considered);
      assert.ok(rules.runnable > 0, `${profile.name} runs something`);
      assert.equal(profile.runnable_rules.length, rules.runnable);
      assert.equal(profile.techniques.length, profile.techniques_covered);
      assert.ok(profile.enable_next.length > 0, `${profile.name}: something to enable next`);
      let runnable = rules.runnable;
      for (const step of profile.enable_next) {
        assert.ok(step.kind === 'data_needed' || step.kind === 'logging_policy', step.kind);
        assert.match(step.name, /^(DN|LP)_/);
        assert.ok(Number.isInteger(step.new_runnable_rules) && Number.isInteger(step.new_techniques));
        runnable += step.new_runnable_rules;
        assert.equal(step.runnable_after, runnable, `${profile.name}: ${step.name}: cumulative runnable rules`);
      }
    }
    const text = atc(['--profiles', profiles]);
    assert.equal(text.status, 0, text.stderr);
    for (const profile of report.profiles) {
      const { rules } = profile;
      assert.ok(text.stdout.includes(`${profile.name} (${profile.key}.yml)\n  ${rules.runnable} runnable, ${rules.partial} partial, ${rules.not_runnable} not runnable of ${rules.considered} rules; ${profile.techniques_covered} techniques covered\n`), text.stdout);
      const [first] = profile.enable_next;
      assert.ok(text.stdout.includes(`    1. ${first!.name} (`), text.stdout);
    }
    assert.match(text.stderr, /^atc coverage: passed; 2 of 2 profiles, \d+ rules, checked in [\d.]+ s\n$/);
  });

  test('--profile picks profiles by title or key; an unknown one, no profile at all, or a bad option exits 2', (t) => {
    const profiles = writeTempTree(t, { 'sysmon.yml': SYSMON, 'security.yml': SECURITY });
    assert.deepEqual(json(['--profiles', profiles, '--profile', 'sysmon']).report.profiles.map((profile) => profile.name), ['Sysmon everywhere']);
    assert.deepEqual(json(['--profiles', profiles, '--profile', 'Security log with command line']).report.profiles.map((profile) => profile.key), ['security']);
    const unknown = atc(['--profiles', profiles, '--profile', 'Sysmon']);
    assert.equal(unknown.status, 2);
    assert.match(unknown.stderr, /^atc coverage: no profile named "Sysmon"; profiles: /);
    const empty = writeTempTree(t, { 'not-a-profile.yml': 'title: [unterminated' });
    const none = atc(['--profiles', empty]);
    assert.equal(none.status, 2, none.stderr);
    assert.match(none.stderr, /not-a-profile\.yml:\d+:\d+ error yaml-syntax [^\n]*\natc coverage: no coverage profile found/, 'the broken file is named');
    for (const args of [['--format', 'xml'], ['--min-techniques', 'many'], ['--min-techniques', '-1'], ['--frobnicate'], ['--baseline', path.join(empty, 'absent.json')]]) {
      const result = atc(['--profiles', profiles, ...args]);
      assert.equal(result.status, 2, `${args.join(' ')}: ${result.stderr}`);
      assert.match(result.stderr, /^atc coverage: .+\nusage: atc coverage/);
    }
    const typo = writeTempTree(t, { 'typo.yml': 'title: Typo\ndata_needed: [DN_0003_1_windows_sysmon_proces_creation]\n' });
    const warned = atc(['--profiles', typo]);
    assert.equal(warned.status, 0, warned.stderr);
    assert.match(warned.stderr, /typo\.yml:\d+:\d+ warning unknown-profile-reference .*DN_0003_1_windows_sysmon_process_creation/m, 'a misspelt name, which lowers coverage quietly, is shown with the closest name');
    const help = atc(['--help']);
    assert.equal(help.status, 0);
    assert.match(help.stdout, /^usage: atc coverage /);
  });

  test('--min-techniques: a profile covering fewer techniques fails (exit 1) and is named', (t) => {
    const profiles = writeTempTree(t, { 'sysmon.yml': SYSMON, 'security.yml': SECURITY });
    const { report } = json(['--profiles', profiles]);
    const least = Math.min(...report.profiles.map((profile) => profile.techniques_covered));
    const weakest = report.profiles.find((profile) => profile.techniques_covered === least)!;
    assert.equal(atc(['--profiles', profiles, '--min-techniques', String(least)]).status, 0, 'exactly the threshold passes');
    const below = atc(['--profiles', profiles, '--min-techniques', String(least + 1)]);
    assert.equal(below.status, 1, below.stderr);
    assert.ok(below.stdout.includes(`FAILED ${weakest.name}: covers ${least} techniques, below --min-techniques ${least + 1}\n`), below.stdout);
    assert.match(below.stderr, /^atc coverage: failed \(\d+ failures?\)/);
    const failing = json(['--profiles', profiles, '--min-techniques', String(least + 1)]);
    assert.equal(failing.status, 1);
    assert.equal(failing.report.ok, false);
    assert.ok(failing.report.failures.some((failure) => failure.profile === weakest.name));
  });

  test('--baseline: the same knowledge base passes; a profile that lost rules or techniques fails, naming them', (t) => {
    const profiles = writeTempTree(t, { 'sysmon.yml': SYSMON, 'security.yml': SECURITY });
    const baseline = path.join(profiles, 'out', 'baseline.json');
    const written = atc(['--profiles', profiles, '--write-baseline', baseline]);
    assert.equal(written.status, 0, written.stderr);
    const saved: CoverageJson = JSON.parse(readFileSync(baseline, 'utf8'));
    assert.equal(atc(['--profiles', profiles, '--baseline', baseline]).status, 0, 'no change, no failure');

    // The Sysmon profile loses its registry log: the rules that needed only it are no longer runnable.
    writeFileSync(path.join(profiles, 'sysmon.yml'), SYSMON.split('\n').filter((line) => !line.includes('DN_0006')).join('\n'));
    const after = json(['--profiles', profiles]).report.profiles.find((profile) => profile.key === 'sysmon')!;
    const before = saved.profiles.find((profile) => profile.key === 'sysmon')!;
    const lost = before.runnable_rules.filter((rule) => !after.runnable_rules.some((now) => now.key === rule.key));
    assert.ok(lost.length > 0, 'the registry rules are no longer runnable');
    const result = atc(['--profiles', profiles, '--baseline', baseline]);
    assert.equal(result.status, 1, result.stderr);
    const failure = result.stdout.split('\n').find((line) => line.startsWith('FAILED Sysmon everywhere: lost '))!;
    assert.ok(failure, result.stdout);
    for (const rule of lost) assert.ok(failure.includes(`${rule.title} (${rule.key})`), `${failure} names ${rule.title}`);
    const lostTechniques = before.techniques.filter((id) => !after.techniques.includes(id));
    if (lostTechniques.length > 0) assert.ok(result.stdout.includes(`lost ${lostTechniques.length} technique${lostTechniques.length === 1 ? '' : 's'} against the baseline: ${lostTechniques.join(', ')}`), result.stdout);
    assert.ok(!result.stdout.includes('FAILED Security'), 'the unchanged profile passes');
    // --profile leaves the other profiles out of the comparison.
    assert.equal(atc(['--profiles', profiles, '--baseline', baseline, '--profile', 'security']).status, 0);
  });

  test('--baseline with only the contract\'s keys compares the counts; a profile gone from the run fails', (t) => {
    const profiles = writeTempTree(t, { 'sysmon.yml': SYSMON });
    const { report } = json(['--profiles', profiles]);
    const [sysmon] = report.profiles;
    const contractOnly = {
      profiles: [
        { name: 'Sysmon everywhere', rules: { runnable: sysmon!.rules.runnable + 1, partial: 0, not_runnable: 0 }, techniques_covered: sysmon!.techniques_covered, enable_next: [] },
        { name: 'Gone <profile>', rules: { runnable: 3, partial: 0, not_runnable: 0 }, techniques_covered: 2, enable_next: [] },
      ],
    };
    const file = path.join(profiles, 'baseline.json');
    writeFileSync(file, JSON.stringify(contractOnly));
    const result = atc(['--profiles', profiles, '--baseline', file]);
    assert.equal(result.status, 1, result.stderr);
    assert.ok(result.stdout.includes(`FAILED Sysmon everywhere: runnable rules fell from ${sysmon!.rules.runnable + 1} to ${sysmon!.rules.runnable} against the baseline\n`), result.stdout);
    assert.ok(result.stdout.includes('FAILED Gone <profile>: is in the baseline (3 runnable rules, 2 techniques) but not in this run\n'), result.stdout);
    writeFileSync(file, JSON.stringify({ profiles: [{ name: 'x' }] }));
    const malformed = atc(['--profiles', profiles, '--baseline', file]);
    assert.equal(malformed.status, 2);
    assert.match(malformed.stderr, /profiles\[0\] needs "name", "rules": \{"runnable"\} and "techniques_covered"/);
  });

  test('hostile profile names cannot end or forge a workflow command, nor a line of the text report', (t) => {
    const hostile = '::error file=x.yml,line=1::pwned %0A\r\n::warning::forged, title: yes\u001b[2K';
    const profiles = writeTempTree(t, { 'evil.yml': `title: ${JSON.stringify(hostile)}\ndata_needed: [DN_0003_1_windows_sysmon_process_creation]\n` });
    const github = atc(['--profiles', profiles, '--min-techniques', '100000'], { GITHUB_ACTIONS: 'true' });
    assert.equal(github.status, 1, github.stderr);
    const lines = github.stdout.split('\n').filter((line) => line !== '');
    assert.equal(lines.length, 2, github.stdout);
    assert.ok(lines[0]!.startsWith('::notice file='), lines[0]);
    assert.ok(lines[1]!.startsWith('::error file='), lines[1]);
    for (const line of lines) {
      // GitHub reads the properties up to the first "::" after the command; the message may hold anything but a line break.
      const properties = /^::(?:notice|error) ([^:\r\n]*)::[^\r\n]*$/.exec(line)?.[1];
      assert.ok(properties !== undefined, `one command per line: ${line}`);
      const title = /(?:^|,)title=([^,]*)$/.exec(properties)?.[1];
      assert.ok(title, line);
      assert.ok(!/[:,\r\n\u001b]/.test(title), `the title property is escaped: ${title}`);
      assert.ok(title.startsWith('Coverage%3A %3A%3Aerror file=x.yml%2Cline=1%3A%3Apwned %250A\\u000d\\u000a%3A%3Awarning%3A%3Aforged%2C title%3A yes\\u001b[2K'), title);
      assert.ok(!line.includes('\u001b'));
    }
    const text = atc(['--profiles', profiles]);
    assert.equal(text.status, 0, text.stderr);
    for (const line of text.stdout.split('\n')) assert.ok(!/^\s*(::|##\[)/.test(line) && !line.includes('\u001b') && !line.includes('\r'), JSON.stringify(line));
    assert.ok(text.stdout.startsWith('\\u003a:error file=x.yml'), text.stdout);
    const report = json(['--profiles', profiles]).report;
    assert.equal(report.profiles[0]!.name, hostile, 'JSON keeps the name as it is');
  });
});
