/**
 * The acceptance check for the older tool's 2019 response schema: tests/fixtures/react-2019 builds with
 * `atc build` and no error, and our markdown page for RP_0001_phishing_email carries the rows of the page
 * the older tool would have written (expected-RP_0001_phishing_email.md, from its documented layout).
 */
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { renderMarkdownPages } from '../../src/render/render-markdown-pages.ts';
import { atc } from '../cli/cli-harness.ts';
import { describeIssues, FIXTURES, loadKnowledgeBase, standardFolders } from '../helpers/knowledge-base.ts';
import { parseMarkdownPage, sectionNamed } from '../helpers/markdown-page.ts';
import { makeTempFolder } from '../helpers/temp-files.ts';

const KB = path.join(FIXTURES, 'react-2019');
const PAGE = 'markdown/Response_Playbooks/RP_0001_phishing_email.md';

/**
 * What a cell states, as a set: each link stands for what it links to — an entity page by its file name
 * (the older tool linked `../Response_Actions/<title>.md`), anything else by its text — and a cell without
 * links for its list items or its text. Link text and URL style are where we differ on purpose.
 */
function cellValues(cell: string): string[] {
  const links = [...cell.matchAll(/\[([^\]]*)\]\(([^)\s]*)\)/g)];
  if (links.length > 0) {
    return links.map(([, text, target]) => {
      const page = /^\.\.\/[A-Za-z_]+\/([^/]+)\.md$/.exec(target!)?.[1];
      return page ?? text!.replace(/\\(.)/g, '$1');
    });
  }
  const items = [...cell.matchAll(/<li>(.*?)<\/li>/g)].map((item) => item[1]!);
  return items.length > 0 ? items : [cell];
}

function tableOf(markdown: string): Map<string, string[]> {
  const rows = new Map<string, string[]>();
  for (const [label, cell] of parseMarkdownPage(markdown).tableRows) rows.set(label!.replace(/&amp;/g, '&').replace(/\*\*/g, ''), cellValues(cell ?? ''));
  return rows;
}

describe('the 2019 response schema', () => {
  test('the fixture knowledge base builds with atc build, with no error', (t) => {
    const folder = makeTempFolder(t);
    cpSync(KB, folder, { recursive: true });
    const result = atc(['build', '--response-actions', 'response_actions', '--response-playbooks', 'response_playbooks', '--out', 'out'], folder);
    assert.equal(result.status, 0, result.stderr);
    assert.match(result.stderr, /\b0 errors\b/);
    for (const file of [PAGE, 'thehive/RP_0001_phishing_email.json', 'api/response-playbooks/RP_0001_phishing_email.json', 'api/response-actions/RA_0004_identification_find_all_phishing_attack_victims.json']) {
      assert.ok(existsSync(path.join(folder, 'out', file)), `${file} is written`);
    }
    const action = JSON.parse(readFileSync(path.join(folder, 'out/api/response-actions/RA_0004_identification_find_all_phishing_attack_victims.json'), 'utf8'));
    assert.equal(action.stage.title, 'Identification', 'the stage from the title alone');
  });

  test('our RP_0001_phishing_email page has the older tool’s table rows', () => {
    const { kb, issues } = loadKnowledgeBase(standardFolders(KB), KB);
    assert.deepEqual(issues.filter((issue) => issue.severity === 'error'), [], describeIssues(issues));
    const page = renderMarkdownPages(kb, new Map(), 'react-2019').find((file) => file.path === PAGE);
    assert.ok(page, `${PAGE} is written`);
    const ours = tableOf(page.content);
    const expectedText = readFileSync(path.join(KB, 'expected-RP_0001_phishing_email.md'), 'utf8');
    const theirs = tableOf(expectedText);

    // Deliberate differences, each stated:
    // - Severity: we add the word to the code ("M (Medium)"); the code itself must be the older tool's.
    const severity = ours.get('Severity')?.[0] ?? '';
    assert.match(severity, /^M \(Medium\)$/);
    ours.set('Severity', [severity.split(' ')[0]!]);
    // - Rows the older tool's page did not have: the playbooks it links and is linked from, its references.
    const added = ['Linked Response Playbooks', 'Linked from', 'References'];
    assert.deepEqual(ours.get('Linked Response Playbooks'), ['RP_0002_generic_post_exploitation']);
    assert.deepEqual(ours.get('Linked from'), ['RP_0002_generic_post_exploitation']);
    // - The revoked techniques T1193 and T1192 keep the names our ATT&CK snapshot gives them (the build warns
    //   that they are revoked and counts the playbook under T1566.001 and T1566.002); the row compares as is.
    // - Action links: compared by the page they lead to, so the link text may differ.

    assert.deepEqual(
      [...ours.keys()].filter((label) => !added.includes(label)),
      [...theirs.keys()],
      'the older tool\'s rows, in its order',
    );
    for (const [label, values] of theirs) assert.deepEqual(new Set(ours.get(label)), new Set(values), `row "${label}"`);

    // After the table, the playbook's workflow comes first (then, ours and theirs, each action's workflow by stage).
    const workflow = sectionNamed(parseMarkdownPage(page.content), 'Workflow').text ?? '';
    assert.ok(workflow.startsWith(sectionNamed(parseMarkdownPage(expectedText), 'Workflow').text!), workflow);
    const stages = [...workflow.matchAll(/^#### (.+)$/gm)].map((match) => match[1]);
    assert.deepEqual(stages, ['Identification', 'Containment', 'Eradication', 'Recovery', 'Lessons Learned'], 'each stage\'s actions inline, in stage order');
  });
});
