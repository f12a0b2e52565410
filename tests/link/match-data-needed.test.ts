import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { DataNeededMatch, DataNeededReason, RuleDocumentFacts } from '../../src/link/match-data-needed.ts';
import { lookUpLogSource } from '../../src/link/log-source-table.ts';
import { DataNeededIndex, matchDataNeeded } from '../../src/link/match-data-needed.ts';
import type { KnowledgeBase } from '../../src/link/knowledge-base.ts';
import type { DetectionRule } from '../../src/model/detection-rule.ts';
import type { DataNeeded } from '../../src/model/entities.ts';
import type { Issue } from '../../src/model/issue.ts';
import {
  describeIssues,
  loadKnowledgeBase,
  loadSampleKnowledgeBase,
  loadSeedKnowledgeBase,
  PROJECT_ROOT,
  SEED_KB,
  skipUnlessExists,
  standardFolders,
} from '../helpers/knowledge-base.ts';
import { WINDOWS_CHANNELS, windowsChannelsOf } from '../../src/sigma/pipelines/windows-channels.ts';
import { writeTempTree } from '../helpers/temp-files.ts';

const DN_0001 = 'DN_0001_4688_windows_process_creation';
const DN_0002 = 'DN_0002_4688_windows_process_creation_with_commandline';
const DN_0003 = 'DN_0003_1_windows_sysmon_process_creation';
const DN_0005 = 'DN_0005_11_windows_sysmon_file_create';
const SECURITY_4688 = 'Windows / Security / EventID 4688';
const SYSMON_1 = 'Windows / Microsoft-Windows-Sysmon/Operational / EventID 1';

/** A Data Needed entry as the loader would produce it, with only what matching reads. */
function entry(title: string, fields: readonly string[], where: { platform?: string; channel?: string; eventId?: number }): DataNeeded {
  return {
    kind: 'data-needed',
    file: `data_needed/${title}.yml`,
    relativePath: `${title}.yml`,
    position: { line: 1, column: 1 },
    title,
    description: title,
    loggingPolicies: [],
    mitigationPolicies: [],
    references: [],
    fields,
    ...where,
  };
}

function facts(logsource: RuleDocumentFacts['logsource'], fields: readonly string[], eventIds: readonly number[] = []): RuleDocumentFacts {
  return { logsource, fields, eventIds };
}

const titles = (matches: readonly DataNeededMatch[]): string[] => matches.map((match) => match.dataNeeded.title);

function ruleNamed(kb: KnowledgeBase, name: string): DetectionRule {
  const rule = kb.rulesByName.get(name);
  assert.ok(rule, `rule ${name} is loaded`);
  return rule;
}

function matchesOf(kb: KnowledgeBase, name: string): Map<string, readonly DataNeededReason[]> {
  return new Map(kb.ruleLinks.get(ruleNamed(kb, name))!.dataNeeded.map((match) => [match.dataNeeded.title, match.reasons]));
}

function issuesOf(issues: readonly Issue[], rule: DetectionRule, code: Issue['code']): Issue[] {
  return issues.filter((issue) => issue.file === rule.file && issue.code === code);
}

/** 1-based line of the first line of `file` that equals `text`. */
function lineOf(file: string, text: string): number {
  const index = readFileSync(path.resolve(PROJECT_ROOT, file), 'utf8').split(/\r?\n/).indexOf(text);
  assert.ok(index >= 0, `${file} has a line "${text}"`);
  return index + 1;
}

describe('the seed rule (../shared/seed/kb)', () => {
  test('links to exactly DN_0002 and DN_0003, one per document of the collection, not DN_0001', { skip: skipUnlessExists('the seed rule', SEED_KB) }, () => {
    const { kb, issues } = loadSeedKnowledgeBase();
    const rule = ruleNamed(kb, 'win_susp_procdump');
    const matches = matchesOf(kb, 'win_susp_procdump');
    assert.deepEqual([...matches.keys()], [DN_0002, DN_0003]);
    assert.deepEqual(matches.get(DN_0002), [
      { via: 'log-source', document: 0, logSource: 'product: windows, service: security', event: SECURITY_4688, missingFields: [] },
    ]);
    assert.deepEqual(matches.get(DN_0003), [
      { via: 'log-source', document: 1, logSource: 'product: windows, service: sysmon', event: SYSMON_1, missingFields: [] },
    ]);
    // DN_0001 describes the same event but lacks ProcessCommandLine; the older tool listed it anyway.
    assert.ok(kb.dataNeededByTitle.has(DN_0001));
    assert.ok(!kb.rulesByDataNeeded.get(kb.dataNeededByTitle.get(DN_0001)!)?.includes(rule));
    const ruleIssues = issues.filter((issue) => issue.file === rule.file);
    assert.deepEqual(ruleIssues, [], describeIssues(ruleIssues));
  });
});

