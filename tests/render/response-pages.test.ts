// The response side of the HTML site (RE&CT): Response Action, Playbook and Stage pages, their lists, the
// RE&CT matrix, the technique pages' playbooks, the response gap on /gaps/, the navigation and the search
// records; on the sample knowledge base, on a hand-written one whose every text is hostile, and on one
// without response content (which has none of it).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { load, type CheerioAPI } from 'cheerio';
import { parentTechniqueId } from '../../src/attack/attack-catalog.ts';
import { buildKnowledgeBase } from '../../src/build.ts';
import { DEFAULT_CONFIG } from '../../src/config.ts';
import type { KnowledgeBase } from '../../src/link/knowledge-base.ts';
import { loadConfig } from '../../src/load/load-config.ts';
import { renderPageDocument, siteChrome } from '../../src/render/html/page-document.ts';
import { renderSitePages, type SitePages } from '../../src/render/html/site-pages.ts';
import { PLAYBOOK_ROWS } from '../../src/present/response-view.ts';
import { CORPUS, loadKnowledgeBase, PROJECT_ROOT, skipUnlessExists, standardFolders } from '../helpers/knowledge-base.ts';
import { writeTempTree } from '../helpers/temp-files.ts';

const build = buildKnowledgeBase(loadConfig({ configFile: path.join(PROJECT_ROOT, 'atc.config.yml') }).config, { exports: false });
const { kb } = build;
const site = renderSitePages(build);

function pageOf(pages: SitePages, url: string) {
  const pending = pages.pages.find((candidate) => candidate.url === url);
  assert.ok(pending, `a page at ${url}`);
  return pending.render();
}
const $page = (url: string, pages: SitePages = site): CheerioAPI => load(pageOf(pages, url).body.value);
/** The value cell of a two-column table's row, by its label. */
const row = ($: CheerioAPI, label: string) => $('table.kv th').filter((_, cell) => $(cell).text() === label).next();

const playbook = kb.response.playbooks[0]!;
const playbookUrl = `/response-playbooks/${playbook.title}/`;

