import { runChecks } from './check/run-checks.ts';
import { CacheShelf, type CacheSettings } from './cache/build-cache.ts';
import type { BuildConfig } from './config.ts';
import { convertKnowledgeBase, isConversionResult, type QuerySectionResult } from './convert/convert-knowledge-base.ts';
import { renderExports } from './export/render-exports.ts';
import type { KnowledgeBase } from './link/knowledge-base.ts';
import { linkKnowledgeBase } from './link/link-knowledge-base.ts';
import { computeProfileCoverage } from './link/profile-coverage.ts';
import type { ProfileCoverage, UseCaseMembers } from './link/profile-coverage-model.ts';
import { profileConversions } from './convert/profile-conversions.ts';
import { loadProfiles, loadUseCases } from './load/load-profiles.ts';
import type { UseCase } from './model/coverage-profile.ts';
import { loadAttackData, type AttackDataSource } from './load/load-attack.ts';
import { loadDataNeeded, loadEnrichments, loadLoggingPolicies } from './load/load-data-needed.ts';
import { CONFIG_FILE_NAME } from './load/load-config.ts';
import { loadDetectionRules } from './load/load-detection-rules.ts';
import { KnowledgeBaseBudget } from './load/knowledge-base-budget.ts';
import { userPipelineMap } from './load/load-pipelines.ts';
import { loadTriggers } from './load/load-triggers.ts';
import { loadResponseActions, loadResponsePlaybooks, loadResponseStages } from './load/load-response.ts';
import type { DetectionRule } from './model/detection-rule.ts';
import { compareIssues, type Issue } from './model/issue.ts';
import { renderMarkdownPages } from './render/render-markdown-pages.ts';
import { profileSite } from './present/profile-view.ts';
import type { OutputFile, StreamedFiles } from './present/output-file.ts';

export interface StageTimings {
  load: number;
  link: number;
  convert: number;
  /** Coverage profiles: what each can run (src/link/profile-coverage.ts). */
  coverage: number;
  render: number;
  check: number;
}

export type BuildStage = keyof StageTimings;

export interface Build {
  readonly config: BuildConfig;
  readonly kb: KnowledgeBase;
  readonly queries: ReadonlyMap<DetectionRule, readonly QuerySectionResult[]>;
  readonly files: readonly OutputFile[];
  /** Exports too large to hold, written by the site straight into the output (the bulk SIEM files). */
  readonly streamed?: StreamedFiles;
  /** What each coverage profile can run; empty without profiles. */
  readonly profiles: readonly ProfileCoverage[];
  /** The older tool's use cases, by title. */
  readonly useCases: readonly UseCase[];
  /** What of each use case the knowledge base has, resolved once with the profiles. */
  readonly useCaseMembers: ReadonlyMap<UseCase, UseCaseMembers>;
  /** Sorted by file and position. */
  readonly issues: readonly Issue[];
  /** Where the ATT&CK data the tags were resolved against came from (the version is `kb.attack.version`). */
  readonly attackSource: AttackDataSource;
  readonly fileCounts: { readonly rules: number; readonly dataNeeded: number; readonly loggingPolicies: number; readonly enrichments: number; readonly triggers: number; readonly responseActions: number; readonly responsePlaybooks: number; readonly responseStages: number };
  readonly timings: StageTimings;
}

/**
 * The whole pipeline on one screen: load → link → convert → render (markdown pages, and the exports unless
 * `exports: false`) → check (src/check/run-checks.ts). Nothing here writes files but the `cache`
 * (src/cache/build-cache.ts), which lets a build reuse what the previous one computed from the same
 * input. `onStage` is told before each stage starts (progress display).
 */
