import { parentTechniqueId, type AttackCatalog, type AttackTactic, type AttackTechnique } from '../attack/attack-catalog.ts';
import { compareText } from '../model/compare-text.ts';
import type { TitleReference } from '../model/entities.ts';
import { REACT_STAGES, stageKey, type ResponseAction, type ResponsePlaybook, type ResponseStage } from '../model/response.ts';
import type { Report } from './link-knowledge-base.ts';
import { retiredTechniqueIssue } from './retired-technique.ts';

/** What a playbook links to, computed once by the linker. */
export interface PlaybookLinks {
  /** In tag order, without duplicates. */
  readonly tactics: readonly AttackTactic[];
  readonly techniques: readonly AttackTechnique[];
  /** `techniques`, and for a revoked one also its replacement: where the playbook is listed. */
  readonly countedTechniques: readonly AttackTechnique[];
  /** Tags that are not ATT&CK tactics or techniques (`phishing`, `amitt.*`, groups), as written, without duplicates. */
  readonly otherTags: readonly string[];
  /** The stages the playbook lists, in stage order, each with the actions that resolved, in the playbook's order. */
  readonly stages: readonly PlaybookStage[];
  readonly linked: readonly ResponsePlaybook[];
  /** `linked_rp` entries the knowledge base does not have (RE&CT's RP_0001 names a playbook still being written). */
  readonly unresolvedLinked: readonly string[];
}

export interface PlaybookStage {
  readonly stage: ResponseStage;
  readonly actions: readonly ResponseAction[];
}

/** The response side of the cross-reference graph. */
export interface ResponseKnowledge {
  /** RE&CT's six stages (replaced by the knowledge base's own files where it has them) and any others, by id. */
  readonly stages: readonly ResponseStage[];
  /** By id (the 2019 schema's, which have none, by title). */
  readonly actions: readonly ResponseAction[];
  readonly playbooks: readonly ResponsePlaybook[];
  readonly actionsByTitle: ReadonlyMap<string, ResponseAction>;
  readonly playbooksByTitle: ReadonlyMap<string, ResponsePlaybook>;
  /** Every action whose stage resolved; one whose stage did not is an error and is in no stage. */
  readonly stageOf: ReadonlyMap<ResponseAction, ResponseStage>;
  /** In action order. */
  readonly actionsByStage: ReadonlyMap<ResponseStage, readonly ResponseAction[]>;
  readonly playbookLinks: ReadonlyMap<ResponsePlaybook, PlaybookLinks>;
  /** Playbooks that list the action, in playbook order. */
  readonly playbooksByAction: ReadonlyMap<ResponseAction, readonly ResponsePlaybook[]>;
  /** Playbooks by the exact technique id they count under (a sub-technique's are not rolled up to its parent). */
  readonly playbooksByTechnique: ReadonlyMap<string, readonly ResponsePlaybook[]>;
  /** Playbooks whose `linked_rp` names this one. */
  readonly linkedBy: ReadonlyMap<ResponsePlaybook, readonly ResponsePlaybook[]>;
  /**
   * An action's `linked_ra` (2019 schema), resolved by title or id like a playbook's lists; a name the
   * knowledge base lacks stays as written (the older tool never checked them, so neither is it reported).
   */
  readonly linkedActions: ReadonlyMap<ResponseAction, readonly (ResponseAction | string)[]>;
}

export interface LoadedResponse {
  readonly actions: readonly ResponseAction[];
  readonly playbooks: readonly ResponsePlaybook[];
  readonly stages: readonly ResponseStage[];
}

/** A reference to an action may use its title (RE&CT and the 2019 files do) or its id (RA1001). */
const byIdOrTitle = <T extends { title: string; id?: string }>(map: ReadonlyMap<string, T>, ids: ReadonlyMap<string, T>, reference: string): T | undefined =>
  map.get(reference) ?? ids.get(reference.toUpperCase());

