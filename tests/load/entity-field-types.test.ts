/**
 * Every schema field of Data Needed, Logging Policies, Enrichments and Atomic Red Team technique files,
 * given a value of the wrong shape, gives exactly one `field-type` error at that value (or at the wrong
 * item inside it). The schema below is written from the older tool's and Atomic Red Team's formats, not
 * read from the loaders, so a field a loader forgets to check makes this test fail.
 */
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { loadDataNeeded, loadEnrichments, loadLoggingPolicies } from '../../src/load/load-data-needed.ts';
import type { LoadedFiles } from '../../src/load/load-entities.ts';
import { loadTriggers } from '../../src/load/load-triggers.ts';
import { describeIssues } from '../helpers/knowledge-base.ts';

/** What a field holds. Texts accept numbers and booleans (YAML reads `version: 10` as a number). */
type Shape = 'text' | 'text-list' | 'strict-text-list' | 'integer' | 'integer-list' | 'boolean' | 'mapping' | 'mapping-list' | 'mapping-of-mappings';

/** A wrong value, in flow style, and how far into it the reported node starts (an item inside a list, say). */
interface WrongValue {
  readonly yaml: string;
  readonly offset: number;
}

const TEXT_LIST_WRONG: readonly WrongValue[] = [
  { yaml: '42', offset: 0 },
  { yaml: 'true', offset: 0 },
  { yaml: '{a: b}', offset: 0 },
  { yaml: '[a, [b]]', offset: 4 },
  { yaml: '[a, {b: c}]', offset: 4 },
  { yaml: '[a, ~]', offset: 4 },
];

const WRONG: Record<Shape, readonly WrongValue[]> = {
  text: [{ yaml: '[a, b]', offset: 0 }, { yaml: '{a: b}', offset: 0 }],
  'text-list': TEXT_LIST_WRONG,
  // Atomic Red Team's model requires a list where the older tool's files accepted one text.
  'strict-text-list': [...TEXT_LIST_WRONG, { yaml: 'windows', offset: 0 }],
  integer: [{ yaml: '[1]', offset: 0 }, { yaml: '{a: 1}', offset: 0 }, { yaml: 'abc', offset: 0 }, { yaml: '1.5', offset: 0 }, { yaml: 'true', offset: 0 }],
  'integer-list': [{ yaml: '{a: 1}', offset: 0 }, { yaml: 'abc', offset: 0 }, { yaml: '[1, abc]', offset: 4 }, { yaml: '[1, [2]]', offset: 4 }],
  boolean: [{ yaml: 'maybe', offset: 0 }, { yaml: '1', offset: 0 }, { yaml: '[true]', offset: 0 }],
  mapping: [{ yaml: 'text', offset: 0 }, { yaml: '42', offset: 0 }, { yaml: '[a]', offset: 0 }],
  'mapping-list': [{ yaml: 'text', offset: 0 }, { yaml: '{a: b}', offset: 0 }, { yaml: '[text]', offset: 1 }, { yaml: '[~]', offset: 1 }],
  'mapping-of-mappings': [{ yaml: 'text', offset: 0 }, { yaml: '[a]', offset: 0 }, { yaml: '{arg: text}', offset: 6 }, { yaml: '{arg: ~}', offset: 6 }, { yaml: '{arg: [a]}', offset: 6 }],
};

interface EntitySchema {
  readonly load: (folders: readonly string[], cwd?: string) => LoadedFiles<unknown>;
  /** A valid file; each field sits on a line of its own so that its value can be swapped. */
  readonly valid: string;
  /** Field by the exact text that precedes its value on its line. */
  readonly fields: Readonly<Record<string, Shape>>;
  /** Where the file sits, relative to its input folder (Atomic Red Team keeps a technique in its folder). */
  readonly file: string;
}