describe('the sample’s response pages', () => {
  test('exist for every action, playbook and stage, with the matrix and the three lists', () => {
    const urls = site.pages.map((page) => page.url).filter((url) => url.startsWith('/response'));
    assert.deepEqual(urls.sort(), [
      '/response-actions/',
      ...kb.response.actions.map((action) => `/response-actions/${action.title}/`),
      '/response-playbooks/',
      playbookUrl,
      '/response-stages/',
      ...['RS0001', 'RS0002', 'RS0003', 'RS0004', 'RS0005', 'RS0006'].map((id) => `/response-stages/${id}/`),
      '/response/',
    ].sort());
    assert.equal(kb.response.actions.length, 8);
  });

  test('a playbook’s table has the older tool’s rows in its order, then one row per stage listing its actions as links', () => {
    const $ = $page(playbookUrl);
    const labels = $('#summary').closest('section').find('table.kv th').map((_, cell) => $(cell).text()).get();
    assert.deepEqual(labels, [...PLAYBOOK_ROWS, 'Preparation', 'Identification', 'Containment', 'Eradication', 'Recovery', 'Lessons Learned']);
    assert.equal(row($, 'ATT&CK Technique').find('a').attr('href'), '/techniques/T1003/');
    assert.equal(row($, 'ATT&CK Technique').text(), 'T1003: OS Credential Dumping');
    assert.equal(row($, 'ATT&CK Tactic').find('a').attr('href'), '/tactics/TA0006/');
    assert.equal(row($, 'Tags').text(), 'credential-theft');
    assert.equal(row($, 'Severity').text(), 'H (High)');
    assert.deepEqual([row($, 'TLP').text(), row($, 'PAP').text()], ['AMBER', 'GREEN']);
    const identification = row($, 'Identification').find('a');
    assert.deepEqual(identification.map((_, a) => $(a).attr('href')).get(), ['/response-actions/RA_2401_list_processes_that_accessed_lsass/', '/response-actions/RA_2601_list_accounts_logged_on_to_host/']);
    assert.equal(identification.first().text(), 'RA2401: List processes that accessed lsass');
  });

  test('the runbook holds every listed action’s workflow under its stage, in stage order and the playbook’s order', () => {
    const $ = $page(playbookUrl);
    const runbook = $('#runbook').closest('section');
    const outline = runbook.find('h3, h4').map((_, heading) => `${heading.tagName} ${$(heading).contents().first().text().trim()}`).get();
    assert.deepEqual(outline, [
      'h3 Preparation',
      'h4 RA1401: Get ability to list process access events',
      'h3 Identification',
      'h4 RA2401: List processes that accessed lsass',
      'h4 RA2601: List accounts logged on to host',
      'h3 Containment',
      'h4 RA3401: Kill malicious process',
      'h4 RA3601: Disable exposed accounts',
      'h3 Eradication',
      'h4 RA4301: Remove memory dump files',
      'h3 Recovery',
      'h4 RA5601: Reset passwords of exposed accounts',
      'h3 Lessons Learned',
      'h4 RA6001: Write incident report',
    ]);
    // The action's markdown workflow, rendered: its list and inline code.
    const step = runbook.find('#step-rs0002-ra2401').closest('section');
    assert.ok(step.find('.markdown li code').filter((_, code) => $(code).text() === 'GrantedAccess').length === 1, step.html() ?? '');
    assert.match($('#workflow').closest('section').find('.markdown ol li').first().text(), /^Treat every account/);
  });

  test('lists the detection rules tagged with the playbook’s technique or its sub-techniques, and no other', () => {
    const $ = $page(playbookUrl);
    const listed = $('#detection-rules').closest('section').find('.rule-list li > a').map((_, a) => $(a).text()).get().sort();
    const expected = kb.rules.filter((rule) => kb.ruleLinks.get(rule)!.techniques.some((technique) => technique.id === 'T1003' || parentTechniqueId(technique.id) === 'T1003')).map((rule) => rule.title).sort();
    assert.ok(expected.length >= 4, 'the sample has rules on T1003.001');
    assert.deepEqual(listed, expected);
  });

  test('an action page links its stage and the playbooks using it, and states its category from its id', () => {
    const $ = $page('/response-actions/RA_2401_list_processes_that_accessed_lsass/');
    assert.equal($('h1').text(), 'List processes that accessed lsass');
    assert.equal(row($, 'ID').text(), 'RA2401');
    assert.equal(row($, 'Category').text(), 'Process');
    assert.equal(row($, 'Stage').find('a').attr('href'), '/response-stages/RS0002/');
    assert.equal(row($, 'Requirements').text(), 'Sysmon event ID 10 (ProcessAccess) for lsass.exe');
    assert.equal($('#used-by-playbooks').closest('section').find('a:not(.anchor)').attr('href'), playbookUrl);
    assert.equal($('#linked-response-actions').length + row($, 'Linked Response Actions').length, 0, 'RE&CT actions have no 2019 rows');
  });

  test('a stage page tables its actions with how many playbooks use each, and the stage list counts them', () => {
    const $ = $page('/response-stages/RS0003/');
    const rows = $('table.grid tbody tr').map((_, tr) => [$(tr).find('td').map((__, td) => $(td).text()).get()]).get() as string[][];
    assert.deepEqual(rows.map((cells) => [cells[0], cells[1], cells[3]]), [
      ['RA3401', 'Kill malicious process', '1'],
      ['RA3601', 'Disable exposed accounts', '1'],
    ]);
    const list = $page('/response-stages/');
    assert.deepEqual(list('tbody tr').map((_, tr) => list(tr).find('td').last().text()).get(), ['1', '2', '2', '1', '1', '1']);
  });

  test('the RE&CT matrix has a column per stage, a cell per action linking to it with its playbook count, grouped by category', () => {
    const $ = $page('/response/');
    const columns = $('.response-matrix .matrix-column');
    assert.equal(columns.length, kb.response.stages.length);
    const cells = $('.response-matrix a.response-cell');
    assert.equal(cells.length, kb.response.actions.length);
    for (const action of kb.response.actions) {
      const cell = $(`.response-matrix a[href="/response-actions/${action.title}/"]`);
      assert.equal(cell.find('.cell-count').text(), String(kb.response.playbooksByAction.get(action)?.length ?? 0), action.title);
    }
    const identification = columns.eq(1);
    assert.deepEqual(identification.find('h3.category').map((_, heading) => $(heading).text()).get(), ['Process', 'Identity']);
    assert.equal(identification.find('h2 .muted').text(), '2');
    assert.equal($('a[href="/gaps/#techniques-without-playbook"]').length, 1);
  });

  test('the lists of actions and playbooks', () => {
    const actions = $page('/response-actions/');
    assert.equal(actions('tbody tr').length, kb.response.actions.length);
    assert.deepEqual(actions('tbody tr').first().find('td').map((_, td) => actions(td).text()).get(), ['RA1401', 'Get ability to list process access events', 'Preparation', 'Process', '1']);
    const playbooks = $page('/response-playbooks/');
    assert.deepEqual(playbooks('tbody tr').first().find('td').map((_, td) => playbooks(td).text()).get(), ['RP0001', 'Credential dumping from lsass', 'H (High)', 'AMBER', 'T1003: OS Credential Dumping', '8']);
  });

  test('a technique page lists the playbooks for it and its sub-techniques; one without says so', () => {
    const $ = $page('/techniques/T1003/');
    const section = $('#response-playbooks').closest('section');
    assert.equal(section.find('a:not(.anchor)').attr('href'), playbookUrl);
    assert.match(section.text(), /tagged T1003\)/);
    const other = kb.coverage.pageTechniques.find((technique) => technique.id !== 'T1003' && kb.coverage.technique(technique.id).rolledUpRules.length > 0)!;
    assert.match($page(`/techniques/${other.id}/`)('#response-playbooks').closest('section').text(), /No Response Playbook for this technique yet/);
  });

  test('/gaps/ lists the techniques with rules but no playbook, and not those a playbook answers through their parent', () => {
    const $ = $page('/gaps/');
    const listed = $('#techniques-without-playbook').closest('section').find('li a').map((_, a) => $(a).attr('href')).get();
    const expected = kb.attack.techniques
      .filter((technique) => (kb.rulesByTechnique.get(technique.id) ?? []).length > 0 && technique.id !== 'T1003' && parentTechniqueId(technique.id) !== 'T1003')
      .map((technique) => (technique.id.includes('.') ? `/techniques/${technique.id.split('.')[0]}/#${technique.id}` : `/techniques/${technique.id}/`));
    assert.ok(expected.length > 0);
    assert.deepEqual(listed, expected);
    assert.ok(!listed.some((href) => href.includes('T1003')));
  });

  test('the navigation has a Response item, current on the response pages', () => {
    const document = load(renderPageDocument(pageOf(site, '/response/'), siteChrome(site.context, new Map())));
    const item = document('.site-nav a').filter((_, a) => document(a).text() === 'Response');
    assert.equal(item.attr('href'), '/response/');
    assert.equal(item.attr('aria-current'), 'page');
  });

  test('search records for every action, playbook and stage, found by RE&CT id', () => {
    const records = site.search.filter((record) => record.kind.startsWith('Response'));
    assert.equal(records.length, kb.response.actions.length + kb.response.playbooks.length + kb.response.stages.length);
    const action = records.find((record) => record.id === 'RA2401')!;
    assert.deepEqual([action.kind, action.url, action.title], ['Response Action', '/response-actions/RA_2401_list_processes_that_accessed_lsass/', 'RA2401: List processes that accessed lsass']);
    assert.ok(action.names?.includes('RA_2401_list_processes_that_accessed_lsass'));
    const found = records.find((record) => record.id === 'RP0001')!;
    assert.deepEqual(found.card.techniques, ['T1003']);
    assert.match(found.content, /T1003 OS Credential Dumping/);
  });
});

