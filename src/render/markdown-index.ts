import type { KnowledgeBase } from '../link/knowledge-base.ts';
import { escapeCell, escapeText, link, table } from './markdown-syntax.ts';
import { profileMarkdownPath, useCaseMarkdownPath, type Entity } from '../present/page-addresses.ts';
import type { ProfileSite } from '../present/profile-view.ts';

/** `README.md` at the markdown root: what the knowledge base holds, with a link to every page. */
export function renderMarkdownIndex(kb: KnowledgeBase, siteTitle: string, profiles?: ProfileSite): string {
  const here = (entity: Entity): string => kb.addresses.markdownPath(entity);
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
