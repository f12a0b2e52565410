// ATT&CK knowledge on our pages (technique pages, group and software pages, their layers), built with the
// real loaders, linker and renderers from a hand-made ATT&CK catalog, so every number is known here.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import * as cheerio from 'cheerio';
import { Ajv } from 'ajv';
import { AttackCatalog, type AttackActor, type AttackSnapshot, type AttackTechnique } from '../../src/attack/attack-catalog.ts';
import { DEFAULT_CONFIG } from '../../src/config.ts';
import { actorLayer } from '../../src/export/actor-layers.ts';
import { renderExports } from '../../src/export/render-exports.ts';
import { SiteUrls } from '../../src/present/site-urls.ts';
import type { KnowledgeBase } from '../../src/link/knowledge-base.ts';
import { linkKnowledgeBase } from '../../src/link/link-knowledge-base.ts';
import { loadDetectionRules } from '../../src/load/load-detection-rules.ts';
import { loadTriggers } from '../../src/load/load-triggers.ts';
import { pageActors } from '../../src/present/attack-actors.ts';
import { renderActorPage, renderGroupList } from '../../src/render/html/actor-pages.ts';
import { renderAttackDescription, renderTechniqueKnowledge } from '../../src/render/html/attack-knowledge.ts';
import { renderDownloadsPage } from '../../src/render/html/downloads-page.ts';
import { renderSitePages, siteModel } from '../../src/render/html/site-pages.ts';
import type { SiteContext } from '../../src/render/html/site-context.ts';
import { writeTempTree } from '../helpers/temp-files.ts';
import { listedFile } from '../../src/present/output-file.ts';

const technique = (id: string, name: string, extra: Partial<AttackTechnique> = {}): AttackTechnique => ({
  id,
  name,
  tactics: ['credential-access'],
  parent: id.includes('.') ? id.split('.')[0]! : null,
  deprecated: false,
  revoked: false,
  revokedBy: null,
  ...extra,
});

const actor = (kind: AttackActor['kind'], id: string, name: string, techniques: string[], extra: Partial<AttackActor> = {}): AttackActor => ({ kind, id, name, aliases: [], techniques, ...extra });

const HOSTILE = 'Uses <script>alert(1)</script> and {{ constructor.constructor("alert(2)")() }} and [click](javascript:alert(3)) (Citation: Evil)';

const SNAPSHOT: AttackSnapshot = {
  attackVersion: '99.1',
  domain: 'enterprise-attack',
  tactics: [
    { id: 'TA0006', name: 'Credential Access', shortname: 'credential-access' },
    { id: 'TA0002', name: 'Execution', shortname: 'execution' },
  ],
  techniques: [
    technique('T1003', 'OS Credential Dumping', {
      platforms: ['Windows', 'Linux'],
      description:
        'Adversaries dump credentials.(Citation: Mimikatz Docs) [APT29](https://attack.mitre.org/groups/G0016) did it(Citation: Vendor Report)(Citation: Mimikatz Docs), and so did [Someone](https://attack.mitre.org/groups/G9999) (Citation: Nobody Knows).',
      citations: [
        { name: 'Vendor Report', description: 'Vendor. (2020). A report.', url: 'https://vendor.example/report' },
        { name: 'Mimikatz Docs', description: 'Delpy, B. Mimikatz.', url: 'javascript:alert(4)' },
        { name: 'Evil', description: '<img src=x onerror=alert(5)>', url: 'https://evil.example/' },
      ],
      detectionStrategies: ['DET0001', 'DET0999'],
      mitigations: ['M1043'],
    }),
    technique('T1003.001', 'LSASS Memory', { description: HOSTILE, citations: [{ name: 'Evil', description: '<b>evil</b>', url: 'https://evil.example/' }], platforms: ['Windows'] }),
    technique('T1003.002', 'Security Account Manager'),
    technique('T1059', 'Command and Scripting Interpreter', { tactics: ['execution'] }),
    technique('T1059.001', 'PowerShell', { tactics: ['execution'] }),
    technique('T1555', 'Credentials from Password Stores'),
  ],
  groups: [
    actor('group', 'G0016', 'APT29', ['T1003', 'T1003.001', 'T1059.001', 'T1555'], {
      aliases: ['Cozy Bear'],
      description: 'A group.(Citation: Gov) It uses [Mimikatz](https://attack.mitre.org/software/S0002).',
      citations: [{ name: 'Gov', description: 'Government. (2021).', url: 'https://gov.example/' }],
      software: ['S0002'],
    }),
    actor('group', 'G0007', 'APT28', ['T1555']),
    actor('group', '../../etc', 'Path Traversal', ['T1003']),
  ],
  software: [actor('software', 'S0002', 'Mimikatz', ['T1003.001', 'T1003.002'], { softwareType: 'tool' })],
  campaigns: [actor('campaign', 'C0024', 'SolarWinds Compromise', ['T1003'])],
  mitigations: [{ id: 'M1043', name: 'Credential Access Protection' }],
  detectionStrategies: [{ id: 'DET0001', name: 'LSASS access', dataComponents: ['Process Access'], platforms: ['Windows'] }],
};

