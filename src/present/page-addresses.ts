import { createHash } from 'node:crypto';
import type { KnowledgeBase } from '../link/knowledge-base.ts';
import { compareText } from '../model/compare-text.ts';
import type { DetectionRule } from '../model/detection-rule.ts';
import type { UseCase } from '../model/coverage-profile.ts';
import type { DataNeeded, Enrichment, LoggingPolicy, TriggerTechnique } from '../model/entities.ts';
import { makeIssue, type Issue } from '../model/issue.ts';
import type { ResponseAction, ResponsePlaybook, ResponseStage } from '../model/response.ts';
import type { ResponseKnowledge } from '../link/link-response.ts';

export type Entity = DetectionRule | DataNeeded | LoggingPolicy | Enrichment | TriggerTechnique | ResponseAction | ResponsePlaybook | ResponseStage;

/** The markdown edition's folder in the output (its README and one folder per kind below). */
export const MARKDOWN_ROOT = 'markdown';

/** Folder names of the markdown output, as the older tool published them (and SOC runbooks link to). */
export const MARKDOWN_FOLDER: Record<Entity['kind'], string> = {
  rule: 'Detection_Rules',
  'data-needed': 'Data_Needed',
  'logging-policy': 'Logging_Policies',
  enrichment: 'Enrichments',
  trigger: 'Triggers',
  'response-action': 'Response_Actions',
  'response-playbook': 'Response_Playbooks',
  'response-stage': 'Response_Stages',
};

/** Folders of the markdown pages of coverage profiles (named by ProfileCoverage.key) and use cases. */
export const PROFILE_MARKDOWN_FOLDER = 'Profiles';
export const USE_CASE_MARKDOWN_FOLDER = 'Use_Cases';

/** A profile's markdown page under the markdown root, by ProfileCoverage.key. */
export function profileMarkdownPath(key: string): string {
  return `${PROFILE_MARKDOWN_FOLDER}/${key}.md`;
}

/** A use case's markdown page under the markdown root, by its page name (useCasePageNames). */
export function useCaseMarkdownPath(name: string): string {
  return `${USE_CASE_MARKDOWN_FOLDER}/${name}.md`;
}

/** Entities named by the same rules as the address table's, though not in it: use cases. */
type NamedEntity = Entity | UseCase;

/**
 * Longest name kept as written. File systems refuse names over 255 bytes (ENAMETOOLONG), and the name
 * still gets a collision suffix and an extension; 100 keeps every SigmaHQ basename and atc-data title whole.
 */
const MAX_NAME_LENGTH = 100;

/** A rule id longer than this is no UUID and would make an unreadable URL: such a rule is addressed by its page name. */
const MAX_ID_SEGMENT_LENGTH = 64;

/** A URL path segment is used as-is only when it is plainly safe; anything else falls back to another name. */
const SAFE_SEGMENT = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

/**
 * Names a kind's folder already holds in the HTML site: its list page (`/rules/index.html`). An entity named
 * so would need a folder where that file is, which no file system allows.
 */
const RESERVED_NAMES = new Set(['index.html']);

/** `related` types under which the old id now lives in the naming rule (its page takes over the old URL). */
const REDIRECTING_RELATION_TYPES = new Set(['renamed', 'merged', 'obsolete']);

/**
 * Text made safe as a file name and a URL segment: characters outside `A-Za-z0-9._-` become `_` (so a title
 * can never leave its folder or need escaping in a link), a leading dot too (no hidden files), and a name
 * longer than MAX_NAME_LENGTH is cut there and suffixed with a hash of the whole name, so that two long
 * names with a common start stay apart. Non-ASCII letters are replaced, not transliterated: names that
 * were published stay as they were, and file systems that normalise Unicode (macOS) cannot split one page
 * into two.
 */
export function safeName(text: string): string {
  const cleaned = text.replace(/[^A-Za-z0-9._-]/g, '_').replace(/^\.+/, '_') || '_';
  return cleaned.length <= MAX_NAME_LENGTH ? cleaned : `${cleaned.slice(0, MAX_NAME_LENGTH)}-${shortHash(cleaned)}`;
}

/** Eight hex digits of SHA-256: enough to tell apart the handful of names that collide in one knowledge base. */
function shortHash(text: string): string {
  return createHash('sha256').update(text).digest('hex').slice(0, 8);
}

/** What an entity's page is named after: a rule's file basename, a trigger's technique id, a stage's id (RS0002), an entry's title. */
function wantedName(entity: NamedEntity): string {
  switch (entity.kind) {
    case 'rule':
      return entity.name;
    case 'trigger':
      return entity.techniqueId;
    case 'response-stage':
      return entity.id;
    default:
      return entity.title;
  }
}

/** Names are compared as a case-insensitive file system (macOS, Windows) would, so that no page overwrites another there. */
const fileSystemKey = (name: string): string => name.toLowerCase();

