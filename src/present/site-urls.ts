import { ATTACK_OBJECT_FOLDERS, isTacticId, type AttackActor } from '../attack/attack-catalog.ts';
import { normalizePathPrefix } from '../config.ts';
import type { KnowledgeBase } from '../link/knowledge-base.ts';
import type { DetectionRule } from '../model/detection-rule.ts';
import type { AtomicTest, DataNeeded, Enrichment, LoggingPolicy, TriggerTechnique } from '../model/entities.ts';
import type { ResponseAction, ResponsePlaybook, ResponseStage } from '../model/response.ts';
import type { PageAddresses, RuleRedirect } from './page-addresses.ts';
import { RULE_LIST_FACET_KEYS } from './rule-list-index.ts';

/** The lists of coverage profiles and use cases. */
export const PROFILE_LIST_PATH = '/profiles/';
export const USE_CASE_LIST_PATH = '/use-cases/';

/** The RE&CT matrix (stages as columns, Response Actions as cells), and the lists of the response entities. */
export const RESPONSE_MATRIX_PATH = '/response/';
export const RESPONSE_ACTION_LIST_PATH = '/response-actions/';
export const RESPONSE_PLAYBOOK_LIST_PATH = '/response-playbooks/';
export const RESPONSE_STAGE_LIST_PATH = '/response-stages/';

/** The Atom feed's path in the output; the pages link it as rel=alternate. */
export const FEED_FILE = 'feed.xml';

/** The anchor of an atomic test: its GUID when it has one (stable when tests are reordered), else its number. */
export function atomicTestAnchor(test: AtomicTest, index: number): string {
  return test.guid ? `test-${test.guid.toLowerCase().replace(/[^a-z0-9-]/g, '')}` : `test-${index + 1}`;
}

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

/**
 * The site's URL scheme, in one place (documented in README.md, "URLs of the HTML site"). Paths come in
 * two forms: `path*` without the path prefix (Eleventy permalinks, Pagefind records) and `href*` with it
 * (links in pages).
 *
 * Entity segments come from the knowledge base's address table (src/present/page-addresses.ts), the same
 * page names as the markdown edition's files:
 *
 *   /rules/<sigma id>/           canonical rule page (a rule without a usable id: /rules/<page name>/)
 *   /rules/<page name>/          redirect stub to the canonical page (the rule's file basename, made safe and unique)
 *   /rules/<old id>/             redirect stub for ids that `related: renamed|merged|obsolete` retired
 *   /data-needed/<page name>/, /logging-policies/<page name>/, /enrichments/<page name>/ (titles, made safe and unique)
 *   /triggers/<technique id>/#test-<guid>
 *   /techniques/<T1234>/#T1234.001 (sub-techniques nested), /techniques/<T1234.001>/ redirects there
 *   /tactics/<TA0001>/ (a provisional tactic: /tactics/<shortname>/), /matrix/, /gaps/, /search/, /rules/ (faceted list)
 *   /groups/<G0016>/, /software/<S0002>/ (and the lists /groups/, /software/)
 *   /profiles/<key>/ (ProfileCoverage.key), /use-cases/<page name>/ (and the lists /profiles/, /use-cases/)
 *   /response-actions/<page name>/, /response-playbooks/<page name>/ (titles), /response-stages/<RS id>/
 *   (and their lists), /response/ (the RE&CT matrix)
 */
export class SiteUrls {
  /** The path prefix ("/" or "/kb/"): what every page link starts with. */
  readonly prefix: string;
  /** True when URLs are absolute (built with `published` and a usable `site.base_url`). */
  readonly absolute: boolean;
  /** What every URL starts with: the path prefix, or the absolute base for published URLs. */
  readonly #root: string;
  readonly #addresses: PageAddresses;

  constructor(kb: Pick<KnowledgeBase, 'addresses'>, pathPrefix: string, baseUrl = '') {
    this.prefix = normalizePathPrefix(pathPrefix);
    this.#addresses = kb.addresses;
    const base = absoluteBase(baseUrl, this.prefix);
    this.absolute = base !== '';
    this.#root = this.absolute ? base : this.prefix;
  }

  /**
   * The URLs the exports write (api/ JSON, Navigator layers, CSV, the feed), read outside the site: absolute
   * when `site.base_url` is set (a base URL that already ends with the path prefix does not repeat it),
   * else the same site-relative paths as the pages.
   */
  static published(kb: Pick<KnowledgeBase, 'addresses'>, site: { readonly pathPrefix: string; readonly baseUrl: string }): SiteUrls {
    return new SiteUrls(kb, site.pathPrefix, site.baseUrl);
  }

  /** Stubs at the rules' other addresses (page names, collection ids, retired ids), from the address table. */
  get ruleRedirects(): readonly RuleRedirect[] {
    return this.#addresses.ruleRedirects;
  }

  /** Adds the path prefix (or the published base) to an unprefixed site path ("/rules/" → "/kb/rules/"). */
  href(path: string): string {
    return this.#root + path.replace(/^\/+/, '');
  }

