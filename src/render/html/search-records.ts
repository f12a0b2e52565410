import type { AttackCoverage } from '../../link/attack-coverage.ts';
import { tacticLabel } from '../../present/attack-labels.ts';
import type { SiteContext } from './site-context.ts';
import type { DataNeeded } from '../../model/entities.ts';
import { pageActors } from '../../present/attack-actors.ts';
import type { ProfileSite } from '../../present/profile-view.ts';
import { hasResponseContent, responseDisplayName, responseLabel } from '../../present/response-view.ts';
import { responseCategory } from '../../model/response.ts';

/** The kinds of search results, in the order the search page offers them as a filter. */
export const SEARCH_KINDS = ['Rule', 'Data Needed', 'Logging Policy', 'Enrichment', 'Trigger', 'Technique', 'Tactic', 'Group', 'Software', 'Profile', 'Use case', 'Response Playbook', 'Response Action', 'Response Stage'] as const;

const RESPONSE_KINDS: ReadonlySet<string> = new Set(['Response Playbook', 'Response Action', 'Response Stage']);

/** The kinds a build has pages of: profiles, use cases and the response side only when it has some. */
export function searchKinds(context: SiteContext): (typeof SEARCH_KINDS)[number][] {
  const profiles = context.profiles?.profiles.length ?? 0;
  const useCases = context.profiles?.useCases.length ?? 0;
  const response = hasResponseContent(context.kb);
  return SEARCH_KINDS.filter((kind) => (kind === 'Profile' ? profiles > 0 : kind === 'Use case' ? useCases > 0 : RESPONSE_KINDS.has(kind) ? response : true));
}

/** One entry of the search index: what Pagefind stores for a page (or a section of one). */
export interface SearchRecord {
  /** Unprefixed URL, possibly with a fragment; the browser adds the path prefix. */
  readonly url: string;
  readonly title: string;
  /** Shown as a badge with each result, and the `type` filter. */
  readonly kind: (typeof SEARCH_KINDS)[number];
  /** Plain text Pagefind indexes and takes excerpts from. */
  readonly content: string;
  readonly filters: Readonly<Record<string, readonly string[]>>;
  /** The entity's own id (Sigma id, DN_0003, T1059.001, TA0006, G0016): typed alone, it finds the entity first. */
  readonly id?: string;
  /** What a result card shows under the title besides the kind (plain text: the browser sets it as text). */
  readonly card: SearchCard;
  /**
   * Names an analyst types for the entity, besides its id and title: the technique's or actor's own
   * name and aliases, a Data Needed entry's channel and event id ("sysmon 1", "security 4688").
   * Matched word for word by search-names.ts.
   */
  readonly names?: readonly string[];
}

/** The facts of a result card; each absent when the entity has none. */
export interface SearchCard {
  readonly level?: string;
  /** A rule's ATT&CK technique ids, in tag order (a technique's or trigger's title starts with its id). */
  readonly techniques?: readonly string[];
  /** "windows / process_creation" for a rule, the channel and event id for Data Needed. */
  readonly logSource?: string;
}

/**
 * The words of a detection or a command, once each: values people search for (lsass, procdump,
 * comsvcs.dll, 4688). Long unbroken tokens (hashes, base64 blobs, GUIDs) make the index large and slow
 * to build and nobody types them, so they are left out of the indexed text (the page still shows them).
 */
export function searchableText(text: string, limit: number): string {
  const words = new Set<string>();
  for (const word of text.split(/[^A-Za-z0-9._$-]+/)) {
    const trimmed = trimPunctuation(word);
    if (trimmed.length >= 3 && trimmed.length < 24 && /[A-Za-z]/.test(trimmed)) words.add(trimmed);
    if (words.size >= limit) break; // a rule listing thousands of file names adds little but index size
  }
  return [...words].join(' ');
}

/**
 * `word` without leading and trailing `.`, `_` and `-`, cut by hand: `/[._-]+$/` restarts at every dot
 * of a long inner run and was quadratic on a rule holding one.
 */
