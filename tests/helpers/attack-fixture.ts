/**
 * A knowledge base with every ATT&CK case the coverage views once disagreed on: a technique covered only
 * through a sub-technique (T1003), a sub-technique gap under it (T1003.008), a plain gap (T1055), a revoked
 * tag (T1086 → T1059.001), tactics and techniques newer than the bundled data (`attack.stealth`,
 * `attack.defense-impairment`, T1685, T1685.001), and a test folder for a technique nothing else names (T1688).
 * Shared by the coverage tests and the browser tests of these pages.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';

export const COVERAGE_RULES: ReadonlyArray<readonly [string, readonly string[]]> = [
  ['dump_lsass', ['attack.credential-access', 'attack.t1003.001']],
  ['powershell_new', ['attack.execution', 'attack.t1059.001']],
  ['powershell_old', ['attack.execution', 'attack.t1086']],
  ['disable_tools', ['attack.defense-impairment', 'attack.t1685']],
  ['disable_eventlog', ['attack.defense-impairment', 'attack.t1685.001']],
  ['masquerade', ['attack.stealth', 'attack.t1036.005']],
  ['masquerade_again', ['attack.stealth', 'attack.t1036.005']],
];

export const COVERAGE_TRIGGERS: ReadonlyArray<readonly [string, string, number]> = [
  ['T1003.008', 'OS Credential Dumping: /etc/passwd and /etc/shadow', 2],
  ['T1055', 'Process Injection', 3],
  ['T1685', 'Disable or Modify Tools', 4],
  ['T1685.001', 'Disable or Modify Tools: Disable or Modify Windows Event Log', 1],
  ['T1688', 'Safe Mode Boot', 1],
  ['T1059.001', 'Command and Scripting Interpreter: PowerShell', 1],
];

/** Writes rules/ and triggers/ under root. */
export function writeCoverageKnowledgeBase(root: string): void {
  mkdirSync(path.join(root, 'rules'), { recursive: true });
  for (const [name, tags] of COVERAGE_RULES) writeRule(root, name, tags);
  for (const [id, displayName, tests] of COVERAGE_TRIGGERS) writeTrigger(root, id, displayName, tests);
}

function writeRule(root: string, name: string, tags: readonly string[]): void {
  const text = [
    `title: ${name}`,
    `id: ${uuidFrom(name)}`,
    'status: test',
    'description: coverage fixture',
    'author: atc-kb tests',
    'date: 2024-01-01',
    'tags:',
    ...tags.map((tag) => `  - ${tag}`),
    'logsource:',
    '  product: windows',
    '  category: process_creation',
    'detection:',
    '  selection:',
    `    CommandLine|contains: '${name}'`,
    '  condition: selection',
    'level: medium',
    '',
  ].join('\n');
  writeFileSync(path.join(root, 'rules', `${name}.yml`), text);
}

function writeTrigger(root: string, id: string, displayName: string, tests: number): void {
  mkdirSync(path.join(root, 'triggers', id), { recursive: true });
  const lines = [`attack_technique: ${id}`, `display_name: '${displayName}'`, 'atomic_tests:'];
  for (let index = 0; index < tests; index++) {
    lines.push(
      `- name: ${id} test ${index + 1}`,
      `  auto_generated_guid: ${uuidFrom(`${id}-${index}`)}`,
      '  description: fixture',
      '  supported_platforms: [windows]',
      '  executor:',
      '    name: command_prompt',
      '    command: echo test',
    );
  }
  writeFileSync(path.join(root, 'triggers', id, `${id}.yaml`), `${lines.join('\n')}\n`);
}

/** A stable UUID-shaped id from a name: the fixture needs unique, valid ids, not random ones. */
export function uuidFrom(seed: string): string {
  let hash = 0x811c9dc5;
  let hex = '';
  for (let round = 0; hex.length < 32; round++) {
    for (const char of `${seed}#${round}`) hash = Math.imul(hash ^ char.charCodeAt(0), 0x01000193) >>> 0;
    hex += hash.toString(16).padStart(8, '0');
  }
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-8${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}
