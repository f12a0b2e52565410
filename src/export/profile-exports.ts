import { compareTechniqueIds } from '../attack/attack-catalog.ts';
import type { KnowledgeBase } from '../link/knowledge-base.ts';
import type { EnableStep, ProfileCoverage, RuleInProfile, RuleShortfall, RunStatus } from '../link/profile-coverage-model.ts';
import { compareText } from '../model/compare-text.ts';
import type { DetectionRule } from '../model/detection-rule.ts';
import { encodedFile, type OutputFile } from '../present/output-file.ts';
import type { SiteUrls } from '../present/site-urls.ts';
import { API_FORMAT_VERSION, apiPath, dataNeededLinkJson, loggingPolicyLinkJson } from './api-json.ts';
import { toCsv } from './csv.ts';
import { CSV_LIST_SEPARATOR } from './csv-exports.ts';
import { navigatorLayer } from './navigator-layer.ts';
import { stableJson } from './stable-json.ts';

/**
 * The exports of the coverage profiles (README.md, "Exports"), one set per profile:
 *   layers/profiles/<key>.json   Navigator layer: score = runnable rules per technique, partial rules in comments
 *   profiles/<key>.csv           one row per rule the profile considers: status and what it lacks
 *   api/profiles/<key>.json      the profile, its rules with their status and shortfalls, what to enable next
 *   api/profiles.json            every profile's summary: the same objects as `atc coverage --format json`
 */
export function profileExports(kb: KnowledgeBase, profiles: readonly ProfileCoverage[], urls: SiteUrls, siteTitle: string): OutputFile[] {
  if (profiles.length === 0) return [];
  const files: OutputFile[] = [];
  const summaries: ProfileSummary[] = [];
  for (const coverage of profiles) {
    const { profile, key } = coverage;
    const summary = profileSummary(kb, coverage);
    summaries.push(summary);
    const runnable = rulesWithStatus(coverage, 'runnable');
    const partial = rulesWithStatus(coverage, 'partial');
    const layer = navigatorLayer(kb, runnable, urls, {
      name: `${siteTitle}: ${profile.title}`,
      description: `Profile ${profile.title}: ${runnable.length} runnable rules (score = runnable rules per technique); ${partial.length} partial rules listed in the comments.`,
      filter: `profile=${key}`,
      partial,
    });
    files.push(encodedFile(`layers/profiles/${key}.json`, stableJson(layer), { section: 'layers', what: `profile ${profile.title}: runnable rules per technique, partial rules in the comments`, count: layer.techniques.length }));
    const table = profileCsv(kb, coverage);
    files.push(encodedFile(`profiles/${key}.csv`, toCsv(table.columns, table.rows), { section: 'csv', what: `profile ${profile.title}: each rule it considers, its status and what it lacks`, count: table.rows.length, columns: table.columns }));
    files.push(encodedFile(apiPath('profile', key), stableJson(profileDocument(kb, coverage, summary, urls), { compact: true })));
  }
  files.push(encodedFile('api/profiles.json', stableJson({ format_version: COVERAGE_FORMAT_VERSION, count: summaries.length, profiles: summaries }, { compact: true }), { section: 'json', what: 'every coverage profile: rule counts, techniques covered, what to enable next (the JSON of atc coverage)', count: summaries.length }));
  return files;
}

/** The version of the coverage summary (api/profiles.json, `atc coverage --format json`); raised only when a key changes meaning or goes. */
export const COVERAGE_FORMAT_VERSION = 1;

/** One step of what to enable next, as `atc coverage --format json` and api/ write it. */
export interface EnableStepSummary {
  readonly kind: 'data_needed' | 'logging_policy';
  readonly name: string;
  readonly new_runnable_rules: number;
  readonly new_techniques: number;
  readonly runnable_after: number;
  readonly techniques_after: number;
}

/**
 * A profile's numbers, the contract of `atc coverage --format json` (README.md, "Coverage in CI"): keys
 * may be added, never removed. `runnable_rules` and `techniques` are there so that a saved run, used as a
 * baseline, can name what a later run lost.
 */
export interface ProfileSummary {
  readonly name: string;
  readonly key: string;
  readonly file: string;
  readonly rules: { readonly runnable: number; readonly partial: number; readonly not_runnable: number; readonly considered: number };
  readonly techniques_covered: number;
  readonly tactics_covered: number;
  readonly enable_next: readonly EnableStepSummary[];
  /** Rules by their key (Sigma id, else page name), sorted by key. */
  readonly runnable_rules: readonly { readonly key: string; readonly title: string }[];
  /** ATT&CK ids, sorted. */
  readonly techniques: readonly string[];
}

export function profileSummary(kb: Pick<KnowledgeBase, 'addresses'>, coverage: ProfileCoverage): ProfileSummary {
  return {
    name: coverage.profile.title,
    key: coverage.key,
    file: coverage.profile.relativePath,
    rules: { runnable: coverage.counts.runnable, partial: coverage.counts.partial, not_runnable: coverage.counts.notRunnable, considered: coverage.rules.length },
    techniques_covered: coverage.techniques.length,
    tactics_covered: coverage.tactics.length,
    enable_next: coverage.enableNext.map(enableStepSummary),
    runnable_rules: rulesWithStatus(coverage, 'runnable')
      .map((rule) => ({ key: kb.addresses.ruleSegment(rule), title: rule.title }))
      .sort((a, b) => compareText(a.key, b.key)),
    techniques: coverage.techniques.map((technique) => technique.id).sort(compareTechniqueIds),
  };
}

