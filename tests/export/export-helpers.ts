/**
 * Builds a knowledge base the way `atc build` does (src/build.ts) and returns the export files by path;
 * shared by the export tests. The full ../shared corpus is built once per test file that asks for it.
 */
import path from 'node:path';
import { buildKnowledgeBase, type Build } from '../../src/build.ts';
import { streamedInMemory } from '../../src/present/output-file.ts';
import { DEFAULT_CONFIG, type BuildConfig } from '../../src/config.ts';
import { loadConfig } from '../../src/load/load-config.ts';
import { CORPUS, PROJECT_ROOT, standardFolders } from '../helpers/knowledge-base.ts';
import { sharedCorpusConfig } from '../../scripts/shared-corpus.ts';

export interface BuiltExports {
  readonly build: Build;
  /** Every output file by path (markdown pages and exports, the streamed ones too). */
  readonly files: ReadonlyMap<string, string>;
}

export function buildExports(config: BuildConfig, options: { convert?: boolean } = {}): BuiltExports {
  const build = buildKnowledgeBase(config, options);
  return { build, files: new Map([...build.files, ...streamedInMemory(build.streamed)].map((file) => [file.path, file.content])) };
}

/** The embedded sample knowledge base with its atc.config.yml; `site` overrides the site settings. */
export function sampleConfig(site: Partial<BuildConfig['site']> = {}): BuildConfig {
  const { config } = loadConfig({ configFile: 'atc.config.yml' }, PROJECT_ROOT);
  return { ...config, site: { ...config.site, ...site } };
}

export const CORPUS_FOLDERS = [path.join(CORPUS, 'sigma'), path.join(CORPUS, 'atc-data/data_needed'), path.join(CORPUS, 'atomic-red-team/atomics')];

/** The ../shared corpus with the default query sections. */
export function corpusConfig(site: Partial<BuildConfig['site']> = {}): BuildConfig {
  const config = sharedCorpusConfig(DEFAULT_CONFIG.querySections);
  return { ...config, site: { ...config.site, ...site } };
}

export function filesUnder(files: ReadonlyMap<string, string>, prefix: string): Array<[string, string]> {
  return [...files].filter(([file]) => file.startsWith(prefix));
}

/**
 * A small knowledge base whose text is hostile to every export format: formula-looking titles, markup,
 * quotes, commas, line breaks, control characters; a rule without an id; rules with `date`/`modified`.
 */
export const NASTY_KB: Readonly<Record<string, string>> = {
  'rules/formula.yml': [
    `title: '=HYPERLINK("http://evil.example/?a=1&b=2","<click>")'`,
    'id: 11111111-2222-4333-8444-555555555555',
    'status: test',
    'description: "Line one <b>bold</b> & \\"quoted\\", comma\\nline two \\u0001 bell"',
    "author: O'Brien <obrien@example.org>",
    'date: 2024/01/02',
    'modified: 2024-03-04',
    'level: high',
    'tags: [attack.credential_access, attack.t1003.001]',
    'logsource: {category: process_creation, product: windows}',
    'detection:',
    '  selection: {Image|endswith: \'\\rundll32.exe\', CommandLine|contains: comsvcs}',
    '  condition: selection',
  ].join('\n'),
  'rules/no id, plus: comma.yml': [
    'title: "+cmd, with comma"',
    'status: experimental',
    'date: 2023-12-31',
    'level: medium',
    'tags: [attack.execution, attack.t1059.001]',
    'logsource: {category: ps_script, product: windows}',
    'detection:',
    '  selection: {ScriptBlockText|contains: "Invoke-Mimikatz"}',
    '  condition: selection',
  ].join('\n'),
  'rules/undated.yml': [
    'title: "@undated rule"',
    'id: 99999999-2222-4333-8444-555555555555',
    'level: low',
    'tags: [attack.t1003.001]',
    'logsource: {category: process_creation, product: windows}',
    'detection:',
    '  selection: {Image|endswith: \'\\procdump.exe\'}',
    '  condition: selection',
  ].join('\n'),
  'data_needed/DN_0001_4688_windows_process_creation.yml': [
    'title: DN_0001_4688_windows_process_creation',
    'description: "-4688 <event> & friends"',
    'loggingpolicy: [LP_0001_audit_process_creation]',
    'platform: Windows',
    'type: Windows Log',
    'channel: Security',
    'provider: Microsoft-Windows-Security-Auditing',
    'fields: [EventID, Image, CommandLine, NewProcessName, ProcessCommandLine]',
  ].join('\n'),
  'logging_policies/LP_0001_audit_process_creation.yml': [
    'title: LP_0001_audit_process_creation',
    'description: "=cmd|\' /C calc\'!A0"',
    'eventID: [4688]',
    'default: Not configured',
    'volume: Medium',
  ].join('\n'),
  'triggers/T1003.001/T1003.001.yaml': [
    'attack_technique: T1003.001',
    "display_name: 'OS Credential Dumping: LSASS Memory'",
    'atomic_tests:',
    '- name: "Dump <lsass> & friends"',
    '  auto_generated_guid: 1089e625-f273-434b-9a1a-1a0b00f842a7',
    '  description: "dump, \\"quoted\\""',
    '  supported_platforms: [windows]',
    '  executor: {name: command_prompt, command: "rundll32.exe comsvcs.dll MiniDump"}',
  ].join('\n'),
};

export function nastyConfig(root: string, site: Partial<BuildConfig['site']> = {}): BuildConfig {
  return {
    ...DEFAULT_CONFIG,
    rootDir: root,
    inputs: standardFolders(root),
    site: { ...DEFAULT_CONFIG.site, title: 'Nasty <KB> & "friends"', ...site },
  };
}