const rule = (id: string, title: string, tags: string[]): string =>
  [`title: ${title}`, `id: ${id}`, 'status: test', 'level: high', `tags: [${tags.join(', ')}]`, 'logsource: {category: process_creation, product: windows}', 'detection:', '  selection: {Image|endswith: x.exe}', '  condition: selection'].join('\n');

function knowledgeBase(t: { after: (fn: () => void) => void }): { kb: KnowledgeBase; context: SiteContext } {
  const root = writeTempTree(t, {
    'rules/a.yml': rule('11111111-1111-4111-8111-111111111111', 'Dump LSASS', ['attack.credential-access', 'attack.t1003.001', 'attack.g0016', 'attack.s0002']),
    'rules/b.yml': rule('22222222-2222-4222-8222-222222222222', 'Dump LSASS again', ['attack.t1003.001', 'attack.g9999']),
    'rules/c.yml': rule('33333333-3333-4333-8333-333333333333', 'PowerShell', ['attack.t1059.001']),
    'triggers/T1555/T1555.yaml': [
      'attack_technique: T1555',
      "display_name: 'Credentials from Password Stores'",
      'atomic_tests:',
      '- name: Read the store',
      '  auto_generated_guid: 3e557ce7-7894-4635-8042-a882cb65863f',
      '  description: reads it',
      '  supported_platforms: [windows]',
      '  executor: {command: "type store", name: command_prompt}',
    ].join('\n'),
  });
  const rules = loadDetectionRules([path.join(root, 'rules')], root);
  const triggers = loadTriggers([path.join(root, 'triggers')], root);
  assert.deepEqual([...rules.issues, ...triggers.issues], []);
  const { kb } = linkKnowledgeBase({ attack: new AttackCatalog(SNAPSHOT), rules: rules.items, dataNeeded: [], loggingPolicies: [], enrichments: [], triggers: triggers.items });
  return { kb, context: siteModel({ kb, queries: new Map(), config: DEFAULT_CONFIG }).context };
}

