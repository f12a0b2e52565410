import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { theHiveTemplateFiles } from '../../src/export/thehive-templates.ts';
import { renderDownloadsPage } from '../../src/render/html/downloads-page.ts';
import { listedFile } from '../../src/present/output-file.ts';
import { CORPUS, loadKnowledgeBase, PROJECT_ROOT, skipUnlessExists, standardFolders, describeIssues } from '../helpers/knowledge-base.ts';
import { writeTempTree } from '../helpers/temp-files.ts';
import type { KnowledgeBase } from '../../src/link/knowledge-base.ts';

const REACT = path.join(CORPUS, 'atc-react');

/** The stages in RE&CT's order, by the key playbooks list them under, with the title TheHive groups by. */
const STAGE_GROUPS: ReadonlyArray<readonly [string, string]> = [
  ['preparation', 'Preparation'],
  ['identification', 'Identification'],
  ['containment', 'Containment'],
  ['eradication', 'Eradication'],
  ['recovery', 'Recovery'],
  ['lessons_learned', 'Lessons Learned'],
];
/** TheHive's scales, as its API documents them (severity 1–4, TLP/PAP 0–3). */
const SEVERITY: Readonly<Record<string, number>> = { L: 1, M: 2, H: 3, C: 4 };
const SHARING: Readonly<Record<string, number>> = { WHITE: 0, GREEN: 1, AMBER: 2, RED: 3 };
const TEMPLATE_KEYS = ['customFields', 'description', 'metrics', 'name', 'pap', 'severity', 'status', 'tags', 'tasks', 'titlePrefix', 'tlp'];

interface Task {
  order: number;
  title: string;
  group: string;
  description: string;
}

/** The YAML files of a folder, read without the project's loaders: what the templates must reflect. */
function readYamlFolder(folder: string): Array<Record<string, unknown>> {
  return readdirSync(folder)
    .filter((name) => /\.ya?ml$/.test(name))
    .map((name) => parse(readFileSync(path.join(folder, name), 'utf8')) as Record<string, unknown>);
}

/**
 * Every template of a knowledge base against its playbook and action files: it parses, has exactly the
 * template's keys, the mapped severity/TLP/PAP, the tags as written, and one task per listed action in
 * stage order then list order, titled with the action's id, grouped by the stage, described by its workflow.
 */
function checkTemplates(kb: KnowledgeBase, folders: { actions: string; playbooks: string }): number {
  const files = new Map(theHiveTemplateFiles(kb).map((file) => [file.path, file]));
  const actions = new Map(readYamlFolder(folders.actions).map((action) => [String(action.title), action]));
  const playbooks = readYamlFolder(folders.playbooks);
  assert.equal(files.size, playbooks.length, 'one template per playbook');
  let tasks = 0;
  for (const playbook of playbooks) {
    const file = files.get(`thehive/${String(playbook.title)}.json`);
    assert.ok(file, `a template for ${String(playbook.title)} among ${[...files.keys()].join(', ')}`);
    const template = JSON.parse(file.content);
    const where = file.path;
    assert.deepEqual(Object.keys(template).sort(), TEMPLATE_KEYS, where);
    const id = playbook.id as string | undefined;
    assert.equal(template.name, id ? `${id}: ${String(playbook.title)}` : playbook.title, where);
    assert.equal(template.titlePrefix, `[${id ?? String(playbook.title)}]`, where);
    assert.ok(template.description.startsWith(String(playbook.description).trim()), where);
    if (playbook.workflow) assert.ok(template.description.endsWith(`\n\nWorkflow:\n\n${String(playbook.workflow).trim()}`), where);
    assert.equal(template.severity, playbook.severity === undefined ? 2 : SEVERITY[String(playbook.severity)], `${where}: severity`);
    assert.equal(template.tlp, playbook.tlp === undefined ? 2 : SHARING[String(playbook.tlp)], `${where}: tlp`);
    assert.equal(template.pap, playbook.pap === undefined ? 2 : SHARING[String(playbook.pap)], `${where}: pap`);
    assert.deepEqual(template.tags, playbook.tags ?? [], `${where}: tags as written`);
    assert.equal(template.status, 'Ok');
    assert.deepEqual([template.metrics, template.customFields], [{}, {}]);

    const expected = STAGE_GROUPS.flatMap(([key, group]) => ((playbook[key] as string[] | null | undefined) ?? []).map((title) => ({ title, group })));
    assert.equal(template.tasks.length, expected.length, `${where}: one task per listed action`);
    template.tasks.forEach((task: Task, index: number) => {
      const listed = expected[index]!;
      const action = actions.get(listed.title);
      assert.ok(action, `${where}: ${listed.title} is an action of the corpus`);
      assert.equal(task.order, index, `${where}: orders count from 0`);
      assert.equal(task.group, listed.group, `${where}: task ${index} is in the stage that lists it`);
      assert.ok(action.id ? task.title.startsWith(`${String(action.id)}: `) : !task.title.includes(':'), `${where}: "${task.title}" names ${listed.title}`);
      const workflow = String(action.workflow ?? '').trim();
      assert.equal(task.description, workflow === '' ? String(action.description).trim() : workflow, `${where}: ${listed.title}'s workflow`);
    });
    tasks += template.tasks.length;
  }
  return tasks;
}

