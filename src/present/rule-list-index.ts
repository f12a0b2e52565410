import { compareTechniqueIds } from '../attack/attack-catalog.ts';
import type { QuerySectionResult } from '../convert/convert-knowledge-base.ts';
import { describeLogSource } from '../link/match-data-needed.ts';
import type { KnowledgeBase } from '../link/knowledge-base.ts';
import { compareText } from '../model/compare-text.ts';
import type { DetectionRule } from '../model/detection-rule.ts';
import { parseSigmaDate, SIGMA_LEVELS, SIGMA_STATUSES } from '../sigma/rule-metadata.ts';
import { originSuffix, tacticLabel } from './attack-labels.ts';
import type { ProfileCoverage, RunStatus } from '../link/profile-coverage-model.ts';

/**
 * The rule list as data: its facets (URL keys of README "URLs of the HTML site", the same as SiteUrls'
 * RULE_LIST_KEYS), each rule's facet values, and the rules in the list's default order (most recently
 * modified first). The HTML list pages and the browser's index (`/rules/index.json`) both read it, so the
 * static pages, the script and the entity pages' "all N rules" links agree on what a filter selects.
 */

/** Facet keys, in the order the list's URL writes them. */
export const RULE_LIST_FACET_KEYS = ['tactic', 'technique', 'actor', 'level', 'status', 'product', 'category', 'service', 'dn', 'lp', 'enrichment', 'trigger', 'target', 'profile', 'runnable'] as const;
export type RuleListFacetKey = (typeof RULE_LIST_FACET_KEYS)[number];

/** Sort keys of the list; `-` before a key sorts descending. */
export const RULE_LIST_SORTS = ['title', 'level', 'date', 'modified'] as const;
export const DEFAULT_RULE_LIST_SORT = '-modified';

/**
 * The `runnable` facet's values (`?profile=<key>&runnable=yes`), and the letter of each status in a rule's
 * `profileStatuses`. The facet is tied to `profile`: a rule's `runnable` values are its statuses in the chosen
 * profiles, in every profile when none is chosen.
 */
export const RUNNABLE_VALUES: { readonly [status in RunStatus]: { readonly value: string; readonly letter: string; readonly label: string } } = {
  runnable: { value: 'yes', letter: 'y', label: 'Runnable' },
  partial: { value: 'partial', letter: 'p', label: 'Partly runnable' },
  'not-runnable': { value: 'no', letter: 'n', label: 'Not runnable' },
};
/** The letter of a profile whose filters leave the rule out. */
export const NOT_CONSIDERED = '-';

/** The Data Needed value of rules that match no Data Needed entry: not a page name (those never hold parentheses). */
export const NO_DATA_NEEDED = '(none)';

export interface RuleListFacet {
  readonly key: RuleListFacetKey;
  readonly label: string;
  /** Every value some rule has, in option order. */
  readonly values: readonly string[];
  /** The option label of each value. */
  readonly labels: readonly string[];
}

export interface RuleListEntry {
  readonly rule: DetectionRule;
  /** Per facet (in `facets` order), the indexes of the rule's values in that facet's `values`. */
  readonly facetValues: readonly (readonly number[])[];
  /** `YYYY-MM-DD`, when the rule's `date` / `modified` is a calendar day. */
  readonly date?: string;
  readonly modified?: string;
  /** The first log source, as shown in the list ("correlation" for a correlation rule). */
  readonly logSource: string;
  /** The technique ids the rule is tagged with, as written (not the parents the facet adds). */
  readonly techniques: readonly string[];
  /** Position in title order: the tie-break of every sort. */
  readonly titleRank: number;
  /** One letter per profile of the index (RUNNABLE_VALUES, NOT_CONSIDERED); absent without profiles. */
  readonly profileStatuses?: string;
}

export interface RuleListIndex {
  readonly facets: readonly RuleListFacet[];
  /** Every rule once, most recently modified first (`modified`, else `date`; undated rules last), ties by title. */
  readonly entries: readonly RuleListEntry[];
  /** The profiles' keys, in the order of each entry's `profileStatuses` letters. */
  readonly profiles: readonly string[];
}