export interface RuleRedirect {
  /** Unprefixed path of the stub, e.g. /rules/win_susp_procdump/ */
  readonly from: string;
  readonly to: DetectionRule;
  readonly why: 'basename' | 'id' | 'related';
  /** For `related`: the relation type and the old id. */
  readonly relation?: { readonly type: string; readonly id: string };
}

export type AddressedEntities = Pick<KnowledgeBase, 'rules' | 'dataNeeded' | 'loggingPolicies' | 'enrichments' | 'triggers'> & {
  readonly response?: Pick<ResponseKnowledge, 'actions' | 'playbooks' | 'stages'>;
};

/**
 * The one address table of a knowledge base: every entity's page name, unique within its kind, from which
 * its markdown path, its HTML URL segment, its api/ file and its search record's URL all derive; and the
 * HTML site's /rules/ namespace (rule ids, basename stubs, retired ids). Computed once, by the linker.
 */
export class PageAddresses {
  readonly #names: ReadonlyMap<Entity, string>;
  readonly #ruleSegments: ReadonlyMap<DetectionRule, string>;
  readonly ruleRedirects: readonly RuleRedirect[];

  private constructor(names: ReadonlyMap<Entity, string>, ruleSegments: ReadonlyMap<DetectionRule, string>, ruleRedirects: readonly RuleRedirect[]) {
    this.#names = names;
    this.#ruleSegments = ruleSegments;
    this.ruleRedirects = ruleRedirects;
  }

  /**
   * Names every page. Entities whose names collide after cleaning (`a b.yml` / `a_b.yml`, `ü` / `ä`, `A` / `a`)
   * are ordered the same way whatever the load order: a name that needed no cleaning first, then by path
   * under the input folder, by path as shown, and position. The first keeps the name; each other gets
   * `-<hash of its source path>`, which does not change when a further colliding file appears (a counter
   * would), and a `duplicate-page-name` warning naming both files.
   */
  static assign(entities: AddressedEntities): { addresses: PageAddresses; issues: Issue[] } {
    const issues: Issue[] = [];
    const names = new Map<Entity, string>();
    const response = entities.response;
    const kinds: readonly (readonly Entity[])[] = [
      entities.rules,
      entities.dataNeeded,
      entities.loggingPolicies,
      entities.enrichments,
      entities.triggers,
      ...(response ? [response.actions, response.playbooks, response.stages] : []),
    ];
    for (const kind of kinds) {
      for (const [entity, name] of uniqueNames(kind, issues)) names.set(entity, name);
    }
    const { segments, redirects } = ruleUrlSegments(entities.rules, (rule) => names.get(rule)!);
    return { addresses: new PageAddresses(names, segments, redirects), issues };
  }

  /** The entity's page name: unique within its kind (ignoring case), at most MAX_NAME_LENGTH + 18 characters, `A-Za-z0-9._-` only. */
  pageName(entity: Entity): string {
    const name = this.#names.get(entity);
    if (name === undefined) throw new Error(`${entity.file} is not part of this knowledge base's address table`);
    return name;
  }

  /** Path of the entity's markdown page under the markdown root. */
  markdownPath(entity: Entity): string {
    return `${MARKDOWN_FOLDER[entity.kind]}/${this.pageName(entity)}.md`;
  }

  /** Relative link from one entity's markdown page to another's (pages sit one folder deep). */
  markdownLink(entity: Entity): string {
    return `../${this.markdownPath(entity)}`;
  }

  /** The rule's segment in the site's /rules/<segment>/ (its id when usable, else its page name); also its api/ file name. */
  ruleSegment(rule: DetectionRule): string {
    const segment = this.#ruleSegments.get(rule);
    if (segment === undefined) throw new Error(`${rule.file} is not part of this knowledge base's address table`);
    return segment;
  }
}

/**
 * Use cases' page names (`/use-cases/<name>/`, `Use_Cases/<name>.md`): their titles, made safe and unique
 * as every other page name is. Profiles need none: ProfileCoverage.key is theirs.
 */
export function useCasePageNames(useCases: readonly UseCase[]): { names: ReadonlyMap<UseCase, string>; issues: Issue[] } {
  const issues: Issue[] = [];
  return { names: uniqueNames(useCases, issues), issues };
}

interface Candidate<T extends NamedEntity> {
  readonly entity: T;
  readonly index: number;
  readonly name: string;
  /** Whether cleaning changed the wanted name: an entity named exactly so has the better claim. */
  readonly cleaned: boolean;
}

/** The order in which colliding entities claim a name: independent of load order. */
function claimOrder<T extends NamedEntity>(a: Candidate<T>, b: Candidate<T>): number {
  return (
    Number(a.cleaned) - Number(b.cleaned) ||
    compareText(a.entity.relativePath, b.entity.relativePath) ||
    // Two input folders can hold the same relative path; the order they are given in must not matter.
    compareText(a.entity.file, b.entity.file) ||
    a.entity.position.line - b.entity.position.line ||
    a.entity.position.column - b.entity.position.column ||
    a.index - b.index
  );
}

