// Values Sigma rules must hold, checked when `atc check` loads them: each hostile input below gets its
// exact `file:line:col severity code` line, errors exit 1, and warnings alone exit 0 (1 with --strict).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { writeTempTree } from '../helpers/temp-files.ts';
import { atc } from './cli-harness.ts';

const UUID = '929a690e-bef0-4204-a928-ef5e620d6fcc';

/** A valid rule with `extra` top-level lines and `selection` lines spliced in; line 2 is the id. */
function rule(options: { id?: string; extra?: string; selection?: string } = {}): string {
  return [
    'title: Hostile values',
    `id: ${options.id ?? UUID}`,
    'status: test',
    'level: low',
    'logsource:',
    '    product: windows',
    '    service: security',
    'detection:',
    '    selection:',
    options.selection ?? '        EventID: 4625',
    '    condition: selection',
    ...(options.extra ? [options.extra] : []),
    '',
  ].join('\n');
}

/** `atc check` over a knowledge base holding only these rule files. */
function check(t: { after: (fn: () => void) => void }, files: Record<string, string>, extra: string[] = []) {
  const root = writeTempTree(t, Object.fromEntries(Object.entries(files).map(([name, text]) => [`rules/${name}`, text])));
  return atc(['check', '--rules', 'rules', '--targets', 'es-qs', '--quiet', ...extra], root);
}

/** The issue lines of a report (the counts below them left out). */
const issueLines = (stdout: string): string[] => stdout.split('\n').filter((line) => /^rules\//.test(line)).map((line) => line.replace(/^(\S+ \S+ \S+).*$/, '$1'));

test('each hostile value is an error at its file:line:col, and the check fails', (t) => {
  const cases: Array<[string, string, string]> = [
    ['cidr.yml', rule({ selection: "        DestinationIp|cidr: '300.12.0.0/33'" }), 'rules/cidr.yml:10:29 error field-value'],
    ['regex.yml', rule({ selection: "        Image|re: '\\\\evil('" }), 'rules/regex.yml:10:19 error field-value'],
    ['tags.yml', rule({ extra: 'tags: attack.t1003' }), 'rules/tags.yml:12:7 error field-type'],
    ['references.yml', rule({ extra: 'references: https://example.org' }), 'rules/references.yml:12:13 error field-type'],
    ['fields.yml', rule({ extra: 'fields: CommandLine' }), 'rules/fields.yml:12:9 error field-type'],
    ['falsepositives.yml', rule({ extra: 'falsepositives: none' }), 'rules/falsepositives.yml:12:17 error field-type'],
  ];
  for (const [name, text, line] of cases) {
    const result = check(t, { [name]: text });
    assert.equal(result.status, 1, `${name}: ${result.stdout}${result.stderr}`);
    assert.deepEqual(issueLines(result.stdout), [line], `${name}: ${result.stdout}`);
  }
});

test('a level, status, related type or date outside the specification warns and the value is left out: exit 0, and 1 with --strict', (t) => {
  const cases: Array<[string, string, string]> = [
    ['level.yml', rule().replace('level: low', 'level: apocalyptic'), 'rules/level.yml:4:8 warning sigma-metadata-value'],
    ['status.yml', rule().replace('status: test', 'status: superstable'), 'rules/status.yml:3:9 warning sigma-metadata-value'],
    ['date.yml', rule({ extra: 'date: 2024-13-45' }), 'rules/date.yml:12:7 warning sigma-metadata-value'],
    ['related.yml', rule({ extra: `related:\n    - id: ${UUID.replace('c', 'd')}\n      type: cousin` }), 'rules/related.yml:14:13 warning sigma-metadata-value'],
  ];
  for (const [name, text, line] of cases) {
    const result = check(t, { [name]: text });
    assert.equal(result.status, 0, `${name}: ${result.stdout}${result.stderr}`);
    assert.deepEqual(issueLines(result.stdout), [line], `${name}: ${result.stdout}`);
    assert.equal(check(t, { [name]: text }, ['--strict']).status, 1, name);
  }
  const root = writeTempTree(t, { 'rules/level.yml': rule().replace('level: low', 'level: apocalyptic') });
  const built = atc(['build', '--rules', 'rules', '--targets', 'es-qs', '--out', 'site', '--quiet'], root);
  assert.equal(built.status, 0, built.stdout + built.stderr);
  const page = readFileSync(path.join(root, 'site', 'markdown', 'Detection_Rules', 'level.md'), 'utf8');
  // The rule's table leaves the level out; the Sigma rule below it is shown as written.
  assert.match(page, /^\| Severity Level +\| not set \|$/m);
  assert.match(page, /^EventID:"4625"$/m);
});

test('ids that are no UUID and unknown top-level keys warn: exit 0, and 1 with --strict', (t) => {
  const files = { 'number.yml': rule({ id: '12345' }).replace('Hostile values', 'Numeric id'), 'path.yml': rule({ id: '../x', extra: 'severity: high' }) };
  const result = check(t, files);
  assert.equal(result.status, 0, result.stdout + result.stderr);
  assert.deepEqual(issueLines(result.stdout), ['rules/number.yml:2:5 warning sigma-id-format', 'rules/path.yml:2:5 warning sigma-id-format', 'rules/path.yml:12:1 warning field-unknown']);
  assert.match(result.stdout, /^rules\/path\.yml:12:1 warning field-unknown unknown key "severity" in a Sigma rule$/m);
  assert.equal(check(t, files, ['--strict']).status, 1);
});

test('correlation rules counting each other are an error naming the cycle, at the reference that closes it', (t) => {
  const correlation = (name: string, id: string, counts: string): string =>
    [`title: Correlation ${name}`, `name: ${name}`, `id: ${id}`, 'status: test', 'correlation:', '    type: event_count', '    rules:', `        - ${counts}`, '    group-by:', '        - TargetUserName', '    timespan: 10m', '    condition:', '        gte: 5', 'level: medium', ''].join('\n');
  const result = check(t, {
    'a.yml': correlation('first', '929a690e-bef0-4204-a928-ef5e620d6f01', 'second'),
    'b.yml': correlation('second', '929a690e-bef0-4204-a928-ef5e620d6f02', 'first'),
    'self.yml': correlation('itself', '929a690e-bef0-4204-a928-ef5e620d6f03', 'itself'),
  });
  assert.equal(result.status, 1, result.stdout + result.stderr);
  assert.match(result.stdout, /^rules\/b\.yml:8:11 error reference-cycle correlation rules reference each other in a cycle: first → second → first$/m);
  assert.match(result.stdout, /^rules\/self\.yml:8:11 error reference-cycle correlation rules reference each other in a cycle: itself → itself$/m);
  assert.equal(issueLines(result.stdout).filter((line) => line.endsWith('reference-cycle')).length, 2);
});

test('the same rule with valid values checks clean', (t) => {
  const result = check(t, { 'good.yml': rule({ selection: "        DestinationIp|cidr: ['10.0.0.0/8', 'fe80::/10']\n        Image|re: '(?i)\\\\evil\\.exe$'", extra: `date: 2024/02/29\nrelated:\n    - id: ${UUID.replace('c', 'd')}\n      type: derived\ntags:\n    - attack.t1003` }) });
  assert.equal(result.status, 0, result.stdout + result.stderr);
  assert.deepEqual(issueLines(result.stdout), []);
});