function enableStepSummary(step: EnableStep): EnableStepSummary {
  return { kind: step.kind, name: step.name, new_runnable_rules: step.newRunnableRules, new_techniques: step.newTechniques, runnable_after: step.runnableAfter, techniques_after: step.techniquesAfter };
}

function rulesWithStatus(coverage: ProfileCoverage, status: RunStatus): DetectionRule[] {
  return coverage.rules.filter((entry) => entry.status === status).map((entry) => entry.rule);
}

export const PROFILE_CSV_COLUMNS = ['rule_id', 'title', 'level', 'status', 'missing_data_needed', 'missing_fields', 'other_reasons', 'file'] as const;

/**
 * One row per rule the profile considers. `missing_data_needed`: per document that has no available entry,
 * the entries that would do (joined with " or "); `missing_fields`: fields the available entries lack;
 * `other_reasons`: a log source no entry describes, a failed conversion, a correlated rule that falls short.
 */
export function profileCsv(kb: KnowledgeBase, coverage: ProfileCoverage): { columns: readonly string[]; rows: string[][] } {
  const rows = coverage.rules.map((entry) => {
    const lacks = describeShortfalls(kb, entry);
    return [entry.rule.id ?? '', entry.rule.title, entry.rule.level ?? '', entry.status, lacks.dataNeeded.join(CSV_LIST_SEPARATOR), lacks.fields.join(CSV_LIST_SEPARATOR), lacks.other.join(CSV_LIST_SEPARATOR), entry.rule.relativePath];
  });
  return { columns: PROFILE_CSV_COLUMNS, rows };
}

/** A rule's shortfalls as three lists of text, without repeats. */
function describeShortfalls(kb: KnowledgeBase, entry: RuleInProfile): { dataNeeded: string[]; fields: string[]; other: string[] } {
  const dataNeeded = new Set<string>();
  const fields = new Set<string>();
  const other = new Set<string>();
  const documentLabel = (document: number): string => (entry.rule.rules.length > 1 ? `document ${document + 1}: ` : '');
  for (const shortfall of entry.shortfalls) {
    switch (shortfall.kind) {
      case 'fields':
        for (const field of shortfall.fields) fields.add(field);
        break;
      case 'data-needed':
        dataNeeded.add(`${documentLabel(shortfall.document)}${shortfall.options.map((option) => option.title).join(' or ')}`);
        break;
      case 'no-data-needed':
        other.add(`${documentLabel(shortfall.document)}no Data Needed entry describes log source ${shortfall.logSource}`);
        break;
      case 'conversion':
        other.add(`does not convert to ${shortfall.target}: ${shortfall.reason}`);
        break;
      case 'correlated-rule':
        other.add(`correlates ${shortfall.rule.title} (${kb.addresses.ruleSegment(shortfall.rule)}), which is ${shortfall.status}`);
        break;
    }
  }
  return { dataNeeded: [...dataNeeded], fields: [...fields], other: [...other] };
}

/** api/profiles/<key>.json: the summary, and everything behind it, every entity linked as the other api/ documents link it. */
function profileDocument(kb: KnowledgeBase, coverage: ProfileCoverage, summary: ProfileSummary, urls: SiteUrls): Record<string, unknown> {
  const { profile } = coverage;
  const { runnable_rules: _listedBelow, ...counts } = summary;
  return {
    format_version: API_FORMAT_VERSION,
    kind: 'profile',
    ...counts,
    url: urls.profile(coverage.key),
    description: profile.description,
    format: profile.format,
    ...(profile.queries && { queries: profile.queries.spec }),
    share: Math.round(coverage.share * 10000) / 10000,
    data_needed: coverage.available.map((entry) => dataNeededLinkJson(kb, urls, entry)),
    logging_policies: coverage.loggingPolicies.map((policy) => loggingPolicyLinkJson(kb, urls, policy)),
    use_cases: coverage.useCases.map((useCase) => ({ name: useCase.name, title: useCase.title })),
    tactics: coverage.tactics.map((tactic) => tactic.id),
    gaps: coverage.gaps.map((technique) => technique.id).sort(compareTechniqueIds),
    ranked: coverage.ranked.map((candidate) => ({ kind: candidate.kind, name: candidate.name, new_runnable_rules: candidate.newRunnableRules, new_techniques: candidate.newTechniques, score: candidate.score })),
    // A profile considers every rule of the knowledge base: each is named by its key (api/rules/<key>.json), not by a full link.
    rule_statuses: coverage.rules.map((entry) => ({ key: kb.addresses.ruleSegment(entry.rule), status: entry.status, ...(entry.shortfalls.length > 0 && { shortfalls: entry.shortfalls.map((shortfall) => shortfallJson(kb, shortfall)) }) })),
  };
}

/** A shortfall with Data Needed entries by title and rules by key, as compact as the document's thousands of rules need. */
function shortfallJson(kb: KnowledgeBase, shortfall: RuleShortfall): Record<string, unknown> {
  switch (shortfall.kind) {
    case 'fields':
      return { kind: 'fields', document: shortfall.document, data_needed: shortfall.dataNeeded.map((entry) => entry.title), fields: [...shortfall.fields] };
    case 'data-needed':
      return { kind: 'data_needed', document: shortfall.document, options: shortfall.options.map((entry) => entry.title) };
    case 'no-data-needed':
      return { kind: 'no_data_needed', document: shortfall.document, log_source: shortfall.logSource };
    case 'conversion':
      return { kind: 'conversion', target: shortfall.target, reason: shortfall.reason };
    case 'correlated-rule':
      return { kind: 'correlated_rule', rule: kb.addresses.ruleSegment(shortfall.rule), status: shortfall.status };
  }
}
