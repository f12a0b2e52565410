import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { KnowledgeBase } from '../../src/link/knowledge-base.ts';
import { LAYER_FORMAT_VERSION, navigatorLayer, type NavigatorLayer } from '../../src/export/navigator-layer.ts';
import { filteredTactics, parseRuleFilter, selectRules, type RuleFilter } from '../../src/export/rule-filter.ts';
import { SiteUrls } from '../../src/present/site-urls.ts';
import { PROJECT_ROOT, skipUnlessExists } from '../helpers/knowledge-base.ts';
import { makeTempFolder } from '../helpers/temp-files.ts';
import { assertValidLayer, validateLayerSchema as validate } from './layer-schema.ts';
import { buildExports, CORPUS_FOLDERS, corpusConfig, filesUnder, sampleConfig } from './export-helpers.ts';

/** Distinct techniques tagged by rules that the snapshot knows and has not revoked. */
function knownTaggedTechniques(kb: KnowledgeBase): Set<string> {
  const ids = new Set<string>();
  for (const rule of kb.rules) {
    for (const tag of rule.tags) {
      const found = kb.attack.classifyAttackTag(tag);
      if (found.kind === 'technique' || found.kind === 'deprecated-technique') ids.add(found.technique.id);
      // A revoked tag counts where ATT&CK moved it.
      if (found.kind === 'revoked-technique' && found.replacement) ids.add(found.replacement.id);
    }
  }
  return ids;
}

/** The techniques of a layer's rule entries (not its gap entries, which score 0 with a "gap:" comment). */
function ruleEntryTechniques(layer: { techniques: ReadonlyArray<{ techniqueID: string; comment: string }> }): Set<string> {
  return new Set(layer.techniques.filter((entry) => !entry.comment.startsWith('gap:')).map((entry) => entry.techniqueID));
}

function layerOf(kb: KnowledgeBase, filters: string[], baseUrl = ''): NavigatorLayer {
  const parsed = filters.map((text) => parseRuleFilter(text) as RuleFilter);
  const rules = selectRules(kb, parsed);
  assert.ok(Array.isArray(rules), String(rules));
  const tactics = filteredTactics(kb, parsed);
  return navigatorLayer(kb, rules, SiteUrls.published(kb, { baseUrl, pathPrefix: '/' }), { name: 'test', description: '', filter: filters.join(' '), ...(tactics && { tactics }) });
}

