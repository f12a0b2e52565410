import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { formatQuerySectionSpec } from '../../src/config.ts';
import { API_FORMAT_VERSION } from '../../src/export/api-json.ts';
import { hasResponseContent } from '../../src/present/response-view.ts';
import { renderSitePages } from '../../src/render/html/site-pages.ts';
import { skipUnlessExists } from '../helpers/knowledge-base.ts';
import { writeTempTree } from '../helpers/temp-files.ts';
import { buildExports, CORPUS_FOLDERS, corpusConfig, filesUnder, NASTY_KB, nastyConfig, sampleConfig, type BuiltExports } from './export-helpers.ts';

interface LinkReport {
  readonly documents: number;
  readonly links: number;
  readonly urls: Set<string>;
  readonly broken: string[];
}

/**
 * Every object with an `api` member is a link: its api/ document must exist, hold an entity whose `key`
 * and `title` are the link's, and have the link's `url`; and every `url` of a link must be the `url` of
 * some document (so site URLs are consistent). Keys must be sorted at every level.
 */
function checkLinks(files: ReadonlyMap<string, string>): LinkReport {
  const documents = new Map<string, Record<string, unknown>>();
  for (const [file, content] of filesUnder(files, 'api/')) documents.set(file, JSON.parse(content));
  const entityUrls = new Set<string>();
  for (const [file, document] of documents) if (!/^api\/[a-z-]+\.json$/.test(file)) entityUrls.add(document.url as string);
  const broken: string[] = [];
  const urls = new Set<string>();
  let links = 0;
  const visit = (value: unknown, where: string): void => {
    if (Array.isArray(value)) return value.forEach((item, index) => visit(item, `${where}[${index}]`));
    if (value === null || typeof value !== 'object') return;
    const record = value as Record<string, unknown>;
    const keys = Object.keys(record);
    if (keys.join('\u0000') !== [...keys].sort().join('\u0000')) broken.push(`${where}: keys not sorted`);
    if (typeof record.api === 'string' && where.includes('.')) {
      links += 1;
      const target = documents.get(record.api);
      if (!target) broken.push(`${where}: ${record.api} does not exist`);
      else {
        if (target.key !== record.key) broken.push(`${where}: key ${String(record.key)} but ${record.api} has ${String(target.key)}`);
        if (target.title !== record.title) broken.push(`${where}: title ${String(record.title)} but ${record.api} has ${String(target.title)}`);
        if (target.url !== record.url) broken.push(`${where}: url ${String(record.url)} but ${record.api} has ${String(target.url)}`);
      }
    }
    if (typeof record.url === 'string' && where.includes('.') && record.key !== undefined) {
      urls.add(record.url);
      if (!entityUrls.has(record.url)) broken.push(`${where}: url ${record.url} is no entity's url`);
    }
    for (const [key, item] of Object.entries(record)) visit(item, `${where}.${key}`);
  };
  for (const [file, document] of documents) visit(document, file);
  return { documents: documents.size, links, urls, broken };
}

function assertEntityFiles(built: BuiltExports): void {
  const { build, files } = built;
  const kb = build.kb;
  const count = (folder: string): number => filesUnder(files, `api/${folder}/`).length;
  assert.equal(count('rules'), kb.rules.length);
  assert.equal(count('data-needed'), kb.dataNeeded.length);
  assert.equal(count('logging-policies'), kb.loggingPolicies.length);
  assert.equal(count('enrichments'), kb.enrichments.length);
  assert.equal(count('triggers'), kb.triggers.length);
  const response = hasResponseContent(kb);
  assert.equal(count('response-actions'), kb.response.actions.length);
  assert.equal(count('response-playbooks'), kb.response.playbooks.length);
  assert.equal(count('response-stages'), response ? kb.response.stages.length : 0, 'stages only beside actions or playbooks');
  for (const [bulk, key, folder] of [
    ['api/rules.json', 'rules', 'rules'],
    ['api/data-needed.json', 'data_needed', 'data-needed'],
    ['api/techniques.json', 'techniques', 'techniques'],
    ['api/triggers.json', 'triggers', 'triggers'],
    ...(response
      ? ([
          ['api/response-actions.json', 'response_actions', 'response-actions'],
          ['api/response-playbooks.json', 'response_playbooks', 'response-playbooks'],
          ['api/response-stages.json', 'response_stages', 'response-stages'],
        ] as const)
      : []),
  ] as const) {
    const document = JSON.parse(files.get(bulk)!);
    assert.equal(document.format_version, API_FORMAT_VERSION);
    assert.equal(document.attack_version, kb.attack.version);
    assert.equal(document[key].length, count(folder), `${bulk} lists every ${folder} document`);
    assert.equal(document.count, document[key].length);
    for (const item of document[key]) assert.ok(files.has(item.api), `${bulk}: ${item.api}`);
  }
}