export function buildKnowledgeBase(config: BuildConfig, options: { convert?: boolean; exports?: boolean; configFile?: string; cache?: CacheSettings; onStage?: (stage: BuildStage) => void } = {}): Build {
  const clock = stopwatch();
  options.onStage?.('load');
  const attack = loadAttackData(config.attack);
  const budget = new KnowledgeBaseBudget();
  const rules = loadDetectionRules(config.inputs.rules, undefined, budget);
  const dataNeeded = loadDataNeeded(config.inputs.dataNeeded, undefined, budget);
  const loggingPolicies = loadLoggingPolicies(config.inputs.loggingPolicies, undefined, budget);
  const enrichments = loadEnrichments(config.inputs.enrichments, undefined, budget);
  const triggers = loadTriggers(config.inputs.triggers, undefined, budget);
  const profiles = loadProfiles(config.inputs.profiles ?? [], undefined, budget);
  const useCases = loadUseCases(config.inputs.useCases ?? [], undefined, budget);
  const responseActions = loadResponseActions(config.inputs.responseActions ?? [], undefined, budget);
  const responsePlaybooks = loadResponsePlaybooks(config.inputs.responsePlaybooks ?? [], undefined, budget);
  const responseStages = loadResponseStages(config.inputs.responseStages ?? [], undefined, budget);
  const load = clock();
  options.onStage?.('link');

  const linked = linkKnowledgeBase({
    attack: attack.catalog,
    rules: rules.items,
    dataNeeded: dataNeeded.items,
    loggingPolicies: loggingPolicies.items,
    enrichments: enrichments.items,
    triggers: triggers.items,
    response: { actions: responseActions.items, playbooks: responsePlaybooks.items, stages: responseStages.items },
  });
  const link = clock();
  options.onStage?.('convert');

  const conversions = CacheShelf.open(options.cache, 'conversions', isConversionResult);
  const converted = options.convert === false
    ? { queries: new Map<DetectionRule, QuerySectionResult[]>(), issues: [] }
    : convertKnowledgeBase(linked.kb.rules, config.querySections, options.configFile ?? CONFIG_FILE_NAME, userPipelineMap(config.pipelines ?? []), conversions);
  if (options.convert !== false) conversions.save();
  const convert = clock();
  options.onStage?.('coverage');
  const covered = computeProfileCoverage({
    kb: linked.kb,
    profiles: profiles.items,
    useCases: useCases.items,
    conversions: profileConversions(linked.kb.rules, config, converted.queries, options.convert !== false, userPipelineMap(config.pipelines ?? [])),
  });
  const coverage = clock();
  options.onStage?.('render');

  const files = renderMarkdownPages(linked.kb, converted.queries, config.site.title, profileSite({ kb: linked.kb, profiles: covered.profiles, useCases: covered.useCases, useCaseMembers: covered.useCaseMembers }));
  const exports = options.exports === false ? undefined : renderExports(linked.kb, converted.queries, config, covered.profiles);
  if (exports) files.push(...exports.files);
  const render = clock();
  options.onStage?.('check');
  const checked = runChecks(linked.kb, converted.queries, files);
  const check = clock();

  const issues = [attack, rules, dataNeeded, loggingPolicies, enrichments, triggers, profiles, useCases, responseActions, responsePlaybooks, responseStages].flatMap((loaded) => loaded.issues);
  issues.push(...linked.issues, ...converted.issues, ...covered.issues, ...checked);
  return {
    config,
    kb: linked.kb,
    queries: converted.queries,
    files,
    ...(exports?.streamed && { streamed: exports.streamed }),
    profiles: covered.profiles,
    useCases: covered.useCases,
    useCaseMembers: covered.useCaseMembers,
    issues: issues.sort(compareIssues),
    attackSource: attack.source,
    fileCounts: {
      rules: rules.fileCount,
      dataNeeded: dataNeeded.fileCount,
      loggingPolicies: loggingPolicies.fileCount,
      enrichments: enrichments.fileCount,
      triggers: triggers.fileCount,
      responseActions: responseActions.fileCount,
      responsePlaybooks: responsePlaybooks.fileCount,
      responseStages: responseStages.fileCount,
    },
    timings: { load, link, convert, coverage, render, check },
  };
}

function stopwatch(): () => number {
  let last = performance.now();
  return () => {
    const now = performance.now();
    const elapsed = now - last;
    last = now;
    return elapsed;
  };
}
