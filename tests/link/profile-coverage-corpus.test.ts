/**
 * Coverage profiles on the full ../shared corpus, with three profiles written by the test: Sysmon only,
 * the Security log's 4688 with command line plus PowerShell 4104, and every Data Needed entry. What the
 * profile code says runs is checked against a derivation of its own from the linker's Data Needed
 * matches (RuleLinks), and the first "enable next" step of each profile is taken to see that it gains
 * exactly what it claims. The numbers are printed as diagnostics (the issue asks for them).
 */
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { KnowledgeBase } from '../../src/link/knowledge-base.ts';
import { computeProfileCoverage } from '../../src/link/profile-coverage.ts';
import type { ProfileCoverage } from '../../src/link/profile-coverage-model.ts';
import { loadProfiles } from '../../src/load/load-profiles.ts';
import type { CoverageProfile } from '../../src/model/coverage-profile.ts';
import type { DetectionRule } from '../../src/model/detection-rule.ts';
import type { DataNeeded } from '../../src/model/entities.ts';
import { sharedCorpusConfig } from '../../scripts/shared-corpus.ts';
import { CORPUS, loadKnowledgeBase, skipUnlessExists } from '../helpers/knowledge-base.ts';

const skip = skipUnlessExists('the corpus profile coverage test', CORPUS);

/** Coverage without conversion: none of these profiles names a query target. */
function coverageOf(kb: KnowledgeBase, profiles: readonly CoverageProfile[]): ProfileCoverage[] {
  return computeProfileCoverage({ kb, profiles, useCases: [], conversions: () => undefined }).profiles;
}

/**
 * The rules that run with these entries, from RuleLinks alone: every document of the rule has a matched
 * entry among them that lacks none of its fields (the matcher keeps, per event, the entries missing the
 * fewest fields, so an entry with all of them is always among the matches), and a correlation rule runs
 * when every rule it correlates runs.
 */
function runnableFromLinks(kb: KnowledgeBase, available: ReadonlySet<DataNeeded>): (rule: DetectionRule) => boolean {
  const known = new Map<DetectionRule, boolean>();
  const runs = (rule: DetectionRule): boolean => {
    const cached = known.get(rule);
    if (cached !== undefined) return cached;
    // A correlation cycle is reported as an error elsewhere; inside one, nothing runs.
    known.set(rule, false);
    const links = kb.ruleLinks.get(rule)!;
    const complete = new Set<number>();
    for (const match of links.dataNeeded) {
      if (!available.has(match.dataNeeded)) continue;
      for (const reason of match.reasons) if (reason.via === 'log-source' && reason.missingFields.length === 0) complete.add(reason.document);
    }
    const documentsRun = rule.rules.every((_document, index) => complete.has(index));
    const correlatedRun = links.correlatedRules.every(runs);
    const result = (rule.rules.length > 0 || links.correlatedRules.length > 0) && documentsRun && correlatedRun;
    known.set(rule, result);
    return result;
  };
  return runs;
}

const runnableSet = (coverage: ProfileCoverage): Set<DetectionRule> => new Set(coverage.rules.filter((entry) => entry.status === 'runnable').map((entry) => entry.rule));

