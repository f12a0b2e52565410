import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import type { KnowledgeBase } from '../../src/link/knowledge-base.ts';
import type { DetectionRule } from '../../src/model/detection-rule.ts';
import type { DataNeeded, Enrichment, LoggingPolicy } from '../../src/model/entities.ts';
import { linkKnowledgeBase } from '../../src/link/link-knowledge-base.ts';
import { loadDetectionRules } from '../../src/load/load-detection-rules.ts';
import { attackCatalog, describeIssues, FIXTURES, loadKnowledgeBase, loadSampleKnowledgeBase, PROJECT_ROOT, standardFolders } from '../helpers/knowledge-base.ts';
import { writeTempTree } from '../helpers/temp-files.ts';

const EXTRAS = path.join(FIXTURES, 'kb/link-extras');

const names = (rules: readonly DetectionRule[] | undefined): string[] => (rules ?? []).map((rule) => rule.name);
const titles = (entities: readonly { title: string }[] | undefined): string[] => (entities ?? []).map((entity) => entity.title);

function rule(kb: KnowledgeBase, name: string): DetectionRule {
  const found = kb.rulesByName.get(name);
  assert.ok(found, `rule ${name} is loaded`);
  return found;
}
function dataNeeded(kb: KnowledgeBase, title: string): DataNeeded {
  const found = kb.dataNeededByTitle.get(title);
  assert.ok(found, `Data Needed ${title} is loaded`);
  return found;
}
function policy(kb: KnowledgeBase, title: string): LoggingPolicy {
  const found = kb.loggingPoliciesByTitle.get(title);
  assert.ok(found, `Logging Policy ${title} is loaded`);
  return found;
}
function enrichment(kb: KnowledgeBase, title: string): Enrichment {
  const found = kb.enrichmentsByTitle.get(title);
  assert.ok(found, `Enrichment ${title} is loaded`);
  return found;
}

const byPath = (a: DetectionRule, b: DetectionRule): number => (a.relativePath < b.relativePath ? -1 : a.relativePath > b.relativePath ? 1 : 0);
const byTitle = (a: { title: string }, b: { title: string }): number => (a.title < b.title ? -1 : a.title > b.title ? 1 : 0);

function assertSorted<T>(list: readonly T[], compare: (a: T, b: T) => number, what: string): void {
  assert.deepEqual([...list], [...list].sort(compare), `${what} is sorted`);
}