interface FacetSource {
  readonly key: RuleListFacetKey;
  readonly label: string;
  readonly values: (rule: DetectionRule) => readonly string[];
  readonly describe?: (value: string) => string;
  /** Option order; by label otherwise. */
  readonly order?: readonly string[];
  readonly compare?: (a: string, b: string) => number;
}

/** Most severe first: the level facet's option order and the list's level sort. */
export const LEVEL_ORDER: readonly string[] = [...SIGMA_LEVELS].reverse();

function facetSources(
  kb: KnowledgeBase,
  queries: ReadonlyMap<DetectionRule, readonly QuerySectionResult[]>,
  targets: readonly { readonly key: string; readonly title: string }[],
  profiles: readonly ProfileCoverage[],
): FacetSource[] {
  const links = (rule: DetectionRule) => kb.ruleLinks.get(rule)!;
  const logsource = (key: 'product' | 'category' | 'service') => (rule: DetectionRule) => [...new Set(rule.logsources.map((source) => source[key]).filter((value): value is string => !!value))];
  const titles = new Map<string, string>();
  const named = <T extends { readonly title: string }>(entity: T & Parameters<typeof kb.addresses.pageName>[0]): string => {
    const name = kb.addresses.pageName(entity);
    titles.set(name, entity.title);
    return name;
  };
  const describeNamed = (name: string) => titles.get(name) ?? name;
  const dataNeeded = (rule: DetectionRule) => links(rule).dataNeeded.map((match) => match.dataNeeded);
  const actors = new Map([...kb.rules].flatMap((rule) => [...links(rule).groups, ...links(rule).software]).map((actor) => [actor.id, actor]));
  const target = (value: string) => targets.find((candidate) => candidate.key === value.replace(/^!/, ''));
  return [
    {
      key: 'tactic',
      label: 'Tactic',
      values: (rule) => links(rule).tactics.map((tactic) => tactic.id),
      describe: (id) => {
        const tactic = kb.attack.tactic(id);
        return tactic ? `${tacticLabel(tactic)}${originSuffix(tactic.origin)}` : id;
      },
      order: kb.attack.tactics.map((tactic) => tactic.id),
    },
    {
      key: 'technique',
      label: 'Technique',
      // The techniques a rule counts under everywhere (a revoked tag's replacement too), and a sub-technique's
      // parent, so that `technique=T1003` selects the rules a technique page counts, T1003.001's included.
      values: (rule) => [...new Set(links(rule).countedTechniques.flatMap((technique) => (technique.parent ? [technique.parent, technique.id] : [technique.id])))],
      describe: (id) => {
        const technique = kb.attack.technique(id);
        return `${id} ${technique?.name ?? ''}${originSuffix(technique?.origin)}`;
      },
      compare: compareTechniqueIds,
    },
    {
      key: 'actor',
      label: 'Group or software',
      values: (rule) => [...links(rule).groups, ...links(rule).software].map((actor) => actor.id),
      describe: (id) => `${id} ${actors.get(id)?.name ?? ''}${originSuffix(actors.get(id)?.origin)}`,
      compare: compareText,
    },
    { key: 'level', label: 'Level', values: (rule) => (rule.level ? [rule.level] : []), order: LEVEL_ORDER },
    { key: 'status', label: 'Status', values: (rule) => (rule.status ? [rule.status] : []), order: SIGMA_STATUSES },
    { key: 'product', label: 'Log source product', values: logsource('product') },
    { key: 'category', label: 'Log source category', values: logsource('category') },
    { key: 'service', label: 'Log source service', values: logsource('service') },
    {
      key: 'dn',
      label: 'Data Needed',
      values: (rule) => (dataNeeded(rule).length === 0 ? [NO_DATA_NEEDED] : dataNeeded(rule).map(named)),
      describe: describeNamed,
    },
    {
      key: 'lp',
      label: 'Logging Policy',
      // The policies that switch on the rule's Data Needed: the rules a Logging Policy page lists.
      values: (rule) => [...new Set(dataNeeded(rule).flatMap((entry) => kb.loggingPoliciesByDataNeeded.get(entry) ?? []))].map(named),
      describe: describeNamed,
    },
    { key: 'enrichment', label: 'Enrichment', values: (rule) => links(rule).enrichments.map(named), describe: describeNamed },
    { key: 'trigger', label: 'Has a trigger', values: (rule) => [links(rule).triggers.length > 0 ? 'yes' : 'no'], order: ['yes', 'no'] },
    {
      key: 'target',
      label: 'Query target',
      values: (rule) => (queries.get(rule) ?? []).map((query, index) => `${query.result.ok ? '' : '!'}${targets[index]?.key ?? ''}`),
      describe: (value) => `${target(value)?.title ?? value.replace(/^!/, '')}: ${value.startsWith('!') ? 'not available' : 'converts'}`,
      order: targets.flatMap((entry) => [entry.key, `!${entry.key}`]),
    },
    ...(profiles.length === 0 ? [] : profileFacetSources(profiles)),
  ];
}