const SCRIPT = '<script>alert(1)</script>';
const TEMPLATE = '{{ 7*7 }} {% raw %}';

describe('a hand-written knowledge base with hostile text and the 2019 schema', () => {
  const files = {
    'response_actions/RA_2001_hostile.yml': [
      'title: RA_2001_hostile',
      'id: RA2001',
      `description: "${SCRIPT} ${TEMPLATE}"`,
      'stage: identification',
      'requirements:',
      '  - DN_0003_1_windows_sysmon_process_creation',
      `  - "MS_${SCRIPT}"`,
      'references:',
      '  - "javascript:alert(1)"',
      'workflow: |',
      `  Raw ${SCRIPT} and <img src=x onerror=alert(1)> and ${TEMPLATE}`,
      '',
      '  [bad](javascript:alert(1))',
      '',
    ].join('\n'),
    'response_actions/RA_0002_containment_block_the_host.yml': [
      'title: RA_0002_containment_block_the_host',
      'stage: containment',
      'author: someone',
      'creation_date: 31.01.2019',
      'automation:',
      '  - thehive',
      'linked_ra:',
      '  - RA_2001_hostile',
      '  - RA_0099_not_here',
      'linked_analytics:',
      '  - DN_0003_1_windows_sysmon_process_creation',
      'description: Block the host.',
      '',
    ].join('\n'),
    'response_playbooks/RP_0001_hostile.yml': [
      'title: RP_0001_hostile',
      'id: RP0001',
      `description: "${SCRIPT}"`,
      'severity: M',
      'tlp: RED',
      'pap: WHITE',
      'tags:',
      '  - attack.t1059.001',
      `  - "free ${SCRIPT}"`,
      'linked_rp:',
      '  - RP_0042_missing',
      'identification:',
      '  - RA_2001_hostile',
      'containment:',
      '  - RA_0002_containment_block_the_host',
      'workflow: |',
      `  ${SCRIPT} ${TEMPLATE}`,
      '',
    ].join('\n'),
  };

  function hostileSite(t: Parameters<typeof writeTempTree>[0]): { kb: KnowledgeBase; pages: SitePages } {
    const root = writeTempTree(t, files);
    const folders = standardFolders(root);
    const { kb: hostile } = loadKnowledgeBase({ ...folders, dataNeeded: [path.join(PROJECT_ROOT, 'data_needed')] }, root);
    return { kb: hostile, pages: renderSitePages({ kb: hostile, queries: new Map(), config: DEFAULT_CONFIG }) };
  }

  test('text stays text: no element, handler, bad link or template result comes from it', (t) => {
    const { pages } = hostileSite(t);
    for (const url of ['/response-actions/RA_2001_hostile/', '/response-playbooks/RP_0001_hostile/', '/response/', '/response-actions/', '/response-playbooks/', '/response-stages/RS0002/']) {
      const body = pageOf(pages, url).body.value;
      const $ = load(body);
      assert.equal($('script, img, iframe').length, 0, url);
      assert.equal($('[onerror], [onclick]').length, 0, url);
      assert.ok(!$('a').toArray().some((a) => /^\s*javascript:/i.test($(a).attr('href') ?? '')), url);
      assert.ok(!body.includes('49'), `${url} evaluated a template`);
    }
    const action = $page('/response-actions/RA_2001_hostile/', pages);
    assert.ok(row(action, 'Description').text().includes(`${SCRIPT} ${TEMPLATE}`));
    assert.ok(action('#workflow').closest('section').text().includes(SCRIPT));
    assert.ok(action('#workflow').closest('section').text().includes(TEMPLATE));
    const playbookPage = $page('/response-playbooks/RP_0001_hostile/', pages);
    assert.ok(row(playbookPage, 'Tags').text().includes(`free ${SCRIPT}`));
    // The runbook inlines the hostile workflow as text too.
    assert.ok(playbookPage('#runbook').closest('section').text().includes(`Raw ${SCRIPT}`));
  });

  test('a requirement naming a Data Needed entry links to it; others stay text; a reference that is no web URL is no link', (t) => {
    const { pages } = hostileSite(t);
    const $ = $page('/response-actions/RA_2001_hostile/', pages);
    const items = row($, 'Requirements').find('li');
    assert.equal(items.eq(0).find('a').attr('href'), '/data-needed/DN_0003_1_windows_sysmon_process_creation/');
    assert.equal(items.eq(1).find('a').length, 0);
    assert.equal(items.eq(1).text(), `MS_${SCRIPT}`);
    assert.equal(row($, 'References').find('a').length, 0);
  });

  test('a 2019 action shows its automation, linked actions (unknown ones marked) and linked analytics, and has no category', (t) => {
    const { pages } = hostileSite(t);
    const $ = $page('/response-actions/RA_0002_containment_block_the_host/', pages);
    assert.equal($('h1').text(), 'Containment block the host');
    assert.equal(row($, 'Automation').text(), 'thehive');
    const linked = row($, 'Linked Response Actions').find('li');
    assert.equal(linked.eq(0).find('a').attr('href'), '/response-actions/RA_2001_hostile/');
    assert.match(linked.eq(1).text(), /RA_0099_not_here.*not in the knowledge base/);
    assert.equal(row($, 'Linked Analytics').find('a').attr('href'), '/data-needed/DN_0003_1_windows_sysmon_process_creation/');
    assert.match(row($, 'Category').text(), /none/);
  });

  test('an unresolved linked playbook is plain text marked as missing', (t) => {
    const { pages } = hostileSite(t);
    const $ = $page('/response-playbooks/RP_0001_hostile/', pages);
    const linked = $('#linked-playbooks').closest('section');
    assert.equal(linked.find('a:not(.anchor)').length, 0);
    assert.match(linked.text(), /RP_0042_missing \(not in the knowledge base\)/);
  });
});

