import { formatQuerySectionSpec, type QuerySection } from '../config.ts';
import type { DetectionRule } from '../model/detection-rule.ts';
import { makeIssue, type Issue } from '../model/issue.ts';
import { checkTargetSpec, convertCollection, listTargets, UNSUPPORTED_CATEGORIES, type ConversionResult, type UnsupportedCategory, type UserPipelines } from '../sigma/convert-collection.ts';
import { cacheKey, type CacheShelf } from '../cache/build-cache.ts';

/** One query section of one rule page: its heading and the conversion result. */
export interface QuerySectionResult {
  readonly section: QuerySection;
  /** The heading: the section's configured title, else the target's own ("Kibana query"). */
  readonly title: string;
  readonly result: ConversionResult;
}

/**
 * Converts every rule for every configured query section, in-process. Unknown targets are a
 * configuration error reported once (not once per rule); a rule a target cannot express gets a
 * short reason that its page shows instead of a query. With a `cache`, a rule converted by the previous
 * build from the same text, with the same target spec and pipeline, is not converted again.
 */
export function convertKnowledgeBase(
  rules: readonly DetectionRule[],
  sections: readonly QuerySection[],
  configFile: string,
  userPipelines?: UserPipelines,
  cache?: CacheShelf<ConversionResult>,
): { queries: Map<DetectionRule, QuerySectionResult[]>; issues: Issue[] } {
  const issues: Issue[] = [];
  const targets = new Map(listTargets().map((target) => [target.id, target]));
  const usable = sections.filter((section) => {
    const checked = checkTargetSpec(section, userPipelines);
    if (typeof checked === 'string') issues.push(makeIssue(configFile, undefined, 'config-invalid', `query section ${formatQuerySectionSpec(section)}: ${checked}`));
    return typeof checked !== 'string';
  });
  // What a section's conversions are computed from besides the rule: its spec and its pipeline's definition
  // (built-in pipelines are code, covered by the cache's tool fingerprint). Undefined: not cacheable.
  const sectionKeys = usable.map((section): string | undefined => {
    const user = section.pipeline === undefined ? undefined : userPipelines?.get(section.pipeline);
    if (user && user.fingerprint === undefined) return undefined;
    return cacheKey(formatQuerySectionSpec(section), user?.fingerprint ?? '');
  });
  const convert = (rule: DetectionRule, section: QuerySection): ConversionResult =>
    readable(convertCollection(rule.rules, { target: section.target, ...(section.pipeline ? { pipeline: section.pipeline } : {}), ...(section.format ? { format: section.format } : {}) }, userPipelines));
  const queries = new Map<DetectionRule, QuerySectionResult[]>();
  for (const rule of rules) {
    let ruleKey: string | undefined; // hashed once per rule, when a section looks it up
    queries.set(
      rule,
      usable.map((section, index) => {
        const sectionKey = sectionKeys[index];
        return {
          section,
          title: section.title ?? targets.get(section.target)!.title,
          result:
            rule.rules.length === 0
              ? { ok: false, reason: 'correlation rules are not converted to this target; see the rules it correlates', category: 'feature' as const }
              : cache && sectionKey !== undefined
                ? cache.through(cacheKey(sectionKey, (ruleKey ??= cacheKey(rule.file, rule.text))), () => convert(rule, section))
                : convert(rule, section),
        };
      }),
    );
  }
  return { queries, issues };
}

/** The shape of a conversion result read back from the cache (CacheShelf's `accept`). */
export function isConversionResult(value: unknown): value is ConversionResult {
  if (typeof value !== 'object' || value === null) return false;
  const result = value as { ok?: unknown; queries?: unknown; reason?: unknown; category?: unknown };
  if (result.ok === true) return Array.isArray(result.queries) && result.queries.every((query) => typeof query === 'string');
  return result.ok === false && typeof result.reason === 'string' && typeof result.category === 'string' && (UNSUPPORTED_CATEGORIES as readonly string[]).includes(result.category);
}

/**
 * The reason as a reader should see it. The converters word refusals as the reference converters do
 * (`SigmaFeatureNotSupportedByBackendError: … (while converting rule None)`), which `atc convert --jsonl`
 * keeps for comparison with them; pages, exports and checks drop the exception class and the empty
 * rule name.
 */
export function readable(result: ConversionResult): ConversionResult {
  if (result.ok) return result;
  const reason = result.reason
    .replace(/^[A-Z]\w*(?:Error|Exception): /, '')
    .replace(/ \(while (?:converting|applying processing pipeline on) rule [^)]*\)$/, '')
    .trim();
  return { ...result, reason };
}

/** The status of one rule for one query section, as data for pages, exports and checks. */
export type ConversionStatus =
  | { readonly status: 'converted'; readonly queries: number }
  | { readonly status: 'unsupported'; readonly category: UnsupportedCategory; readonly reason: string };

export function conversionStatus(result: ConversionResult): ConversionStatus {
  return result.ok ? { status: 'converted', queries: result.queries.length } : { status: 'unsupported', category: result.category, reason: result.reason };
}

/** Counts per query section (by its index in the configuration): converted, and unsupported per category. */
export interface ConversionCounts {
  readonly section: QuerySection;
  readonly title: string;
  readonly converted: number;
  readonly unsupported: Readonly<Record<UnsupportedCategory, number>>;
}

/** The rules × targets matrix summed up: one entry per configured (usable) query section, in order. */
export function summarizeConversions(queries: ReadonlyMap<DetectionRule, readonly QuerySectionResult[]>): ConversionCounts[] {
  const counts: { section: QuerySection; title: string; converted: number; unsupported: Record<UnsupportedCategory, number> }[] = [];
  for (const results of queries.values()) {
    results.forEach((entry, index) => {
      const count = (counts[index] ??= { section: entry.section, title: entry.title, converted: 0, unsupported: { feature: 0, field: 0, logsource: 0 } });
      if (entry.result.ok) count.converted++;
      else count.unsupported[entry.result.category]++;
    });
  }
  return counts;
}
