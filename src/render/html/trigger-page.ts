import type { AtomicTest, TriggerTechnique } from '../../model/entities.ts';
import { atomicTestAnchor } from '../../present/site-urls.ts';
import { attackTechniqueLink, code, codeBlock, count, keyValueTable, link, list, pageHeader, prose, ruleList, section, tacticLink, techniqueLabel } from './components.ts';
import { html, type SafeHtml } from './escape-html.ts';
import type { SiteContext, SitePage } from './site-context.ts';

/**
 * A trigger page: the Atomic Red Team tests of one technique, each under its own anchor (#test-<guid>),
 * with inputs, commands and cleanup as code. Commands are escaped text: never run, never markup.
 */
export function renderTriggerPage(trigger: TriggerTechnique, context: SiteContext): SitePage {
  const { kb, urls } = context;
  const technique = kb.attack.technique(trigger.techniqueId);
  const coverage = kb.coverage.technique(trigger.techniqueId);
  const rules = coverage.rules;
  const onSubs = coverage.rolledUpRules.length - rules.length;
  const tactics = (technique?.tactics ?? []).map((shortname) => kb.attack.tactic(shortname)).filter((tactic) => tactic !== undefined);
  const title = `${trigger.techniqueId}: ${trigger.displayName}`;
  const rows: Array<[string, SafeHtml | string]> = [
    ['ATT&CK Technique', technique ? html`${techniqueLabel(trigger.techniqueId, context)} ${attackTechniqueLink(trigger.techniqueId)}` : html`${code(trigger.techniqueId)} <span class="muted">(not in ATT&amp;CK ${kb.attack.version})</span>`],
    ['ATT&CK Tactic', list(tactics.map((tactic) => tacticLink(tactic, context)), 'Unknown')],
    [
      'Detection Rules',
      html`${ruleList(rules, context, 'No detection rule for this technique yet')}${onSubs > 0 ? html`<p>${link(urls.technique(trigger.techniqueId), `${count(onSubs, 'more rule')} on its sub-techniques`)}</p>` : ''}`,
    ],
    ['Atomic Tests', html`<ol class="plain-list">${trigger.tests.map((test, index) => html`<li>${link(`#${atomicTestAnchor(test, index)}`, test.name)}</li>`)}</ol>`],
  ];
  const body = html`<article class="entity">
${pageHeader('Trigger (Atomic Red Team)', title, coverage.gap ? html`<p class="badges"><span class="badge gap">gap: no detection rule</span></p>` : '')}
${section('Summary', keyValueTable(rows, `Summary of ${title}`))}
${section('Atomic tests', trigger.tests.map((test, index) => renderAtomicTest(test, index)))}
</article>`;
  return { url: urls.pathTrigger(trigger), title, section: 'triggers', description: `Atomic Red Team tests for ${title}`, body, searchable: true };
}

function renderAtomicTest(test: AtomicTest, index: number): SafeHtml {
  const anchor = atomicTestAnchor(test, index);
  const executor = test.executor;
  const dependencyExecutor = test.dependencyExecutorName ?? executor.name;
  return html`<section class="atomic-test" id="${anchor}" aria-labelledby="heading-${anchor}">
<h3 id="heading-${anchor}">Atomic test #${index + 1}: ${test.name} <a class="anchor" href="#${anchor}" aria-label="${`Link to atomic test ${index + 1}`}">#</a></h3>
${prose(test.description)}
<p><strong>Supported platforms:</strong> ${test.supportedPlatforms.join(', ') || 'not stated'}${test.guid ? html` · <strong>GUID:</strong> ${code(test.guid)}` : ''}</p>
${
  test.inputArguments.length > 0
    ? html`<h4>Inputs</h4><div class="table-wrap"><table class="grid"><thead><tr><th scope="col">Name</th><th scope="col">Description</th><th scope="col">Type</th><th scope="col">Default value</th></tr></thead><tbody>${test.inputArguments.map(
        (argument) => html`<tr><td>${code(argument.name)}</td><td>${argument.description}</td><td>${argument.type}</td><td>${code(argument.default)}</td></tr>`,
      )}</tbody></table></div>`
    : ''
}
<h4>Attack commands <span class="muted">run with ${code(executor.name)}${executor.elevationRequired ? ' (elevation required)' : ''}</span></h4>
${executor.command ? codeBlock(executor.command, { language: executor.name }) : ''}${executor.steps ? codeBlock(executor.steps) : ''}
${executor.cleanupCommand ? html`<h4>Cleanup commands</h4>${codeBlock(executor.cleanupCommand, { language: executor.name })}` : ''}
${
  test.dependencies.length > 0
    ? html`<h4>Dependencies <span class="muted">run with ${code(dependencyExecutor)}</span></h4>${test.dependencies.map(
        (dependency) =>
          html`<div class="dependency">${prose(dependency.description)}${dependency.prereqCommand ? html`<p class="label">Check prerequisites</p>${codeBlock(dependency.prereqCommand, { language: dependencyExecutor })}` : ''}${
            dependency.getPrereqCommand ? html`<p class="label">Get prerequisites</p>${codeBlock(dependency.getPrereqCommand, { language: dependencyExecutor })}` : ''
          }</div>`,
      )}`
    : ''
}
</section>`;
}
