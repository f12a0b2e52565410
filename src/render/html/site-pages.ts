import type { BuildConfig } from '../../config.ts';
import type { QuerySectionResult } from '../../convert/convert-knowledge-base.ts';
import type { KnowledgeBase } from '../../link/knowledge-base.ts';
import type { DetectionRule } from '../../model/detection-rule.ts';
import { renderMatrixPage, renderTacticPage, renderTechniqueIndex, renderTechniquePage, subTechniqueRedirects } from './attack-pages.ts';
import type { AttackCoverage } from '../../link/attack-coverage.ts';
import { renderDataNeededPage, renderEnrichmentPage, renderLoggingPolicyPage } from './entity-pages.ts';
import { renderDataNeededList, renderEnrichmentList, renderGapsPage, renderHomePage, renderLoggingPolicyList, renderSearchPage, renderTriggerList } from './list-pages.ts';
import { renderRuleListPages, ruleListIndexFile } from './rule-list-pages.ts';
import { ruleListIndex } from '../../present/rule-list-index.ts';
import { renderRulePage } from './rule-page.ts';
import { searchRecords, type SearchRecord } from './search-records.ts';
import { queryTargets } from '../../present/query-targets.ts';
import { type PendingPage, type RedirectPage, type SiteContext, type SitePage } from './site-context.ts';
import { SiteUrls } from '../../present/site-urls.ts';
import { renderTriggerPage } from './trigger-page.ts';
import { renderConversionMatrixPage } from './conversion-pages.ts';
import { renderDownloadsPage } from './downloads-page.ts';
import { FEED_FILE } from '../../present/site-urls.ts';
import { listedFile, listStreamedFiles, type ListedFile, type OutputFile, type StreamedFiles } from '../../present/output-file.ts';
import { flattenString } from '../flatten-string.ts';
import type { ProfileCoverage, UseCaseMembers } from '../../link/profile-coverage-model.ts';
import type { UseCase } from '../../model/coverage-profile.ts';
import { renderActorPage, renderGroupList, renderSoftwareList } from './actor-pages.ts';
import { pageActors } from '../../present/attack-actors.ts';
import { ruleSourceFiles } from '../../present/rule-source.ts';
import { oversizedQueryFiles } from './query-files.ts';
import { profileSite, type ProfileSite } from '../../present/profile-view.ts';
import { hasResponseContent } from '../../present/response-view.ts';
import { renderResponseActionList, renderResponseActionPage, renderResponseMatrixPage, renderResponsePlaybookList, renderResponsePlaybookPage, renderResponseStageList, renderResponseStagePage } from './response-pages.ts';
import { renderProfileList, renderProfilePage, renderUseCaseList, renderUseCasePage } from './profile-pages.ts';

export interface SitePages {
  readonly context: SiteContext;
  /** Rendered when written (PendingPage); the few list pages are finished already. */
  readonly pages: readonly PendingPage[];
  readonly redirects: readonly RedirectPage[];
  readonly search: readonly SearchRecord[];
  /** The Atom feed's URL (prefixed), when the build wrote one: the layout links it as rel=alternate. */
  readonly feed?: string;
  /**
   * Files of the site that are not pages, beside the pages that link them: each rule's YAML source, queries
   * too long for their rule page (query-files.ts), and the rule list's index that its script reads (rules/index.json).
   */
  readonly files: readonly OutputFile[];
}

/** What the HTML pages are made from: the build, and its other output files (listed on the Downloads page). */
export interface SiteBuild {
  readonly kb: KnowledgeBase;
  readonly queries: ReadonlyMap<DetectionRule, readonly QuerySectionResult[]>;
  readonly config: BuildConfig;
  readonly files?: readonly OutputFile[];
  readonly streamed?: StreamedFiles;
  /** What each coverage profile can run (src/link/profile-coverage.ts), and the use cases. */
  readonly profiles?: readonly ProfileCoverage[];
  readonly useCases?: readonly UseCase[];
  readonly useCaseMembers?: ReadonlyMap<UseCase, UseCaseMembers>;
}

