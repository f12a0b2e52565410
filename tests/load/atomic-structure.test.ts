/**
 * Atomic Red Team structure beyond field types, as its own pydantic model checks it: a technique file lists
 * tests, sits in the folder of its technique, and each executor is a known kind with what that kind needs.
 */
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { loadTriggers } from '../../src/load/load-triggers.ts';
import { writeTempTree } from '../helpers/temp-files.ts';

function issuesOf(t: { after: (fn: () => void) => void }, file: string, text: string): string[] {
  const folder = writeTempTree(t, { [file]: text }, 'atc-kb-atomic-');
  return loadTriggers(['.'], folder).issues.map((issue) => `${issue.file}:${issue.line}:${issue.column} ${issue.code} ${issue.message}`);
}

const technique = (executor: string): string =>
  `attack_technique: T1003\ndisplay_name: Credential dumping\natomic_tests:\n  - name: Dump\n    supported_platforms: [windows]\n    executor:\n${executor}`;

describe('Atomic Red Team structure', () => {
  test('each executor kind with what it needs loads cleanly, names trimmed as PyYAML-era files write them', (t) => {
    assert.deepEqual(issuesOf(t, 'T1003/T1003.yaml', technique('      name: "powershell "\n      command: whoami\n')), []);
    assert.deepEqual(issuesOf(t, 'T1003/T1003.yaml', technique('      name: manual\n      steps: Open the dialog.\n')), []);
  });

  test('an unknown executor is a field-value error at its name', (t) => {
    assert.deepEqual(issuesOf(t, 'T1003/T1003.yaml', technique('      name: cmd.exe\n      command: whoami\n')), [
      'T1003/T1003.yaml:7:13 field-value executor "name" must be one of command_prompt, powershell, sh, bash, manual; found "cmd.exe"',
    ]);
  });

  test('a command executor without a command, or a manual one without steps, misses a required field', (t) => {
    assert.deepEqual(issuesOf(t, 'T1003/T1003.yaml', technique('      name: sh\n      steps: Type it.\n')), ['T1003/T1003.yaml:7:7 field-missing missing required field "command"']);
    assert.deepEqual(issuesOf(t, 'T1003/T1003.yaml', technique('      name: manual\n      command: whoami\n')), ['T1003/T1003.yaml:7:7 field-missing missing required field "steps"']);
  });

  test('a file outside a technique folder is not held to a folder name; one inside another technique\'s folder is', (t) => {
    assert.deepEqual(issuesOf(t, 'atomics/T1003.yaml', technique('      name: sh\n      command: id\n')), []);
    assert.deepEqual(issuesOf(t, 't1003/T1003.yaml', technique('      name: sh\n      command: id\n')), [], 'folder names compare as ids, whatever their case');
    assert.deepEqual(issuesOf(t, 'T1004/T1003.yaml', technique('      name: sh\n      command: id\n')), [
      'T1004/T1003.yaml:1:19 field-value "attack_technique" T1003 does not match the folder T1004/ the file is in',
    ]);
  });

  test('a key outside the schema of an input argument or a dependency is a field-unknown warning at the key', (t) => {
    const text = `${technique('      name: sh\n      command: id\n')}    input_arguments:\n      file:\n        type: path\n        defualt: a.txt\n    dependencies:\n      - description: A tool\n        prereq: exit 0\n`;
    assert.deepEqual(issuesOf(t, 'T1003/T1003.yaml', text), [
      'T1003/T1003.yaml:12:9 field-unknown unknown key "defualt" in an input argument',
      'T1003/T1003.yaml:15:9 field-unknown unknown key "prereq" in a dependency',
    ]);
  });

  test('an empty test list is an error, and the technique is not published', (t) => {
    const folder = writeTempTree(t, { 'T1003/T1003.yaml': 'attack_technique: T1003\ndisplay_name: Credential dumping\natomic_tests: []\n' }, 'atc-kb-atomic-');
    const loaded = loadTriggers(['.'], folder);
    assert.deepEqual(loaded.items, []);
    assert.deepEqual(loaded.issues.map((issue) => `${issue.line}:${issue.column} ${issue.severity} ${issue.code}`), ['3:15 error field-value']);
  });

  test('tests are numbered by their place in the file, as Invoke-AtomicTest -TestNumbers counts, even after a dropped test', (t) => {
    const text = [
      'attack_technique: T1003',
      'display_name: Credential dumping',
      'atomic_tests:',
      '  - name: First',
      '    executor: { name: sh, command: id }',
      '  - not a mapping',
      '  - name: No executor',
      '  - name: Fourth',
      '    executor: { name: sh, command: whoami }',
      '',
    ].join('\n');
    const folder = writeTempTree(t, { 'T1003/T1003.yaml': text }, 'atc-kb-atomic-');
    const loaded = loadTriggers(['.'], folder);
    assert.deepEqual(loaded.items[0]?.tests.map((one) => `${one.number} ${one.name}`), ['1 First', '4 Fourth']);
    assert.equal(loaded.issues.length, 2, 'the item that is not a mapping and the test without an executor are reported');
  });
});
