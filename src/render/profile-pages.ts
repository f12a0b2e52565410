import type { ProfileCoverage, RuleInProfile } from '../link/profile-coverage-model.ts';
import type { KnowledgeBase } from '../link/knowledge-base.ts';
import type { UseCase } from '../model/coverage-profile.ts';
import type { DetectionRule } from '../model/detection-rule.ts';
import type { DataNeeded, LoggingPolicy } from '../model/entities.ts';
import { encodedFile, type OutputFile } from '../present/output-file.ts';
import { MARKDOWN_ROOT, profileMarkdownPath, useCaseMarkdownPath } from '../present/page-addresses.ts';
import { percent, shortfallView, type ProfileSite } from '../present/profile-view.ts';
import { cellList, codeCell, escapeCell, escapeText, keyValueTable, link, table } from './markdown-syntax.ts';

/** Links from a page of Profiles/ or Use_Cases/, one folder deep like every other markdown page. */
function entityLink(entity: DataNeeded | LoggingPolicy | DetectionRule, kb: KnowledgeBase): string {
  return link(entity.title, kb.addresses.markdownLink(entity));
}

function shortfalls(entry: RuleInProfile, kb: KnowledgeBase): string {
  return cellList(
    entry.shortfalls.map((shortfall) => {
      const view = shortfallView(shortfall, entry.rule);
      const entities = view.entities.map((entity) => entityLink(entity, kb)).join(', ');
      return `${escapeText(view.where + view.says)}${entities ? ` ${entities}` : ''}${view.fields.length > 0 ? `: ${view.fields.map(codeCell).join(', ')}` : ''}${view.detail ? ` (${escapeText(view.detail)})` : ''}`;
    }),
    '',
  );
}

/** A profile's page in the seed's style: a table of facts, then what to enable next and the partly runnable rules. */
export function renderProfileMarkdown(profile: ProfileCoverage, site: ProfileSite, kb: KnowledgeBase): string {
  const { counts } = profile;
  const rows: Array<[string, string]> = [
    ['Description', escapeCell(profile.profile.description) || 'No description'],
    ['Runnable rules', String(counts.runnable)],
    ['Partly runnable rules', String(counts.partial)],
    ['Not runnable rules', String(counts.notRunnable)],
    ['Share of the knowledge base', escapeText(`${percent(profile.share)} of ${kb.rules.length} rules`)],
    ['Techniques covered', String(profile.techniques.length)],
    ['Tactics covered', `${profile.tactics.length} of ${kb.attack.tactics.length}`],
    ...(profile.profile.queries ? [['Query target', codeCell(profile.profile.queries.spec)] as [string, string]] : []),
    ['Data Needed', cellList(profile.available.map((entry) => entityLink(entry, kb)), 'None')],
    ['Logging Policies', cellList(profile.loggingPolicies.map((policy) => entityLink(policy, kb)), 'None')],
    ['Use cases', cellList(profile.useCases.map((useCase) => link(useCase.name, `../${useCaseMarkdownPath(site.useCaseName(useCase))}`)), 'None')],
    ['Gaps', cellList(profile.gaps.map((technique) => escapeText(`${technique.id}: ${technique.name}`)), 'None')],
  ];
  const enable = profile.enableNext.map((step, index) => [
    String(index + 1),
    step.kind === 'logging_policy' ? 'Logging Policy' : 'Data Needed',
    entityLink(step.entity, kb),
    `+${step.newRunnableRules}`,
    `+${step.newTechniques}`,
    String(step.runnableAfter),
    String(step.techniquesAfter),
  ]);
  const partial = profile.rules.filter((entry) => entry.status === 'partial').map((entry) => [entityLink(entry.rule, kb), shortfalls(entry, kb)]);
  const parts = [
    keyValueTable(escapeCell(profile.profile.title), rows),
    '',
    '',
    '## Enable next',
    '',
    enable.length === 0 ? 'Nothing to enable: no entry the profile lacks would make another rule runnable.' : table(['Step', 'Kind', 'Name', 'New runnable rules', 'New techniques', 'Runnable after', 'Techniques after'], enable),
    '',
    '## Partly runnable rules',
    '',
    partial.length === 0 ? 'None.' : table(['Rule', 'Missing'], partial),
  ];
  return `${parts.join('\n')}\n`;
}

export function renderUseCaseMarkdown(useCase: UseCase, site: ProfileSite, kb: KnowledgeBase): string {
  const members = site.useCaseMembers.get(useCase)!;
  const rows: Array<[string, string]> = [
    ['Name', escapeCell(useCase.name)],
    ['Description', escapeCell(useCase.description) || 'No description'],
    ['Data Needed', cellList(members.dataNeeded.map((entry) => entityLink(entry, kb)), 'None')],
    ['Logging Policies', cellList(members.loggingPolicies.map((policy) => entityLink(policy, kb)), 'None')],
    ['Detection Rules', cellList(members.rules.map((rule) => entityLink(rule, kb)), 'None')],
    ['Profiles', cellList(site.profiles.filter((profile) => profile.useCases.includes(useCase)).map((profile) => link(profile.profile.title, `../${profileMarkdownPath(profile.key)}`)), 'None')],
  ];
  return `${keyValueTable(escapeCell(useCase.title), rows)}\n`;
}

/** The markdown edition's Profiles/ and Use_Cases/ pages. */
export function renderProfileMarkdownPages(site: ProfileSite, kb: KnowledgeBase): OutputFile[] {
  return [
    ...site.profiles.map((profile) => encodedFile(`${MARKDOWN_ROOT}/${profileMarkdownPath(profile.key)}`, renderProfileMarkdown(profile, site, kb))),
    ...site.useCases.map((useCase) => encodedFile(`${MARKDOWN_ROOT}/${useCaseMarkdownPath(site.useCaseName(useCase))}`, renderUseCaseMarkdown(useCase, site, kb))),
  ];
}