describe('linkKnowledgeBase over the sample knowledge base', () => {
  const { kb, issues } = loadSampleKnowledgeBase();

  test('every reference of the sample resolves: no errors, no unknown-* warnings', () => {
    const bad = issues.filter((issue) => issue.severity === 'error' || issue.code.startsWith('unknown-') || issue.code.startsWith('duplicate-'));
    assert.deepEqual(bad, [], describeIssues(bad));
    assert.equal(kb.rules.length, 33);
    assert.equal(kb.dataNeeded.length, 17);
    assert.equal(kb.loggingPolicies.length, 15);
    assert.equal(kb.enrichments.length, 2);
    assert.equal(kb.triggers.length, 9);
  });

  test('Data Needed → rules is the exact inverse of rule → Data Needed, sorted by path', () => {
    for (const entry of kb.dataNeeded) {
      const expected = kb.rules.filter((candidate) => kb.ruleLinks.get(candidate)!.dataNeeded.some((match) => match.dataNeeded === entry));
      assert.deepEqual(names(kb.rulesByDataNeeded.get(entry)), names(expected), entry.title);
    }
    assert.deepEqual(names(kb.rulesByDataNeeded.get(dataNeeded(kb, 'DN_0005_11_windows_sysmon_file_create'))), ['file_event_win_lsass_dump_file_created']);
    assert.deepEqual(names(kb.rulesByDataNeeded.get(dataNeeded(kb, 'DN_0001_4688_windows_process_creation'))), [
      'win_security_whoami_as_local_system',
      'proc_creation_win_office_app_spawns_script_host',
    ]);
    // Through the correlation that counts them, too.
    assert.deepEqual(names(kb.rulesByDataNeeded.get(dataNeeded(kb, 'DN_0014_webserver_access_log'))), [
      'web_login_brute_force_by_client',
      'web_basic_auth_failure',
      'web_login_endpoint_auth_failure',
      'web_path_traversal_successful_response',
      'web_template_and_jndi_injection_probes',
    ]);
    assert.equal(kb.rulesByDataNeeded.get(dataNeeded(kb, 'DN_0009_4625_windows_account_failed_logon')), undefined, 'no rule needs 4625');
  });

  test('Logging Policy → Data Needed is the inverse of Data Needed → Logging Policies, sorted by title', () => {
    for (const lp of kb.loggingPolicies) {
      const expected = kb.dataNeeded.filter((entry) => kb.loggingPoliciesByDataNeeded.get(entry)!.includes(lp));
      assert.deepEqual(titles(kb.dataNeededByLoggingPolicy.get(lp)), titles(expected), lp.title);
      assertSorted(kb.dataNeededByLoggingPolicy.get(lp) ?? [], byTitle, lp.title);
    }
    assert.deepEqual(titles(kb.dataNeededByLoggingPolicy.get(policy(kb, 'LP_0001_windows_audit_process_creation'))), [
      'DN_0001_4688_windows_process_creation',
      'DN_0002_4688_windows_process_creation_with_commandline',
    ]);
    assert.deepEqual(titles(kb.loggingPoliciesByDataNeeded.get(dataNeeded(kb, 'DN_0002_4688_windows_process_creation_with_commandline'))), [
      'LP_0001_windows_audit_process_creation',
      'LP_0002_windows_audit_process_creation_with_commandline',
    ]);
    assert.deepEqual(kb.loggingPoliciesByDataNeeded.get(dataNeeded(kb, 'DN_0015_proxy_access_log')), [], 'an entry without policies has an empty list');
  });

  test('Enrichment → rules, Enrichment → Data Needed, and required-by', () => {
    const en1 = enrichment(kb, 'EN_0001_cache_sysmon_process_creation_by_guid');
    const en2 = enrichment(kb, 'EN_0002_enrich_sysmon_file_create_with_process_context');
    const fileEvent = rule(kb, 'file_event_win_lsass_dump_file_created');
    assert.deepEqual(names(kb.rulesByEnrichment.get(en2)), ['file_event_win_lsass_dump_file_created']);
    assert.equal(kb.rulesByEnrichment.get(en1), undefined, 'no rule names EN_0001 itself');
    assert.deepEqual(kb.ruleLinks.get(fileEvent)!.enrichments, [en2]);
    assert.deepEqual(titles(kb.enrichmentsRequiring.get(en1)), [en2.title], 'EN_0001 is required by EN_0002');
    assert.equal(kb.enrichmentsRequiring.get(en2), undefined);
    assert.deepEqual(titles(kb.enrichmentsByDataNeeded.get(dataNeeded(kb, 'DN_0003_1_windows_sysmon_process_creation'))), [en1.title, en2.title]);
    assert.deepEqual(titles(kb.enrichmentsByDataNeeded.get(dataNeeded(kb, 'DN_0005_11_windows_sysmon_file_create'))), [en2.title]);
  });

  test('technique → rules, triggers and Data Needed', () => {
    assert.deepEqual(names(kb.rulesByTechnique.get('T1003.001')), [
      'proc_creation_win_comsvcs_lsass_dump',
      'file_event_win_lsass_dump_file_created',
      'posh_ps_credential_dumping_keywords',
      'proc_creation_win_rundll32_comsvcs_minidump',
    ]);
    assert.deepEqual(titles(kb.dataNeededByTechnique.get('T1003.001')), [
      'DN_0002_4688_windows_process_creation_with_commandline',
      'DN_0003_1_windows_sysmon_process_creation',
      'DN_0005_11_windows_sysmon_file_create',
      'DN_0007_4104_windows_powershell_script_block',
    ]);
    assert.equal(kb.triggersByTechnique.get('T1003.001')?.techniqueId, 'T1003.001');
    assert.deepEqual(
      kb.ruleLinks.get(rule(kb, 'proc_creation_win_rundll32_comsvcs_minidump'))!.triggers.map((trigger) => trigger.techniqueId),
      ['T1003.001', 'T1218.011'],
      'triggers in technique tag order',
    );
    assert.equal(kb.rulesByTechnique.get('T1003'), undefined, 'parents are not rolled up');
    assert.equal(kb.rulesByTechnique.get('T1087.001'), undefined, 'a trigger without a rule');

    for (const [techniqueId, rules] of kb.rulesByTechnique) {
      assertSorted(rules, byPath, techniqueId);
      const expected = new Set<DataNeeded>();
      for (const tagged of rules) {
        assert.ok(kb.ruleLinks.get(tagged)!.techniques.some((technique) => technique.id === techniqueId), `${tagged.name} is tagged ${techniqueId}`);
        for (const match of kb.ruleLinks.get(tagged)!.dataNeeded) expected.add(match.dataNeeded);
      }
      assert.deepEqual(titles(kb.dataNeededByTechnique.get(techniqueId)), titles([...expected].sort(byTitle)), techniqueId);
    }
    for (const candidate of kb.rules) {
      for (const technique of kb.ruleLinks.get(candidate)!.techniques) assert.ok(kb.rulesByTechnique.get(technique.id)!.includes(candidate));
      for (const tactic of kb.ruleLinks.get(candidate)!.tactics) assert.ok(kb.rulesByTactic.get(tactic.id)!.includes(candidate));
      for (const trigger of kb.ruleLinks.get(candidate)!.triggers) {
        assert.ok(kb.ruleLinks.get(candidate)!.techniques.some((technique) => technique.id === trigger.techniqueId));
      }
    }
  });

  test('tactics and techniques in tag order, other tags kept', () => {
    const links = kb.ruleLinks.get(rule(kb, 'proc_creation_win_rundll32_comsvcs_minidump'))!;
    assert.deepEqual(links.tactics.map((tactic) => tactic.id), ['TA0006', 'TA0005']);
    assert.deepEqual(links.techniques.map((technique) => technique.id), ['T1003.001', 'T1218.011']);
    assert.deepEqual(kb.ruleLinks.get(rule(kb, 'proc_creation_win_schtasks_create_user_writable_payload'))!.otherTags, ['car.2013-08-001']);
  });

  test('related and relatedBy, in both directions', () => {
    const deprecated = rule(kb, 'proc_creation_win_comsvcs_lsass_dump');
    const current = rule(kb, 'proc_creation_win_rundll32_comsvcs_minidump');
    assert.deepEqual(kb.ruleLinks.get(current)!.related, [{ type: 'obsolete', id: deprecated.id, rule: deprecated }]);
    assert.deepEqual(kb.ruleLinks.get(deprecated)!.related, [{ type: 'similar', id: current.id, rule: current }]);
    assert.deepEqual(kb.ruleLinks.get(deprecated)!.relatedBy, [{ type: 'obsolete', rule: current }]);
    assert.deepEqual(kb.ruleLinks.get(current)!.relatedBy, [{ type: 'similar', rule: deprecated }]);
  });

  test('a correlation resolves its rules by name and by id, in the order it names them', () => {
    const correlation = rule(kb, 'web_login_brute_force_by_client');
    const byName = rule(kb, 'web_login_endpoint_auth_failure');
    const byId = rule(kb, 'web_basic_auth_failure');
    assert.equal(byName.rules[0]!.name, 'web_login_auth_failure', 'the Sigma name differs from the file name');
    assert.equal(byId.id, 'cee4aac0-3d9f-4bba-94b5-fc441b6b25b9');
    assert.deepEqual(names(kb.ruleLinks.get(correlation)!.correlatedRules), [byName.name, byId.name]);
    assert.deepEqual(names(kb.ruleLinks.get(byName)!.correlatedBy), [correlation.name]);
    assert.deepEqual(names(kb.ruleLinks.get(byId)!.correlatedBy), [correlation.name]);
    assert.equal(kb.rulesById.get('10edd0c3-a07e-446c-8a3b-ecf7335fcc1c'), correlation);
    // The correlation needs what its rules need.
    assert.deepEqual(titles(kb.ruleLinks.get(correlation)!.dataNeeded.map((match) => match.dataNeeded)), ['DN_0014_webserver_access_log']);
  });

  test('a correlation inherits each Data Needed reason once', () => {
    const correlation = rule(kb, 'web_login_brute_force_by_client');
    for (const match of kb.ruleLinks.get(correlation)!.dataNeeded) {
      const keys = match.reasons.map((reason) => JSON.stringify(reason));
      assert.deepEqual(keys, [...new Set(keys)], match.dataNeeded.title);
    }
  });

  test('rules are sorted by relative path, entities by title, and every reverse list likewise', () => {
    assertSorted(kb.rules, byPath, 'rules');
    for (const list of [kb.dataNeeded, kb.loggingPolicies, kb.enrichments]) assertSorted(list, byTitle, 'entities');
    for (const [key, rules] of [...kb.rulesByDataNeeded, ...kb.rulesByEnrichment, ...kb.rulesByTactic]) {
      assertSorted(rules, byPath, typeof key === 'string' ? key : key.title);
    }
    for (const [, list] of [...kb.enrichmentsByDataNeeded, ...kb.enrichmentsRequiring]) assertSorted(list, byTitle, 'enrichments');
  });
});

