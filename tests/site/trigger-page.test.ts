// Trigger pages made to run (issue 13, item 3), without a browser: the Invoke-AtomicTest lines, the
// commands cut at their argument placeholders, and the HTML page from a knowledge base in a temp folder.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { load } from 'cheerio';
import { stringify } from 'yaml';
import type { AtomicInputArgument, TriggerTechnique } from '../../src/model/entities.ts';
import { commandParts, invokeAtomicTestLines } from '../../src/present/atomic-invocation.ts';
import type { SiteContext } from '../../src/render/html/site-context.ts';
import { SiteUrls } from '../../src/present/site-urls.ts';
import { renderTriggerPage } from '../../src/render/html/trigger-page.ts';
import { RULE_PREVIEW_SIZE as TRIGGER_RULE_PREVIEW } from '../../src/render/html/components.ts';
import { renderTriggerMarkdown } from '../../src/render/trigger-page.ts';
import { loadKnowledgeBase, standardFolders } from '../helpers/knowledge-base.ts';
import { writeTempTree } from '../helpers/temp-files.ts';

const HOSTILE = '</script><img src=x onerror=alert(1)>';
const argument = (name: string, value = `${name}-default`): AtomicInputArgument => ({ name, description: '', type: 'string', default: value });

describe('commandParts', () => {
  test('a placeholder of a known argument becomes its place; unknown ones, half ones and text stay text', () => {
    assert.deepEqual(commandParts('copy #{source} "#{target}" #{nope} #{ source} #{#{source}} #{', [argument('source'), argument('target')]), [
      { text: 'copy ' },
      { argument: 0, placeholder: '#{source}' },
      { text: ' "' },
      { argument: 1, placeholder: '#{target}' },
      { text: '" #{nope} #{ source} #{' },
      { argument: 0, placeholder: '#{source}' },
      { text: '} #{' },
    ]);
    assert.deepEqual(commandParts('#{a}#{a}', [argument('a')]), [{ argument: 0, placeholder: '#{a}' }, { argument: 0, placeholder: '#{a}' }]);
    assert.deepEqual(commandParts('', [argument('a')]), []);
  });

  test('names match exactly, as Invoke-AtomicTest replaces them, and the text round-trips', () => {
    const command = 'echo #{File} #{file} #{file_name}';
    const parts = commandParts(command, [argument('file')]);
    assert.deepEqual(parts.filter((part) => 'argument' in part).length, 1);
    assert.equal(parts.map((part) => ('text' in part ? part.text : part.placeholder)).join(''), command);
  });

  test('a long run of braces and hashes is cut in linear time', () => {
    const command = '#{'.repeat(50_000) + '#'.repeat(50_000) + '{'.repeat(50_000);
    const started = performance.now();
    const parts = commandParts(command, [argument('x')]);
    assert.ok(performance.now() - started < 500, `${performance.now() - started} ms`);
    assert.deepEqual(parts, [{ text: command }]);
  });
});

describe('invokeAtomicTestLines', () => {
  const trigger = { techniqueId: 'T1003.001' } as TriggerTechnique;
  const base = { name: 'x', description: '', supportedPlatforms: ['windows'], inputArguments: [], dependencies: [] };
  test('runs a test by its number and GUID, with prerequisite and cleanup variants only when the test has them', () => {
    const full = { ...base, number: 3, guid: '1089E625-f273-434b-9a1a-1a0b00f842a7', dependencies: [{ description: 'tool' }], executor: { name: 'powershell', command: 'x', cleanupCommand: 'y', elevationRequired: true } };
    assert.deepEqual(invokeAtomicTestLines(trigger, full), [
      { purpose: 'Run', command: 'Invoke-AtomicTest T1003.001 -TestNumbers 3' },
      { purpose: 'Run by GUID', command: 'Invoke-AtomicTest T1003.001 -TestGuids 1089E625-f273-434b-9a1a-1a0b00f842a7' },
      { purpose: 'Check prerequisites', command: 'Invoke-AtomicTest T1003.001 -TestNumbers 3 -CheckPrereqs' },
      { purpose: 'Get prerequisites', command: 'Invoke-AtomicTest T1003.001 -TestNumbers 3 -GetPrereqs' },
      { purpose: 'Clean up', command: 'Invoke-AtomicTest T1003.001 -TestNumbers 3 -Cleanup' },
    ]);
    const bare = { ...base, number: 1, guid: `1089e625; ${HOSTILE}`, executor: { name: 'sh', command: 'id', elevationRequired: false } };
    assert.deepEqual(invokeAtomicTestLines(trigger, bare), [{ purpose: 'Run', command: 'Invoke-AtomicTest T1003.001 -TestNumbers 1' }], 'a GUID of another shape makes no line');
    assert.deepEqual(invokeAtomicTestLines(trigger, { ...bare, executor: { name: 'manual', steps: 'Click.', elevationRequired: false } }), []);
  });
});