export function linkResponse(loaded: LoadedResponse, attack: AttackCatalog, report: Report): ResponseKnowledge {
  const stages = resolveStages(loaded.stages, report);
  const stagesByName = new Map<string, ResponseStage>();
  for (const stage of stages) {
    for (const name of [stage.key, stage.id.toLowerCase(), stage.title.toLowerCase()]) if (!stagesByName.has(name)) stagesByName.set(name, stage);
  }
  const stageOrder = new Map(stages.map((stage, index) => [stage, index]));

  const actions = [...loaded.actions].sort((a, b) => compareText(a.id ?? a.title, b.id ?? b.title) || compareText(a.title, b.title) || compareText(a.file, b.file));
  const playbooks = [...loaded.playbooks].sort((a, b) => compareText(a.id ?? a.title, b.id ?? b.title) || compareText(a.title, b.title) || compareText(a.file, b.file));
  const actionsByTitle = uniqueBy(actions, (action) => action.title, 'Response Action', 'title', report);
  const actionsById = uniqueBy(actions, (action) => action.id, 'Response Action', 'id', report);
  const playbooksByTitle = uniqueBy(playbooks, (playbook) => playbook.title, 'Response Playbook', 'title', report);
  const playbooksById = uniqueBy(playbooks, (playbook) => playbook.id, 'Response Playbook', 'id', report);

  const stageOf = new Map<ResponseAction, ResponseStage>();
  const actionsByStage = new Map<ResponseStage, ResponseAction[]>(stages.map((stage) => [stage, []]));
  const stageNamed = (reference: TitleReference, file: string, what: string): ResponseStage | undefined => {
    const stage = stagesByName.get(reference.title.toLowerCase()) ?? stagesByName.get(stageKey(reference.title));
    if (!stage) report(file, reference.position, 'unknown-response-stage', `${what} names the stage "${reference.title}", which is neither one of RE&CT's six stages nor in the knowledge base's response stages (${stages.map((known) => known.key).join(', ')})`);
    return stage;
  };
  for (const action of actions) {
    if (action.stage === undefined) continue;
    const stage = stageNamed(action.stage, action.file, 'the Response Action');
    if (!stage) continue;
    stageOf.set(action, stage);
    actionsByStage.get(stage)!.push(action);
  }

  const playbookLinks = new Map<ResponsePlaybook, PlaybookLinks>();
  const playbooksByAction = new Map<ResponseAction, ResponsePlaybook[]>();
  const playbooksByTechnique = new Map<string, ResponsePlaybook[]>();
  const linkedBy = new Map<ResponsePlaybook, ResponsePlaybook[]>();
  for (const playbook of playbooks) {
    const lists = new Map<ResponseStage, ResponseAction[]>();
    for (const list of playbook.stages) {
      const stage = stageNamed(list.stage, playbook.file, `the playbook's list "${list.stage.title}"`);
      if (!stage) continue;
      const resolved = lists.get(stage) ?? [];
      lists.set(stage, resolved);
      for (const reference of list.actions) {
        const action = byIdOrTitle(actionsByTitle, actionsById, reference.title);
        if (!action) {
          report(playbook.file, reference.position, 'unknown-response-action', `unknown Response Action "${reference.title}"`);
          continue;
        }
        if (!resolved.includes(action)) resolved.push(action);
        const users = playbooksByAction.get(action) ?? [];
        if (!users.includes(playbook)) users.push(playbook);
        playbooksByAction.set(action, users);
      }
    }
    const linked: ResponsePlaybook[] = [];
    const unresolvedLinked: string[] = [];
    for (const reference of playbook.linkedPlaybooks) {
      const target = byIdOrTitle(playbooksByTitle, playbooksById, reference.title);
      if (!target) {
        report(playbook.file, reference.position, 'unknown-response-playbook', `linked playbook "${reference.title}" is not in the knowledge base`);
        unresolvedLinked.push(reference.title);
      } else if (target !== playbook && !linked.includes(target)) {
        linked.push(target);
        const back = linkedBy.get(target) ?? [];
        back.push(playbook);
        linkedBy.set(target, back);
      }
    }
    const tags = classifyPlaybookTags(playbook, attack, report);
    for (const technique of tags.countedTechniques) {
      const list = playbooksByTechnique.get(technique.id) ?? [];
      if (!list.includes(playbook)) list.push(playbook);
      playbooksByTechnique.set(technique.id, list);
    }
    playbookLinks.set(playbook, {
      ...tags,
      stages: [...lists].sort(([a], [b]) => stageOrder.get(a)! - stageOrder.get(b)!).map(([stage, stageActions]) => ({ stage, actions: stageActions })),
      linked,
      unresolvedLinked,
    });
  }

  const linkedActions = new Map<ResponseAction, (ResponseAction | string)[]>(
    actions.filter((action) => action.linkedActions.length > 0).map((action) => [action, action.linkedActions.map(({ title }) => byIdOrTitle(actionsByTitle, actionsById, title) ?? title)]),
  );

  return { stages, actions, playbooks, actionsByTitle, playbooksByTitle, stageOf, actionsByStage, playbookLinks, playbooksByAction, playbooksByTechnique, linkedBy, linkedActions };
}

/**
 * The playbooks answering a rule or a technique: those tagged with any of the technique ids, or with the
 * parent of one of them (a phishing playbook answers every kind of phishing), in playbook order.
 */
export function playbooksForTechniques(response: Pick<ResponseKnowledge, 'playbooks' | 'playbooksByTechnique'>, techniqueIds: readonly string[]): ResponsePlaybook[] {
  if (response.playbooks.length === 0) return [];
  const found = new Set<ResponsePlaybook>();
  for (const techniqueId of techniqueIds) {
    for (const id of new Set([techniqueId, parentTechniqueId(techniqueId) ?? techniqueId])) {
      for (const playbook of response.playbooksByTechnique.get(id) ?? []) found.add(playbook);
    }
  }
  return response.playbooks.filter((playbook) => found.has(playbook));
}