describe('a knowledge base without response content', () => {
  const { kb: plain } = loadKnowledgeBase({ rules: [path.join(PROJECT_ROOT, 'rules')] });
  const pages = renderSitePages({ kb: plain, queries: new Map(), config: DEFAULT_CONFIG });

  test('has no response page, navigation item, gap section, technique section or search record', () => {
    assert.deepEqual(pages.pages.filter((page) => page.url.startsWith('/response')).map((page) => page.url), []);
    const document = load(renderPageDocument(pageOf(pages, '/'), siteChrome(pages.context, new Map())));
    assert.ok(!document('.site-nav a').toArray().some((a) => document(a).text() === 'Response'));
    assert.equal($page('/gaps/', pages)('#techniques-without-playbook').length, 0);
    assert.equal($page('/techniques/T1003/', pages)('#response-playbooks').length, 0);
    assert.ok(!pages.search.some((record) => record.kind.startsWith('Response')));
  });
});

const REACT = path.join(CORPUS, 'atc-react');

describe('the RE&CT corpus', { skip: skipUnlessExists('the RE&CT corpus', REACT) }, () => {
  test('every action, the phishing playbook and the six stages get pages; the matrix has a cell per action and the stage pages a row per action', () => {
    const folders = { responseActions: [path.join(REACT, 'response_actions')], responsePlaybooks: [path.join(REACT, 'response_playbooks')], responseStages: [path.join(REACT, 'response_stages')] };
    const { kb: react } = loadKnowledgeBase(folders);
    const pages = renderSitePages({ kb: react, queries: new Map(), config: DEFAULT_CONFIG });
    const rendered = pages.pages.filter((page) => page.url.startsWith('/response')).map((page) => page.render());
    assert.equal(rendered.filter((page) => /^\/response-actions\/.+\//.test(page.url)).length, react.response.actions.length);
    assert.ok(react.response.actions.length >= 200, `${react.response.actions.length} actions`);
    const matrix = $page('/response/', pages);
    assert.equal(matrix('a.response-cell').length, react.response.actions.length);
    let rows = 0;
    for (const stage of react.response.stages) {
      const stageRows = $page(`/response-stages/${stage.id}/`, pages)('tbody tr').length;
      assert.equal(matrix(`#response-${stage.id.toLowerCase()}`).find('.muted').first().text(), String(stageRows), stage.id);
      rows += stageRows;
    }
    assert.equal(rows, react.response.actions.length, 'every action is in one stage');
    const phishing = $page('/response-playbooks/RP_0001_phishing_email/', pages);
    assert.deepEqual(phishing('#summary').closest('section').find('table.kv th').map((_, cell) => phishing(cell).text()).get(), [...PLAYBOOK_ROWS, 'Preparation', 'Identification', 'Containment', 'Eradication', 'Recovery', 'Lessons Learned']);
    const steps = phishing('.runbook-step').length;
    assert.equal(steps, react.response.playbookLinks.get(react.response.playbooks[0]!)!.stages.reduce((total, stage) => total + stage.actions.length, 0));
    assert.match(phishing('#linked-playbooks').closest('section').text(), /RP_0002_generic_post_exploitation \(not in the knowledge base\)/);
  });
});