describe('the sample knowledge base', () => {
  const { kb, issues } = loadSampleKnowledgeBase();

  test('an action: global collection is matched per document', () => {
    const matches = matchesOf(kb, 'win_ntdsutil_ifm_snapshot');
    assert.deepEqual([...matches.keys()], [DN_0002, DN_0003]);
    assert.deepEqual(matches.get(DN_0002), [
      { via: 'log-source', document: 0, logSource: 'product: windows, service: security', event: SECURITY_4688, missingFields: [] },
    ]);
    assert.deepEqual(matches.get(DN_0003), [
      { via: 'log-source', document: 1, logSource: 'product: windows, service: sysmon', event: SYSMON_1, missingFields: [] },
    ]);
    const rule = ruleNamed(kb, 'win_ntdsutil_ifm_snapshot');
    assert.equal(rule.rules.length, 2, 'two rules after merging the global document');
    assert.deepEqual(issues.filter((issue) => issue.file === rule.file), []);
  });

  test('a process_creation rule using OriginalFileName warns, naming the field and the closest entry', () => {
    const name = 'proc_creation_win_powershell_encoded_download_cradle';
    const rule = ruleNamed(kb, name);
    const warnings = issuesOf(issues, rule, 'data-needed-missing-fields');
    assert.equal(warnings.length, 1, describeIssues(issues.filter((issue) => issue.file === rule.file)));
    const [warning] = warnings;
    assert.equal(warning!.severity, 'warning');
    assert.match(warning!.message, /"OriginalFileName"/);
    assert.match(warning!.message, new RegExp(`closest: ${DN_0002}$`));
    assert.ok(warning!.message.includes(SECURITY_4688));
    // At the log source: the first key under `logsource:`.
    assert.equal(warning!.line, lineOf(rule.file, 'logsource:') + 1);
    // The closest entry is kept (a partial log source beats none), with the gap as its reason.
    const matches = matchesOf(kb, name);
    assert.deepEqual([...matches.keys()], [DN_0002, DN_0003]);
    assert.deepEqual(matches.get(DN_0002)!.map((reason) => reason.via === 'log-source' && reason.missingFields), [['OriginalFileName']]);
    assert.deepEqual(matches.get(DN_0003)!.map((reason) => reason.via === 'log-source' && reason.missingFields), [[]]);
  });

  test('an EventID without a Data Needed entry gives data-needed-unmatched (info) and no link', () => {
    const rule = ruleNamed(kb, 'win_security_audit_log_cleared');
    const unmatched = issuesOf(issues, rule, 'data-needed-unmatched');
    assert.equal(unmatched.length, 1, describeIssues(issues.filter((issue) => issue.file === rule.file)));
    assert.equal(unmatched[0]!.severity, 'info');
    assert.match(unmatched[0]!.message, /Windows \/ Security \/ EventID 1102/);
    assert.equal(unmatched[0]!.line, lineOf(rule.file, 'logsource:') + 1);
    assert.deepEqual(kb.ruleLinks.get(rule)!.dataNeeded, []);
  });

  test('Data Needed that an Enrichment requires carry via: enrichment reasons', () => {
    const matches = matchesOf(kb, 'file_event_win_lsass_dump_file_created');
    assert.deepEqual([...matches.keys()], [DN_0003, DN_0005]);
    const enrichment = { via: 'enrichment', enrichment: 'EN_0002_enrich_sysmon_file_create_with_process_context' };
    assert.deepEqual(matches.get(DN_0003), [enrichment]);
    assert.deepEqual(matches.get(DN_0005), [
      { via: 'log-source', document: 0, logSource: 'product: windows, category: file_event', event: 'Windows / Microsoft-Windows-Sysmon/Operational / EventID 11', missingFields: [] },
      enrichment,
    ]);
  });

  test('every rule with a matched log source lists each entry once, sorted by title', () => {
    for (const rule of kb.rules) {
      const list = titles(kb.ruleLinks.get(rule)!.dataNeeded);
      assert.deepEqual(list, [...new Set(list)].sort(), rule.name);
    }
  });
});