/** `profile`: the profiles whose filters let the rule in; `runnable`: its statuses there (see RUNNABLE_VALUES). */
function profileFacetSources(profiles: readonly ProfileCoverage[]): FacetSource[] {
  const titles = new Map(profiles.map((profile) => [profile.key, profile.profile.title]));
  const statuses = Object.entries(RUNNABLE_VALUES) as [RunStatus, (typeof RUNNABLE_VALUES)[RunStatus]][];
  return [
    { key: 'profile', label: 'Coverage profile', values: (rule) => profiles.filter((profile) => profile.byRule.has(rule)).map((profile) => profile.key), describe: (key) => titles.get(key) ?? key, order: profiles.map((profile) => profile.key) },
    {
      key: 'runnable',
      label: 'Runs in the profile',
      values: (rule) => {
        const held = new Set(profiles.map((profile) => profile.byRule.get(rule)?.status));
        return statuses.filter(([status]) => held.has(status)).map(([, shown]) => shown.value);
      },
      describe: (value) => statuses.find(([, shown]) => shown.value === value)?.[1].label ?? value,
      order: statuses.map(([, shown]) => shown.value),
    },
  ];
}

/** A rule's status in each profile, one letter each (RUNNABLE_VALUES, NOT_CONSIDERED). */
function profileLetters(rule: DetectionRule, profiles: readonly ProfileCoverage[]): string {
  return profiles.map((profile) => {
    const entry = profile.byRule.get(rule);
    return entry === undefined ? NOT_CONSIDERED : RUNNABLE_VALUES[entry.status].letter;
  }).join('');
}

/** The day a rule was last changed: `modified`, else `date` (as `YYYY-MM-DD`). */
export function lastChanged(rule: DetectionRule): string | undefined {
  return parseSigmaDate(rule.modified) ?? parseSigmaDate(rule.date);
}

/** The list's default order: most recently modified first (`modified`, else `date`), undated rules last, ties by title then path. */
export function newestFirst(rules: readonly DetectionRule[]): DetectionRule[] {
  const changed = new Map(rules.map((rule) => [rule, lastChanged(rule) ?? '']));
  return [...rules].sort((a, b) => compareText(changed.get(b)!, changed.get(a)!) || compareByTitle(a, b));
}

function compareByTitle(a: DetectionRule, b: DetectionRule): number {
  return compareText(a.title, b.title) || compareText(a.relativePath, b.relativePath);
}