/**
 * RE&CT's six stages, each replaced by a stage file of the knowledge base with the same id or key, plus the
 * knowledge base's other stages; by id. A second file with an id already taken is an error and is ignored.
 */
function resolveStages(loaded: readonly ResponseStage[], report: Report): ResponseStage[] {
  const byId = new Map<string, ResponseStage>();
  // By key too: two stages of one title could not be told apart by the actions and playbooks that name them.
  // A map, not a scan of byId: a hostile knowledge base may hold thousands of stage files.
  const byKey = new Map<string, ResponseStage>();
  for (const stage of [...loaded].sort((a, b) => compareText(a.relativePath, b.relativePath) || compareText(a.file, b.file))) {
    const first = byId.get(stage.id) ?? byKey.get(stage.key);
    if (first) {
      report(stage.file, stage.position, 'duplicate-id', `another Response Stage is ${first.id} "${first.title}" (${first.file}); this one is ignored`);
      continue;
    }
    byId.set(stage.id, stage);
    byKey.set(stage.key, stage);
  }
  for (const builtIn of REACT_STAGES) {
    const key = stageKey(builtIn.title);
    if (byId.has(builtIn.id) || byKey.has(key)) continue;
    byId.set(builtIn.id, {
      kind: 'response-stage',
      file: 'RE&CT',
      relativePath: `RE&CT/${builtIn.id}`,
      position: { line: 1, column: 1 },
      id: builtIn.id,
      title: builtIn.title,
      key,
      description: builtIn.description,
      builtIn: true,
    });
  }
  return [...byId.values()].sort((a, b) => compareText(a.id, b.id));
}

/** Entities by a key; the first (in the given order) keeps it, and every other is reported where it starts. */
function uniqueBy<T extends { file: string; position: { line: number; column: number } }>(
  entities: readonly T[],
  keyOf: (entity: T) => string | undefined,
  what: string,
  keyName: 'title' | 'id',
  report: Report,
): Map<string, T> {
  const map = new Map<string, T>();
  for (const entity of entities) {
    const key = keyOf(entity);
    if (key === undefined) continue;
    const first = map.get(key);
    if (!first) map.set(key, entity);
    else if (keyName === 'id') report(entity.file, entity.position, 'duplicate-id', `another ${what} has the id ${key} (${first.file}); references by id lead there`);
    else report(entity.file, entity.position, 'duplicate-title', `another ${what} has the title "${key}" (${first.file}); references by title lead there, and this one gets a page of its own`);
  }
  return map;
}

/** Playbook tags sorted like a rule's: ATT&CK tactics and techniques (with the same warnings), and the rest as written. */
function classifyPlaybookTags(playbook: ResponsePlaybook, attack: AttackCatalog, report: Report): Pick<PlaybookLinks, 'tactics' | 'techniques' | 'countedTechniques' | 'otherTags'> {
  const tactics: AttackTactic[] = [];
  const techniques: AttackTechnique[] = [];
  const otherTags: string[] = [];
  // A set beside the list: a hostile file may carry thousands of tags.
  const seen = new Set<string>();
  const keep = (tag: string): void => {
    if (!seen.has(tag)) {
      seen.add(tag);
      otherTags.push(tag);
    }
  };
  for (const reference of playbook.tags) {
    const found = attack.classifyAttackTag(reference.title);
    switch (found.kind) {
      case 'tactic':
        if (!tactics.includes(found.tactic)) tactics.push(found.tactic);
        break;
      case 'technique':
      case 'deprecated-technique':
      case 'revoked-technique':
        if (!techniques.includes(found.technique)) techniques.push(found.technique);
        const retired = retiredTechniqueIssue(found, attack.version);
        if (retired) report(playbook.file, reference.position, retired.code, retired.message);
        break;
      case 'unknown-technique':
        report(playbook.file, reference.position, 'unknown-attack-technique', `${found.id} is not a technique of ATT&CK ${attack.version}; kept as a plain tag`);
        keep(reference.title);
        break;
      case 'unknown-tactic':
        report(playbook.file, reference.position, 'unknown-attack-tactic', `"${reference.title}" is not a tactic of ATT&CK ${attack.version}; kept as a plain tag`);
        keep(reference.title);
        break;
      default:
        keep(reference.title);
    }
  }
  const countedTechniques = [...new Set(techniques.flatMap((technique) => (technique.revoked ? [technique, attack.replacementOf(technique.id)?.technique ?? technique] : [technique])))];
  return { tactics, techniques, countedTechniques, otherTags };
}
