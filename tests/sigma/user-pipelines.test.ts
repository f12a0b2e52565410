import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, test } from 'node:test';
import { loadPipelineFile, userPipelineMap } from '../../src/load/load-pipelines.ts';
import { formatIssue } from '../../src/model/issue.ts';
import { convertCollection } from '../../src/sigma/convert-collection.ts';
import { parseRules } from './helpers.ts';

const ROOT = new URL('../../', import.meta.url).pathname;
const EXAMPLE = path.join(ROOT, 'tests/fixtures/pipelines/my-siem.yml');

function load(text: string): ReturnType<typeof loadPipelineFile> {
  const dir = mkdtempSync(path.join(tmpdir(), 'atc-pipeline-'));
  writeFileSync(path.join(dir, 'p.yml'), text);
  return loadPipelineFile(path.join(dir, 'p.yml'), 'p.yml', 'p');
}

function convertWith(pipelineFile: ReturnType<typeof loadPipelineFile>, target: string, logsource: string, detection: string): string[] | string {
  const rules = parseRules(`title: t\nlogsource: ${logsource}\ndetection:\n${detection.replace(/^/gm, '  ')}\n`).rules;
  const result = convertCollection(rules, { target, pipeline: pipelineFile.pipeline!.name }, userPipelineMap([pipelineFile.pipeline!]));
  return result.ok ? result.queries : `ERROR ${result.category}: ${result.reason}`;
}

describe('user pipelines (YAML field mappings)', () => {
  test('the README example is the fixture file', () => {
    const readme = readFileSync(path.join(ROOT, 'README.md'), 'utf8');
    const section = readme.slice(readme.indexOf('### Custom field mappings'));
    const example = /Example \(the file `tests\/fixtures\/pipelines\/my-siem\.yml`[^\n]*\n\n```yaml\n([\s\S]*?)```/.exec(section)?.[1];
    const fixture = readFileSync(EXAMPLE, 'utf8').replace(/^#.*\n/gm, '');
    assert.equal(example, fixture);
  });
  test('the README example converts as the README says', () => {
    const loaded = loadPipelineFile(EXAMPLE, 'my-siem.yml', 'acme');
    assert.deepEqual(loaded.issues, []);
    assert.deepEqual(loaded.pipeline!.targets, ['splunk']);
    const PROCESS = '{product: windows, category: process_creation}';
    assert.deepEqual(convertWith(loaded, 'splunk', PROCESS, "sel: {Image|endswith: '\\whoami.exe'}\ncondition: sel"), ['sourcetype="acme:sysmon" index="acme_endpoint" process_path="*\\\\whoami.exe"']);
    // One-to-many renames, the file-wide rename of User.
    assert.deepEqual(convertWith(loaded, 'splunk', PROCESS, "sel: {CommandLine|contains: x, User: y}\ncondition: sel"), ['sourcetype="acme:sysmon" index="acme_endpoint" process="*x*" OR process_command_line="*x*" user="y"']);
    // The base (splunk_windows) first: its source condition and EventCode, then the user's names.
    const SECURITY = '{product: windows, service: security}';
    assert.deepEqual(convertWith(loaded, 'splunk', SECURITY, 'sel: {EventID: 4624, TargetUserName: admin}\ncondition: sel'), ['index="acme_wineventlog" source="WinEventLog:Security" signature_id=4624 user="admin"']);
    // strict: a field the entry does not rename refuses the rule, as a `field` status.
    assert.match(convertWith(loaded, 'splunk', SECURITY, 'sel: {EventID: 4624, LogonType: 3}\ncondition: sel') as string, /^ERROR field: SigmaTransformationError: field LogonType has no mapping in pipeline "acme"/);
    // Only for the targets of its base.
    assert.match(convertWith(loaded, 'lucene', PROCESS, 'sel: {Image: x}\ncondition: sel') as string, /^ERROR feature: pipeline "acme" cannot be used with target "lucene"/);
  });
  test('without a base: any target, tables for KQL', () => {
    const loaded = load('fields: {Image: FolderPath}\nlogsources:\n  - when: {category: process_creation}\n    table: DeviceProcessEvents\n');
    assert.deepEqual(loaded.issues, []);
    const PROCESS = '{product: windows, category: process_creation}';
    assert.deepEqual(convertWith(loaded, 'kusto', PROCESS, "sel: {Image|endswith: '\\a.exe'}\ncondition: sel"), ['DeviceProcessEvents\n| where FolderPath endswith "\\\\a.exe"']);
    assert.deepEqual(convertWith(loaded, 'lucene', PROCESS, "sel: {Image|endswith: '\\a.exe'}\ncondition: sel"), ['FolderPath:*\\\\a.exe']);
    assert.deepEqual(convertWith(loaded, 'kusto', '{product: linux}', 'sel: {Image: x}\ncondition: sel'), ['FolderPath =~ "x"']);
  });
  test('thousands of added conditions convert without a stack overflow, in order (found by tests/load/mutated-input.test.ts)', () => {
    // One nested AND per added condition made the tree as deep as the conditions were many.
    // Just under the file's entry limit (10,000): deep enough that one nested AND per condition overflowed.
    const conditions = Array.from({ length: 9_990 }, (_, index) => `      c${index}: v${index}`).join('\n');
    const loaded = load(`logsources:\n  - when: {category: process_creation}\n    index: main\n    conditions:\n${conditions}\n`);
    assert.deepEqual(loaded.issues, []);
    const [query] = convertWith(loaded, 'splunk', '{product: windows, category: process_creation}', 'sel: {Image: x}\ncondition: sel') as string[];
    assert.ok(query!.startsWith('c9989="v9989" c9988="v9988" ') && query!.endsWith(' c0="v0" index="main" Image="x"'), query!.slice(0, 100));
  });
  test('invalid files: issues at file:line:col, no pipeline', () => {
    const loaded = load('base: nope\nfields: {Image: [], B: 1}\nlogsources:\n  - fields: {A: b}\n  - when: {product: windows, categroy: x}\ncolour: red\n');
    assert.equal(loaded.pipeline, undefined);
    assert.deepEqual(loaded.issues.map(formatIssue), [
      'p.yml:6:1 warning field-unknown unknown key "colour" in a pipeline file',
      'p.yml:1:7 error pipeline-invalid unknown built-in pipeline "nope"; known: ecs_windows, splunk_windows, splunk_cim, microsoft_xdr, sentinel_asim',
      'p.yml:2:17 error pipeline-invalid "fields.Image" must be a name or a non-empty list of names, found a list',
      'p.yml:4:5 error field-missing missing required field "when"',
      'p.yml:5:30 warning field-unknown unknown key "categroy" in a log-source condition (product, category, service)',
    ]);
  });
});