describe('matchDataNeeded on small inline entries', () => {
  const narrow = entry('DN_A_4688_narrow', ['EventID', 'NewProcessName', 'ParentProcessName'], { platform: 'Windows', channel: 'Security', eventId: 4688 });
  const wide = entry('DN_B_4688_wide', ['EventID', 'NewProcessName', 'ParentProcessName', 'CommandLine'], { platform: 'Windows', channel: 'Security', eventId: 4688 });
  const logon = entry('DN_C_4624_logon', ['EventID', 'TargetUserName', 'LogonType'], { platform: 'Windows', channel: 'Security', eventId: 4624 });
  const sysmon = entry('DN_D_1_sysmon', ['EventID', 'Image', 'CommandLine', 'OriginalFileName'], { platform: 'Windows', channel: 'Microsoft-Windows-Sysmon/Operational', eventId: 1 });
  const index = new DataNeededIndex([narrow, wide, logon, sysmon]);
  const processCreation = { product: 'windows', category: 'process_creation' };

  test('every entry that provides all the fields is kept', () => {
    const { matches, problems } = matchDataNeeded([facts({ product: 'windows', service: 'security' }, ['NewProcessName'], [4688])], index);
    assert.deepEqual(titles(matches), [narrow.title, wide.title]);
    assert.deepEqual(problems, []);
  });

  test('only entries whose fields are a superset of the rule\'s are kept', () => {
    const { matches, problems } = matchDataNeeded([facts({ product: 'windows', service: 'security' }, ['CommandLine', 'NewProcessName'], [4688])], index);
    assert.deepEqual(titles(matches), [wide.title]);
    assert.deepEqual(problems, []);
  });

  test('each event of the log source gets its own best entries (process_creation: Security 4688 and Sysmon 1)', () => {
    const { matches, problems } = matchDataNeeded([facts(processCreation, ['CommandLine', 'NewProcessName'])], index);
    assert.deepEqual(titles(matches), [wide.title, sysmon.title]);
    assert.deepEqual(matches[1]!.reasons, [
      { via: 'log-source', document: 0, logSource: 'product: windows, category: process_creation', event: SYSMON_1, missingFields: ['NewProcessName'] },
    ]);
    assert.deepEqual(problems.map((problem) => [problem.kind, problem.message]), [
      ['missing-fields', `no Data Needed entry for ${SYSMON_1} provides "NewProcessName"; closest: ${sysmon.title}`],
    ]);
  });

  test('without a full match, the closest entries are kept and the missing fields reported', () => {
    const { matches, problems } = matchDataNeeded([facts({ product: 'windows', service: 'security' }, ['CommandLine', 'OriginalFileName'], [4688])], index);
    assert.deepEqual(titles(matches), [wide.title]);
    assert.deepEqual(matches[0]!.reasons, [
      { via: 'log-source', document: 0, logSource: 'product: windows, service: security', event: SECURITY_4688, missingFields: ['OriginalFileName'] },
    ]);
    assert.equal(problems.length, 1);
    assert.equal(problems[0]!.kind, 'missing-fields');
    assert.equal(problems[0]!.message, `no Data Needed entry for ${SECURITY_4688} provides "OriginalFileName"; closest: ${wide.title}`);
  });

  test('entries tied as closest are all kept and all named', () => {
    const { matches, problems } = matchDataNeeded([facts({ product: 'windows', service: 'security' }, ['NewProcessName', 'IntegrityLevel'], [4688])], index);
    assert.deepEqual(titles(matches), [narrow.title, wide.title]);
    assert.equal(problems.length, 1);
    assert.match(problems[0]!.message, new RegExp(`closest: ${narrow.title}, ${wide.title}$`));
  });

  test('each EventID the rule selects is looked up on its own', () => {
    const { matches, problems } = matchDataNeeded([facts({ product: 'windows', service: 'security' }, ['EventID'], [4624, 4688, 4720])], index);
    assert.deepEqual(titles(matches), [narrow.title, wide.title, logon.title], 'sorted by title');
    assert.deepEqual(problems, [], 'an EventID without an entry is fine when another one matched');
  });

  test('a rule without EventIDs on a service matches every entry of the channel', () => {
    const { matches } = matchDataNeeded([facts({ product: 'windows', service: 'security' }, ['EventID'])], index);
    assert.deepEqual(titles(matches), [narrow.title, wide.title, logon.title].sort());
  });

  test('no entry for the event, and no row for the log source, are reported', () => {
    const none = matchDataNeeded([facts({ product: 'windows', service: 'security' }, ['EventID'], [1102])], index);
    assert.deepEqual(none.matches, []);
    assert.deepEqual(none.problems.map((problem) => problem.kind), ['no-entry']);
    assert.match(none.problems[0]!.message, /Windows \/ Security \/ EventID 1102/);
    const unknown = matchDataNeeded([facts({ product: 'plan9', service: 'rio' }, ['x'])], index);
    assert.deepEqual(unknown.problems.map((problem) => [problem.kind, problem.message]), [['no-log-source-row', 'no Data Needed mapping for log source product: plan9, service: rio']]);
  });

  test('documents of a collection are matched on their own and reported by index', () => {
    const { matches, problems } = matchDataNeeded(
      [facts({ product: 'windows', service: 'sysmon' }, ['Image'], [1]), facts({ product: 'windows', service: 'security' }, ['NewProcessName'], [4688])],
      index,
    );
    assert.deepEqual(
      matches.map((match) => [match.dataNeeded.title, match.reasons.map((reason) => reason.via === 'log-source' && reason.document)]),
      [[narrow.title, [1]], [wide.title, [1]], [sysmon.title, [0]]],
    );
    assert.deepEqual(problems, []);
  });

  test('fields, platforms and channels compare case-insensitively', () => {
    const shouting = entry('DN_E_shouting', ['EVENTID', 'commandline', 'NewProcessName'], { platform: 'WINDOWS', channel: 'security', eventId: 4688 });
    const caseIndex = new DataNeededIndex([shouting]);
    const { matches, problems } = matchDataNeeded([facts({ product: 'Windows', category: 'Process_Creation' }, ['CommandLine', 'newprocessname'])], caseIndex);
    assert.deepEqual(titles(matches), [shouting.title]);
    assert.deepEqual(matches[0]!.reasons.map((reason) => reason.via === 'log-source' && reason.missingFields), [[]]);
    assert.deepEqual(problems, []);
  });

  test('entries without a platform are never candidates', () => {
    const floating = entry('DN_F_no_platform', ['EventID'], { channel: 'Security', eventId: 4688 });
    const { matches } = matchDataNeeded([facts({ product: 'windows', service: 'security' }, ['EventID'], [4688])], new DataNeededIndex([floating]));
    assert.deepEqual(matches, []);
  });
});