describe('TheHive case templates', () => {
  test('the sample: every playbook has a template with a task per action, in stage order', () => {
    const { kb, issues } = loadKnowledgeBase(standardFolders(PROJECT_ROOT));
    assert.deepEqual(issues.filter((issue) => issue.severity === 'error'), [], describeIssues(issues));
    const tasks = checkTemplates(kb, { actions: path.join(PROJECT_ROOT, 'response_actions'), playbooks: path.join(PROJECT_ROOT, 'response_playbooks') });
    assert.ok(tasks >= 8, `${tasks} tasks`);
  });

  test('the full RE&CT corpus: every template parses and has a task per listed action', { skip: skipUnlessExists('the RE&CT corpus templates', REACT) }, (t) => {
    const { kb, issues } = loadKnowledgeBase({ responseActions: [path.join(REACT, 'response_actions')], responsePlaybooks: [path.join(REACT, 'response_playbooks')], responseStages: [path.join(REACT, 'response_stages')] });
    assert.deepEqual(
      issues.filter((issue) => issue.code === 'unknown-response-action'),
      [],
      describeIssues(issues),
    );
    const tasks = checkTemplates(kb, { actions: path.join(REACT, 'response_actions'), playbooks: path.join(REACT, 'response_playbooks') });
    assert.ok(tasks > 40, `${tasks} tasks`);
    t.diagnostic(`${kb.response.playbooks.length} templates, ${tasks} tasks`);
  });

  test('defaults, codes and words, the 2019 names; hostile text stays plain JSON strings; listed on Downloads', (t) => {
    const hostile = '"}],"severity":4,"x":"</script><script>alert(1)</script>{{7*7}}\u0000\n$(rm -rf /)';
    const root = writeTempTree(t, {
      'response_actions/RA_0001_identification_get_original_email.yml': [
        'title: RA_0001_identification_get_original_email',
        `description: ${JSON.stringify(hostile)}`,
        'stage: identification',
      ].join('\n'),
      'response_actions/RA_0002_containment_block_sender.yml': [
        'title: RA_0002_containment_block_sender',
        'description: Block the sender',
        `workflow: ${JSON.stringify(`Block it. ${hostile}`)}`,
      ].join('\n'),
      'response_playbooks/RP_0001_plain.yml': [
        'title: RP_0001_plain',
        `description: ${JSON.stringify(hostile)}`,
        `tags: [attack.t1566, ${JSON.stringify(hostile)}, attack.t1566]`,
        'containment: [RA_0002_containment_block_sender]',
        'identification: [RA_0001_identification_get_original_email]',
      ].join('\n'),
      'response_playbooks/RP_0002_words.yml': ['title: "RP_0002_words <i>"', 'id: rp0002', 'description: d', 'severity: critical', 'tlp: clear', 'pap: red', 'workflow: "  Step one.\\n"'].join('\n'),
    });
    const { kb, issues } = loadKnowledgeBase(standardFolders(root), root);
    assert.deepEqual(issues.filter((issue) => issue.severity === 'error'), [], describeIssues(issues));
    const files = theHiveTemplateFiles(kb);
    const byPath = new Map(files.map((file) => [file.path, JSON.parse(file.content)]));
    const wordsPath = `thehive/${kb.addresses.pageName(kb.response.playbooksByTitle.get('RP_0002_words <i>')!)}.json`;
    assert.match(wordsPath, /^thehive\/RP_0002_words[\w-]*\.json$/, 'the file is named by the page name, made safe');
    assert.deepEqual([...byPath.keys()].sort(), ['thehive/RP_0001_plain.json', wordsPath]);
    const plain = byPath.get('thehive/RP_0001_plain.json');
    const words = byPath.get(wordsPath);

    assert.deepEqual([plain.name, plain.titlePrefix], ['RP_0001_plain', '[RP_0001_plain]'], 'without an id, the title');
    assert.deepEqual([plain.severity, plain.tlp, plain.pap], [2, 2, 2], "TheHive's own defaults when the playbook leaves them out");
    assert.equal(plain.description, hostile, 'no workflow: the description alone, exactly');
    assert.deepEqual(plain.tags, ['attack.t1566', hostile], 'as written, each once');
    assert.deepEqual(
      plain.tasks,
      [
        { order: 0, title: 'Identification get original email', group: 'Identification', description: hostile },
        { order: 1, title: 'Containment block sender', group: 'Containment', description: `Block it. ${hostile}` },
      ],
      'stage order, not file order; the stage from the 2019 title; the workflow, else the description',
    );

    assert.deepEqual([words.name, words.titlePrefix], ['RP0002: RP_0002_words <i>', '[RP0002]']);
    assert.deepEqual([words.severity, words.tlp, words.pap], [4, 0, 3], 'critical → 4, TLP CLEAR is WHITE → 0, RED → 3');
    assert.equal(words.description, 'd\n\nWorkflow:\n\nStep one.');
    assert.deepEqual(words.tasks, []);

    const page = String(renderDownloadsPage(files.map(listedFile), { urls: { href: (url: string) => url } } as never).body);
    assert.match(page, /<h2[^>]*>TheHive case templates /);
    assert.ok(page.includes('href="/thehive/RP_0001_plain.json"'));
    assert.ok(page.includes('RP0002: RP_0002_words &lt;i&gt;') && !page.includes('<i>'), 'the template names are escaped on the page');
  });
});
