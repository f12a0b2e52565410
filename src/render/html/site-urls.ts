import { normalizePathPrefix } from '../../config.ts';
import type { KnowledgeBase } from '../../link/knowledge-base.ts';
import type { DetectionRule } from '../../model/detection-rule.ts';
import type { AtomicTest, DataNeeded, Enrichment, LoggingPolicy, TriggerTechnique } from '../../model/entities.ts';
import { pageName } from '../page-paths.ts';
import { atomicTestAnchor } from '../trigger-page.ts';

/** A URL path segment is used as-is only when it is plainly safe; anything else falls back to another name. */
const SAFE_SEGMENT = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

/** `related` types under which the old id now lives in the naming rule (its page takes over the old URL). */
const REDIRECTING_RELATION_TYPES = new Set(['renamed', 'merged', 'obsolete']);

/** The anchor of a section, from its title: "Kibana query" → "kibana-query", "X-Pack Watcher" → "x-pack-watcher". */
export function sectionAnchor(title: string): string {
  return (
    title
      .normalize('NFKD')
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-+|-+$/g, '') || 'section'
  );
}

export interface RuleRedirect {
  /** Unprefixed path of the stub, e.g. /rules/win_susp_procdump/ */
  readonly from: string;
  readonly to: DetectionRule;
  readonly why: 'basename' | 'id' | 'related';
  /** For `related`: the relation type and the old id. */
  readonly relation?: { readonly type: string; readonly id: string };
}

/**
 * The site's URL scheme, in one place (documented in README.md, "URLs of the HTML site"). Paths come in
 * two forms: `path*` without the path prefix (Eleventy permalinks, Pagefind records) and `href*` with it
 * (links in pages).
 *
 *   /rules/<sigma id>/           canonical rule page (a rule without a usable id: /rules/<basename>/)
 *   /rules/<basename>/           redirect stub to the canonical page (what the markdown pages use)
 *   /rules/<old id>/             redirect stub for ids that `related: renamed|merged|obsolete` retired
 *   /data-needed/<title>/, /logging-policies/<title>/, /enrichments/<title>/, /triggers/<technique id>/#test-<guid>
 *   /techniques/<T1234>/#T1234.001 (sub-techniques nested), /techniques/<T1234.001>/ redirects there
 *   /tactics/<TA0001>/, /matrix/, /gaps/, /search/, /rules/ (faceted list)
 */
export class SiteUrls {
  readonly prefix: string;
  readonly #ruleSegments = new Map<DetectionRule, string>();
  readonly ruleRedirects: readonly RuleRedirect[];

  constructor(kb: KnowledgeBase, pathPrefix: string) {
    this.prefix = normalizePathPrefix(pathPrefix);
    const taken = new Set<string>();
    // Canonical URLs first (ids win over basenames), then basename stubs, then stubs for retired ids.
    for (const rule of kb.rules) {
      const id = rule.id?.trim().toLowerCase();
      if (id && SAFE_SEGMENT.test(id) && !taken.has(id)) {
        this.#ruleSegments.set(rule, id);
        taken.add(id);
      }
    }
    for (const rule of kb.rules) {
      if (this.#ruleSegments.has(rule)) continue;
      let segment = pageName(rule);
      for (let suffix = 2; taken.has(segment); suffix += 1) segment = `${pageName(rule)}-${suffix}`;
      this.#ruleSegments.set(rule, segment);
      taken.add(segment);
    }
    const redirects: RuleRedirect[] = [];
    for (const rule of kb.rules) {
      const segment = pageName(rule);
      if (taken.has(segment)) continue;
      taken.add(segment);
      redirects.push({ from: `/rules/${segment}/`, to: rule, why: 'basename' });
    }
    for (const rule of kb.rules) {
      // The other rules of a collection (or a correlation) have ids of their own; they lead to the file's page.
      for (const other of [...rule.rules.map((sigma) => sigma.id), ...rule.correlations.map((correlation) => correlation.id)]) {
        const id = other?.trim().toLowerCase();
        if (!id || !SAFE_SEGMENT.test(id) || taken.has(id)) continue;
        taken.add(id);
        redirects.push({ from: `/rules/${id}/`, to: rule, why: 'id' });
      }
    }
    for (const rule of kb.rules) {
      for (const entry of rule.related) {
        const id = entry.id.trim().toLowerCase();
        if (!REDIRECTING_RELATION_TYPES.has(entry.type) || !SAFE_SEGMENT.test(id) || taken.has(id) || kb.rulesById.has(entry.id)) continue;
        taken.add(id);
        redirects.push({ from: `/rules/${id}/`, to: rule, why: 'related', relation: { type: entry.type, id: entry.id } });
      }
    }
    this.ruleRedirects = redirects;
  }

  /** Adds the path prefix to an unprefixed site path ("/rules/" → "/kb/rules/"). */
  href(path: string): string {
    return this.prefix + path.replace(/^\//, '');
  }

  pathRule(rule: DetectionRule): string {
    return `/rules/${this.#ruleSegments.get(rule) ?? pageName(rule)}/`;
  }
  rule(rule: DetectionRule): string {
    return this.href(this.pathRule(rule));
  }

  pathDataNeeded(entry: DataNeeded): string {
    return `/data-needed/${pageName(entry)}/`;
  }
  dataNeeded(entry: DataNeeded): string {
    return this.href(this.pathDataNeeded(entry));
  }

  pathLoggingPolicy(policy: LoggingPolicy): string {
    return `/logging-policies/${pageName(policy)}/`;
  }
  loggingPolicy(policy: LoggingPolicy): string {
    return this.href(this.pathLoggingPolicy(policy));
  }

  pathEnrichment(enrichment: Enrichment): string {
    return `/enrichments/${pageName(enrichment)}/`;
  }
  enrichment(enrichment: Enrichment): string {
    return this.href(this.pathEnrichment(enrichment));
  }

  pathTrigger(trigger: TriggerTechnique): string {
    return `/triggers/${pageName(trigger)}/`;
  }
  trigger(trigger: TriggerTechnique): string {
    return this.href(this.pathTrigger(trigger));
  }
  atomicTest(trigger: TriggerTechnique, test: AtomicTest, index: number): string {
    return `${this.trigger(trigger)}#${atomicTestAnchor(test, index)}`;
  }

  /** A technique's page; a sub-technique is a section of its parent's page. */
  pathTechniquePage(id: string): string {
    return `/techniques/${id.toUpperCase().split('.')[0]}/`;
  }
  technique(id: string): string {
    const upper = id.toUpperCase();
    return upper.includes('.') ? `${this.href(this.pathTechniquePage(upper))}#${upper}` : this.href(this.pathTechniquePage(upper));
  }

  pathTactic(tacticId: string): string {
    return `/tactics/${tacticId.toUpperCase()}/`;
  }
  tactic(tacticId: string): string {
    return this.href(this.pathTactic(tacticId));
  }

  asset(name: string): string {
    return this.href(`/assets/${name}`);
  }
}

