/**
 * Coverage profiles on a knowledge base small enough to check by hand: 5 rules, 4 Data Needed entries,
 * 2 Logging Policies. The expected statuses, gains and steps below were worked out on paper from the
 * fields each rule uses and each entry lists (see the comments), not read back from the code.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { buildKnowledgeBase, type Build } from '../../src/build.ts';
import { DEFAULT_CONFIG, type BuildConfig } from '../../src/config.ts';
import { RUN_LEVEL_WEIGHT, TECHNIQUE_WEIGHT } from '../../src/link/profile-coverage.ts';
import type { ProfileCoverage } from '../../src/link/profile-coverage-model.ts';
import { writeTempTree } from '../helpers/temp-files.ts';

const dataNeeded = (title: string, channel: string, eventId: number, fields: readonly string[], policy?: string): string =>
  [
    `title: ${title}`,
    `description: ${title}`,
    ...(policy ? [`loggingpolicy: [${policy}]`] : []),
    'platform: Windows',
    'type: Windows Log',
    `channel: ${channel}`,
    `event_id: ${eventId}`,
    `fields: [${fields.join(', ')}]`,
  ].join('\n');

const policy = (title: string): string => `title: ${title}\ndescription: ${title}\n`;

const rule = (title: string, id: string, level: string, tag: string, documents: readonly { category: string; selection: string }[]): string => {
  const head = [`title: ${title}`, `id: ${id}`, 'status: test', `level: ${level}`, `tags: [${tag}]`];
  if (documents.length === 1) {
    const [only] = documents;
    return [...head, `logsource: {product: windows, category: ${only!.category}}`, 'detection:', `  selection: ${only!.selection}`, '  condition: selection'].join('\n');
  }
  // A collection: the metadata in a global document, one document per rule of the collection.
  return [
    ['action: global', ...head, 'detection:', '  condition: selection'].join('\n'),
    ...documents.map((document) => [`logsource: {product: windows, category: ${document.category}}`, 'detection:', `  selection: ${document.selection}`].join('\n')),
  ].join('\n---\n');
};

const SYSMON = 'Microsoft-Windows-Sysmon/Operational';
const POWERSHELL = 'Microsoft-Windows-PowerShell/Operational';

const KB: Readonly<Record<string, string>> = {
  // A: Sysmon 1 with the command line. B: Security 4688 without it. C: 4688 with it. D: PowerShell 4104.
  'data_needed/DN_A.yml': dataNeeded('DN_A', SYSMON, 1, ['EventID', 'Image', 'CommandLine', 'ParentImage'], 'LP_SYSMON'),
  'data_needed/DN_B.yml': dataNeeded('DN_B', 'Security', 4688, ['EventID', 'Image', 'ParentImage'], 'LP_AUDIT'),
  'data_needed/DN_C.yml': dataNeeded('DN_C', 'Security', 4688, ['EventID', 'Image', 'ParentImage', 'CommandLine']),
  'data_needed/DN_D.yml': dataNeeded('DN_D', POWERSHELL, 4104, ['EventID', 'ScriptBlockText']),
  'logging_policies/LP_SYSMON.yml': policy('LP_SYSMON'),
  'logging_policies/LP_AUDIT.yml': policy('LP_AUDIT'),
  // R1 needs Image: A, B and C all supply it.
  'rules/r1.yml': rule('R1 image only', '00000000-0000-4000-8000-000000000001', 'high', 'attack.t1003.001', [{ category: 'process_creation', selection: "{Image|endswith: '\\procdump.exe'}" }]),
  // R2 needs Image and CommandLine: A or C; B lacks CommandLine.
  'rules/r2.yml': rule('R2 image and command line', '00000000-0000-4000-8000-000000000002', 'critical', 'attack.t1059.001', [{ category: 'process_creation', selection: "{Image|endswith: '\\powershell.exe', CommandLine|contains: ' -enc '}" }]),
  // R3 needs ScriptBlockText: D only.
  'rules/r3.yml': rule('R3 script block', '00000000-0000-4000-8000-000000000003', 'medium', 'attack.t1059.001', [{ category: 'ps_script', selection: '{ScriptBlockText|contains: Invoke-Mimikatz}' }]),
  // R4 is a collection: its first rule needs Image (A, B, C), its second ScriptBlockText (D).
  'rules/r4.yml': rule('R4 collection', '00000000-0000-4000-8000-000000000004', 'low', 'attack.t1105', [
    { category: 'process_creation', selection: "{Image|endswith: '\\certutil.exe'}" },
    { category: 'ps_script', selection: '{ScriptBlockText|contains: DownloadFile}' },
  ]),
  // R5 needs OriginalFileName, which no entry lists: never runnable, partial where a process log is.
  'rules/r5.yml': rule('R5 original file name', '00000000-0000-4000-8000-000000000005', 'high', 'attack.t1218.011', [{ category: 'process_creation', selection: '{OriginalFileName: RUNDLL32.EXE}' }]),
  'profiles/audit-only.yml': ['title: Audit only', 'description: the Security log without the command line', 'logging_policies: [LP_AUDIT]'].join('\n'),
  'profiles/everything.yml': ['title: Everything', 'description: every entry', 'data_needed: [DN_A, DN_B, DN_C, DN_D]'].join('\n'),
  'profiles/high-only.yml': ['title: High and up with a typo', 'description: filters', 'data_needed: [DN_A, DN_Bx]', 'levels: [high, critical]', 'exclude_rules: [R5 original file name]'].join('\n'),
  'profiles/bad-target.yml': ['title: Bad target', 'description: a target that does not exist', 'data_needed: [DN_A]', 'queries: nosuchsiem'].join('\n'),
  'customers/CU_0001_X.yml': ['title: CU_0001_X', 'customer_name: Customer X', 'description: older format', 'dataneeded: [DN_C]', 'detectionrule: [R2 image and command line, R1 image only]', 'usecase: [UC_0001_x]'].join('\n'),
  'use_cases/UC_0001_x.yml': ['title: UC_0001_x', 'usecase_name: Use case X', 'description: a use case', 'dataneeded: [DN_A]', 'detectionrule: [R3 script block, No Such Rule]'].join('\n'),
};

function build(t: { after: (fn: () => void) => void }): Build {
  const root = writeTempTree(t, KB);
  const folder = (name: string): string[] => [path.join(root, name)];
  const config: BuildConfig = {
    ...DEFAULT_CONFIG,
    rootDir: root,
    inputs: { rules: folder('rules'), dataNeeded: folder('data_needed'), loggingPolicies: folder('logging_policies'), enrichments: [], triggers: [], profiles: [...folder('profiles'), ...folder('customers')], useCases: folder('use_cases') },
    querySections: [{ target: 'splunk' }],
  };
  return buildKnowledgeBase(config, { exports: false });
}

const profileNamed = (built: Build, title: string): ProfileCoverage => built.profiles.find((profile) => profile.profile.title === title)!;
const statuses = (profile: ProfileCoverage): Record<string, string> => Object.fromEntries(profile.rules.map((entry) => [entry.rule.title.split(' ')[0], entry.status]));

test('rule statuses follow the fields each available entry supplies, per document', (t) => {
  const built = build(t);
  const audit = profileNamed(built, 'Audit only');
  assert.deepEqual(audit.available.map((entry) => entry.title), ['DN_B'], 'a Logging Policy makes available the entries that name it');
  assert.deepEqual(statuses(audit), { R1: 'runnable', R2: 'partial', R3: 'not-runnable', R4: 'partial', R5: 'partial' });
  assert.deepEqual(audit.counts, { runnable: 1, partial: 3, notRunnable: 1 });
  const r2 = audit.rules.find((entry) => entry.rule.title.startsWith('R2'))!;
  assert.deepEqual(r2.shortfalls, [{ kind: 'fields', document: 0, dataNeeded: [built.kb.dataNeededByTitle.get('DN_B')], fields: ['CommandLine'] }]);
  const r3 = audit.rules.find((entry) => entry.rule.title.startsWith('R3'))!;
  assert.deepEqual(r3.shortfalls.map((shortfall) => (shortfall.kind === 'data-needed' ? shortfall.options.map((entry) => entry.title) : shortfall.kind)), [['DN_D']]);
  assert.deepEqual(audit.techniques.map((technique) => technique.id), ['T1003.001']);
  assert.equal(audit.share, 1 / 5);

  const everything = profileNamed(built, 'Everything');
  assert.deepEqual(statuses(everything), { R1: 'runnable', R2: 'runnable', R3: 'runnable', R4: 'runnable', R5: 'partial' });
  assert.deepEqual(everything.enableNext, [], 'nothing left to enable');
});

test('enable next ranks by level-weighted new rules plus new techniques, and the greedy steps add up', (t) => {
  const audit = profileNamed(build(t), 'Audit only');
  const weight = (...levels: (keyof typeof RUN_LEVEL_WEIGHT)[]): number => levels.reduce((sum, level) => sum + RUN_LEVEL_WEIGHT[level], 0);
  // DN_D makes R3 (medium) and R4 (low) runnable and adds T1059.001 and T1105. A Sysmon or command-line
  // entry makes R2 (critical) runnable and adds T1059.001; the policy goes first on a tie (it says how to
  // switch the log on), then the entries by name. R5 never runs, so nothing gains for it.
  assert.deepEqual(
    audit.ranked.map((candidate) => [candidate.kind, candidate.name, candidate.newRunnableRules, candidate.newTechniques, candidate.score]),
    [
      ['data_needed', 'DN_D', 2, 2, weight('medium', 'low') + 2 * TECHNIQUE_WEIGHT],
      ['logging_policy', 'LP_SYSMON', 1, 1, weight('critical') + TECHNIQUE_WEIGHT],
      ['data_needed', 'DN_A', 1, 1, weight('critical') + TECHNIQUE_WEIGHT],
      ['data_needed', 'DN_C', 1, 1, weight('critical') + TECHNIQUE_WEIGHT],
    ],
  );
  // After DN_D, T1059.001 is covered (by R3): R2 now adds a rule but no technique. After that nothing gains.
  assert.deepEqual(
    audit.enableNext.map((step) => [step.name, step.newRunnableRules, step.newTechniques, step.runnableAfter, step.techniquesAfter]),
    [
      ['DN_D', 2, 2, 3, 3],
      ['LP_SYSMON', 1, 0, 4, 3],
    ],
  );
});

test('filters, the older customer format, and names that do not resolve', (t) => {
  const built = build(t);
  const high = profileNamed(built, 'High and up with a typo');
  assert.deepEqual(
    high.rules.map((entry) => entry.rule.title.split(' ')[0]),
    ['R1', 'R2'],
    'levels keep high and critical; exclude_rules drops R5',
  );
  const customer = profileNamed(built, 'Customer X');
  assert.equal(customer.profile.format, 'customer');
  assert.equal(customer.key, 'CU_0001_X');
  assert.deepEqual(statuses(customer), { R1: 'runnable', R2: 'runnable' }, 'only the rules the customer lists, by title');
  assert.deepEqual(customer.useCases.map((useCase) => useCase.name), ['Use case X']);

  const unknown = built.issues.filter((issue) => issue.code === 'unknown-profile-reference');
  assert.deepEqual(
    unknown.map((issue) => `${path.basename(issue.file)}:${issue.line} ${issue.message}`),
    ['high-only.yml:3 no Data Needed entry "DN_Bx" in the knowledge base; closest: "DN_B"', 'UC_0001_x.yml:5 no rule (by Sigma id or title) "No Such Rule" in the knowledge base'],
  );
  const target = built.issues.find((issue) => issue.code === 'field-value' && issue.file.endsWith('bad-target.yml'));
  assert.ok(target && target.line === 4 && /unknown target "nosuchsiem"/.test(target.message), JSON.stringify(target));
});

test('a profile naming a query target runs only the rules that convert to it', (t) => {
  const root = writeTempTree(t, {
    ...KB,
    'profiles/kusto.yml': ['title: Kusto', 'description: Microsoft Defender XDR', 'data_needed: [DN_A, DN_B, DN_C, DN_D]', 'queries: kusto+microsoft_xdr'].join('\n'),
  });
  const folder = (name: string): string[] => [path.join(root, name)];
  const built = buildKnowledgeBase(
    { ...DEFAULT_CONFIG, rootDir: root, inputs: { rules: folder('rules'), dataNeeded: folder('data_needed'), loggingPolicies: folder('logging_policies'), enrichments: [], triggers: [], profiles: folder('profiles'), useCases: [] }, querySections: [{ target: 'splunk' }] },
    { exports: false },
  );
  const kusto = profileNamed(built, 'Kusto');
  const everything = profileNamed(built, 'Everything');
  // The Defender XDR pipeline has no table for PowerShell script blocks: R3 and R4 do not convert.
  for (const entry of kusto.rules) {
    const conversion = entry.shortfalls.find((shortfall) => shortfall.kind === 'conversion');
    if (everything.byRule.get(entry.rule)!.status === 'runnable' && !conversion) assert.equal(entry.status, 'runnable', entry.rule.title);
    if (conversion) assert.equal(entry.status, 'not-runnable', entry.rule.title);
  }
  assert.ok(kusto.rules.some((entry) => entry.shortfalls.some((shortfall) => shortfall.kind === 'conversion')), 'at least one rule does not convert');
  assert.ok(kusto.counts.runnable < everything.counts.runnable);
});
