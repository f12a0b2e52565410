/**
 * Builds a knowledge base in memory with the real loaders and linker, the way `src/build.ts` does,
 * but from any folder and without conversion. Shared by the load, link and render tests.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AttackCatalog } from '../../src/attack/attack-catalog.ts';
import type { KnowledgeBase } from '../../src/link/knowledge-base.ts';
import { linkKnowledgeBase } from '../../src/link/link-knowledge-base.ts';
import { loadAttackCatalog } from '../../src/load/load-attack.ts';
import { loadDataNeeded, loadEnrichments, loadLoggingPolicies } from '../../src/load/load-data-needed.ts';
import { loadDetectionRules } from '../../src/load/load-detection-rules.ts';
import { loadTriggers } from '../../src/load/load-triggers.ts';
import { loadResponseActions, loadResponsePlaybooks, loadResponseStages } from '../../src/load/load-response.ts';
import { compareIssues, type Issue } from '../../src/model/issue.ts';

/** The project root (/work/main), whatever the working directory of the test run. */
export const PROJECT_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
/** ../shared relative to the project root: read-only reference material, absent on some machines. */
export const SHARED = path.resolve(PROJECT_ROOT, '../shared');
export const SEED_KB = path.join(SHARED, 'seed/kb');
export const SEED_EXPECTED_PAGE = path.join(SHARED, 'seed/expected-win_susp_procdump.md');
export const CORPUS = path.join(SHARED, 'corpus');
export const FIXTURES = path.join(PROJECT_ROOT, 'tests/fixtures');

/** `skip` option for node:test: false when every path exists, else the reason shown in the report. */
export function skipUnlessExists(what: string, ...paths: string[]): false | string {
  const missing = paths.find((candidate) => !existsSync(candidate));
  return missing === undefined ? false : `../shared is absent: ${what} needs ${path.relative(PROJECT_ROOT, missing)}`;
}

let attack: AttackCatalog | undefined;
/** The committed ATT&CK snapshot, parsed once per test file. */
export function attackCatalog(): AttackCatalog {
  return (attack ??= loadAttackCatalog());
}

export interface KnowledgeBaseFolders {
  readonly rules?: readonly string[];
  readonly dataNeeded?: readonly string[];
  readonly loggingPolicies?: readonly string[];
  readonly enrichments?: readonly string[];
  readonly triggers?: readonly string[];
  readonly responseActions?: readonly string[];
  readonly responsePlaybooks?: readonly string[];
  readonly responseStages?: readonly string[];
}

export interface LoadedKnowledgeBase {
  readonly kb: KnowledgeBase;
  /** Loader issues then linker issues, sorted by file and position. */
  readonly issues: readonly Issue[];
}

/** The atc layout under `root`: rules/, data_needed/, logging_policies/, enrichments/, triggers/, response_actions/, response_playbooks/, response_stages/. */
export function standardFolders(root: string): Required<KnowledgeBaseFolders> {
  return {
    rules: [path.join(root, 'rules')],
    dataNeeded: [path.join(root, 'data_needed')],
    loggingPolicies: [path.join(root, 'logging_policies')],
    enrichments: [path.join(root, 'enrichments')],
    triggers: [path.join(root, 'triggers')],
    responseActions: [path.join(root, 'response_actions')],
    responsePlaybooks: [path.join(root, 'response_playbooks')],
    responseStages: [path.join(root, 'response_stages')],
  };
}

/** Loads and links. Issues name files relative to `cwd` (default: the project root). */
export function loadKnowledgeBase(folders: KnowledgeBaseFolders, cwd: string = PROJECT_ROOT): LoadedKnowledgeBase {
  const rules = loadDetectionRules(folders.rules ?? [], cwd);
  const dataNeeded = loadDataNeeded(folders.dataNeeded ?? [], cwd);
  const loggingPolicies = loadLoggingPolicies(folders.loggingPolicies ?? [], cwd);
  const enrichments = loadEnrichments(folders.enrichments ?? [], cwd);
  const triggers = loadTriggers(folders.triggers ?? [], cwd);
  const responseActions = loadResponseActions(folders.responseActions ?? [], cwd);
  const responsePlaybooks = loadResponsePlaybooks(folders.responsePlaybooks ?? [], cwd);
  const responseStages = loadResponseStages(folders.responseStages ?? [], cwd);
  const linked = linkKnowledgeBase({
    attack: attackCatalog(),
    rules: rules.items,
    dataNeeded: dataNeeded.items,
    loggingPolicies: loggingPolicies.items,
    enrichments: enrichments.items,
    triggers: triggers.items,
    response: { actions: responseActions.items, playbooks: responsePlaybooks.items, stages: responseStages.items },
  });
  const issues = [rules, dataNeeded, loggingPolicies, enrichments, triggers, responseActions, responsePlaybooks, responseStages].flatMap((loaded) => loaded.issues);
  issues.push(...linked.issues);
  return { kb: linked.kb, issues: issues.sort(compareIssues) };
}

/** The embedded sample knowledge base (rules/, data_needed/... at the project root). */
export function loadSampleKnowledgeBase(): LoadedKnowledgeBase {
  return loadKnowledgeBase(standardFolders(PROJECT_ROOT));
}

/** The seed knowledge base of ../shared/seed/kb, with file names relative to it. */
export function loadSeedKnowledgeBase(): LoadedKnowledgeBase {
  return loadKnowledgeBase(standardFolders(SEED_KB), SEED_KB);
}

/** One line per issue, for assertion messages. */
export function describeIssues(issues: readonly Issue[]): string {
  return issues.map((issue) => `${issue.file}:${issue.line}:${issue.column} ${issue.severity} ${issue.code} ${issue.message}`).join('\n') || '(no issues)';
}