  pathRule(rule: DetectionRule): string {
    return `/rules/${this.#addresses.ruleSegment(rule)}/`;
  }
  rule(rule: DetectionRule): string {
    return this.href(this.pathRule(rule));
  }

  pathDataNeeded(entry: DataNeeded): string {
    return `/data-needed/${this.#addresses.pageName(entry)}/`;
  }
  dataNeeded(entry: DataNeeded): string {
    return this.href(this.pathDataNeeded(entry));
  }

  pathLoggingPolicy(policy: LoggingPolicy): string {
    return `/logging-policies/${this.#addresses.pageName(policy)}/`;
  }
  loggingPolicy(policy: LoggingPolicy): string {
    return this.href(this.pathLoggingPolicy(policy));
  }

  pathEnrichment(enrichment: Enrichment): string {
    return `/enrichments/${this.#addresses.pageName(enrichment)}/`;
  }
  enrichment(enrichment: Enrichment): string {
    return this.href(this.pathEnrichment(enrichment));
  }

  pathTrigger(trigger: TriggerTechnique): string {
    return `/triggers/${this.#addresses.pageName(trigger)}/`;
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

  /** `/tactics/TA0005/`; a provisional tactic, which has no ATT&CK id, by its lower-case shortname (`/tactics/stealth/`). */
  pathTactic(tacticId: string): string {
    return `/tactics/${isTacticId(tacticId) ? tacticId.toUpperCase() : tacticId.toLowerCase()}/`;
  }
  tactic(tacticId: string): string {
    return this.href(this.pathTactic(tacticId));
  }

  /** A group's or software's page, in ATT&CK's own folder for its kind (/groups/G0016/, /software/S0002/); campaigns have none. */
  pathActor(actor: Pick<AttackActor, 'id'> & { readonly kind: 'group' | 'software' }): string {
    return `/${ATTACK_OBJECT_FOLDERS[actor.kind]}/${actor.id.toUpperCase()}/`;
  }
  actor(actor: Pick<AttackActor, 'id'> & { readonly kind: 'group' | 'software' }): string {
    return this.href(this.pathActor(actor));
  }

  pathResponseAction(action: ResponseAction): string {
    return `${RESPONSE_ACTION_LIST_PATH}${this.#addresses.pageName(action)}/`;
  }
  responseAction(action: ResponseAction): string {
    return this.href(this.pathResponseAction(action));
  }

  pathResponsePlaybook(playbook: ResponsePlaybook): string {
    return `${RESPONSE_PLAYBOOK_LIST_PATH}${this.#addresses.pageName(playbook)}/`;
  }
  responsePlaybook(playbook: ResponsePlaybook): string {
    return this.href(this.pathResponsePlaybook(playbook));
  }

  pathResponseStage(stage: ResponseStage): string {
    return `${RESPONSE_STAGE_LIST_PATH}${this.#addresses.pageName(stage)}/`;
  }
  responseStage(stage: ResponseStage): string {
    return this.href(this.pathResponseStage(stage));
  }

  /** A coverage profile's page, by ProfileCoverage.key. */
  pathProfile(key: string): string {
    return `/profiles/${key}/`;
  }
  profile(key: string): string {
    return this.href(this.pathProfile(key));
  }

  /** A use case's page, by its page name (useCasePageNames). */
  pathUseCase(name: string): string {
    return `/use-cases/${name}/`;
  }
  useCase(name: string): string {
    return this.href(this.pathUseCase(name));
  }

  asset(name: string): string {
    return this.href(`/assets/${name}`);
  }

  /**
   * The rule list filtered and sorted (README, "URLs of the HTML site"): `/rules/?dn=DN_0003…&level=high,critical`.
   * Keys are written in RULE_LIST_KEYS order so that one filter has one URL; several values of a key are
   * joined with commas (values never hold one: ids, levels and page names are comma-free).
   */
  ruleList(filter: RuleListFilter = {}): string {
    const query = RULE_LIST_KEYS.flatMap((key) => {
      const value = filter[key];
      const values = value === undefined ? [] : typeof value === 'string' ? [value] : value;
      return values.length > 0 ? [`${key}=${values.map(encodeURIComponent).join(',')}`] : [];
    });
    return this.href(`/rules/${query.length > 0 ? `?${query.join('&')}` : ''}`);
  }
}

/**
 * URL parameters of the rule list: facets (tactic, technique, group/software ids, level, status, log source
 * fields, Data Needed / Logging Policy / Enrichment page names, trigger yes/no, query target spec, coverage
 * profile key and runnable yes/partial/no; see
 * src/present/rule-list-index.ts), `q` (title words) and `sort` (title, level, date, modified; `-` first
 * for descending).
 */
export const RULE_LIST_KEYS = ['q', ...RULE_LIST_FACET_KEYS, 'sort'] as const;
export type RuleListFilter = { readonly [key in (typeof RULE_LIST_KEYS)[number]]?: string | readonly string[] };

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
