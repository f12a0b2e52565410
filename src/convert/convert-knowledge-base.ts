import { formatQuerySectionSpec, type QuerySection } from '../config.ts';
import type { DetectionRule } from '../model/detection-rule.ts';
import { makeIssue, type Issue } from '../model/issue.ts';
import { convertCollection, listTargets, type ConversionResult } from '../sigma/convert-collection.ts';

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
 * short reason that its page shows instead of a query.
 */
export function convertKnowledgeBase(
  rules: readonly DetectionRule[],
  sections: readonly QuerySection[],
  configFile: string,
): { queries: Map<DetectionRule, QuerySectionResult[]>; issues: Issue[] } {
  const issues: Issue[] = [];
  const targets = new Map(listTargets().map((target) => [target.id, target]));
  const usable = sections.filter((section) => {
    const target = targets.get(section.target);
    const problem = !target
      ? `unknown query target "${section.target}"; known targets: ${[...targets.keys()].join(', ')}`
      : section.pipeline && !target.pipelines.includes(section.pipeline)
        ? `target "${section.target}" has no pipeline "${section.pipeline}"; it has: ${target.pipelines.join(', ') || 'none'}`
        : section.format && !target.formats.includes(section.format)
          ? `target "${section.target}" has no output format "${section.format}"; it has: ${target.formats.join(', ')}`
          : undefined;
    if (problem) issues.push(makeIssue(configFile, undefined, 'config-invalid', `query section ${formatQuerySectionSpec(section)}: ${problem}`));
    return !problem;
  });
  const queries = new Map<DetectionRule, QuerySectionResult[]>();
  for (const rule of rules) {
    queries.set(
      rule,
      usable.map((section) => ({
        section,
        title: section.title ?? targets.get(section.target)!.title,
        result:
          rule.rules.length === 0
            ? { ok: false, reason: 'correlation rules are not converted to this target; see the rules it correlates' }
            : convertCollection(rule.rules, { target: section.target, ...(section.pipeline ? { pipeline: section.pipeline } : {}), ...(section.format ? { format: section.format } : {}) }),
      })),
    );
  }
  return { queries, issues };
}