describe('ATT&CK Navigator layers', () => {
  const sample = buildExports(sampleConfig({ baseUrl: 'https://kb.example.org/docs/' }));
  const kb = sample.build.kb;

  test('every layer file validates against the layer format 4.5 schema', () => {
    const layers = filesUnder(sample.files, 'layers/');
    const actorLayers = layers.filter(([file]) => /^layers\/(groups|software)\//.test(file)).map(([file]) => file);
    assert.deepEqual(actorLayers, [...kb.attack.groups.map((group) => `layers/groups/${group.id}.json`), ...kb.attack.software.map((software) => `layers/software/${software.id}.json`)]);
    assert.deepEqual(
      layers.map(([file]) => file).filter((file) => !actorLayers.includes(file)).sort(),
      [
        'layers/all.json',
        ...[...new Set(kb.rules.flatMap((rule) => rule.logsources.map((logsource) => logsource.product?.toLowerCase())).filter(Boolean))].sort().map((product) => `layers/product-${product}.json`),
        ...[...new Set(kb.rules.map((rule) => rule.level).filter(Boolean))].sort().map((level) => `layers/level-${level}.json`),
        ...sample.build.profiles.map((coverage) => `layers/profiles/${coverage.key}.json`),
      ].sort(),
    );
    assert.ok(sample.build.profiles.length >= 2, 'the sample has coverage profiles, whose layers are validated too');
    for (const [file, content] of layers) assertValidLayer(JSON.parse(content), file);
  });

  test('the schema rejects what the format forbids', () => {
    const good: Record<string, any> = JSON.parse(sample.files.get('layers/all.json')!);
    assert.ok(validate(good));
    const broken = (change: (layer: Record<string, any>) => void): boolean => {
      const copy: Record<string, any> = structuredClone(good);
      change(copy);
      return validate(copy) as boolean;
    };
    assert.equal(broken((layer) => delete layer.domain), false, 'domain is required');
    assert.equal(broken((layer) => (layer.domain = 'mitre-enterprise')), false, 'the old domain name');
    assert.equal(broken((layer) => (layer.versions.layer = '4.4')), false, 'layer version');
    assert.equal(broken((layer) => (layer.versions.navigator = '4.8.2')), false, 'navigator before 4.9.0');
    assert.equal(broken((layer) => (layer.techniques[0].techniqueID = 't1003')), false, 'technique id form');
    assert.equal(broken((layer) => (layer.techniques[0].links = [{ label: 'x', url: '/rules/x/' }])), false, 'links need a protocol');
    assert.equal(broken((layer) => (layer.techniques[0].metadata = [{ name: 'x' }])), false, 'metadata needs a value');
    assert.equal(broken((layer) => (layer.techniques[0].metadata = [{ divider: true }])), true, 'dividers are allowed');
    assert.equal(broken((layer) => (layer.gradient.colors = ['#fff'])), false, 'two gradient colours at least');
    assert.equal(broken((layer) => (layer.legendItems = [{ label: 'x' }])), false, 'a legend item needs a colour');
    assert.equal(broken((layer) => (layer.techniqueId = 'T1003')), false, 'unknown properties (typos) fail');
  });

  test('the whole knowledge base: one entry per technique × kill-chain tactic, score = rules, metadata and links list the rules', () => {
    const layer = JSON.parse(sample.files.get('layers/all.json')!) as NavigatorLayer;
    assert.equal(layer.domain, 'enterprise-attack');
    assert.deepEqual(layer.versions, { attack: kb.attack.version.split('.')[0], layer: LAYER_FORMAT_VERSION, navigator: '5.2.0' });
    assert.ok(layer.metadata.some((item) => item.name === 'ATT&CK version' && item.value === kb.attack.version));
    const techniques = ruleEntryTechniques(layer);
    assert.deepEqual([...techniques].sort(), [...knownTaggedTechniques(kb)].sort(), 'technique count = distinct known (not revoked) techniques tagged by rules');
    const gaps = [...kb.coverage.gaps(), ...kb.coverage.subTechniqueGaps()].map((gap) => gap.technique.id);
    assert.deepEqual([...new Set(layer.techniques.filter((entry) => entry.comment.startsWith('gap:')).map((entry) => entry.techniqueID))].sort(), gaps.sort(), 'the gaps of kb.coverage, marked');
    for (const id of techniques) {
      const technique = kb.attack.technique(id)!;
      const entries = layer.techniques.filter((entry) => entry.techniqueID === id && !entry.comment.startsWith('gap:'));
      assert.deepEqual(entries.map((entry) => entry.tactic), [...technique.tactics], `${id}: one entry per kill-chain tactic, in matrix order`);
      const rules = kb.rulesByTechnique.get(id)!;
      for (const entry of entries) {
        assert.equal(entry.score, rules.length, `${id}: score`);
        assert.equal(entry.metadata.length, rules.length);
        assert.deepEqual(entry.links!.map((link) => link.label).sort(), rules.map((rule) => rule.title).sort());
        assert.ok(entry.links!.every((link) => link.url.startsWith('https://kb.example.org/docs/rules/')), 'absolute links to rule pages');
        assert.match(entry.comment, new RegExp(`^${rules.length} rules?`));
      }
    }
    // T1003.001 is tagged by several sample rules; its rule pages are /rules/<sigma id>/.
    const lsass = layer.techniques.find((entry) => entry.techniqueID === 'T1003.001')!;
    const lsassRules = kb.rulesByTechnique.get('T1003.001')!;
    assert.ok(lsassRules.length >= 2);
    assert.ok(lsass.links!.some((link) => link.url === `https://kb.example.org/docs/rules/${lsassRules[0]!.id!.toLowerCase()}/`));
    assert.equal(layer.gradient.maxValue, Math.max(2, ...layer.techniques.map((entry) => entry.score)));
    assert.equal(layer.legendItems[0]!.label, '1 rule');
  });

  test('without a base URL the layers carry no links (the format requires absolute URLs)', () => {
    const layer = layerOf(kb, []);
    assertValidLayer(layer, 'no base url');
    assert.ok(layer.techniques.every((entry) => entry.links === undefined));
    assert.equal(layer.links, undefined);
  });

  test('revoked technique tags are left out; a revoked tag does not count', () => {
    const revoked = kb.attack.techniques.find((technique) => technique.revoked)!;
    const layer = layerOf(kb, []);
    assert.ok(!layer.techniques.some((entry) => entry.techniqueID === revoked.id));
  });

  test('filters: level, product, tactic (its column only), technique, data-needed; several values of one key are alternatives', () => {
    const high = layerOf(kb, ['level=high']);
    assertValidLayer(high, 'level=high');
    const highRules = kb.rules.filter((rule) => rule.level === 'high');
    assert.equal(high.metadata.find((item) => item.name === 'rules')!.value, String(highRules.length));
    const both = layerOf(kb, ['level=high,critical']);
    assert.equal(both.metadata.find((item) => item.name === 'rules')!.value, String(kb.rules.filter((rule) => rule.level === 'high' || rule.level === 'critical').length));
    const windowsHigh = layerOf(kb, ['level=high', 'product=windows']);
    assert.equal(windowsHigh.metadata.find((item) => item.name === 'rules')!.value, String(highRules.filter((rule) => rule.logsources.some((logsource) => logsource.product === 'windows')).length));

    const credential = layerOf(kb, ['tactic=TA0006']);
    assertValidLayer(credential, 'tactic');
    assert.ok(credential.techniques.length > 0);
    assert.ok(credential.techniques.every((entry) => entry.tactic === 'credential-access'));
    assert.deepEqual(layerOf(kb, ['tactic=Credential Access']).techniques, credential.techniques, 'tactic by name');

    const t1003 = layerOf(kb, ['technique=T1003']);
    assert.ok(t1003.techniques.some((entry) => entry.techniqueID === 'T1003.001'), 'a technique filter includes its sub-techniques');

    const entry = kb.dataNeeded.find((candidate) => (kb.rulesByDataNeeded.get(candidate)?.length ?? 0) > 0)!;
    const byDataNeeded = selectRules(kb, [parseRuleFilter(`data-needed=${entry.title}`) as RuleFilter]);
    assert.deepEqual(byDataNeeded, kb.rulesByDataNeeded.get(entry));

    assert.match(String(selectRules(kb, [parseRuleFilter('tactic=nonsense') as RuleFilter])), /unknown tactic/);
    assert.match(String(parseRuleFilter('colour=red')), /unknown filter key/);
    assert.match(String(parseRuleFilter('level')), /not a filter/);
  });

  test('layers are byte-identical from build to build', () => {
    const again = buildExports(sampleConfig({ baseUrl: 'https://kb.example.org/docs/' }));
    for (const [file, content] of filesUnder(sample.files, 'layers/')) assert.equal(again.files.get(file), content, file);
  });

  test('atc layer --filter ... --out FILE writes one valid layer; bad filters exit 2', (t) => {
    const folder = makeTempFolder(t, 'atc-kb-layer-');
    const out = path.join(folder, 'sub', 'layer.json');
    const run = (args: string[]): ReturnType<typeof spawnSync> => spawnSync(process.execPath, [path.join(PROJECT_ROOT, 'bin/atc.js'), 'layer', ...args], { cwd: PROJECT_ROOT, encoding: 'utf8' });
    const written = run(['--filter', 'level=high', '--filter', 'target=es-qs', '--out', out]);
    assert.equal(written.status, 0, String(written.stderr));
    const layer = JSON.parse(readFileSync(out, 'utf8'));
    assertValidLayer(layer, 'atc layer');
    assert.match(layer.name, /level=high target=es-qs/);
    const printed = run(['--filter=product=windows']);
    assert.equal(printed.status, 0, String(printed.stderr));
    assertValidLayer(JSON.parse(String(printed.stdout)), 'atc layer to stdout');
    assert.equal(run(['--filter', 'colour=red']).status, 2);
    assert.equal(run(['--filter', 'tactic=nonsense']).status, 2);
    assert.equal(run(['--filter', 'target=no-such-target']).status, 2);
    assert.equal(run(['--filter']).status, 2);
  });

  test(
    'the whole ../shared corpus: the layer validates, and its technique count equals the distinct known techniques tagged by rules',
    { skip: skipUnlessExists('the corpus layer', ...CORPUS_FOLDERS) },
    (t) => {
      const corpus = buildExports(corpusConfig({ baseUrl: 'https://kb.example.org/' }), { convert: false });
      const layer = JSON.parse(corpus.files.get('layers/all.json')!);
      assertValidLayer(layer, 'corpus layers/all.json');
      const techniques = ruleEntryTechniques(layer);
      const known = knownTaggedTechniques(corpus.build.kb);
      assert.equal(techniques.size, known.size);
      assert.deepEqual([...techniques].sort(), [...known].sort());
      for (const [file, content] of filesUnder(corpus.files, 'layers/')) assertValidLayer(JSON.parse(content), file);
      t.diagnostic(`${techniques.size} techniques, ${layer.techniques.length} technique × tactic entries, ${filesUnder(corpus.files, 'layers/').length} layer files`);
    },
  );
});