function uniqueNames<T extends NamedEntity>(entities: readonly T[], issues: Issue[]): Map<T, string> {
  const claims = new Map<string, Candidate<T>[]>();
  entities.forEach((entity, index) => {
    const wanted = wantedName(entity);
    const name = safeName(wanted);
    const key = fileSystemKey(name);
    const candidate = { entity, index, name, cleaned: name !== wanted };
    const list = claims.get(key);
    if (list) list.push(candidate);
    else claims.set(key, [candidate]);
  });
  // Every free name goes to its first claimant before any suffix is handed out, so that a suffixed name
  // can never take the plain name of another entity. Only colliding claims need ordering.
  const holders = new Map<string, T>();
  const names = new Map<T, string>();
  const losers: Candidate<T>[] = [];
  for (const [key, candidates] of claims) {
    if (candidates.length > 1) candidates.sort(claimOrder);
    if (RESERVED_NAMES.has(key)) {
      losers.push(...candidates);
      continue;
    }
    const [first, ...rest] = candidates;
    holders.set(key, first!.entity);
    names.set(first!.entity, first!.name);
    losers.push(...rest);
  }
  losers.sort((a, b) => compareText(fileSystemKey(a.name), fileSystemKey(b.name)) || claimOrder(a, b));
  for (const { entity, name } of losers) {
    const holder = holders.get(fileSystemKey(name));
    const unique = withSuffix(name, entity.relativePath, (taken) => holders.has(fileSystemKey(taken)));
    holders.set(fileSystemKey(unique), entity);
    names.set(entity, unique);
    const usedBy = holder ? `is already used by ${holder.file}` : 'is reserved for the list page of the HTML site';
    issues.push(makeIssue(entity.file, entity.position, 'duplicate-page-name', `the page name "${name}" ${usedBy}; this page is named "${unique}"`));
  }
  return names;
}

/** `name-<hash of the source path>`; in the unlikely case that is taken too, the hash of the path with a counter. */
function withSuffix(name: string, sourcePath: string, isTaken: (name: string) => boolean): string {
  for (let attempt = 0; ; attempt += 1) {
    const candidate = `${name}-${shortHash(attempt === 0 ? sourcePath : `${sourcePath}#${attempt}`)}`;
    if (!isTaken(candidate)) return candidate;
  }
}

/** A rule id as a URL segment, or undefined when it is unsafe or too long to be one. */
function idSegment(id: string | undefined): string | undefined {
  const segment = id?.trim().toLowerCase();
  return segment && segment.length <= MAX_ID_SEGMENT_LENGTH && SAFE_SEGMENT.test(segment) ? segment : undefined;
}

/**
 * The /rules/ namespace of the HTML site (README.md, "URLs of the HTML site"): canonical URLs first (ids win
 * over page names), then stubs at page names, then stubs for the other ids of a collection and for ids that
 * `related: renamed|merged|obsolete` retired.
 */
function ruleUrlSegments(rules: readonly DetectionRule[], pageName: (rule: DetectionRule) => string): { segments: Map<DetectionRule, string>; redirects: RuleRedirect[] } {
  const segments = new Map<DetectionRule, string>();
  const taken = new Set<string>(RESERVED_NAMES);
  const claim = (segment: string): boolean => {
    const key = fileSystemKey(segment);
    if (taken.has(key)) return false;
    taken.add(key);
    return true;
  };
  for (const rule of rules) {
    const id = idSegment(rule.id);
    if (id && claim(id)) segments.set(rule, id);
  }
  for (const rule of rules) {
    if (segments.has(rule)) continue;
    const name = pageName(rule);
    // A page name that equals another rule's id (a file named after a UUID) is the only way to get here twice.
    const segment = claim(name) ? name : withSuffix(name, rule.relativePath, (candidate) => taken.has(fileSystemKey(candidate)));
    taken.add(fileSystemKey(segment));
    segments.set(rule, segment);
  }
  const redirects: RuleRedirect[] = [];
  for (const rule of rules) {
    const segment = pageName(rule);
    if (claim(segment)) redirects.push({ from: `/rules/${segment}/`, to: rule, why: 'basename' });
  }
  for (const rule of rules) {
    // The other rules of a collection (or a correlation) have ids of their own; they lead to the file's page.
    for (const other of [...rule.rules.map((sigma) => sigma.id), ...rule.correlations.map((correlation) => correlation.id)]) {
      const id = idSegment(other);
      if (id && claim(id)) redirects.push({ from: `/rules/${id}/`, to: rule, why: 'id' });
    }
  }
  const loadedIds = new Set(rules.flatMap((rule) => [rule.id, ...rule.rules.map((sigma) => sigma.id), ...rule.correlations.map((correlation) => correlation.id)]));
  for (const rule of rules) {
    for (const entry of rule.related) {
      const id = idSegment(entry.id);
      if (!id || !REDIRECTING_RELATION_TYPES.has(entry.type) || loadedIds.has(entry.id) || !claim(id)) continue;
      redirects.push({ from: `/rules/${id}/`, to: rule, why: 'related', relation: { type: entry.type, id: entry.id } });
    }
  }
  return { segments, redirects };
}