describe('rule facts the linker reads', () => {
  const dataNeeded = (title: string, eventId: number, fields: string): string =>
    `title: ${title}\ndescription: test entry\nplatform: Windows\nchannel: Security\nevent_id: ${eventId}\nfields: [${fields}]\n`;

  test('negated EventIDs are ignored; quoted EventIDs count', (t) => {
    const root = writeTempTree(t, {
      'data_needed/DN_X_4688.yml': dataNeeded('DN_X_4688', 4688, 'EventID, NewProcessName'),
      'data_needed/DN_X_4689.yml': dataNeeded('DN_X_4689', 4689, 'EventID, ProcessName'),
      'data_needed/DN_X_4624.yml': dataNeeded('DN_X_4624', 4624, 'EventID, NewProcessName, ProcessName'),
      // 4689 only appears under `not`: the rule is about 4688 alone.
      'rules/filtered.yml': [
        'title: Filtered',
        'logsource: {product: windows, service: security}',
        'detection:',
        "    selection: {EventID: '4688', NewProcessName|endswith: '\\x.exe'}",
        '    filter: {EventID: 4689}',
        '    condition: selection and not filter',
        '',
      ].join('\n'),
      // Only a filter names an EventID: every Security entry is a candidate.
      'rules/only_filter.yml': [
        'title: Only a filter',
        'logsource: {product: windows, service: security}',
        'detection:',
        "    selection: {NewProcessName|endswith: '\\x.exe'}",
        '    filter: {EventID: 4689}',
        '    condition: selection and not filter',
        '',
      ].join('\n'),
    });
    const { kb, issues } = loadKnowledgeBase(standardFolders(root), root);
    assert.deepEqual(issues.filter((issue) => issue.severity !== 'info'), [], describeIssues(issues));
    assert.deepEqual(titles(kb.ruleLinks.get(ruleNamed(kb, 'filtered'))!.dataNeeded), ['DN_X_4688']);
    assert.deepEqual(titles(kb.ruleLinks.get(ruleNamed(kb, 'only_filter'))!.dataNeeded), ['DN_X_4624', 'DN_X_4688']);
  });

  test('a rule written with lower-case field names matches upper-case Data Needed fields', (t) => {
    const root = writeTempTree(t, {
      'data_needed/DN_Y.yml': dataNeeded('DN_Y_4688', 4688, 'EventID, CommandLine'),
      'rules/lower.yml': "title: Lower\nlogsource: {product: WINDOWS, service: Security}\ndetection:\n    sel: {eventid: 4688, commandline|contains: x}\n    condition: sel\n",
    });
    const { kb, issues } = loadKnowledgeBase(standardFolders(root), root);
    assert.deepEqual(issues, [], describeIssues(issues));
    const matches = kb.ruleLinks.get(ruleNamed(kb, 'lower'))!.dataNeeded;
    assert.deepEqual(titles(matches), ['DN_Y_4688']);
    assert.deepEqual(matches[0]!.reasons.map((reason) => reason.via === 'log-source' && reason.missingFields), [[]]);
  });
});

