import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { loadResponseActions, loadResponsePlaybooks, loadResponseStages } from '../../src/load/load-response.ts';
import type { Issue } from '../../src/model/issue.ts';
import { describeIssues, loadKnowledgeBase, standardFolders } from '../helpers/knowledge-base.ts';
import { writeTempTree } from '../helpers/temp-files.ts';

type TestContext = { after: (fn: () => void) => void };

/** The issues of one code, as `file:line:col`, for exact position checks. */
function where(issues: readonly Issue[], code: string): string[] {
  return issues.filter((issue) => issue.code === code).map((issue) => `${issue.file}:${issue.line}:${issue.column}`);
}

function playbooks(t: TestContext, files: Readonly<Record<string, string>>) {
  const root = writeTempTree(t, Object.fromEntries(Object.entries(files).map(([name, text]) => [`response_playbooks/${name}`, text])));
  return loadResponsePlaybooks([`${root}/response_playbooks`], root);
}

describe('loading Response Actions, Playbooks and Stages', () => {
  test('a workflow of the wrong type is one field-type error, for an action and for a playbook; a workflow keeps its indentation', (t) => {
    const root = writeTempTree(t, {
      'response_actions/RA_1001_a.yml': 'title: RA_1001_a\ndescription: d\nstage: preparation\nworkflow: [1, 2]\n',
      'response_actions/RA_1002_b.yml': 'title: RA_1002_b\ndescription: d\nstage: preparation\nworkflow: |2\n      indented code\n    text\n',
      'response_playbooks/RP_0001_a.yml': 'title: RP_0001_a\ndescription: d\nworkflow: {a: 1}\n',
    });
    const actions = loadResponseActions([`${root}/response_actions`], root);
    assert.deepEqual(where(actions.issues, 'field-type'), ['response_actions/RA_1001_a.yml:4:11'], describeIssues(actions.issues));
    assert.equal(actions.items.find((action) => action.title === 'RA_1002_b')!.workflow, '    indented code\n  text\n');
    const loaded = loadResponsePlaybooks([`${root}/response_playbooks`], root);
    assert.deepEqual(where(loaded.issues, 'field-type'), ['response_playbooks/RP_0001_a.yml:3:11'], describeIssues(loaded.issues));
  });

  test('the RE&CT schema: an action with its id, stage, requirements and workflow; a stage file', (t) => {
    const root = writeTempTree(t, {
      'response_actions/RA_3101_block_external_ip_address.yml': [
        'title: RA_3101_block_external_ip_address',
        'id: ra3101',
        'description: Block an external IP address',
        "author: '@atc_project'",
        'creation_date: 2019/01/31',
        'stage: containment',
        'requirements: [MS_border_firewall, MS_intranet_proxy]',
        'references: [https://example.org/block]',
        'owner: soc-lead',
        'workflow: |',
        '  Block the address on the border firewall.',
      ].join('\n'),
      'response_stages/RS0003.yml': 'title: Containment\nid: RS0003\ndescription: Stop the spread.\n',
    });
    const actions = loadResponseActions([`${root}/response_actions`], root);
    assert.deepEqual(actions.issues, [], describeIssues(actions.issues));
    const [action] = actions.items;
    assert.equal(action!.id, 'RA3101', 'ids are upper case');
    assert.equal(action!.stage?.title, 'containment');
    assert.deepEqual(action!.requirements, ['MS_border_firewall', 'MS_intranet_proxy']);
    assert.equal(action!.creationDate, '2019/01/31');
    assert.equal(action!.owner, 'soc-lead');
    assert.equal(action!.workflow, 'Block the address on the border firewall.\n');
    const stages = loadResponseStages([`${root}/response_stages`], root);
    assert.deepEqual(stages.items.map((stage) => [stage.id, stage.title, stage.key, stage.builtIn]), [['RS0003', 'Containment', 'containment', false]]);
  });

  test('the 2019 schema: no id, the stage from the title when `stage:` is absent, automation and linked fields', (t) => {
    const root = writeTempTree(t, {
      'response_actions/RA_0001_identification_get_original_email.yml': [
        'title: RA_0001_identification_get_original_email',
        'description: Get the original email',
        'automation: [thehive]',
        'linked_analytics: [MS_email_server]',
        'linked_ra: [RA_0002_lessons_learned_develop_incident_report]',
        'creation_date: 31.01.2019',
      ].join('\n'),
      'response_actions/RA_0002_lessons_learned_develop_incident_report.yml': 'title: RA_0002_lessons_learned_develop_incident_report\ndescription: Write it up\n',
      'response_actions/RA_0003_no_stage_here.yml': 'title: RA_0003_no_stage_here\ndescription: Nothing says when\n',
      'response_actions/RA_0004_identification_explicit.yml': 'title: RA_0004_identification_explicit\nstage: containment\ndescription: The field wins over the title\n',
    });
    const loaded = loadResponseActions([`${root}/response_actions`], root);
    const byTitle = new Map(loaded.items.map((action) => [action.title, action]));
    const original = byTitle.get('RA_0001_identification_get_original_email')!;
    assert.equal(original.id, undefined);
    assert.equal(original.stage?.title, 'identification');
    assert.deepEqual(original.automation, ['thehive']);
    assert.deepEqual(original.linkedAnalytics, ['MS_email_server']);
    assert.deepEqual(original.linkedActions.map((reference) => reference.title), ['RA_0002_lessons_learned_develop_incident_report']);
    assert.equal(original.creationDate, '31.01.2019', 'kept as written');
    assert.equal(byTitle.get('RA_0002_lessons_learned_develop_incident_report')!.stage?.title, 'lessons_learned', 'a two-word stage');
    assert.equal(byTitle.get('RA_0004_identification_explicit')!.stage?.title, 'containment');
    assert.equal(byTitle.get('RA_0003_no_stage_here')!.stage, undefined);
    assert.deepEqual(where(loaded.issues, 'field-missing'), ['response_actions/RA_0003_no_stage_here.yml:1:1'], describeIssues(loaded.issues));
  });

  test('severity as a code or a word, in any case; TLP CLEAR is WHITE; TLP:/PAP: prefixes', (t) => {
    const cases: Array<[string, string, string, string | undefined, string | undefined, string | undefined]> = [
      ['a', 'm', 'amber', 'white', 'M', 'AMBER'],
      ['b', 'High', 'TLP:CLEAR', 'PAP:GREEN', 'H', 'WHITE'],
      ['c', 'CRITICAL', 'clear', 'red', 'C', 'WHITE'],
      ['d', 'low', 'Green', 'Amber', 'L', 'GREEN'],
    ];
    const loaded = playbooks(t, Object.fromEntries(cases.map(([name, severity, tlp, pap]) => [`RP_${name}.yml`, `title: RP_${name}\ndescription: d\nseverity: ${severity}\ntlp: "${tlp}"\npap: ${pap}\n`])));
    assert.deepEqual(loaded.issues, [], describeIssues(loaded.issues));
    const byTitle = new Map(loaded.items.map((playbook) => [playbook.title, playbook]));
    for (const [name, , , , severity, tlp] of cases) {
      const playbook = byTitle.get(`RP_${name}`)!;
      assert.deepEqual([playbook.severity, playbook.tlp], [severity, tlp], name);
    }
    assert.deepEqual(loaded.items.map((playbook) => playbook.pap).sort(), ['AMBER', 'GREEN', 'RED', 'WHITE']);
  });

  test('a bad severity, TLP or PAP is field-value at its file:line:col, and the value is left out', (t) => {
    const loaded = playbooks(t, { 'RP_bad.yml': 'title: RP_bad\ndescription: d\nseverity: urgent\ntlp: PURPLE\npap:   BLACK\n' });
    assert.deepEqual(where(loaded.issues, 'field-value'), ['response_playbooks/RP_bad.yml:3:11', 'response_playbooks/RP_bad.yml:4:6', 'response_playbooks/RP_bad.yml:5:8'], describeIssues(loaded.issues));
    const [playbook] = loaded.items;
    assert.deepEqual([playbook!.severity, playbook!.tlp, playbook!.pap], [undefined, undefined, undefined]);
  });

  test('a key that is neither a field nor a stage list is field-unknown; any list is a stage list (the linker checks the stage)', (t) => {
    const loaded = playbooks(t, {
      'RP_keys.yml': ['title: RP_keys', 'description: d', 'colour: blue', 'identification: RA_0001_x', 'hunting: [RA_0002_y]', 'notes: {a: 1}'].join('\n'),
    });
    assert.deepEqual(where(loaded.issues, 'field-unknown'), ['response_playbooks/RP_keys.yml:3:1', 'response_playbooks/RP_keys.yml:6:1'], describeIssues(loaded.issues));
    assert.deepEqual(
      loaded.items[0]!.stages.map((list) => [list.stage.title, list.actions.map((action) => action.title)]),
      [
        ['identification', ['RA_0001_x']],
        ['hunting', ['RA_0002_y']],
      ],
      'a single title under a RE&CT stage is a list of one',
    );
  });

  test('*.template and *.todo files are not content', (t) => {
    const loaded = playbooks(t, {
      'respose_playbook.yml.template': 'title: RP_0000_some_name_here\ndescription: a skeleton\n',
      'RP_0002_later.yml.todo': 'title: RP_0002_later\ndescription: [unfinished\n',
      'RP_0001_real.yml': 'title: RP_0001_real\ndescription: d\n',
    });
    assert.deepEqual(loaded.issues, [], describeIssues(loaded.issues));
    assert.deepEqual(loaded.items.map((playbook) => playbook.title), ['RP_0001_real']);
    assert.equal(loaded.fileCount, 1);
  });

  test('duplicate ids of actions and of playbooks are duplicate-id where the second starts', (t) => {
    const root = writeTempTree(t, {
      'response_actions/RA_1001_a.yml': 'title: RA_1001_a\nid: RA1001\ndescription: a\nstage: preparation\n',
      'response_actions/RA_1001_b.yml': '# the same id again\ntitle: RA_1001_b\nid: ra1001\ndescription: b\nstage: preparation\n',
      'response_playbooks/RP_0001_a.yml': 'title: RP_0001_a\nid: RP0001\ndescription: a\n',
      'response_playbooks/RP_0001_b.yml': 'title: RP_0001_b\nid: RP0001\ndescription: b\n',
    });
    const { issues } = loadKnowledgeBase(standardFolders(root), root);
    assert.deepEqual(where(issues, 'duplicate-id'), ['response_actions/RA_1001_b.yml:2:1', 'response_playbooks/RP_0001_b.yml:1:1'], describeIssues(issues));
  });
});
