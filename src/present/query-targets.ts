import { formatQuerySectionSpec, type QuerySection } from '../config.ts';
import type { QuerySectionResult } from '../convert/convert-knowledge-base.ts';
import type { DetectionRule } from '../model/detection-rule.ts';
import { sectionAnchor } from './site-urls.ts';

/**
 * Ids a rule page uses besides its query panels (the page chrome's and its sections'): no query target may
 * take one as its anchor or alias.
 */
export const RULE_PAGE_SECTION_IDS: ReadonlySet<string> = new Set(['main', 'site-nav', 'site-search', 'summary', 'why-this-data-needed', 'sigma-rule', 'sigma-source', 'queries']);

/** A configured query section: a tab on every rule page. */
export interface QueryTarget {
  /** The spec (es-qs, lucene+ecs_windows@dsl_lucene): the remembered choice and the tab's data key. */
  readonly key: string;
  readonly title: string;
  readonly section: QuerySection;
  /**
   * The panel's id on rule pages, from the spec (`splunk`, `lucene-ecs_windows`, `lucene-dsl_lucene`): unique
   * per page even when two targets share a title, and stable when a title is reworded.
   */
  readonly anchor: string;
  /**
   * The id of the title-based anchor (`kibana-query` for es-qs titled "Kibana query"), kept inside the panel
   * when it differs from `anchor` and no other target or section claims it: the markdown pages' section
   * names, so `/rules/<name>/#kibana-query` in a runbook still opens the right tab.
   */
  readonly alias?: string;
}

/** The anchor text of a target spec: `lucene+ecs_windows@dsl_lucene` → `lucene-ecs_windows-dsl_lucene`. */
function specAnchor(spec: string): string {
  return spec.toLowerCase().replace(/[^a-z0-9_]+/g, '-').replace(/^-+|-+$/g, '') || 'query';
}

/**
 * The site's query targets, in configuration order (every rule's results come in that order), with their
 * anchors: spec anchors first (a taken one gets `-2`, `-3`…), then title aliases where still free.
 */
export function queryTargets(queries: ReadonlyMap<DetectionRule, readonly QuerySectionResult[]>): QueryTarget[] {
  const first = queries.values().next();
  if (first.done) return [];
  const taken = new Set(RULE_PAGE_SECTION_IDS);
  const claim = (wanted: string): string => {
    let anchor = wanted;
    for (let suffix = 2; taken.has(anchor); suffix += 1) anchor = `${wanted}-${suffix}`;
    taken.add(anchor);
    return anchor;
  };
  const targets = first.value.map((result) => {
    const key = formatQuerySectionSpec(result.section);
    return { key, title: result.title, section: result.section, anchor: claim(specAnchor(key)) };
  });
  const titleAnchors = targets.map((target) => sectionAnchor(target.title));
  const sharedTitles = new Set(titleAnchors.filter((anchor, index) => titleAnchors.indexOf(anchor) !== index));
  return targets.map((target, index) => {
    const alias = titleAnchors[index]!;
    // A title two targets share names neither of them.
    if (alias === target.anchor || sharedTitles.has(alias) || taken.has(alias)) return target;
    taken.add(alias);
    return { ...target, alias };
  });
}
