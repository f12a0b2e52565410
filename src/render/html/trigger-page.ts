import type { AtomicTest, TriggerTechnique } from '../../model/entities.ts';
import type { DetectionRule } from '../../model/detection-rule.ts';
import { compareText } from '../../model/compare-text.ts';
import { commandParts, invokeAtomicTestLines } from '../../present/atomic-invocation.ts';
import { parseSigmaDate } from '../../sigma/rule-metadata.ts';
import { atomicTestAnchor } from '../trigger-page.ts';
import { attackTechniqueLink, code, codeBlock, copyButton, count, keyValueTable, link, list, pageHeader, prose, ruleItem, section, tacticLink, techniqueLabel } from './components.ts';
import { html, type SafeHtml } from './escape-html.ts';
import type { SiteContext, SitePage } from './site-context.ts';

/** Rules listed on the page before "all N rules →" sends the reader to the filtered rule list. */
export const TRIGGER_RULE_PREVIEW = 20;

/**
 * A trigger page, made to be run from: the Atomic Red Team tests come first, each under its own anchor
 * (#test-<guid>) with its Invoke-AtomicTest lines, its input arguments as a form and its commands, each
 * with a copy button; the rules that should fire follow. trigger.js puts typed argument values into the
 * commands as text. Commands are escaped text: never run, never markup.
 */
export function renderTriggerPage(trigger: TriggerTechnique, context: SiteContext): SitePage {
  const { kb, urls } = context;
  const technique = kb.attack.technique(trigger.techniqueId);
  const coverage = kb.coverage.technique(trigger.techniqueId);
  const tactics = (technique?.tactics ?? []).map((shortname) => kb.attack.tactic(shortname)).filter((tactic) => tactic !== undefined);
  const title = `${trigger.techniqueId}: ${trigger.displayName}`;
  const rows: Array<[string, SafeHtml | string]> = [
    ['ATT&CK Technique', technique ? html`${techniqueLabel(trigger.techniqueId, context)} ${attackTechniqueLink(trigger.techniqueId)}` : html`${code(trigger.techniqueId)} <span class="muted">(not in ATT&amp;CK ${kb.attack.version})</span>`],
    ['ATT&CK Tactic', list(tactics.map((tactic) => tacticLink(tactic, context)), 'Unknown')],
    ['Detection Rules', coverage.rules.length > 0 ? link('#detection-rules', `${count(coverage.rules.length, 'rule')}, after the tests`) : html`<span class="empty">No detection rule for this technique yet</span>`],
  ];
  const body = html`<article class="entity trigger-page">
${pageHeader('Trigger (Atomic Red Team)', title, coverage.gap ? html`<p class="badges"><span class="badge gap">gap: no detection rule</span></p>` : '')}
${keyValueTable(rows, `Summary of ${title}`)}
${section('Atomic tests', html`${testIndex(trigger)}${trigger.tests.map((test, index) => renderAtomicTest(trigger, test, index))}`)}
${section('Detection rules', detectionRules(trigger, context))}
</article>`;
  return { url: urls.pathTrigger(trigger), title, section: 'triggers', description: `Atomic Red Team tests for ${title}`, body, searchable: true, scripts: ['trigger.js'] };
}

/** The tests by name, folded: open, it is a table of contents; closed, it keeps the first test near the top. */
function testIndex(trigger: TriggerTechnique): SafeHtml | string {
  if (trigger.tests.length < 2) return '';
  return html`<details class="test-index"><summary>${count(trigger.tests.length, 'atomic test')}</summary><ol class="plain-list">${trigger.tests.map(
    (test, index) => html`<li>${link(`#${atomicTestAnchor(test, index)}`, `#${test.number} ${test.name}`)}</li>`,
  )}</ol></details>`;
}

function renderAtomicTest(trigger: TriggerTechnique, test: AtomicTest, index: number): SafeHtml {
  const anchor = atomicTestAnchor(test, index);
  const executor = test.executor;
  const dependencyExecutor = test.dependencyExecutorName ?? executor.name;
  const command = (id: string, text: string, label: string, language?: string): SafeHtml => commandBlock(test, anchor, `${anchor}-${id}`, text, `${label} of test #${test.number}`, language);
  const invokeLines = invokeAtomicTestLines(trigger, test);
  return html`<section class="atomic-test" id="${anchor}" aria-labelledby="heading-${anchor}">
<h3 id="heading-${anchor}">Atomic test #${test.number}: ${test.name} <a class="anchor" href="#${anchor}" aria-label="${`Link to atomic test ${test.number}`}">#</a></h3>
<p class="badges">${(test.supportedPlatforms.length > 0 ? test.supportedPlatforms : ['platform not stated']).map((platform) => html`<span class="badge tag platform">${platform}</span> `)}<span class="badge executor" title="Executor">${executor.name}</span>${
    executor.elevationRequired ? html` <span class="badge elevation" title="Run as root or administrator">elevation required</span>` : ''
  }</p>
${prose(test.description)}
${test.guid ? html`<p class="muted guid">GUID ${code(test.guid)}</p>` : ''}
${
  invokeLines.length > 0
    ? html`<h4>Run with Invoke-AtomicTest</h4><ul class="plain-list invoke-lines">${invokeLines.map(
        (line, lineIndex) =>
          html`<li><span class="label">${line.purpose}</span> <span class="code-wrap inline"><code id="${anchor}-invoke-${lineIndex + 1}">${line.command}</code>${copyButton(`${anchor}-invoke-${lineIndex + 1}`, `Copy: ${line.command}`)}</span></li>`,
      )}</ul>`
    : html`<p class="muted">A manual test: follow its steps; Invoke-AtomicTest does not run manual tests.</p>`
}
${inputForm(test, anchor)}
${
  test.dependencies.length > 0
    ? html`<h4>Dependencies <span class="muted">run with ${code(dependencyExecutor)}</span></h4>${test.dependencies.map(
        (dependency, dependencyIndex) =>
          html`<div class="dependency">${prose(dependency.description)}${
            dependency.prereqCommand ? html`<p class="label">Check prerequisites</p>${command(`prereq-${dependencyIndex + 1}`, dependency.prereqCommand, `Copy the prerequisite check ${dependencyIndex + 1}`, dependencyExecutor)}` : ''
          }${dependency.getPrereqCommand ? html`<p class="label">Get prerequisites</p>${command(`get-prereq-${dependencyIndex + 1}`, dependency.getPrereqCommand, `Copy the prerequisite command ${dependencyIndex + 1}`, dependencyExecutor)}` : ''}</div>`,
      )}`
    : ''
}
${executor.name === 'manual' ? html`<h4>Steps</h4>` : html`<h4>Attack commands <span class="muted">run with ${code(executor.name)}</span></h4>`}
${executor.command ? command('command', executor.command, 'Copy the attack commands', executor.name) : ''}${executor.steps ? command('steps', executor.steps, 'Copy the steps') : ''}
${executor.cleanupCommand ? html`<h4>Cleanup commands</h4>${command('cleanup', executor.cleanupCommand, 'Copy the cleanup commands', executor.name)}` : ''}
</section>`;
}

