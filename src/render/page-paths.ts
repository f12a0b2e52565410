import type { DetectionRule } from '../model/detection-rule.ts';
import type { DataNeeded, Enrichment, LoggingPolicy, TriggerTechnique } from '../model/entities.ts';

export type Entity = DetectionRule | DataNeeded | LoggingPolicy | Enrichment | TriggerTechnique;

/** Folder names of the markdown output, as the older tool published them (and SOC runbooks link to). */
export const MARKDOWN_FOLDER: Record<Entity['kind'], string> = {
  rule: 'Detection_Rules',
  'data-needed': 'Data_Needed',
  'logging-policy': 'Logging_Policies',
  enrichment: 'Enrichments',
  trigger: 'Triggers',
};

/**
 * The page name of an entity: a rule's file basename, an entry's title, a trigger's technique id.
 * Characters that are unsafe in file names or URLs are replaced, so a title can never escape its folder.
 */
export function pageName(entity: Entity): string {
  const name = entity.kind === 'rule' ? entity.name : entity.kind === 'trigger' ? entity.techniqueId : entity.title;
  return name.replace(/[^A-Za-z0-9._-]/g, '_').replace(/^\.+/, '_');
}

/** Path of the entity's markdown page under the markdown root. */
export function markdownPath(entity: Entity): string {
  return `${MARKDOWN_FOLDER[entity.kind]}/${pageName(entity)}.md`;
}

/** Relative link from one entity's page to another's (pages sit one folder deep). */
export function markdownLink(entity: Entity): string {
  return `../${markdownPath(entity)}`;
}
