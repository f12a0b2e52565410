import type { KnowledgeBase } from '../link/knowledge-base.ts';
import type { AtomicTest, TriggerTechnique } from '../model/entities.ts';
import { cellList, codeBlock, codeCell, escapeCell, escapeParagraphs, escapeText, inlineCode, keyValueTable, link, table } from './markdown-syntax.ts';
import { techniqueLink } from './entity-pages.ts';
import { originSuffix, tacticLabel } from '../present/attack-labels.ts';
import { atomicTestAnchor } from '../present/site-urls.ts';
import { invokeAtomicTestLines } from '../present/atomic-invocation.ts';

/** Fence languages by ART executor, so GitHub highlights commands in the right syntax. */
const EXECUTOR_LANGUAGE: Record<string, string> = { command_prompt: 'cmd', powershell: 'powershell', sh: 'sh', bash: 'bash' };

/**
 * A trigger page rendered from the Atomic Red Team YAML by our own template (ART's own markdown has
 * relative links that break outside its repository). Commands are shown as code, never interpreted.
 */
export function renderTriggerMarkdown(trigger: TriggerTechnique, kb: KnowledgeBase): string {
  const technique = kb.attack.technique(trigger.techniqueId);
  const rules = kb.coverage.technique(trigger.techniqueId).rules;
  const tactics = (technique?.tactics ?? []).map((shortname) => kb.attack.tactic(shortname)).filter((tactic) => tactic !== undefined);
  const rows: Array<[string, string]> = [
    ['ATT&amp;CK Technique', techniqueLink(kb.attack, trigger.techniqueId)],
    ['ATT&amp;CK Tactic', cellList(tactics.map((tactic) => escapeText(tacticLabel(tactic)) + originSuffix(tactic.origin)), 'Unknown')],
    ['Atomic Tests', cellList(trigger.tests.map((test, index) => link(`${test.number}. ${test.name}`, `#${atomicTestAnchor(test, index)}`)), 'None')],
  ];
  // The tests first, the rules they should set off after them: the page is for running tests.
  const parts = [keyValueTable(escapeCell(`${trigger.techniqueId}: ${trigger.displayName}`), rows), '', '', '## Atomic Tests'];
  trigger.tests.forEach((test, index) => parts.push('', renderAtomicTest(trigger, test, index)));
  parts.push('', '## Detection Rules', '');
  parts.push(rules.length === 0 ? escapeText('No detection rule for this technique yet') : rules.map((rule) => `- ${link(rule.title, kb.addresses.markdownLink(rule))}`).join('\n'));
  return `${parts.join('\n')}\n`;
}

function renderAtomicTest(trigger: TriggerTechnique, test: AtomicTest, index: number): string {
  const lines = [`<a id="${atomicTestAnchor(test, index)}"></a>`, '', `### Atomic Test #${test.number}: ${escapeText(test.name)}`, ''];
  if (test.description) lines.push(escapeParagraphs(test.description), '');
  lines.push(`**Supported Platforms:** ${escapeText(test.supportedPlatforms.join(', ') || 'not stated')}`, '');
  if (test.guid) lines.push(`**auto_generated_guid:** ${inlineCode(test.guid)}`, '');
  const invokeLines = invokeAtomicTestLines(trigger, test);
  if (invokeLines.length > 0) lines.push('#### Run with Invoke-AtomicTest', '', invokeLines.map((line) => `- ${escapeText(line.purpose)}: ${inlineCode(line.command)}`).join('\n'), '');
  if (test.inputArguments.length > 0) {
    lines.push(
      '#### Inputs',
      '',
      table(
        ['Name', 'Description', 'Type', 'Default Value'],
        test.inputArguments.map((argument) => [codeCell(argument.name), escapeCell(argument.description), escapeCell(argument.type), codeCell(argument.default)]),
      ),
      '',
    );
  }
  const executor = test.executor;
  const language = EXECUTOR_LANGUAGE[executor.name] ?? '';
  lines.push(`#### Attack Commands: run with ${inlineCode(executor.name)}${executor.elevationRequired ? ' (elevation required: root or administrator)' : ''}`, '');
  if (executor.command) lines.push(codeBlock(executor.command, language), '');
  if (executor.steps) lines.push(codeBlock(executor.steps), '');
  if (executor.cleanupCommand) lines.push('#### Cleanup Commands', '', codeBlock(executor.cleanupCommand, language), '');
  if (test.dependencies.length > 0) {
    const dependencyLanguage = EXECUTOR_LANGUAGE[test.dependencyExecutorName ?? executor.name] ?? '';
    lines.push(`#### Dependencies: run with ${inlineCode(test.dependencyExecutorName ?? executor.name)}`, '');
    for (const dependency of test.dependencies) {
      lines.push(`##### Description: ${escapeText(dependency.description.replace(/\s+/g, ' '))}`, '');
      if (dependency.prereqCommand) lines.push('##### Check Prereq Commands', '', codeBlock(dependency.prereqCommand, dependencyLanguage), '');
      if (dependency.getPrereqCommand) lines.push('##### Get Prereq Commands', '', codeBlock(dependency.getPrereqCommand, dependencyLanguage), '');
    }
  }
  return lines.join('\n').trimEnd();
}