describe('linkKnowledgeBase reports what does not fit (sample KB plus tests/fixtures/kb/link-extras)', () => {
  const folders = standardFolders(PROJECT_ROOT);
  const { kb, issues } = loadKnowledgeBase({ ...folders, rules: [...folders.rules, path.join(EXTRAS, 'rules')] });
  const extraFile = (name: string): string => path.relative(PROJECT_ROOT, path.join(EXTRAS, 'rules', name));

  test('a tactic ATT&CK does not know (attack.stealth) is warned at its tag and kept as another tag', () => {
    const file = extraFile('zz_stealth_and_revoked_tags.yml');
    const found = issues.filter((issue) => issue.file === file && issue.code === 'unknown-attack-tactic');
    assert.deepEqual(
      found.map((issue) => [issue.line, issue.column, issue.severity]),
      [[9, 7, 'warning']],
      describeIssues(issues.filter((issue) => issue.file === file)),
    );
    assert.match(found[0]!.message, /"attack\.stealth"/);
    assert.match(found[0]!.message, /ATT&CK 18\.1/);
    const links = kb.ruleLinks.get(rule(kb, 'zz_stealth_and_revoked_tags'))!;
    assert.deepEqual(links.otherTags, ['attack.stealth']);
    assert.deepEqual(links.tactics.map((tactic) => tactic.id), ['TA0002']);
  });

  test('a revoked technique is warned with its replacement named', () => {
    const file = extraFile('zz_stealth_and_revoked_tags.yml');
    const found = issues.filter((issue) => issue.file === file && issue.code === 'revoked-attack-technique');
    assert.deepEqual(found.map((issue) => [issue.line, issue.column, issue.severity]), [[10, 7, 'warning']]);
    // The snapshot carries ATT&CK's revoked-by relationship, so the successor is ATT&CK's word, not a same-name guess.
    assert.equal(found[0]!.message, 'T1086 (PowerShell) is revoked in ATT&CK 18.1; use T1059.001 (PowerShell)');
    // The page still shows the technique the author wrote.
    assert.deepEqual(kb.ruleLinks.get(rule(kb, 'zz_stealth_and_revoked_tags'))!.techniques.map((technique) => technique.id), ['T1086']);
  });

  test('a duplicate rule id is an error at the later file\'s id, naming the first', () => {
    const file = extraFile('zz_copy_of_net_user_add.yml');
    const found = issues.filter((issue) => issue.code === 'duplicate-id');
    assert.deepEqual(
      found.map((issue) => [issue.file, issue.line, issue.column, issue.severity, issue.message]),
      [[file, 2, 5, 'error', 'rule id af4f29fa-0aef-4c18-983e-159ed455b3c3 is also used by rules/windows/process_creation/proc_creation_win_net_user_add.yml']],
    );
    assert.equal(kb.rulesById.get('af4f29fa-0aef-4c18-983e-159ed455b3c3')?.name, 'proc_creation_win_net_user_add', 'the first one keeps the id');
  });

  test('the extra rules change nothing else', () => {
    const unexpected = issues.filter(
      (issue) => issue.file.startsWith('tests/') && !['unknown-attack-tactic', 'revoked-attack-technique', 'duplicate-id'].includes(issue.code) && issue.severity !== 'info',
    );
    assert.deepEqual(unexpected, [], describeIssues(unexpected));
  });
});

