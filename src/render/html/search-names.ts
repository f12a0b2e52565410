import { SEARCH_KINDS, type SearchCard, type SearchRecord } from './search-records.ts';

/**
 * The names index of the search page (search.js): every entity other than a rule with its id, title
 * and the names analysts type for it, so that a query naming an entity ("DN_0003", "T1059.001",
 * "sysmon 1", "mimikatz") lists that entity first. Pagefind ranks by word statistics and matches the last
 * word as a prefix, so on its own "sysmon 1" prefers pages about events 10 to 19. Rules are left out:
 * there are thousands, Pagefind finds their Sigma ids (in their indexed text) and weighs their titles.
 */
export const SEARCH_NAMES_FILE = 'atc-names.json';

/**
 * Which entity comes first when several match equally well: the entries are written in this order and
 * the browser keeps the file order within a match tier. A technique or tactic is what a bare ATT&CK word
 * means; Data Needed before the policies and enrichments that refer to it; a trigger after those, as its
 * title repeats its technique's; then the response side (a playbook before the actions it lists, a stage,
 * whose name is an everyday word, after them); profiles and use cases, named by their authors, last.
 */
const PIN_ORDER: readonly SearchRecord['kind'][] = ['Technique', 'Tactic', 'Group', 'Software', 'Data Needed', 'Logging Policy', 'Enrichment', 'Trigger', 'Response Playbook', 'Response Action', 'Response Stage', 'Profile', 'Use case'];

/**
 * One entity, as an array (the file is fetched by every search): its kind (index into
 * SearchNamesFile.kinds), unprefixed URL, title, id as normalized words ("t1059 001", "" for none), its
 * names as normalized words ("mimikatz", "security 4688"), the words it has besides those of its id,
 * title and names (camelCase parts: "createremotethread" → "create remote thread"), and its card.
 */
export type SearchName = readonly [kind: number, url: string, title: string, id: string, names: readonly string[], extraWords: string, card?: SearchCard];

export interface SearchNamesFile {
  readonly kinds: readonly SearchRecord['kind'][];
  readonly entries: readonly SearchName[];
}

/**
 * Lower case, split at anything but a letter or digit: "DN_0003" and "dn 0003" are the same words.
 * search.js splits the query, titles and names the same way (`[^a-z0-9]+` after lower-casing).
 */
export function normalizedWords(text: string): string[] {
  return text
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter((word) => word !== '');
}

/** "CreateRemoteThread" → create, remote, thread: atc-data titles write some event names that way. */
function camelParts(text: string): string[] {
  return text
    .split(/[^A-Za-z0-9]+/)
    .flatMap((word) => word.replace(/([a-z0-9])([A-Z])/g, '$1 $2').split(' '))
    .map((part) => part.toLowerCase())
    .filter((part) => part !== '');
}

/** The names index, sorted by PIN_ORDER, then fewer title words first (the more specific entity), then knowledge-base order. */
export function searchNames(records: readonly SearchRecord[]): SearchNamesFile {
  const entries = records
    .filter((record) => record.kind !== 'Rule')
    .map((record, position) => {
      const names = [...new Set((record.names ?? []).map((name) => normalizedWords(name).join(' ')).filter((name) => name !== ''))];
      const texts = [record.id ?? '', record.title, ...(record.names ?? [])];
      const plain = new Set(texts.flatMap(normalizedWords));
      const extra = [...new Set(texts.flatMap(camelParts))].filter((word) => !plain.has(word));
      const head = [SEARCH_KINDS.indexOf(record.kind), record.url, record.title, normalizedWords(record.id ?? '').join(' '), names, extra.join(' ')] as const;
      const entry: SearchName = Object.keys(record.card).length > 0 ? [...head, record.card] : head;
      return { entry, rank: PIN_ORDER.indexOf(record.kind), size: normalizedWords(record.title).length, position };
    });
  entries.sort((a, b) => a.rank - b.rank || a.size - b.size || a.position - b.position);
  return { kinds: SEARCH_KINDS, entries: entries.map(({ entry }) => entry) };
}

/** The names index as the file search.js fetches. */
export function searchNamesFile(records: readonly SearchRecord[]): string {
  return JSON.stringify(searchNames(records));
}