const SCHEMAS: Record<string, EntitySchema> = {
  'Data Needed': {
    load: loadDataNeeded,
    file: 'DN_0001.yml',
    valid: `title: DN_0001_4688_windows_process_creation
author: Someone
contributors:
  - Someone else
description: Process creation.
loggingpolicy:
  - LP_0001_windows_audit_process_creation
mitigation_policy:
  - MP_0001_windows_audit_process_creation
references:
  - https://example.org/4688
category: OS Logs
platform: Windows
type: Windows Log
channel: Security
provider: Microsoft-Windows-Security-Auditing
event_id: 4688
fields:
  - EventID
sample: a sample event
enriched_sample: an enriched sample event
`,
    fields: {
      'title: ': 'text', 'author: ': 'text', 'contributors:': 'text-list', 'description: ': 'text', 'loggingpolicy:': 'text-list',
      'mitigation_policy:': 'text-list', 'references:': 'text-list', 'category: ': 'text', 'platform: ': 'text', 'type: ': 'text',
      'channel: ': 'text', 'provider: ': 'text', 'event_id: ': 'integer', 'fields:': 'text-list', 'sample: ': 'text', 'enriched_sample: ': 'text',
    },
  },
  'Logging Policy': {
    load: loadLoggingPolicies,
    file: 'LP_0001.yml',
    valid: `title: LP_0001_windows_audit_process_creation
author: Someone
contributors:
  - Someone else
description: Audit process creation.
default: Not configured
volume: Medium
eventID:
  - 4688
references:
  - https://example.org/audit
configuration: Enable the policy.
sample: a sample event
`,
    fields: {
      'title: ': 'text', 'author: ': 'text', 'contributors:': 'text-list', 'description: ': 'text', 'default: ': 'text', 'volume: ': 'text',
      'eventID:': 'integer-list', 'references:': 'text-list', 'configuration: ': 'text', 'sample: ': 'text',
    },
  },
  Enrichment: {
    load: loadEnrichments,
    file: 'EN_0001.yml',
    valid: `title: EN_0001_cache_process_info
author: Someone
contributors:
  - Someone else
description: Caches process information.
data_needed:
  - DN_0003_1_windows_sysmon_process_creation
data_to_enrich:
  - DN_0011_7_windows_sysmon_image_loaded
references:
  - https://example.org/cache
requirements:
  - EN_0002_other
new_fields:
  - ParentImage
config: a Logstash filter
`,
    fields: {
      'title: ': 'text', 'author: ': 'text', 'contributors:': 'text-list', 'description: ': 'text', 'data_needed:': 'text-list',
      'data_to_enrich:': 'text-list', 'references:': 'text-list', 'requirements:': 'text-list', 'new_fields:': 'text-list', 'config: ': 'text',
    },
  },
  'Atomic Red Team technique': {
    load: loadTriggers,
    file: 'T1003/T1003.yaml',
    valid: `attack_technique: T1003
display_name: OS Credential Dumping
atomic_tests:
  - name: Dump credentials
    auto_generated_guid: 0c6a0f5a-3e1c-4d4b-9a52-0d4bd1a6b7f1
    description: Dumps credentials.
    supported_platforms:
      - windows
    input_arguments:
      output_file:
        description: Where the dump goes
        type: path
        default: dump.txt
    dependency_executor_name: powershell
    dependencies:
      - description: Needs a tool
        prereq_command: exit 0
        get_prereq_command: echo get
    executor:
      name: command_prompt
      command: dump.exe
      steps: Run it by hand.
      cleanup_command: del dump.txt
      elevation_required: true
`,
    fields: {
      'display_name: ': 'text', 'atomic_tests:': 'mapping-list', '  - name: ': 'text', '    auto_generated_guid: ': 'text',
      '    description: ': 'text', '    supported_platforms:': 'strict-text-list', '    input_arguments:': 'mapping-of-mappings',
      '        description: ': 'text', '        type: ': 'text', '        default: ': 'text', '    dependency_executor_name: ': 'text',
      '    dependencies:': 'mapping-list', '      - description: ': 'text', '        prereq_command: ': 'text', '        get_prereq_command: ': 'text',
      '    executor:': 'mapping', '      name: ': 'text', '      command: ': 'text', '      steps: ': 'text', '      cleanup_command: ': 'text',
      '      elevation_required: ': 'boolean',
    },
  },
};

/** The valid file with one field's value replaced (and its block of nested lines dropped); the value's line and column. */
function withValue(valid: string, prefix: string, wrong: WrongValue): { text: string; line: number; column: number } {
  const lines = valid.split('\n');
  const index = lines.findIndex((line) => line.startsWith(prefix) && !line.slice(prefix.length).startsWith(' '));
  assert.ok(index >= 0, `no line starts with "${prefix}"`);
  const indent = (line: string): number => line.length - line.trimStart().length + (line.trimStart().startsWith('- ') ? 2 : 0);
  const keyIndent = indent(lines[index]!);
  let end = index + 1;
  while (end < lines.length && lines[end] !== '' && indent(lines[end]!) > keyIndent) end += 1;
  const separator = prefix.endsWith(' ') ? '' : ' ';
  lines.splice(index, end - index, `${prefix}${separator}${wrong.yaml}`);
  return { text: lines.join('\n'), line: index + 1, column: prefix.length + separator.length + wrong.offset + 1 };
}

describe('entity schemas: a wrong type is a field-type error at the value', () => {
  for (const [kind, schema] of Object.entries(SCHEMAS)) {
    test(`${kind}: the valid file loads without an issue`, (t) => {
      const folder = mkdtempSync(path.join(tmpdir(), 'atc-kb-field-types-'));
      t.after(() => rmSync(folder, { recursive: true, force: true }));
      writeFile(folder, schema.file, schema.valid);
      const loaded = schema.load(['.'], folder);
      assert.equal(describeIssues(loaded.issues), '(no issues)');
      assert.equal(loaded.items.length, 1);
    });

    test(`${kind}: every field, every wrong shape`, (t) => {
      const folder = mkdtempSync(path.join(tmpdir(), 'atc-kb-field-types-'));
      t.after(() => rmSync(folder, { recursive: true, force: true }));
      const failures: string[] = [];
      for (const [prefix, shape] of Object.entries(schema.fields)) {
        for (const wrong of WRONG[shape]) {
          const { text, line, column } = withValue(schema.valid, prefix, wrong);
          writeFile(folder, schema.file, text);
          const { issues } = schema.load(['.'], folder);
          const expected = `${schema.file}:${line}:${column} error field-type`;
          const found = issues.map((issue) => `${issue.file}:${issue.line}:${issue.column} ${issue.severity} ${issue.code}`);
          if (found.length !== 1 || found[0] !== expected) {
            failures.push(`${prefix.trim()} ${wrong.yaml} (${shape}): expected ${expected}, got\n    ${describeIssues(issues).replaceAll('\n', '\n    ')}`);
          }
        }
      }
      assert.deepEqual(failures, []);
    });
  }
});

function writeFile(folder: string, file: string, text: string): void {
  const target = path.join(folder, file);
  mkdirSync(path.dirname(target), { recursive: true });
  writeFileSync(target, text);
}
