import { ATTACK_OBJECT_FOLDERS, type AttackActor } from '../attack/attack-catalog.ts';
import { compareText } from '../model/compare-text.ts';
import type { KnowledgeBase } from '../link/knowledge-base.ts';

/** A group or a piece of software: the actors that get a page here (campaigns link to ATT&CK only). */
export type PageActor = AttackActor & { readonly kind: 'group' | 'software' };

/** The groups and software that get a page, a Navigator layer and a search record, each sorted by id. */
export interface PageActors {
  readonly groups: readonly PageActor[];
  readonly software: readonly PageActor[];
  /** The group or software with a page, by its id: links to it are made only then. */
  get(id: string): PageActor | undefined;
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
    // Group and software ids differ in their first letter, so one map holds both.
    const byId = new Map<string, PageActor>();
    const add = (actor: AttackActor): void => {
      if ((actor.kind === 'group' || actor.kind === 'software') && PAGE_ID[actor.kind].test(actor.id) && !byId.has(actor.id)) byId.set(actor.id, actor as PageActor);
    };
    for (const actor of [...kb.attack.groups, ...kb.attack.software]) add(actor);
    for (const links of kb.ruleLinks.values()) for (const actor of [...links.groups, ...links.software]) add(actor);
    const sorted = [...byId.values()].sort((a, b) => compareText(a.id, b.id));
    found = {
      groups: sorted.filter((actor) => actor.kind === 'group'),
      software: sorted.filter((actor) => actor.kind === 'software'),
      get: (id) => byId.get(id.trim().toUpperCase()),
    };
    computed.set(kb, found);
  }
  return found;
}

/** The actor's Navigator layer in the output folder: layers/groups/G0016.json, layers/software/S0002.json. */
export function actorLayerFile(actor: PageActor): string {
  return `layers/${ATTACK_OBJECT_FOLDERS[actor.kind]}/${actor.id}.json`;
}
