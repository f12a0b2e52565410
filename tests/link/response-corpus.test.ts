/**
 * The response side on the full ../shared corpus: RE&CT's 216 Response Actions, its phishing playbook and its
 * six stages, built with SigmaHQ, atc-data and Atomic Red Team as one knowledge base (no conversion: the
 * response side does not depend on it). The counts the issue asks for are printed as diagnostics; the
 * assertions hold what RE&CT's files say, counted here from the files themselves rather than typed in.
 */
import { test, describe, before } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { buildKnowledgeBase, type Build } from '../../src/build.ts';
import { MARKDOWN_ROOT } from '../../src/present/page-addresses.ts';
import { playbooksForTechnique, techniquesWithoutPlaybook } from '../../src/present/response-view.ts';
import { sharedCorpusConfig, SHARED_CORPUS } from '../../scripts/shared-corpus.ts';
import { CORPUS, describeIssues, skipUnlessExists } from '../helpers/knowledge-base.ts';

const REACT = path.join(SHARED_CORPUS, 'atc-react');
const skip = skipUnlessExists('the RE&CT corpus test', path.join(CORPUS, 'atc-react'));

/** The `.yml` files of a RE&CT folder (templates and drafts are `.template` / `.todo`). */
const yamlFiles = (folder: string): string[] => readdirSync(path.join(REACT, folder)).filter((name) => name.endsWith('.yml'));

describe('RE&CT on the ../shared corpus', { skip }, () => {
  let build: Build;
  before(() => {
    build = buildKnowledgeBase(sharedCorpusConfig(), { convert: false, exports: false });
  });

  test('every RE&CT file loads, and none of them, nor any page made from them, has an error', () => {
    const { response } = build.kb;
    assert.equal(response.actions.length, yamlFiles('response_actions').length);
    assert.equal(response.playbooks.length, yamlFiles('response_playbooks').length);
    assert.deepEqual(response.stages.map((stage) => [stage.id, stage.builtIn]), yamlFiles('response_stages').map((name) => [name.replace(/\.yml$/, ''), false]));
    const fromReact = build.issues.filter((issue) => issue.file.includes('atc-react') || issue.file.includes('Response_'));
    assert.deepEqual(fromReact.filter((issue) => issue.severity === 'error'), [], describeIssues(fromReact));
    // RP_0001 names RP_0002, which RE&CT still has as a draft (.todo): the one warning.
    assert.deepEqual(fromReact.map((issue) => issue.code), ['unknown-response-playbook'], describeIssues(fromReact));
    // The rest of the corpus has its own known errors (SigmaHQ's unsupported/ folder); none is a broken link.
    assert.deepEqual(build.issues.filter((issue) => issue.code === 'broken-link'), []);
  });

  test('every action the phishing playbook lists resolves, under the stage it is listed in', () => {
    const playbook = build.kb.response.playbooksByTitle.get('RP_0001_phishing_email')!;
    const links = build.kb.response.playbookLinks.get(playbook)!;
    const text = readFileSync(path.join(REACT, 'response_playbooks', 'RP_0001_phishing_email.yml'), 'utf8');
    const listed = [...text.matchAll(/^ {2}- (RA_\d{4}_\w+)/gm)].map((match) => match[1]);
    assert.deepEqual(links.stages.flatMap((stage) => stage.actions.map((action) => action.title)), listed);
    for (const { stage, actions } of links.stages) {
      for (const action of actions) assert.equal(build.kb.response.stageOf.get(action), stage, `${action.title} in ${stage.title}`);
    }
    assert.deepEqual(links.techniques.map((technique) => technique.id), ['T1566.001', 'T1566.002']);
  });

  test('pages and links: one markdown page per action, playbook and stage; rules of T1566 list the playbook', (t) => {
    const { kb } = build;
    const pages = (folder: string) => build.files.filter((file) => file.path.startsWith(`${MARKDOWN_ROOT}/${folder}/`)).length;
    const counts = { actions: pages('Response_Actions'), playbooks: pages('Response_Playbooks'), stages: pages('Response_Stages') };
    assert.deepEqual(counts, { actions: kb.response.actions.length, playbooks: kb.response.playbooks.length, stages: kb.response.stages.length });
    const playbook = kb.response.playbooksByTitle.get('RP_0001_phishing_email')!;
    const rulesWithPlaybook = kb.rules.filter((rule) => kb.ruleLinks.get(rule)!.playbooks.length > 0);
    const phishingRules = kb.rules.filter((rule) => kb.ruleLinks.get(rule)!.countedTechniques.some((technique) => technique.id.startsWith('T1566')));
    // Tagged T1566 (the parent) or one of its sub-techniques; the playbook is tagged with two sub-techniques, so
    // a rule tagged with the parent alone does not get it, nor one tagged T1566.003.
    const answered = phishingRules.filter((rule) => kb.ruleLinks.get(rule)!.countedTechniques.some((technique) => technique.id === 'T1566.001' || technique.id === 'T1566.002'));
    assert.deepEqual(rulesWithPlaybook, answered);
    assert.ok(answered.length > 0);
    for (const rule of answered) assert.deepEqual(kb.ruleLinks.get(rule)!.playbooks, [playbook]);
    const actionLinks = kb.response.actions.reduce((sum, action) => sum + (kb.response.playbooksByAction.get(action) ?? []).length, 0);
    const gaps = techniquesWithoutPlaybook(kb);
    t.diagnostic(
      `pages: ${counts.actions} Response_Actions, ${counts.playbooks} Response_Playbooks, ${counts.stages} Response_Stages; ` +
        `links: ${actionLinks} playbook → action, ${answered.length} of ${phishingRules.length} T1566 rules → playbook; ` +
        `techniques with rules and no playbook: ${gaps.length}; playbooks for T1566.001: ${playbooksForTechnique(kb, 'T1566.001').length}`,
    );
  });
});