describe('ATT&CK descriptions and citations', () => {
  test('markers become numbered references in order of first use; a repeated citation keeps its number; an unknown one stays text', (t) => {
    const { kb, context } = knowledgeBase(t);
    const t1003 = kb.attack.technique('T1003')!;
    const { body, references } = renderAttackDescription(t1003.description!, t1003.citations!, 'T1003', context);
    const $ = cheerio.load(`${body.value}${references.value}`);
    assert.deepEqual($('sup.citation a').map((_, element) => `${$(element).text()}→${$(element).attr('href')}`).get(), ['[1]→#ref-T1003-1', '[2]→#ref-T1003-2', '[1]→#ref-T1003-1']);
    assert.match($('p').text(), /\(Citation: Nobody Knows\)/);
    assert.deepEqual($('ol.references li').map((_, element) => $(element).attr('id')).get(), ['ref-T1003-1', 'ref-T1003-2']);
    // The first cited is Mimikatz Docs, whose URL is not a web URL: text only, no link.
    assert.equal($('#ref-T1003-1').text(), 'Delpy, B. Mimikatz.');
    assert.equal($('#ref-T1003-1 a').length, 0);
    assert.equal($('#ref-T1003-2 a').attr('href'), 'https://vendor.example/report');
    // Uncited references are not listed; the one cited only by an unknown marker neither.
    assert.equal($('ol.references').text().includes('evil'), false);
  });

  test('ATT&CK links to a group or software with a page here lead here; others stay on attack.mitre.org', (t) => {
    const { kb, context } = knowledgeBase(t);
    const t1003 = kb.attack.technique('T1003')!;
    const $ = cheerio.load(renderAttackDescription(t1003.description!, t1003.citations!, 'T1003', context).body.value);
    assert.equal($('a:contains("APT29")').attr('href'), '/groups/G0016/');
    // G9999 is only a rule tag (provisional): it has a page too.
    assert.equal($('a:contains("Someone")').attr('href'), '/groups/G9999/');
    const apt29 = kb.attack.actor('G0016')!;
    const group = cheerio.load(renderAttackDescription(apt29.description!, apt29.citations!, 'G0016', context).body.value);
    assert.equal(group('a:contains("Mimikatz")').attr('href'), '/software/S0002/');
  });

  test('a hostile description stays inert: no element, no javascript: link, {{ }} as text', (t) => {
    const { kb, context } = knowledgeBase(t);
    const sub = kb.attack.technique('T1003.001')!;
    const rendered = renderTechniqueKnowledge(sub, context, 'compact').value;
    const $ = cheerio.load(rendered);
    assert.equal($('script, img, iframe, b').length, 0, rendered);
    assert.equal($('a[href^="javascript"]').length, 0);
    assert.match($('.attack-description').text(), /<script>alert\(1\)<\/script>/);
    assert.match($('.attack-description').text(), /\{\{ constructor/);
    // The citation's own description is text, its web URL a link.
    assert.equal($('ol.references li').text().startsWith('<b>evil</b>'), true);
    assert.equal($('ol.references a').attr('href'), 'https://evil.example/');
  });
});

describe('technique pages with ATT&CK knowledge', () => {
  test('the page form lists detection strategies, mitigations and users, each linked to ATT&CK, groups and software also here', (t) => {
    const { kb, context } = knowledgeBase(t);
    const $ = cheerio.load(renderTechniqueKnowledge(kb.attack.technique('T1003')!, context, 'page').value);
    assert.deepEqual($('section[aria-labelledby="attack-detection-strategies"] a.external').map((_, element) => $(element).attr('href')).get(), [
      'https://attack.mitre.org/detectionstrategies/DET0001',
      'https://attack.mitre.org/detectionstrategies/DET0999',
    ]);
    assert.match($('section[aria-labelledby="attack-detection-strategies"]').text(), /DET0001: LSASS access \(data components: Process Access\)/);
    assert.equal($('section[aria-labelledby="attack-mitigations"] a.external').attr('href'), 'https://attack.mitre.org/mitigations/M1043');
    const usedBy = $('section[aria-labelledby="attack-used-by"]');
    assert.deepEqual(usedBy.find('dd a').map((_, element) => $(element).attr('href')).get(), [
      '/groups/G0016/',
      'https://attack.mitre.org/groups/G0016',
      'https://attack.mitre.org/groups/..%2F..%2FETC',
      'https://attack.mitre.org/campaigns/C0024',
    ]);
    // An id that is no ATT&CK id gets no page (it would be a path), only its text.
    assert.match(usedBy.text(), /Path Traversal/);
  });

  test('a provisional technique has no ATT&CK knowledge', (t) => {
    const { context } = knowledgeBase(t);
    const provisional = technique('T1999', 'Made up', { description: 'text', origin: { origin: 'provisional', reason: 'only a tag names it' } });
    assert.equal(renderTechniqueKnowledge(provisional, context, 'page').value, '');
  });
});

describe('group and software pages', () => {
  test('a group page: its techniques with this knowledge base\'s coverage, the share, a matrix, its rules, software and layer', (t) => {
    const { kb, context } = knowledgeBase(t);
    const page = renderActorPage(pageActors(kb).get('G0016')!, context);
    assert.equal(page.url, '/groups/G0016/');
    const $ = cheerio.load(page.body.value);
    // T1003 (covered through T1003.001), T1003.001 (2 rules), T1059.001 (1 rule), T1555 (tests, no rule: a gap).
    assert.equal($('.page-head .badge.tag').text(), '3 of 4 techniques have a rule (75 %)');
    const rows = $('table.grid tbody tr')
      .map((_, row) => $(row).find('th, td').map((__, cell) => $(cell).text().trim()).get().join(' | '))
      .get();
    assert.deepEqual(rows, [
      'T1003: OS Credential Dumping | 2 | 0 | 0 | covered (by sub-techniques)',
      'T1003.001: LSASS Memory | 2 | 0 | 0 | covered',
      'T1059.001: PowerShell | 1 | 0 | 0 | covered',
      'T1555: Credentials from Password Stores | 0 | 1 | 0 | gap',
    ]);
    // The matrix: one column per tactic it has techniques in, cells coloured by rule count, the gap marked.
    assert.deepEqual($('.actor-matrix .matrix-column h3').map((_, element) => $(element).text()).get(), ['Credential Access', 'Execution']);
    assert.equal($('.actor-matrix a.cell').length, 4);
    assert.equal($('.actor-matrix a.cell.gap').attr('href'), '/techniques/T1555/');
    assert.deepEqual($('section[aria-labelledby="rules"] ul a').map((_, element) => $(element).text()).get(), ['Dump LSASS']);
    assert.equal($('section[aria-labelledby="software"] ul a').first().attr('href'), '/software/S0002/');
    assert.equal($('a[href="/layers/groups/G0016.json"]').length, 1);
    assert.match($('.attack-description').text(), /A group\.\[1\]/);
  });

  test('a provisional group named only by a tag has a page that says so', (t) => {
    const { kb, context } = knowledgeBase(t);
    const provisional = kb.ruleLinks.get(kb.rules.find((entry) => entry.title === 'Dump LSASS again')!)!.groups[0]!;
    assert.equal(provisional.id, 'G9999');
    const $ = cheerio.load(renderActorPage(pageActors(kb).get(provisional.id)!, context).body.value);
    assert.match($('.banner').text(), /Provisional/);
    assert.match($('section[aria-labelledby="coverage"]').text(), /lists no technique/);
  });

  test('the group list is sorted by share covered, then name, and only ATT&CK-shaped ids get pages', (t) => {
    const { context } = knowledgeBase(t);
    const $ = cheerio.load(renderGroupList(context).body.value);
    assert.deepEqual($('tbody th a').map((_, element) => $(element).text()).get(), ['G0016: APT29', 'G0007: APT28', 'G9999: G9999']);
    const site = renderSitePages({ kb: context.kb, queries: new Map(), config: DEFAULT_CONFIG });
    const urls = site.pages.map((page) => page.url).filter((url) => /^\/(groups|software)\//.test(url));
    assert.deepEqual(urls, ['/groups/', '/software/', '/groups/G0007/', '/groups/G0016/', '/groups/G9999/', '/software/S0002/']);
    const search = site.search.filter((record) => record.kind === 'Group' || record.kind === 'Software').map((record) => `${record.kind} ${record.url} ${record.content.replace(/\n/g, ' ')}`);
    assert.deepEqual(search, ['Group /groups/G0007/ G0007 APT28', 'Group /groups/G0016/ G0016 APT29 Cozy Bear', 'Group /groups/G9999/ G9999 G9999', 'Software /software/S0002/ S0002 Mimikatz']);
  });
});

describe('Navigator layers per group and software', () => {
  const schema = JSON.parse(readFileSync(path.join(import.meta.dirname, '../export/navigator-layer.schema.json'), 'utf8'));
  const validate = new Ajv({ allErrors: true, strict: true }).compile(schema);

  test('every technique of the actor, scored by its rules; one without a rule at 0 with a comment saying why', (t) => {
    const { kb } = knowledgeBase(t);
    const layer = actorLayer(kb, kb.attack.actor('G0016')!, SiteUrls.published(kb, { baseUrl: 'https://kb.example.org/', pathPrefix: '/' }), 'KB');
    assert.ok(validate(layer), JSON.stringify(validate.errors));
    assert.deepEqual(
      layer.techniques.map((entry) => `${entry.techniqueID}/${entry.tactic} ${entry.score} ${entry.comment}`),
      [
        'T1003/credential-access 0 no rule tagged with it; 2 with its sub-techniques',
        'T1003.001/credential-access 2 2 rules (high 2)',
        'T1059.001/execution 1 1 rule (high 1)',
        'T1555/credential-access 0 no rule; a gap: 1 Atomic Red Team test',
      ],
    );
    assert.equal(layer.gradient.minValue, 0);
    assert.ok(layer.techniques.every((entry) => entry.metadata.length === 0 && entry.links === undefined), 'no per-rule lists');
  });

  test('the build writes one layer per group and software, each valid, and Downloads lists them in one line per folder', (t) => {
    const { kb, context } = knowledgeBase(t);
    const { files } = renderExports(kb, new Map(), DEFAULT_CONFIG);
    const layers = files.filter((file) => /^layers\/(groups|software)\//.test(file.path));
    assert.deepEqual(layers.map((file) => file.path), ['layers/groups/G0007.json', 'layers/groups/G0016.json', 'layers/groups/G9999.json', 'layers/software/S0002.json']);
    for (const file of layers) assert.ok(validate(JSON.parse(file.content)), `${file.path}: ${JSON.stringify(validate.errors)}`);
    const $ = cheerio.load(renderDownloadsPage(files.map(listedFile), context).body.value);
    const rows = $('section[aria-labelledby="navigator-layers"] tbody tr').map((_, row) => $(row).text()).get();
    assert.ok(rows.some((row) => row.startsWith('layers/groups/<id>.json') && row.includes('3 files')), rows.join('\n'));
    assert.ok(rows.some((row) => row.startsWith('layers/software/<id>.json') && row.includes('1 file')), rows.join('\n'));
    assert.equal($('#other-files').length, 0);
  });
});