/**
 * A command with a copy button. Each `#{name}` of an input argument is a span that trigger.js fills with
 * the argument's value as text; without the script the command reads as written, next to the argument table.
 */
function commandBlock(test: AtomicTest, anchor: string, id: string, text: string, label: string, language?: string): SafeHtml {
  const parts = commandParts(text.trimEnd(), test.inputArguments);
  const shown = html`${parts.map((part) => ('text' in part ? part.text : html`<span class="arg" data-input="${argumentInputId(anchor, part.argument)}">${part.placeholder}</span>`))}`;
  return html`<div class="code-wrap">${copyButton(id, label)}${codeBlock(text, { id, ...(language === undefined ? {} : { language }), highlighted: shown })}</div>`;
}

/** The id of an argument's input: the test anchor and the argument's place, never its (free-text) name. */
function argumentInputId(anchor: string, argument: number): string {
  return `${anchor}-arg-${argument + 1}`;
}

/**
 * The input arguments: a table of name, type, description and default that, with trigger.js, turns each
 * default into a text field (pre-filled with it) whose value the commands show in place of `#{name}`.
 */
function inputForm(test: AtomicTest, anchor: string): SafeHtml | string {
  if (test.inputArguments.length === 0) return '';
  return html`<h4 id="${anchor}-inputs-heading">Input arguments</h4>
<form class="atomic-inputs" data-test="${anchor}" aria-labelledby="${anchor}-inputs-heading">
<p class="muted arg-help no-js-only">The commands show each argument as <code>#{name}</code>; Invoke-AtomicTest puts in the default unless told otherwise.</p>
<p class="muted arg-help" hidden>Change a value: the commands and copy buttons below use it (as text; nothing runs here).</p>
<div class="table-wrap"><table class="grid"><thead><tr><th scope="col">Name</th><th scope="col">Type</th><th scope="col">Description</th><th scope="col">Value</th></tr></thead><tbody>${test.inputArguments.map(
    (argument, index) =>
      html`<tr><th scope="row"><label for="${argumentInputId(anchor, index)}">${code(argument.name)}</label></th><td>${argument.type}</td><td>${argument.description}</td><td><code class="arg-default">${argument.default}</code><input class="arg-input" id="${argumentInputId(anchor, index)}" type="text" value="${argument.default}" spellcheck="false" autocomplete="off" hidden></td></tr>`,
  )}</tbody></table></div>
<p hidden><button type="reset">Reset to the defaults</button></p>
</form>`;
}

/** The technique's own rules, most recently modified (else created) first, the first 20, then a link to all of them. */
function detectionRules(trigger: TriggerTechnique, context: SiteContext): SafeHtml {
  const { kb, urls } = context;
  const coverage = kb.coverage.technique(trigger.techniqueId);
  const rules = coverage.rules;
  const onSubs = coverage.rolledUpRules.length - rules.length;
  const shown = recentlyChangedFirst(rules).slice(0, TRIGGER_RULE_PREVIEW);
  return html`${
    rules.length === 0
      ? html`<p class="empty">No detection rule for this technique yet.</p>`
      : html`<p class="muted">The rules tagged with ${trigger.techniqueId}, most recently modified first: what these tests should set off.</p><ul class="rule-list dated rule-preview">${shown.map(
          (rule) => html`<li><span class="date">${lastChange(rule) ?? 'undated'}</span> ${ruleItem(rule, context)}</li>`,
        )}</ul>`
  }${rules.length > shown.length ? html`<p>${link(urls.ruleList({ technique: [trigger.techniqueId], sort: '-modified' }), `All ${count(rules.length, 'rule')} →`)}</p>` : ''}${
    onSubs > 0 ? html`<p>${link(urls.technique(trigger.techniqueId), `${count(onSubs, 'more rule')} on its sub-techniques`)}</p>` : ''
  }`;
}

function lastChange(rule: DetectionRule): string | undefined {
  return parseSigmaDate(rule.modified) ?? parseSigmaDate(rule.date);
}

/** Newest change first; undated rules last; then by path, so the order never depends on load order. */
function recentlyChangedFirst(rules: readonly DetectionRule[]): DetectionRule[] {
  return [...rules].sort((a, b) => compareText(lastChange(b) ?? '', lastChange(a) ?? '') || compareText(a.relativePath, b.relativePath));
}