/** Every HTML page of the site, as data: pure, deterministic (knowledge-base order), no Eleventy, no I/O. */
export interface SiteModel {
  readonly context: SiteContext;
  readonly coverage: AttackCoverage;
}

/** The URL scheme and the per-technique counts, which both the pages and the search records need. */
export function siteModel(build: SiteBuild): SiteModel {
  const urls = new SiteUrls(build.kb, build.config.site.pathPrefix);
  const profiles = profileSite(build);
  const context: SiteContext = {
    kb: build.kb,
    queries: build.queries,
    urls,
    siteTitle: build.config.site.title,
    targets: queryTargets(build.queries),
    ...(build.config.site.repository && { repository: build.config.site.repository }),
    ...(profiles && { profiles }),
  };
  return { context, coverage: build.kb.coverage };
}

/** The search index's records (cheap: no HTML), so indexing can start before the pages are rendered. */
export function siteSearchRecords(model: SiteModel): SearchRecord[] {
  return searchRecords(model.context, model.coverage);
}

/** A page rendered at once (a list page, one of a dozen): kept flat in memory (flattenString) until it is written. */
function finished(page: SitePage): PendingPage {
  flattenString(page.body.value);
  return { url: page.url, render: () => page };
}

/** A page per entity: rendered only when it is written, so its HTML lives no longer than that. */
function pending(url: string, render: () => SitePage, file?: string): PendingPage {
  return file === undefined ? { url, render } : { url, render, file };
}

/**
 * The pages of the entities read from knowledge-base files (rules, Data Needed, ..., profiles), each with
 * its file: the dev server writes an edited file's pages first. Cheap: nothing is rendered here.
 */
export function sourceFilePages(model: SiteModel): PendingPage[] {
  const { context } = model;
  const { kb, urls } = context;
  const profiles = context.profiles;
  return [
    ...kb.rules.map((rule) => pending(urls.pathRule(rule), () => renderRulePage(rule, context), rule.file)),
    ...kb.dataNeeded.map((entry) => pending(urls.pathDataNeeded(entry), () => renderDataNeededPage(entry, context), entry.file)),
    ...kb.loggingPolicies.map((policy) => pending(urls.pathLoggingPolicy(policy), () => renderLoggingPolicyPage(policy, context), policy.file)),
    ...kb.enrichments.map((enrichment) => pending(urls.pathEnrichment(enrichment), () => renderEnrichmentPage(enrichment, context), enrichment.file)),
    ...kb.triggers.map((trigger) => pending(urls.pathTrigger(trigger), () => renderTriggerPage(trigger, context), trigger.file)),
    ...(profiles ? profiles.profiles.map((profile) => pending(urls.pathProfile(profile.key), () => renderProfilePage(profile, profiles, context), profile.profile.file)) : []),
    ...(profiles ? profiles.useCases.map((useCase) => pending(urls.pathUseCase(profiles.useCaseName(useCase)), () => renderUseCasePage(useCase, profiles, context), useCase.file)) : []),
    ...(hasResponseContent(kb)
      ? [
          ...kb.response.actions.map((action) => pending(urls.pathResponseAction(action), () => renderResponseActionPage(action, context), action.file)),
          ...kb.response.playbooks.map((playbook) => pending(urls.pathResponsePlaybook(playbook), () => renderResponsePlaybookPage(playbook, context), playbook.file)),
        ]
      : []),
  ];
}

/** The coverage profiles' and use cases' lists, each only when it has entries (their pages are sourceFilePages). */
function profileLists(profiles: ProfileSite, context: SiteContext): PendingPage[] {
  return [
    ...(profiles.profiles.length > 0 ? [finished(renderProfileList(profiles, context))] : []),
    ...(profiles.useCases.length > 0 ? [finished(renderUseCaseList(profiles, context))] : []),
  ];
}