describe('coverage profiles on the ../shared corpus', { skip }, () => {
  let kb: KnowledgeBase;
  let folder: string;
  let profiles: ProfileCoverage[];
  const byKey = (key: string): ProfileCoverage => profiles.find((coverage) => coverage.key === key)!;

  before(() => {
    kb = loadKnowledgeBase(sharedCorpusConfig().inputs).kb;
    const sysmon = kb.dataNeeded.filter((entry) => /sysmon/i.test(entry.channel ?? '') && /windows/i.test(entry.platform ?? ''));
    const titled = (pattern: RegExp): string => {
      const found = kb.dataNeeded.find((entry) => pattern.test(entry.title));
      assert.ok(found, `the corpus has a Data Needed entry like ${pattern}`);
      return found.title;
    };
    const yaml = (title: string, entries: readonly string[]): string => `title: ${JSON.stringify(title)}\ndata_needed:\n${entries.map((entry) => `  - ${JSON.stringify(entry)}`).join('\n')}\n`;
    folder = mkdtempSync(path.join(tmpdir(), 'atc-profiles-'));
    writeFileSync(path.join(folder, 'sysmon-only.yml'), yaml('Sysmon only', sysmon.map((entry) => entry.title)));
    writeFileSync(path.join(folder, 'security-4688-4104.yml'), yaml('Security 4688 with command line and PowerShell 4104', [titled(/^DN_\d+_4688_windows_process_creation_with_commandline$/), titled(/^DN_\d+_4104_/)]));
    writeFileSync(path.join(folder, 'everything.yml'), yaml('Everything', kb.dataNeeded.map((entry) => entry.title)));
    const loaded = loadProfiles([folder]);
    assert.deepEqual(loaded.issues, []);
    assert.ok(sysmon.length >= 10, `Sysmon entries: ${sysmon.length}`);
    profiles = coverageOf(kb, loaded.items);
  });
  after(() => rmSync(folder, { recursive: true, force: true }));

  test('the everything profile runs exactly the rules whose every document has a Data Needed entry with all its fields', () => {
    const everything = byKey('everything');
    // Profiles name entries by title, and of two entries sharing one (atc-data has such a pair) the title names the first.
    assert.deepEqual(new Set(everything.available), new Set(kb.dataNeededByTitle.values()));
    const runs = runnableFromLinks(kb, new Set(kb.dataNeeded));
    const expected = new Set(everything.rules.filter((entry) => runs(entry.rule)).map((entry) => entry.rule));
    const actual = runnableSet(everything);
    const onlyExpected = [...expected].filter((rule) => !actual.has(rule)).map((rule) => rule.relativePath);
    const onlyActual = [...actual].filter((rule) => !expected.has(rule)).map((rule) => rule.relativePath);
    assert.deepEqual({ onlyExpected: onlyExpected.slice(0, 10), onlyActual: onlyActual.slice(0, 10) }, { onlyExpected: [], onlyActual: [] });
    assert.ok(expected.size > 1000, `${expected.size} runnable rules`);
    assert.equal(everything.enableNext.length, 0, 'with every entry there is nothing left to enable');
  });

  test('the narrower profiles run exactly the rules their own entries supply, and fewer than everything', () => {
    const everything = runnableSet(byKey('everything'));
    for (const key of ['sysmon-only', 'security-4688-4104']) {
      const coverage = byKey(key);
      const runs = runnableFromLinks(kb, new Set(coverage.available));
      const expected = coverage.rules.filter((entry) => runs(entry.rule)).map((entry) => entry.rule.relativePath).sort();
      assert.deepEqual([...runnableSet(coverage)].map((rule) => rule.relativePath).sort(), expected, key);
      assert.ok(expected.length > 0 && expected.length < everything.size, `${key}: ${expected.length} runnable`);
      for (const rule of runnableSet(coverage)) assert.ok(everything.has(rule), `${key}: ${rule.relativePath} runs with everything too`);
      assert.equal(coverage.counts.runnable + coverage.counts.partial + coverage.counts.notRunnable, coverage.rules.length);
    }
  });

  test('taking a profile\'s first "enable next" step gains exactly the rules and techniques it states', () => {
    for (const key of ['sysmon-only', 'security-4688-4104']) {
      const coverage = byKey(key);
      const [step] = coverage.enableNext;
      assert.ok(step, `${key}: something to enable`);
      const reference = { title: step.name, position: { line: 1, column: 1 } };
      const { profile } = coverage;
      const taken = step.kind === 'data_needed' ? { ...profile, dataNeeded: [...profile.dataNeeded, reference] } : { ...profile, loggingPolicies: [...profile.loggingPolicies, reference] };
      const [after] = coverageOf(kb, [taken]);
      assert.equal(after!.counts.runnable - coverage.counts.runnable, step.newRunnableRules, `${key}: ${step.name} adds ${step.newRunnableRules} runnable rules`);
      assert.equal(after!.techniques.length - coverage.techniques.length, step.newTechniques, `${key}: ${step.name} adds ${step.newTechniques} techniques`);
      assert.equal(after!.counts.runnable, step.runnableAfter);
      assert.equal(after!.techniques.length, step.techniquesAfter);
      for (const rule of runnableSet(coverage)) assert.ok(runnableSet(after!).has(rule), `${key}: adding an entry never loses a rule`);
    }
  });

  test('the numbers per profile', (t) => {
    for (const coverage of profiles) {
      const steps = coverage.enableNext.slice(0, 3).map((step, index) => `${index + 1}. ${step.name} (+${step.newRunnableRules} rules, +${step.newTechniques} techniques)`);
      t.diagnostic(`${coverage.profile.title}: ${coverage.available.length} Data Needed; ${coverage.counts.runnable} runnable, ${coverage.counts.partial} partial, ${coverage.counts.notRunnable} not runnable of ${coverage.rules.length}; ${coverage.techniques.length} techniques, ${coverage.tactics.length} tactics covered${steps.length > 0 ? `; enable next: ${steps.join('; ')}` : ''}`);
    }
    assert.equal(profiles.length, 3);
  });
});
