import { formatQuerySectionSpec, parseQuerySectionSpec, type BuildConfig, type QuerySection } from '../config.ts';
import type { ConversionCheck, ProfileConversions } from '../link/profile-coverage.ts';
import type { DetectionRule } from '../model/detection-rule.ts';
import { checkTargetSpec, type UserPipelines } from '../sigma/convert-collection.ts';
import { convertKnowledgeBase, type QuerySectionResult } from './convert-knowledge-base.ts';

/**
 * Whether each rule converts to a profile's query target. A target the site already converts to is read
 * from its results; any other is converted once, the first time a profile names it (each costs what one
 * query section of the site costs). Without conversion (`atc check` of the knowledge base only), a
 * profile's target is not checked.
 */
export function profileConversions(
  rules: readonly DetectionRule[],
  config: Pick<BuildConfig, 'querySections'>,
  converted: ReadonlyMap<DetectionRule, readonly QuerySectionResult[]>,
  converting: boolean,
  userPipelines: UserPipelines,
): ProfileConversions {
  const checks = new Map<string, ConversionCheck | { readonly problem: string }>();
  return (spec) => {
    if (!converting) return undefined;
    const section = parseQuerySectionSpec(spec);
    if (typeof section === 'string') return { problem: section };
    const key = formatQuerySectionSpec(section);
    const known = checks.get(key);
    if (known) return known;
    const check = checkFor(section, key);
    checks.set(key, check);
    return check;
  };

  function checkFor(section: QuerySection, key: string): ConversionCheck | { readonly problem: string } {
    const usable = checkTargetSpec(section, userPipelines);
    if (typeof usable === 'string') return { problem: `"queries": ${usable}` };
    const index = config.querySections.findIndex((configured) => formatQuerySectionSpec(configured) === key);
    const results = index >= 0 ? converted : convertKnowledgeBase(rules, [section], '', userPipelines).queries;
    const at = index >= 0 ? index : 0;
    return (rule) => {
      const result = results.get(rule)?.[at]?.result;
      return result?.ok ? { ok: true } : { ok: false, reason: result ? result.reason : 'not converted' };
    };
  }
}
