import type { AttackTactic, AttackTechnique } from '../attack/attack-catalog.ts';
import type { KnowledgeBase } from '../link/knowledge-base.ts';
import type { DetectionRule } from '../model/detection-rule.ts';
import { responseCategory, type ResponseAction, type ResponsePlaybook, type ResponseStage } from '../model/response.ts';
import { MARKDOWN_ROOT } from '../present/page-addresses.ts';
import { hasResponseContent, responseDisplayName } from '../present/response-view.ts';
import type { SiteUrls } from '../present/site-urls.ts';
import { apiPath, type JsonObject } from './api-json.ts';
import { theHiveTemplatePath } from './thehive-templates.ts';

/**
 * The api/ documents of the response side (README.md, "JSON: api/"): one per Response Action, Playbook
 * and Stage, linked like every other document ({key, title, url, api}, plus `id` when the entity has one).
 * Written only when the knowledge base has Response Actions or Playbooks: RE&CT's built-in stages alone
 * say nothing about it.
 */

/** How every api/ document refers to a response entity (keys in sorted order). */
export interface ResponseLinks {
  action(action: ResponseAction): JsonObject;
  playbook(playbook: ResponsePlaybook): JsonObject;
  stage(stage: ResponseStage): JsonObject;
}

export function responseLinks(kb: Pick<KnowledgeBase, 'addresses'>, urls: SiteUrls): ResponseLinks {
  return {
    action: (action) => {
      const key = kb.addresses.pageName(action);
      return { api: apiPath('response-action', key), ...(action.id && { id: action.id }), key, title: action.title, url: urls.responseAction(action) };
    },
    playbook: (playbook) => {
      const key = kb.addresses.pageName(playbook);
      return { api: apiPath('response-playbook', key), ...(playbook.id && { id: playbook.id }), key, title: playbook.title, url: urls.responsePlaybook(playbook) };
    },
    stage: (stage) => {
      const key = kb.addresses.pageName(stage);
      return { api: apiPath('response-stage', key), id: stage.id, key, title: stage.title, url: urls.responseStage(stage) };
    },
  };
}

/** The links apiDocuments makes for every document, reused so that one rule or technique is one object. */
export interface SharedLinks {
  readonly rules: (rules: readonly DetectionRule[] | undefined) => JsonObject[];
  readonly tactic: (tactic: AttackTactic) => JsonObject;
  readonly technique: (technique: AttackTechnique) => JsonObject;
}

export interface ResponseDocuments {
  readonly actions: JsonObject[];
  readonly playbooks: JsonObject[];
  readonly stages: JsonObject[];
}

export function responseApiDocuments(kb: KnowledgeBase, urls: SiteUrls, shared: SharedLinks): ResponseDocuments {
  if (!hasResponseContent(kb)) return { actions: [], playbooks: [], stages: [] };
  const { response } = kb;
  const link = responseLinks(kb, urls);
  const markdown = (entity: ResponseAction | ResponsePlaybook | ResponseStage): string => `${MARKDOWN_ROOT}/${kb.addresses.markdownPath(entity)}`;
  // The fields actions and playbooks share, read alike from both schemas.
  const written = (entity: ResponseAction | ResponsePlaybook): JsonObject => ({
    name: responseDisplayName(entity),
    description: entity.description,
    author: entity.author,
    creation_date: entity.creationDate,
    references: [...entity.references],
    workflow: entity.workflow,
    markdown: markdown(entity),
  });

  const actions = response.actions.map((action): JsonObject => {
    const stage = response.stageOf.get(action);
    return {
      kind: 'response-action',
      ...link.action(action),
      ...written(action),
      stage: stage && link.stage(stage),
      category: responseCategory(action),
      requirements: [...action.requirements],
      automation: [...action.automation],
      linked_analytics: [...action.linkedAnalytics],
      // A `linked_ra` name the knowledge base lacks stays a bare title rather than a broken link.
      linked_actions: (kb.response.linkedActions.get(action) ?? []).map((target) => (typeof target === 'string' ? { title: target } : link.action(target))),
      owner: action.owner,
      playbooks: (response.playbooksByAction.get(action) ?? []).map(link.playbook),
    };
  });

  const playbooks = response.playbooks.map((playbook): JsonObject => {
    const links = response.playbookLinks.get(playbook)!;
    return {
      kind: 'response-playbook',
      ...link.playbook(playbook),
      ...written(playbook),
      severity: playbook.severity,
      tlp: playbook.tlp,
      pap: playbook.pap,
      tags: playbook.tags.map((tag) => tag.title),
      tactics: links.tactics.map(shared.tactic),
      techniques: links.techniques.map(shared.technique),
      other_tags: [...links.otherTags],
      stages: links.stages.map(({ stage, actions: stageActions }) => ({ actions: stageActions.map(link.action), stage: link.stage(stage) })),
      linked_playbooks: links.linked.map(link.playbook),
      missing_linked_playbooks: [...links.unresolvedLinked],
      linked_by: (response.linkedBy.get(playbook) ?? []).map(link.playbook),
      thehive: theHiveTemplatePath(kb, playbook),
      rules: shared.rules(kb.rulesByPlaybook.get(playbook)),
    };
  });

  const stages = response.stages.map((stage): JsonObject => ({
    kind: 'response-stage',
    ...link.stage(stage),
    description: stage.description,
    built_in: stage.builtIn,
    markdown: markdown(stage),
    actions: (response.actionsByStage.get(stage) ?? []).map(link.action),
  }));

  return { actions, playbooks, stages };
}