test('thousands of tags that are not ATT&CK tags link in linear time, each listed once (found by tests/load/mutated-input.test.ts)', (t) => {
  // 40,000 tags, 20,000 distinct, made a list search for each take seconds; the file's entry limit (10,000)
  // now stops that file, so this one is just under it.
  const tags = Array.from({ length: 9_990 }, (_, index) => `  - custom.tag${index % 5_000}`).join('\n');
  const root = writeTempTree(t, { 'rules/many-tags.yml': `title: Many tags\nlogsource: {product: windows}\ntags:\n${tags}\ndetection:\n  sel: {A: 1}\n  condition: sel\n` });
  const rules = loadDetectionRules([path.join(root, 'rules')]);
  const started = performance.now();
  const linked = linkKnowledgeBase({ attack: attackCatalog(), rules: rules.items, dataNeeded: [], loggingPolicies: [], enrichments: [], triggers: [] });
  const elapsed = performance.now() - started;
  const otherTags = linked.kb.ruleLinks.get(linked.kb.rules[0]!)!.otherTags;
  assert.equal(otherTags.length, 5_000);
  assert.deepEqual([otherTags[0], otherTags.at(-1)], ['custom.tag0', 'custom.tag4999']);
  assert.ok(elapsed < 1_000, `linking took ${Math.round(elapsed)} ms`);
});
