import type { KnowledgeBase } from '../link/knowledge-base.ts';
import { escapeCell, escapeText, link, table } from './markdown-syntax.ts';
import { profileMarkdownPath, useCaseMarkdownPath, type Entity } from '../present/page-addresses.ts';
import type { ProfileSite } from '../present/profile-view.ts';
import { hasResponseContent, responseLabel } from '../present/response-view.ts';

/** `README.md` at the markdown root: what the knowledge base holds, with a link to every page. */
export function renderMarkdownIndex(kb: KnowledgeBase, siteTitle: string, profiles?: ProfileSite): string {
  const here = (entity: Entity): string => kb.addresses.markdownPath(entity);
  const response = hasResponseContent(kb) ? kb.response : undefined;
  const parts = [
    `# ${escapeText(siteTitle)}`,
    '',
    `ATT&amp;CK version ${escapeText(kb.attack.version)}.`,
    '',
    table(
      ['Section', 'Pages'],
      [
        [link('Detection Rules', '#detection-rules'), String(kb.rules.length)],
        [link('Data Needed', '#data-needed'), String(kb.dataNeeded.length)],
        [link('Logging Policies', '#logging-policies'), String(kb.loggingPolicies.length)],
        [link('Enrichments', '#enrichments'), String(kb.enrichments.length)],
        [link('Triggers', '#triggers'), String(kb.triggers.length)],
        ...(response
          ? [
              [link('Response Playbooks', '#response-playbooks'), String(response.playbooks.length)],
              [link('Response Actions', '#response-actions'), String(response.actions.length)],
              [link('Response Stages', '#response-stages'), String(response.stages.length)],
            ]
          : []),
        ...(profiles ? [[link('Coverage Profiles', '#coverage-profiles'), String(profiles.profiles.length)], [link('Use Cases', '#use-cases'), String(profiles.useCases.length)]] : []),
      ],
    ),
    '',
    '## Detection Rules',
    '',
    table(
      ['Rule', 'Level', 'Status', 'Data Needed'],
      kb.rules.map((rule) => [link(rule.title, here(rule)), escapeCell(rule.level ?? ''), escapeCell(rule.status ?? ''), String(kb.ruleLinks.get(rule)?.dataNeeded.length ?? 0)]),
    ),
    '',
    '## Data Needed',
    '',
    ...kb.dataNeeded.map((entry) => `- ${link(entry.title, here(entry))}`),
    '',
    '## Logging Policies',
    '',
    ...kb.loggingPolicies.map((policy) => `- ${link(policy.title, here(policy))}`),
    '',
    '## Enrichments',
    '',
    ...kb.enrichments.map((enrichment) => `- ${link(enrichment.title, here(enrichment))}`),
    '',
    '## Triggers',
    '',
    ...kb.triggers.map((trigger) => `- ${link(`${trigger.techniqueId}: ${trigger.displayName}`, here(trigger))}`),
    ...(response
      ? [
          '',
          '## Response Playbooks',
          '',
          ...response.playbooks.map((playbook) => `- ${link(responseLabel(playbook), here(playbook))}`),
          '',
          '## Response Actions',
          '',
          table(
            ['Action', 'Stage', 'Playbooks'],
            response.actions.map((action) => {
              const stage = response.stageOf.get(action);
              return [link(responseLabel(action), here(action)), stage ? link(stage.title, here(stage)) : '', String((response.playbooksByAction.get(action) ?? []).length)];
            }),
          ),
          '',
          '## Response Stages',
          '',
          table(
            ['ID', 'Stage', 'Actions'],
            response.stages.map((stage) => [escapeText(stage.id), link(stage.title, here(stage)), String((response.actionsByStage.get(stage) ?? []).length)]),
          ),
        ]
      : []),
    ...(profiles
      ? [
          '',
          '## Coverage Profiles',
          '',
          table(
            ['Profile', 'Runnable', 'Partial', 'Not runnable'],
            profiles.profiles.map((profile) => [link(profile.profile.title, profileMarkdownPath(profile.key)), String(profile.counts.runnable), String(profile.counts.partial), String(profile.counts.notRunnable)]),
          ),
          '',
          '## Use Cases',
          '',
          ...profiles.useCases.map((useCase) => `- ${link(useCase.name, useCaseMarkdownPath(profiles.useCaseName(useCase)))}`),
        ]
      : []),
  ];
  return `${parts.join('\n')}\n`;
}