describe('Windows services in the Data Needed log-source table', () => {
  test('every service the converters restrict to a channel is looked up with exactly those channels', () => {
    for (const service of Object.keys(WINDOWS_CHANNELS)) {
      const found = lookUpLogSource({ product: 'windows', service });
      assert.ok(found, `service ${service} has a row`);
      assert.deepEqual(
        found.row.events.map((event) => event.channel),
        windowsChannelsOf(service),
        `service ${service}`,
      );
      assert.ok(found.row.events.every((event) => event.platform === 'Windows' && event.eventIds === undefined));
    }
  });

  test('services pySigma maps that the matcher once lacked or misspelled find their Data Needed entries', () => {
    const certificates = entry('DN_cert_exported', ['EventID'], { platform: 'Windows', channel: 'Microsoft-Windows-CertificateServicesClient-Lifecycle-System/Operational', eventId: 1007 });
    const vhd = entry('DN_vhd_mounted', ['EventID'], { platform: 'Windows', channel: 'Microsoft-Windows-VHDMP/Operational', eventId: 1 });
    const userMode = entry('DN_mitigations_user_mode', ['EventID'], { platform: 'Windows', channel: 'Microsoft-Windows-Security-Mitigations/User Mode', eventId: 11 });
    const index = new DataNeededIndex([certificates, vhd, userMode]);
    const titlesFor = (service: string, eventId: number): string[] =>
      matchDataNeeded([{ logsource: { product: 'windows', service }, fields: ['EventID'], eventIds: [eventId] }], index).matches.map((match) => match.dataNeeded.title);
    assert.deepEqual(titlesFor('certificateservicesclient-lifecycle-system', 1007), ['DN_cert_exported']);
    assert.deepEqual(titlesFor('vhdmp', 1), ['DN_vhd_mounted']);
    // The channel Windows writes has a space ("User Mode"); the matcher's own copy had "KernelMode" only.
    assert.deepEqual(titlesFor('security-mitigations', 11), ['DN_mitigations_user_mode']);
    // A service's other channels do not stand in for the one an entry names.
    assert.deepEqual(titlesFor('vhdmp', 1007), []);
  });

  test('an unknown service still has no row (and is reported as such, not matched to any channel)', () => {
    assert.equal(lookUpLogSource({ product: 'windows', service: 'no-such-service' }), undefined);
  });
});