function trimPunctuation(word: string): string {
  const isPunctuation = (character: string | undefined): boolean => character === '.' || character === '_' || character === '-';
  let start = 0;
  let end = word.length;
  while (start < end && isPunctuation(word[start])) start += 1;
  while (end > start && isPunctuation(word[end - 1])) end -= 1;
  return word.slice(start, end);
}

/**
 * The values a rule's detection matches (`\\procdump.exe`, `lsass`, `4688`), without the selection
 * names, field names, modifiers and condition around them, which every rule repeats and nobody searches
 * for; and only the `detection:` block (the rest of the rule is indexed from its fields).
 */
function detectionValues(text: string): string {
  const lines = text.split('\n');
  const values: string[] = [];
  let inside = false;
  for (const line of lines) {
    if (/^detection:/.test(line)) {
      inside = true;
      continue;
    }
    if (!inside) continue;
    if (/^\S/.test(line)) {
      inside = false; // the next top-level key, or the next document of a collection
      continue;
    }
    const item = line.replace(/^\s*(- )*/, '');
    if (/^condition:/.test(item)) continue;
    const value = item.replace(/^[^\s'":]+:(\s|$)/, '');
    if (value.trim() !== '') values.push(value);
  }
  return values.join(' ');
}

const lines = (...parts: ReadonlyArray<string | undefined | readonly string[]>): string =>
  parts
    .flatMap((part) => (part === undefined ? [] : typeof part === 'string' ? [part] : part))
    .filter((part) => part.trim() !== '')
    .join('\n');

/** atc-data titles start with the entity's id (DN_0003_1_windows_sysmon_process_creation → DN_0003). */
const ATC_DATA_ID = /^[A-Za-z]{2}_\d+/;

function idPrefix(title: string): { id?: string } {
  const id = ATC_DATA_ID.exec(title)?.[0];
  return id === undefined ? {} : { id };
}

function dataNeededSource(entry: DataNeeded): string {
  return [entry.channel ?? entry.provider, entry.eventId === undefined ? undefined : `event ${entry.eventId}`].filter(Boolean).join(', ');
}

/**
 * The search index's records, built from the knowledge base rather than from the HTML: the index gets
 * the text that matters (titles, descriptions, tags, log sources, detection values, test names and
 * commands) without the page chrome or the query tabs, and Pagefind does not have to parse 100 MB of
 * HTML. Pure and deterministic (knowledge-base order).
 */
export function searchRecords(context: SiteContext, coverage: AttackCoverage): SearchRecord[] {
  const { kb, urls } = context;
  const records: SearchRecord[] = [];
  for (const rule of kb.rules) {
    const links = kb.ruleLinks.get(rule)!;
    records.push({
      url: urls.pathRule(rule),
      title: rule.title,
      kind: 'Rule',
      content: lines(
        rule.title,
        rule.description,
        links.tactics.map((tactic) => tactic.name),
        links.techniques.map((technique) => `${technique.id} ${technique.name}`),
        links.otherTags,
        rule.logsources.map((source) => [source.product, source.category, source.service].filter(Boolean).join(' ')),
        links.dataNeeded.map((match) => match.dataNeeded.title),
        rule.falsepositives,
        rule.author,
        rule.name,
        searchableText(detectionValues(rule.text), 60),
        rule.id, // last: an excerpt shows it only when it is what was searched for
      ),
      filters: {
        type: ['Rule'],
        ...(rule.level ? { level: [rule.level] } : {}),
        ...(rule.status ? { status: [rule.status] } : {}),
        tactic: links.tactics.map((tactic) => tactic.name),
        product: [...new Set(rule.logsources.map((source) => source.product).filter((value): value is string => !!value))],
      },
      ...(rule.id ? { id: rule.id } : {}),
      card: {
        ...(rule.level ? { level: rule.level } : {}),
        techniques: links.techniques.map((technique) => technique.id),
        logSource: rule.logsources.map((source) => [source.product, source.category, source.service].filter(Boolean).join(' / ')).join(', '),
      },
    });
  }
  for (const entry of kb.dataNeeded) {
    records.push({
      url: urls.pathDataNeeded(entry),
      title: entry.title,
      kind: 'Data Needed',
      content: lines(entry.title, entry.description, entry.category, entry.platform, entry.type, entry.channel, entry.provider, entry.eventId === undefined ? undefined : `EventID ${entry.eventId}`, entry.fields.join(' ')),
      filters: { type: ['Data Needed'] },
      ...idPrefix(entry.title),
      card: { logSource: dataNeededSource(entry) },
      names: [entry.channel, entry.provider, entry.eventId === undefined ? undefined : String(entry.eventId)].filter((name): name is string => name !== undefined),
    });
  }
  for (const policy of kb.loggingPolicies) {
    records.push({
      url: urls.pathLoggingPolicy(policy),
      title: policy.title,
      kind: 'Logging Policy',
      content: lines(policy.title, policy.description, policy.eventIds.map((id) => `EventID ${id}`), policy.configuration),
      filters: { type: ['Logging Policy'] },
      ...idPrefix(policy.title),
      card: {},
      names: policy.eventIds.map(String),
    });
  }
  for (const enrichment of kb.enrichments) {
    records.push({
      url: urls.pathEnrichment(enrichment),
      title: enrichment.title,
      kind: 'Enrichment',
      content: lines(enrichment.title, enrichment.description, enrichment.newFields.join(' '), enrichment.config),
      filters: { type: ['Enrichment'] },
      ...idPrefix(enrichment.title),
      card: {},
    });
  }
  for (const trigger of kb.triggers) {
    const technique = kb.attack.technique(trigger.techniqueId);
    const tactics = (technique?.tactics ?? []).map((shortname) => kb.attack.tactic(shortname)?.name).filter((name): name is string => !!name);
    records.push({
      url: urls.pathTrigger(trigger),
      title: `${trigger.techniqueId}: ${trigger.displayName}`,
      kind: 'Trigger',
      content: lines(
        `${trigger.techniqueId} ${trigger.displayName}`,
        trigger.tests.flatMap((test) => [test.name, test.description, test.supportedPlatforms.join(' '), searchableText(test.executor.command ?? test.executor.steps ?? '', 40)]),
      ),
      filters: { type: ['Trigger'], tactic: tactics },
      id: trigger.techniqueId,
      card: {},
      names: [trigger.displayName],
    });
  }
  for (const tactic of kb.attack.tactics) {
    records.push({ url: urls.pathTactic(tactic.id), title: tacticLabel(tactic), kind: 'Tactic', content: lines(`${tactic.id} ${tactic.name}`, tactic.shortname, tactic.origin?.origin), filters: { type: ['Tactic'], tactic: [tactic.name] }, id: tactic.id, card: {}, names: [tactic.name] });
  }
  for (const technique of coverage.pageTechniques) {
    const tactics = technique.tactics.map((shortname) => kb.attack.tactic(shortname)?.name).filter((name): name is string => !!name);
    const page = urls.pathTechniquePage(technique.id);
    records.push({ url: page, title: `${technique.id}: ${technique.name}`, kind: 'Technique', content: lines(`${technique.id} ${technique.name}`, tactics, technique.origin?.origin), filters: { type: ['Technique'], tactic: tactics }, id: technique.id, card: {}, names: [technique.name] });
    for (const sub of coverage.subTechniques(technique.id)) {
      records.push({ url: `${page}#${sub.id}`, title: `${sub.id}: ${technique.name}: ${sub.name}`, kind: 'Technique', content: lines(`${sub.id} ${sub.name}`, technique.name, tactics), filters: { type: ['Technique'], tactic: tactics }, id: sub.id, card: {}, names: [sub.name] });
    }
  }
  records.push(...(context.profiles ? profileRecords(context.profiles, context) : []));
  records.push(...responseRecords(context));
  const actors = pageActors(kb);
  for (const [kind, list] of [
    ['Group', actors.groups],
    ['Software', actors.software],
  ] as const) {
    for (const actor of list) records.push({ url: urls.pathActor(actor), title: `${actor.id}: ${actor.name}`, kind, content: lines(`${actor.id} ${actor.name}`, actor.aliases), filters: { type: [kind] }, id: actor.id, card: {}, names: [actor.name, ...actor.aliases] });
  }
  return records;
}

/**
 * Response Actions, Playbooks and Stages (only when the knowledge base has actions or playbooks: the
 * built-in stages alone have no pages), found by RE&CT id (RA2401), by title (RA_2401_…) and by name.
 */
function responseRecords(context: SiteContext): SearchRecord[] {
  const { kb, urls } = context;
  const { response } = kb;
  if (!hasResponseContent(kb)) return [];
  const stageTitle = (action: (typeof response.actions)[number]): string | undefined => response.stageOf.get(action)?.title;
  return [
    ...response.playbooks.map((playbook): SearchRecord => {
      const links = response.playbookLinks.get(playbook);
      return {
        url: urls.pathResponsePlaybook(playbook),
        title: responseLabel(playbook),
        kind: 'Response Playbook',
        content: lines(
          responseDisplayName(playbook),
          playbook.description,
          links?.tactics.map((tactic) => tactic.name),
          links?.techniques.map((technique) => `${technique.id} ${technique.name}`),
          links?.otherTags,
          links?.stages.flatMap((stage) => stage.actions.map(responseDisplayName)),
          playbook.workflow,
          playbook.id,
        ),
        filters: { type: ['Response Playbook'], tactic: (links?.tactics ?? []).map((tactic) => tactic.name) },
        ...(playbook.id ? { id: playbook.id } : idPrefix(playbook.title)),
        card: { techniques: (links?.techniques ?? []).map((technique) => technique.id) },
        names: [playbook.title],
      };
    }),
    ...response.actions.map(
      (action): SearchRecord => ({
        url: urls.pathResponseAction(action),
        title: responseLabel(action),
        kind: 'Response Action',
        content: lines(responseDisplayName(action), action.description, stageTitle(action), responseCategory(action), action.requirements, action.automation, action.workflow, action.id),
        filters: { type: ['Response Action'] },
        ...(action.id ? { id: action.id } : idPrefix(action.title)),
        card: {},
        names: [action.title],
      }),
    ),
    ...response.stages.map(
      (stage): SearchRecord => ({
        url: urls.pathResponseStage(stage),
        title: `${stage.id}: ${stage.title}`,
        kind: 'Response Stage',
        content: lines(`${stage.id} ${stage.title}`, stage.description),
        filters: { type: ['Response Stage'] },
        id: stage.id,
        card: {},
        names: [stage.title],
      }),
    ),
  ];
}

/** Profiles and use cases, found by name (a profile also by its key, a use case by its UC_ title). */
function profileRecords(site: ProfileSite, context: SiteContext): SearchRecord[] {
  const { urls } = context;
  return [
    ...site.profiles.map((profile): SearchRecord => ({
      url: urls.pathProfile(profile.key),
      title: profile.profile.title,
      kind: 'Profile',
      content: lines(profile.profile.title, profile.profile.description, `${profile.counts.runnable} runnable rules`, profile.available.map((entry) => entry.title), profile.loggingPolicies.map((policy) => policy.title)),
      filters: { type: ['Profile'] },
      card: {},
      names: [profile.key],
    })),
    ...site.useCases.map((useCase): SearchRecord => ({
      url: urls.pathUseCase(site.useCaseName(useCase)),
      title: useCase.name,
      kind: 'Use case',
      content: lines(useCase.name, useCase.title, useCase.description),
      filters: { type: ['Use case'] },
      ...idPrefix(useCase.title),
      card: {},
      names: [useCase.title],
    })),
  ];
}
