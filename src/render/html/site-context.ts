import type { RuleRepository } from '../../config.ts';
import type { QueryTarget } from '../../present/query-targets.ts';
import type { QuerySectionResult } from '../../convert/convert-knowledge-base.ts';
import type { KnowledgeBase } from '../../link/knowledge-base.ts';
import type { DetectionRule } from '../../model/detection-rule.ts';
import type { SafeHtml } from './escape-html.ts';
import type { SiteUrls } from '../../present/site-urls.ts';
import type { ProfileSite } from '../../present/profile-view.ts';

/** Top-level areas of the site, for the navigation's current-page marker. */
export type SiteSection = 'home' | 'rules' | 'matrix' | 'conversions' | 'data-needed' | 'logging-policies' | 'enrichments' | 'triggers' | 'gaps' | 'search' | 'downloads' | 'groups' | 'software' | 'profiles' | 'response';

/** One HTML page of the site: its body is finished HTML; the Eleventy layout only adds the chrome around it. */
export interface SitePage {
  /** Unprefixed permalink ending in "/", e.g. "/rules/<id>/". */
  readonly url: string;
  /** Plain text; the layout escapes it. */
  readonly title: string;
  readonly section: SiteSection;
  /** One-sentence summary for <meta name="description">; plain text. */
  readonly description?: string;
  readonly body: SafeHtml;
  /** Whether Pagefind indexes the page. */
  readonly searchable: boolean;
  /**
   * Scripts (file names in src/site/assets/) this page loads after site.js: code only one kind of page
   * needs (the rule list, the trigger forms) stays off every other page.
   */
  readonly scripts?: readonly string[];
}

/**
 * A page of the site as its URL and a way to render it: the site renders a page when it is written and
 * lets it go, so the HTML of every page is never in memory at once (issue 11: 40,000 rules). `url` is
 * the URL `render()` returns.
 */
export interface PendingPage {
  readonly url: string;
  render(): SitePage;
  /** The knowledge-base file (as issues name it) of the entity the page shows, for pages of one such entity. */
  readonly file?: string;
}

/** A page that only sends the reader on (old or alternative URL). */
export interface RedirectPage {
  readonly url: string;
  /** Prefixed target URL, possibly with a fragment. */
  readonly target: string;
  readonly title: string;
  readonly reason: string;
}

/** What every HTML renderer gets: the graph, the queries, and the URL scheme. Pure data, no I/O. */
export interface SiteContext {
  readonly kb: KnowledgeBase;
  readonly queries: ReadonlyMap<DetectionRule, readonly QuerySectionResult[]>;
  readonly urls: SiteUrls;
  readonly siteTitle: string;
  /** The configured query targets; every rule's query results come in this order, one per target. */
  readonly targets: readonly QueryTarget[];
  /** Where the rule files live upstream (`site.repo_url`), when configured: rule pages link their file there. */
  readonly repository?: RuleRepository;
  /** The build's coverage profiles and use cases, when it has any: their pages, the rule pages' "Runs in" row, the list's facet. */
  readonly profiles?: ProfileSite;
}