/** Builds the list's facets and entries; deterministic (knowledge-base content only, code-unit order). */
export function ruleListIndex(
  kb: KnowledgeBase,
  queries: ReadonlyMap<DetectionRule, readonly QuerySectionResult[]>,
  targets: readonly { readonly key: string; readonly title: string }[],
  profiles: readonly ProfileCoverage[] = [],
): RuleListIndex {
  const sources = facetSources(kb, queries, targets, profiles);
  const valuesByRule = kb.rules.map((rule) => sources.map((source) => source.values(rule)));
  const facets: RuleListFacet[] = sources.map((source, facetIndex) => {
    const describe = source.describe ?? ((value: string) => value);
    const present = [...new Set(valuesByRule.flatMap((values) => values[facetIndex]!))];
    const rank = (value: string) => {
      const at = source.order?.indexOf(value) ?? -1;
      return at < 0 ? Number.MAX_SAFE_INTEGER : at;
    };
    const values = present.sort((a, b) => rank(a) - rank(b) || (source.compare ?? ((x: string, y: string) => compareText(describe(x), describe(y))))(a, b) || compareText(a, b));
    return { key: source.key, label: source.label, values, labels: values.map(describe) };
  });
  const positions = facets.map((facet) => new Map(facet.values.map((value, index) => [value, index])));
  const titleRank = new Map([...kb.rules].sort(compareByTitle).map((rule, index) => [rule, index]));
  const ruleIndexes = new Map(kb.rules.map((rule, index) => [rule, index]));
  const entries = newestFirst(kb.rules).map((rule): RuleListEntry => {
    const ruleIndex = ruleIndexes.get(rule)!;
    const date = parseSigmaDate(rule.date);
    const modified = parseSigmaDate(rule.modified);
    return {
      rule,
      facetValues: valuesByRule[ruleIndex]!.map((values, facetIndex) => values.map((value) => positions[facetIndex]!.get(value)!)),
      ...(date && { date }),
      ...(modified && { modified }),
      logSource: rule.logsources[0] ? describeLogSource(rule.logsources[0]) : 'correlation',
      techniques: kb.ruleLinks.get(rule)!.techniques.map((technique) => technique.id),
      titleRank: titleRank.get(rule)!,
      ...(profiles.length > 0 && { profileStatuses: profileLetters(rule, profiles) }),
    };
  });
  return { facets, entries, profiles: profiles.map((profile) => profile.key) };
}

/**
 * The entries a filter selects (within a facet any of its values, across facets all), in list order. The
 * `runnable` facet reads the rule's statuses in the chosen profiles only (rule-list.js does the same).
 */
export function filterRuleList(index: RuleListIndex, filter: Partial<Record<RuleListFacetKey, readonly string[]>>): RuleListEntry[] {
  const wanted = index.facets.map((facet) => {
    const values = filter[facet.key] ?? [];
    return values.length === 0 ? undefined : new Set(values.map((value) => facet.values.indexOf(value)));
  });
  const runnableFacet = index.facets.findIndex((facet) => facet.key === 'runnable');
  const chosenProfiles = (filter.profile ?? []).map((key) => index.profiles.indexOf(key)).filter((at) => at >= 0);
  const runnable = runnableFacet < 0 || chosenProfiles.length === 0 ? undefined : statusesIn(index.facets[runnableFacet]!, chosenProfiles);
  return index.entries.filter((entry) =>
    wanted.every((set, facetIndex) => {
      if (!set) return true;
      const values = runnable && facetIndex === runnableFacet ? runnable(entry) : entry.facetValues[facetIndex]!;
      return values.some((value) => set.has(value));
    }),
  );
}

/** A rule's `runnable` values (indexes into the facet's values) in the profiles at `chosen` positions. */
function statusesIn(facet: RuleListFacet, chosen: readonly number[]): (entry: RuleListEntry) => number[] {
  const byLetter = new Map(Object.values(RUNNABLE_VALUES).map((status) => [status.letter, facet.values.indexOf(status.value)]));
  return (entry) => [...new Set(chosen.map((at) => byLetter.get(entry.profileStatuses?.[at] ?? NOT_CONSIDERED)).filter((value) => value !== undefined && value >= 0))] as number[];
}
