import type { AttackActor } from '../attack/attack-catalog.ts';
import type { KnowledgeBase } from '../link/knowledge-base.ts';

/** The groups and software that get a page, a Navigator layer and a search record, each sorted by id. */
export interface PageActors {
  readonly groups: readonly AttackActor[];
  readonly software: readonly AttackActor[];
  /** Whether a group or software has a page, by its id: links to it are made only then. */
  has(id: string): boolean;
}

/** Ids become URL segments and file names (/groups/G0016/, layers/groups/G0016.json): only ATT&CK's own shape. */
const PAGE_ID = { group: /^G\d{4,6}$/, software: /^S\d{4,6}$/ } as const;

const computed = new WeakMap<KnowledgeBase, PageActors>();

/**
 * Every group and software of the ATT&CK data, and the provisional ones that only rule tags name (an id
 * newer than the data): a tag must lead somewhere, and a page that says "not in this ATT&CK version"
 * beats a tag that links nowhere. Pages, layers and search all read this one list.
 */
export function pageActors(kb: KnowledgeBase): PageActors {
  let found = computed.get(kb);
  if (found === undefined) {
    const groups = new Map<string, AttackActor>();
    const software = new Map<string, AttackActor>();
    const add = (actor: AttackActor): void => {
      const into = actor.kind === 'group' ? groups : actor.kind === 'software' ? software : undefined;
      if (into !== undefined && PAGE_ID[actor.kind as 'group' | 'software'].test(actor.id) && !into.has(actor.id)) into.set(actor.id, actor);
    };
    for (const actor of [...kb.attack.groups, ...kb.attack.software]) add(actor);
    for (const links of kb.ruleLinks.values()) for (const actor of [...links.groups, ...links.software]) add(actor);
    const ids = new Set([...groups.keys(), ...software.keys()]);
    found = { groups: byId(groups.values()), software: byId(software.values()), has: (id) => ids.has(id.toUpperCase()) };
    computed.set(kb, found);
  }
  return found;
}

function byId(actors: Iterable<AttackActor>): AttackActor[] {
  return [...actors].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

/** The actor's Navigator layer in the output folder: layers/groups/G0016.json, layers/software/S0002.json. */
export function actorLayerFile(actor: AttackActor): string {
  return `layers/${actor.kind === 'group' ? 'groups' : 'software'}/${actor.id}.json`;
}