/** A knowledge base with one trigger (a dropped test in the middle, hostile argument defaults) and `ruleCount` rules of its technique. */
function triggerPage(t: { after: (fn: () => void) => void }, ruleCount: number) {
  const files: Record<string, string> = {
    'triggers/T1003.001/T1003.001.yaml': stringify({
      attack_technique: 'T1003.001',
      display_name: 'LSASS Memory',
      atomic_tests: [
        {
          name: 'Dump with arguments',
          auto_generated_guid: '1089e625-f273-434b-9a1a-1a0b00f842a7',
          description: 'Dumps lsass.',
          supported_platforms: ['windows', 'linux'],
          input_arguments: {
            dump_path: { description: 'Where to write', type: 'path', default: HOSTILE },
            loop: { description: 'Refers to itself', type: 'string', default: '#{loop} and #{dump_path}' },
          },
          dependencies: [{ description: 'A tool', prereq_command: 'Test-Path #{dump_path}', get_prereq_command: 'New-Item #{dump_path}' }],
          executor: { name: 'powershell', elevation_required: true, command: 'dump "#{dump_path}" #{loop}\nsecond line #{unknown}', cleanup_command: 'del "#{dump_path}"' },
        },
        { name: 'Dropped: no executor' },
        { name: 'By hand', supported_platforms: ['windows'], executor: { name: 'manual', steps: '1. Open Task Manager.\n2. Dump #{nothing}.' } },
      ],
    }),
  };
  for (let index = 0; index < ruleCount; index += 1) {
    const day = String((index % 28) + 1).padStart(2, '0');
    files[`rules/rule_${String(index).padStart(2, '0')}.yml`] = stringify({
      title: `Rule ${index}`,
      id: `00000000-0000-4000-8000-${String(index).padStart(12, '0')}`,
      status: 'test',
      description: 'x',
      date: '2020-01-01',
      // Every third rule was never modified: its creation date counts.
      ...(index % 3 === 0 ? {} : { modified: `2024-${String((index % 12) + 1).padStart(2, '0')}-${day}` }),
      tags: ['attack.t1003.001'],
      logsource: { product: 'windows', category: 'process_creation' },
      detection: { selection: { Image: `rule${index}.exe` }, condition: 'selection' },
      level: 'high',
    });
  }
  const root = writeTempTree(t, files, 'atc-kb-trigger-');
  const { kb } = loadKnowledgeBase(standardFolders(root), root);
  const trigger = kb.triggers[0]!;
  const context: SiteContext = { kb, queries: new Map(), urls: new SiteUrls(kb, '/'), siteTitle: 'Test', targets: [] };
  const page = renderTriggerPage(trigger, context);
  return { kb, trigger, page, $: load(page.body.value), markdown: renderTriggerMarkdown(trigger, kb) };
}