/** The response side's matrix, lists and stage pages (RE&CT), only when the knowledge base has actions or playbooks: the built-in stages alone make none. */
function responsePages(context: SiteContext): PendingPage[] {
  const { kb, urls } = context;
  if (!hasResponseContent(kb)) return [];
  return [
    finished(renderResponseMatrixPage(context)),
    finished(renderResponseActionList(context)),
    finished(renderResponsePlaybookList(context)),
    finished(renderResponseStageList(context)),
    // Actions' and playbooks' pages are sourceFilePages; stages may be built in, without a file.
    ...kb.response.stages.map((stage) => pending(urls.pathResponseStage(stage), () => renderResponseStagePage(stage, context))),
  ];
}

/** Every page of the site, in knowledge-base order; the pages of entities render when written (PendingPage). */
/**
 * `streamed` lists the build's streamed files as the site wrote them (their sizes are known only then); when
 * it is not given, they are produced once, without being kept, to be counted.
 */
export function renderSitePages(build: SiteBuild, model: SiteModel = siteModel(build), search?: readonly SearchRecord[], streamed?: readonly ListedFile[]): SitePages {
  const { context, coverage } = model;
  const { kb, urls } = context;
  const ruleList = ruleListIndex(kb, context.queries, context.targets, context.profiles?.profiles);
  const profiles = context.profiles;
  const pages: PendingPage[] = [
    finished(renderHomePage(coverage, context)),
    ...renderRuleListPages(ruleList, context).map(finished),
    finished(renderDataNeededList(context)),
    finished(renderLoggingPolicyList(context)),
    finished(renderEnrichmentList(context)),
    finished(renderTriggerList(context)),
    finished(renderMatrixPage(coverage, context)),
    finished(renderConversionMatrixPage(context)),
    finished(renderDownloadsPage([...(build.files ?? []).map(listedFile), ...(streamed ?? listStreamedFiles(build.streamed))], context, build.config.site)),
    finished(renderTechniqueIndex(coverage, context)),
    finished(renderGapsPage(coverage, context)),
    finished(renderSearchPage(context)),
    finished(renderGroupList(context)),
    finished(renderSoftwareList(context)),
    ...kb.attack.tactics.map((tactic) => pending(urls.pathTactic(tactic.id), () => renderTacticPage(tactic, coverage, context))),
    ...coverage.pageTechniques.map((technique) => pending(urls.pathTechniquePage(technique.id), () => renderTechniquePage(technique, coverage, context))),
    ...[...pageActors(kb).groups, ...pageActors(kb).software].map((actor) => pending(urls.pathActor(actor), () => renderActorPage(actor, context))),
    ...(profiles ? profileLists(profiles, context) : []),
    ...responsePages(context),
    ...sourceFilePages(model),
  ];
  const redirects: RedirectPage[] = [
    ...urls.ruleRedirects.map((redirect) => ({
      url: redirect.from,
      target: urls.rule(redirect.to),
      title: redirect.to.title,
      reason:
        redirect.why === 'basename'
          ? 'This is the rule’s file-name address; its permanent address is its Sigma id.'
          : redirect.why === 'id'
            ? 'This id belongs to a rule of the collection shown on that page.'
            : `This rule was ${redirect.relation!.type === 'obsolete' ? 'made obsolete by' : `${redirect.relation!.type} into`} the rule on that page.`,
    })),
    ...subTechniqueRedirects(coverage, context),
    // A tactic's shortname is an address too: it is what a provisional tactic was reached by before an
    // overlay or newer ATT&CK data gave it an id, so links made then keep working.
    ...kb.attack.tactics
      .filter((tactic) => urls.pathTactic(tactic.shortname) !== urls.pathTactic(tactic.id))
      .map((tactic) => ({ url: urls.pathTactic(tactic.shortname), target: urls.tactic(tactic.id), title: tactic.name, reason: `The tactic’s address is its ATT&CK id, ${tactic.id}.` })),
  ];
  const feed = build.files?.some((file) => file.path === FEED_FILE) ? urls.href(`/${FEED_FILE}`) : undefined;
  return { context, pages, redirects, search: search ?? searchRecords(context, coverage), ...(feed ? { feed } : {}), files: [...ruleSourceFiles(kb.rules, urls), ...oversizedQueryFiles(context), ruleListIndexFile(ruleList, context)] };
}
