import { runChecks } from './check/run-checks.ts';
import { CacheShelf, type CacheSettings } from './cache/build-cache.ts';
import type { LoadMemo } from './load/load-memo.ts';
import { loggingInputs, type InputRead } from './load/input-log.ts';
import type { ConversionResult } from './sigma/convert-collection.ts';
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

/**
 * What a long-running process (the dev server) keeps from one build to the next: what each unchanged file
 * loaded as, and the conversions of the last build. A one-shot build has none and relies on the cache folder.
 */
export interface BuildSession {
  readonly memo: LoadMemo;
  conversions?: CacheShelf<ConversionResult>;
}

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
  /** What the load read (src/load/input-log.ts); none in a session, whose memo skips unchanged files. */
  readonly inputs?: readonly InputRead[];
  readonly fileCounts: { readonly rules: number; readonly dataNeeded: number; readonly loggingPolicies: number; readonly enrichments: number; readonly triggers: number; readonly responseActions: number; readonly responsePlaybooks: number; readonly responseStages: number };
  readonly timings: StageTimings;
}

export interface BuildOptions {
  /** False: no query is converted (pages without query sections). */
  readonly convert?: boolean;
  /** False: markdown pages only, no export files. */
  readonly exports?: boolean;
  /** The configuration file's name as issues show it. */
  readonly configFile?: string;
  /** Where cached results are read and written (src/cache/build-cache.ts); none: everything is computed. */
  readonly cache?: CacheSettings;
  readonly session?: BuildSession;
  /** Told before each stage starts (progress display). */
  readonly onStage?: (stage: BuildStage) => void;
}

/** A build before its markdown pages and exports: the knowledge base linked, converted, its coverage computed. */
export type ModelledBuild = Omit<Build, 'files' | 'streamed'>;

/**
 * The whole pipeline on one screen: load → link → convert → coverage (modelKnowledgeBase), then render
 * (markdown pages, and the exports unless `exports: false`) → check (renderKnowledgeBase). Nothing here
 * writes files but the `cache` (src/cache/build-cache.ts), which lets a build reuse what the previous one
 * computed from the same input. The dev server runs the two halves apart, to show an edited page before
 * rendering the rest.
 */
export function buildKnowledgeBase(config: BuildConfig, options: BuildOptions = {}): Build {
  return renderKnowledgeBase(modelKnowledgeBase(config, options), options);
}

/** Load, link, convert and coverage: everything the pages are made from. */
export function modelKnowledgeBase(config: BuildConfig, options: BuildOptions = {}): ModelledBuild {
  const clock = stopwatch();
  options.onStage?.('load');
  const budget = new KnowledgeBaseBudget();
  const memo = options.session?.memo;
  // Every read is logged, so that a later `atc build` can tell that nothing it would read has changed
  // (a session's memo skips unchanged files, so its log would be partial: a session keeps none).
  const loaded = loggingInputs(() => {
    const attack = loadAttackData(config.attack);
    const rules = loadDetectionRules(config.inputs.rules, undefined, budget, memo);
    const dataNeeded = loadDataNeeded(config.inputs.dataNeeded, undefined, budget, memo);
    const loggingPolicies = loadLoggingPolicies(config.inputs.loggingPolicies, undefined, budget, memo);
    const enrichments = loadEnrichments(config.inputs.enrichments, undefined, budget, memo);
    const triggers = loadTriggers(config.inputs.triggers, undefined, budget, memo);
    const profiles = loadProfiles(config.inputs.profiles ?? [], undefined, budget, memo);
    const useCases = loadUseCases(config.inputs.useCases ?? [], undefined, budget, memo);
    const responseActions = loadResponseActions(config.inputs.responseActions ?? [], undefined, budget, memo);
    const responsePlaybooks = loadResponsePlaybooks(config.inputs.responsePlaybooks ?? [], undefined, budget, memo);
    const responseStages = loadResponseStages(config.inputs.responseStages ?? [], undefined, budget, memo);
    return { attack, rules, dataNeeded, loggingPolicies, enrichments, triggers, profiles, useCases, responseActions, responsePlaybooks, responseStages };
  });
  const { attack, rules, dataNeeded, loggingPolicies, enrichments, triggers, profiles, useCases, responseActions, responsePlaybooks, responseStages } = loaded.result;
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

  // A session's later builds keep their conversions in memory; its first reads and writes the cache folder.
  const carried = options.session?.conversions?.successor();
  const conversions = carried ?? CacheShelf.open(options.cache, 'conversions', isConversionResult);
  if (options.session) options.session.conversions = conversions;
  const converted = options.convert === false
    ? { queries: new Map<DetectionRule, QuerySectionResult[]>(), issues: [] }
    : convertKnowledgeBase(linked.kb.rules, config.querySections, options.configFile ?? CONFIG_FILE_NAME, userPipelineMap(config.pipelines ?? []), conversions);
  if (options.convert !== false && !carried) conversions.save();
  const convert = clock();
  options.onStage?.('coverage');
  const covered = computeProfileCoverage({
    kb: linked.kb,
    profiles: profiles.items,
    useCases: useCases.items,
    conversions: profileConversions(linked.kb.rules, config, converted.queries, options.convert !== false, userPipelineMap(config.pipelines ?? [])),
  });
  const coverage = clock();

  const issues = [attack, rules, dataNeeded, loggingPolicies, enrichments, triggers, profiles, useCases, responseActions, responsePlaybooks, responseStages].flatMap((loaded) => loaded.issues);
  issues.push(...linked.issues, ...converted.issues, ...covered.issues);
  return {
    config,
    kb: linked.kb,
    queries: converted.queries,
    profiles: covered.profiles,
    useCases: covered.useCases,
    useCaseMembers: covered.useCaseMembers,
    issues: issues.sort(compareIssues),
    attackSource: attack.source,
    ...(!options.session && { inputs: loaded.reads }),
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
    timings: { load, link, convert, coverage, render: 0, check: 0 },
  };
}

/** The second half of buildKnowledgeBase: the markdown pages and exports of a modelled build, then the checks. */
export function renderKnowledgeBase(modelled: ModelledBuild, options: BuildOptions = {}): Build {
  const steps = renderKnowledgeBaseInSteps(modelled, options);
  for (let step = steps.next(); ; step = steps.next()) if (step.done) return step.value;
}

/**
 * renderKnowledgeBase one stage at a time: the generator pauses after each (markdown, exports, checks), so
 * that the dev server can let a newer edit in between and drop this build.
 */
export function* renderKnowledgeBaseInSteps(modelled: ModelledBuild, options: BuildOptions = {}): Generator<BuildStage, Build> {
  const { config, kb, queries } = modelled;
  const clock = stopwatch();
  options.onStage?.('render');
  const files = renderMarkdownPages(kb, queries, config.site.title, profileSite(modelled));
  yield 'render';
  const exports = options.exports === false ? undefined : renderExports(kb, queries, config, modelled.profiles);
  if (exports) files.push(...exports.files);
  const render = clock();
  yield 'render';
  options.onStage?.('check');
  const checked = runChecks(kb, queries, files);
  const check = clock();
  return {
    ...modelled,
    files,
    ...(exports?.streamed && { streamed: exports.streamed }),
    issues: [...modelled.issues, ...checked].sort(compareIssues),
    timings: { ...modelled.timings, render, check },
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