describe('the trigger page', () => {
  test('tests come before the rules, and the page loads trigger.js', (t) => {
    const { page, $ } = triggerPage(t, 3);
    const order = $('section.atomic-test, #detection-rules').toArray().map((element) => $(element).attr('id'));
    assert.deepEqual(order, ['test-1089e625-f273-434b-9a1a-1a0b00f842a7', 'test-2', 'detection-rules']);
    assert.deepEqual(page.scripts, ['trigger.js']);
  });

  test('each test: numbered by its place in the file, badges, and an Invoke-AtomicTest line with its own copy button', (t) => {
    const { $ } = triggerPage(t, 0);
    const first = $('#test-1089e625-f273-434b-9a1a-1a0b00f842a7');
    assert.match(first.find('h3').text(), /^Atomic test #1: Dump with arguments/);
    assert.deepEqual(first.find('.badge').toArray().map((badge) => $(badge).text()), ['windows', 'linux', 'powershell', 'elevation required']);
    const invokes = first.find('.invoke-lines code').toArray().map((line) => $(line).text());
    assert.deepEqual(invokes, [
      'Invoke-AtomicTest T1003.001 -TestNumbers 1',
      'Invoke-AtomicTest T1003.001 -TestGuids 1089e625-f273-434b-9a1a-1a0b00f842a7',
      'Invoke-AtomicTest T1003.001 -TestNumbers 1 -CheckPrereqs',
      'Invoke-AtomicTest T1003.001 -TestNumbers 1 -GetPrereqs',
      'Invoke-AtomicTest T1003.001 -TestNumbers 1 -Cleanup',
    ]);
    // The dropped second test keeps its number: the manual test is #3, as Invoke-AtomicTest counts (its
    // anchor, for a test without a GUID, stays its place among the published tests).
    const manual = $('#test-2');
    assert.match(manual.find('h3').text(), /^Atomic test #3: By hand/);
    assert.equal(manual.find('.invoke-lines').length, 0);
    assert.equal(manual.find('.badge.elevation').length, 0);
  });

  test('every command block and every Invoke line has a copy button for exactly that element', (t) => {
    const { $ } = triggerPage(t, 0);
    const copyable = $('section.atomic-test pre.code, section.atomic-test .invoke-lines code').toArray();
    assert.equal(copyable.length, 4 + 5 + 1, 'prereq, get-prereq, command and cleanup; five Invoke lines; the manual steps');
    for (const element of copyable) {
      const id = $(element).attr('id');
      assert.ok(id, 'a copyable element has an id');
      assert.equal($(`button.copy[data-copy="${id}"]`).length, 1, `one copy button for #${id}`);
      assert.equal($(element).parent().children('button.copy').attr('data-copy'), id, `the button sits beside #${id}`);
    }
    const ids = $('[id]').toArray().map((element) => $(element).attr('id'));
    assert.equal(new Set(ids).size, ids.length, 'ids are unique');
  });

  test('argument places link to their input; hostile defaults and self-referring ones stay text', (t) => {
    const { $, page } = triggerPage(t, 0);
    assert.ok(!page.body.value.includes('<img'), 'no markup from a default');
    const form = $('form.atomic-inputs');
    assert.equal(form.length, 1, 'only the test with arguments has a form');
    const inputs = form.find('input.arg-input').toArray();
    assert.deepEqual(inputs.map((input) => $(input).attr('value')), [HOSTILE, '#{loop} and #{dump_path}'], 'defaults pre-fill the fields, as attribute text');
    for (const input of inputs) assert.equal(form.find(`label[for="${$(input).attr('id')}"]`).length, 1, 'every field has a label');
    const command = $('#test-1089e625-f273-434b-9a1a-1a0b00f842a7-command');
    // Without the script the command reads as written; the places are spans naming their field.
    assert.equal(command.text(), 'dump "#{dump_path}" #{loop}\nsecond line #{unknown}');
    assert.deepEqual(command.find('span.arg').toArray().map((span) => [$(span).attr('data-input'), $(span).text()]), [
      [$(inputs[0]).attr('id'), '#{dump_path}'],
      [$(inputs[1]).attr('id'), '#{loop}'],
    ]);
    assert.equal(command.find('*').length, 1 + 2, 'the code element and the two places: nothing else is markup');
    // Dependencies and cleanup get places too; the manual test's unknown placeholder stays text.
    for (const id of ['prereq-1', 'get-prereq-1', 'cleanup']) assert.equal($(`#test-1089e625-f273-434b-9a1a-1a0b00f842a7-${id} span.arg`).attr('data-input'), $(inputs[0]).attr('id'), id);
    assert.equal($('#test-2-steps span.arg').length, 0);
  });

  test('rules after the tests: the first 20, most recently changed first, then a link to all of them in the rule list', (t) => {
    const ruleCount = TRIGGER_RULE_PREVIEW + 5;
    const { $ } = triggerPage(t, ruleCount);
    const dates = $('.rule-preview .date').toArray().map((element) => $(element).text());
    assert.equal(dates.length, TRIGGER_RULE_PREVIEW);
    assert.deepEqual(dates, [...dates].sort().reverse(), 'newest first');
    const modified = Array.from({ length: ruleCount }, (_, index) => index).filter((index) => index % 3 !== 0).length;
    assert.equal(dates.filter((date) => date === '2020-01-01').length, TRIGGER_RULE_PREVIEW - modified, 'a rule never modified counts by its creation date, after every newer change');
    const all = $('#detection-rules').parent().find(`a:contains("All ${ruleCount} rules")`);
    assert.equal(all.attr('href'), '/rules/?technique=T1003.001');
    assert.equal($('table.kv a[href="#detection-rules"]').text(), `${ruleCount} rules, after the tests`);
  });

  test('with 20 rules or fewer every rule is listed, and the link to them in the rule list stays', (t) => {
    const { $ } = triggerPage(t, 2);
    assert.equal($('.rule-preview li').length, 2);
    assert.equal($('.rule-list-link a').attr('href'), '/rules/?technique=T1003.001');
    assert.equal($('.rule-list-link a').text(), 'All 2 rules in the rule list →');
  });

  test('the markdown page also puts the tests first, with their Invoke-AtomicTest lines, and lists every rule after them', (t) => {
    const { markdown } = triggerPage(t, TRIGGER_RULE_PREVIEW + 5);
    const tests = markdown.indexOf('\n## Atomic Tests\n');
    const rules = markdown.indexOf('\n## Detection Rules\n');
    assert.ok(tests > 0 && rules > tests, 'tests, then rules');
    assert.ok(markdown.indexOf('(../Detection_Rules/') > rules, 'no rule link before the rules section');
    assert.equal(markdown.slice(rules).match(/^- \[Rule \d+\]/gm)?.length, TRIGGER_RULE_PREVIEW + 5);
    assert.ok(markdown.includes('- Run: `Invoke-AtomicTest T1003.001 -TestNumbers 1`'));
    assert.ok(markdown.includes('### Atomic Test #3: By hand'));
  });
});
