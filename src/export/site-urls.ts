import type { KnowledgeBase } from '../link/knowledge-base.ts';
import type { DetectionRule } from '../model/detection-rule.ts';
import type { DataNeeded, Enrichment, LoggingPolicy, TriggerTechnique } from '../model/entities.ts';
import type { Entity, PageAddresses } from '../present/page-addresses.ts';
import { SiteUrls } from '../render/html/site-urls.ts';

/**
 * URLs of the HTML site's pages as the exports write them (api/ JSON, Navigator layers, CSV, feed).
 * The URL scheme itself lives in one place, the site's SiteUrls (rules at /rules/<sigma id>/, or
 * /rules/<basename>/ for a rule without a usable id; /data-needed/<title>/, /techniques/<T1003>/#T1003.001
 * ...); this module adds the published base URL:
 *
 * - `site.base_url` empty: URLs are site-relative paths with the path prefix ("/kb/rules/<id>/").
 * - `site.base_url` set: absolute URLs. When the base URL already ends with the path prefix
 *   ("https://example.org/kb" with prefix "/kb/"), the prefix is not repeated.
 */
export class ExportUrls {
  readonly site: SiteUrls;
  /** True when URLs are absolute (a base URL is configured). */
  readonly absolute: boolean;
  readonly #base: string;
  readonly #addresses: PageAddresses;

  constructor(kb: KnowledgeBase, options: { readonly baseUrl: string; readonly pathPrefix: string }) {
    this.site = new SiteUrls(kb, options.pathPrefix);
    this.#addresses = kb.addresses;
    this.#base = absoluteBase(options.baseUrl, this.site.prefix);
    this.absolute = this.#base !== '';
  }

  /** A URL for an unprefixed site path ("/rules/" or "feed.xml"). */
  url(sitePath: string): string {
    const relative = sitePath.replace(/^\/+/, '');
    return this.#base === '' ? this.site.href(relative) : this.#base + relative;
  }

  /** The rule's segment in /rules/<segment>/: its id (lower case) when usable, else its page name. Also its api/ file name. */
  ruleKey(rule: DetectionRule): string {
    return this.#addresses.ruleSegment(rule);
  }

  /** The file-name key of any other entity: its page name (a title made safe and unique, or a technique id). */
  entityKey(entity: Exclude<Entity, DetectionRule>): string {
    return this.#addresses.pageName(entity);
  }

  rule(rule: DetectionRule): string {
    return this.url(this.site.pathRule(rule));
  }
  dataNeeded(entry: DataNeeded): string {
    return this.url(this.site.pathDataNeeded(entry));
  }
  loggingPolicy(policy: LoggingPolicy): string {
    return this.url(this.site.pathLoggingPolicy(policy));
  }
  enrichment(enrichment: Enrichment): string {
    return this.url(this.site.pathEnrichment(enrichment));
  }
  trigger(trigger: TriggerTechnique): string {
    return this.url(this.site.pathTrigger(trigger));
  }
  /** A technique's page; a sub-technique is a section (#T1003.001) of its parent's page. */
  technique(id: string): string {
    const upper = id.toUpperCase();
    const page = this.url(this.site.pathTechniquePage(upper));
    return upper.includes('.') ? `${page}#${upper}` : page;
  }
  tactic(id: string): string {
    return this.url(this.site.pathTactic(id));
  }
}

/** "https://example.org/kb" + prefix "/kb/" → "https://example.org/kb/"; "" when no usable base URL. */
function absoluteBase(baseUrl: string, prefix: string): string {
  const trimmed = baseUrl.trim();
  if (trimmed === '') return '';
  let parsed: URL;
  try {
    parsed = new URL(trimmed);
  } catch {
    return '';
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') return '';
  const basePath = parsed.pathname.endsWith('/') ? parsed.pathname : `${parsed.pathname}/`;
  const root = `${parsed.origin}${basePath}`;
  return basePath.endsWith(prefix) ? root : `${root.replace(/\/$/, '')}${prefix}`;
}