describe('api/ JSON', () => {
  test('the sample knowledge base: one document per entity, bulk files, every link resolves to an entity', () => {
    const built = buildExports(sampleConfig({ baseUrl: 'https://kb.example.org', pathPrefix: '/kb/' }));
    assertEntityFiles(built);
    const report = checkLinks(built.files);
    assert.deepEqual(report.broken, []);
    assert.ok(report.links > 300, `${report.links} links checked`);
    const kb = built.build.kb;
    const rule = kb.rules.find((candidate) => candidate.id && kb.ruleLinks.get(candidate)!.dataNeeded.length > 0 && kb.ruleLinks.get(candidate)!.triggers.length > 0)!;
    const document = JSON.parse(built.files.get(`api/rules/${rule.id!.toLowerCase()}.json`)!);
    assert.equal(document.url, `https://kb.example.org/kb/rules/${rule.id!.toLowerCase()}/`);
    assert.equal(document.id, rule.id);
    assert.equal(document.file, rule.relativePath);
    assert.ok(built.files.has(document.markdown), 'the markdown page it names exists');
    assert.deepEqual(document.data_needed.map((link: { title: string }) => link.title), kb.ruleLinks.get(rule)!.dataNeeded.map((match) => match.dataNeeded.title));
    assert.ok(document.data_needed[0].reasons.length > 0);
    assert.deepEqual(document.conversions.map((conversion: { target: string }) => conversion.target), built.build.config.querySections.map(formatQuerySectionSpec), 'one per configured query section, in order');
    assert.ok(document.conversions.every((conversion: { ok: boolean; queries?: string[]; reason?: string }) => (conversion.ok ? conversion.queries!.length > 0 : !!conversion.reason)));
    const bulk = JSON.parse(built.files.get('api/rules.json')!);
    assert.ok(bulk.rules.every((item: { conversions: Array<{ queries?: unknown }> }) => item.conversions.every((conversion) => conversion.queries === undefined)), 'bulk rules carry the conversion status, not the queries');
    const technique = JSON.parse(built.files.get('api/techniques/T1003.001.json')!);
    assert.equal(technique.url, 'https://kb.example.org/kb/techniques/T1003/#T1003.001');
    assert.deepEqual(technique.rules.map((link: { title: string }) => link.title).sort(), kb.rulesByTechnique.get('T1003.001')!.map((candidate) => candidate.title).sort());
    assert.equal(technique.trigger.api, 'api/triggers/T1003.001.json');
  });

  test('the sample response side: a playbook document links its stages, actions, techniques, template and the rules it answers', () => {
    const built = buildExports(sampleConfig({ baseUrl: 'https://kb.example.org', pathPrefix: '/kb/' }), { convert: false });
    const kb = built.build.kb;
    const playbook = kb.response.playbooks[0]!;
    const document = JSON.parse(built.files.get(`api/response-playbooks/${kb.addresses.pageName(playbook)}.json`)!);
    assert.equal(document.kind, 'response-playbook');
    assert.equal(document.url, `https://kb.example.org/kb/response-playbooks/${kb.addresses.pageName(playbook)}/`);
    assert.deepEqual(
      document.stages.map((list: { stage: { id: string }; actions: Array<{ title: string }> }) => [list.stage.id, list.actions.map((action) => action.title)]),
      playbook.stages.map((list) => [kb.response.stages.find((stage) => stage.key === list.stage.title)!.id, list.actions.map((action) => action.title)]),
      'the file lists its stages in stage order already',
    );
    assert.deepEqual(document.techniques.map((technique: { id: string }) => technique.id), ['T1003']);
    assert.ok(built.files.has(document.thehive), `${document.thehive} is written`);
    const answered = kb.rules.filter((rule) => kb.ruleLinks.get(rule)!.techniques.some((technique) => technique.id.startsWith('T1003')));
    assert.ok(answered.length > 0);
    assert.deepEqual(document.rules.map((rule: { title: string }) => rule.title).sort(), answered.map((rule) => rule.title).sort(), 'the rules of T1003 and its sub-techniques');
    const rule = JSON.parse(built.files.get(document.rules[0].api)!);
    assert.deepEqual(rule.playbooks.map((link: { key: string }) => link.key), [document.key], 'and each of them links back');
    const action = JSON.parse(built.files.get(document.stages[0].actions[0].api)!);
    assert.equal(action.stage.id, document.stages[0].stage.id);
    assert.deepEqual(action.playbooks.map((link: { key: string }) => link.key), [document.key]);
    const stage = JSON.parse(built.files.get(action.stage.api)!);
    assert.ok(stage.actions.some((link: { key: string }) => link.key === action.key));
    for (const entity of [document, action, stage]) assert.ok(built.files.has(entity.markdown), `${entity.markdown}, the markdown page it names, exists`);
  });

  test('without a base URL, links are site-relative with the path prefix; hostile text stays data', (t) => {
    const root = writeTempTree(t, NASTY_KB);
    const built = buildExports(nastyConfig(root, { pathPrefix: '/docs/' }));
    assert.deepEqual(built.build.issues.filter((issue) => issue.severity === 'error'), []);
    assertEntityFiles(built);
    const report = checkLinks(built.files);
    assert.deepEqual(report.broken, []);
    for (const url of report.urls) assert.match(url, /^\/docs\/(rules|data-needed|logging-policies|enrichments|triggers|techniques)\//);
    const formula = JSON.parse(built.files.get('api/rules/11111111-2222-4333-8444-555555555555.json')!);
    assert.equal(formula.title, '=HYPERLINK("http://evil.example/?a=1&b=2","<click>")', 'JSON keeps the title exactly');
    const noId = JSON.parse(built.files.get('api/rules/no_id__plus__comma.json')!);
    assert.equal(noId.id, undefined);
    assert.equal(noId.url, '/docs/rules/no_id__plus__comma/');
  });

  test('every site URL the exports write (api/, layers, feed) is a page of the HTML site, and its #fragment an id there', () => {
    const base = 'https://kb.example.org/kb/';
    const built = buildExports(sampleConfig({ baseUrl: 'https://kb.example.org', pathPrefix: '/kb/' }));
    const site = renderSitePages(built.build);
    const pages = new Map<string, string>(site.pages.map((page) => [page.url, String(page.render().body)]));
    for (const redirect of site.redirects) pages.set(redirect.url, '');
    const urls = new Set<string>();
    const collect = (value: unknown, key = ''): void => {
      if (Array.isArray(value)) value.forEach((item) => collect(item));
      else if (value !== null && typeof value === 'object') for (const [name, item] of Object.entries(value)) collect(item, name);
      else if (typeof value === 'string' && key === 'url' && value.startsWith(base)) urls.add(value);
    };
    for (const [file, content] of built.files) if (file.endsWith('.json')) collect(JSON.parse(content));
    for (const match of built.files.get('feed.xml')!.matchAll(/href="([^"]+)"/g)) if (match[1]!.startsWith(base) && !match[1]!.endsWith('feed.xml')) urls.add(match[1]!);
    assert.ok(urls.size > 100, `${urls.size} URLs`);
    const missing: string[] = [];
    for (const url of urls) {
      const [pathname, fragment] = `/${url.slice(base.length)}`.split('#') as [string, string | undefined];
      const body = pages.get(pathname);
      if (body === undefined) missing.push(`${url}: no page ${pathname}`);
      else if (fragment !== undefined && !body.includes(`id="${fragment}"`)) missing.push(`${url}: no id="${fragment}" on ${pathname}`);
    }
    assert.deepEqual(missing, []);
  });

  test('byte-identical from build to build', (t) => {
    const root = writeTempTree(t, NASTY_KB);
    const first = buildExports(nastyConfig(root));
    const second = buildExports(nastyConfig(root));
    for (const [file, content] of filesUnder(first.files, 'api/')) assert.equal(second.files.get(file), content, file);
  });

  test('the ../shared corpus: every link of every api/ document resolves', { skip: skipUnlessExists('the corpus api/ documents', ...CORPUS_FOLDERS) }, (t) => {
    const built = buildExports(corpusConfig(), { convert: false });
    assertEntityFiles(built);
    const report = checkLinks(built.files);
    assert.deepEqual(report.broken.slice(0, 20), [], `${report.broken.length} broken (first 20 shown)`);
    t.diagnostic(`${report.documents} documents, ${report.links} links`);
  });
});
