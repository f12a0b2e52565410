// The search records and the names index built from the sample knowledge base, without a browser
// (tests/site/search-browser.test.ts runs them through the search page).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { buildKnowledgeBase } from '../../src/build.ts';
import { loadConfig } from '../../src/load/load-config.ts';
import { siteModel, siteSearchRecords } from '../../src/render/html/site-pages.ts';
import { normalizedWords, searchNames, searchNamesFile } from '../../src/render/html/search-names.ts';
import { PROJECT } from '../site/browser.ts';

const sample = buildKnowledgeBase(loadConfig({ configFile: path.join(PROJECT, 'atc.config.yml') }).config, { convert: false });
const records = siteSearchRecords(siteModel(sample));
const names = searchNames(records);
const entry = (url: string) => names.entries.find((row) => row[1] === url);

test('normalizedWords: lower case, split at anything but a letter or digit', () => {
  assert.deepEqual(normalizedWords('DN_0003_1_windows_Sysmon'), ['dn', '0003', '1', 'windows', 'sysmon']);
  assert.deepEqual(normalizedWords('T1059.001: Command and Scripting Interpreter'), ['t1059', '001', 'command', 'and', 'scripting', 'interpreter']);
  assert.deepEqual(normalizedWords(' -- '), []);
});

test('every entity but the rules is in the names index once, with its id and names as words', () => {
  assert.equal(names.entries.length, records.filter((record) => record.kind !== 'Rule').length);
  assert.equal(new Set(names.entries.map((row) => row[1])).size, names.entries.length);
  assert.ok(!names.entries.some((row) => names.kinds[row[0]] === 'Rule'));
  const sysmon = entry('/data-needed/DN_0003_1_windows_sysmon_process_creation/');
  assert.ok(sysmon);
  assert.equal(names.kinds[sysmon[0]], 'Data Needed');
  assert.equal(sysmon[3], 'dn 0003');
  assert.ok(sysmon[4].includes('1') && sysmon[4].includes('microsoft windows sysmon operational'), sysmon[4].join('|'));
  assert.deepEqual(sysmon[6], { logSource: 'Microsoft-Windows-Sysmon/Operational, event 1' });
  const subTechnique = names.entries.find((row) => names.kinds[row[0]] === 'Technique' && row[3] === 't1003 001');
  assert.ok(subTechnique, 'T1003.001 is indexed');
  assert.equal(subTechnique[1], '/techniques/T1003/#T1003.001');
  assert.deepEqual(subTechnique[4], ['lsass memory']);
  const mimikatz = names.entries.find((row) => row[1] === '/software/S0002/');
  assert.ok(mimikatz?.[4].includes('mimikatz'));
});

test('the names index lists techniques first, then the knowledge base, triggers, the response side, profiles and use cases, and the entity with fewer title words first within a kind', () => {
  const order = ['Technique', 'Tactic', 'Group', 'Software', 'Data Needed', 'Logging Policy', 'Enrichment', 'Trigger', 'Response Playbook', 'Response Action', 'Response Stage', 'Profile', 'Use case'];
  const ranks = names.entries.map((row) => order.indexOf(names.kinds[row[0]]!));
  assert.ok(!ranks.includes(-1));
  assert.deepEqual(ranks, [...ranks].sort((a, b) => a - b));
  assert.ok(ranks.includes(order.indexOf('Profile')) && ranks.includes(order.indexOf('Use case')), 'the sample has profiles and a use case');
  assert.ok(ranks.includes(order.indexOf('Response Playbook')) && ranks.includes(order.indexOf('Response Action')), 'the sample has a playbook and actions');
  const dataNeeded = names.entries.filter((row) => names.kinds[row[0]] === 'Data Needed').map((row) => normalizedWords(row[2]).length);
  assert.deepEqual(dataNeeded, [...dataNeeded].sort((a, b) => a - b));
});

test('camelCase words are also indexed in their parts, and only words the title and names lack are listed as extra', () => {
  const camel = searchNames([{ url: '/data-needed/DN_0012_8_CreateRemoteThread/', title: 'DN_0012_8_CreateRemoteThread', kind: 'Data Needed', content: '', filters: {}, card: {}, id: 'DN_0012', names: ['8'] }]);
  assert.deepEqual(camel.entries[0], [camel.kinds.indexOf('Data Needed'), '/data-needed/DN_0012_8_CreateRemoteThread/', 'DN_0012_8_CreateRemoteThread', 'dn 0012', ['8'], 'create remote thread']);
});

test('rule records carry their Sigma id in the indexed text, and the facts of their card', () => {
  const ruleRecords = records.filter((record) => record.kind === 'Rule');
  assert.equal(ruleRecords.length, sample.kb.rules.length);
  for (const [index, rule] of sample.kb.rules.entries()) {
    const record = ruleRecords[index]!;
    assert.equal(record.title, rule.title);
    if (rule.id) assert.ok(record.content.includes(rule.id) && record.id === rule.id, rule.title);
    assert.equal(record.card.level, rule.level);
    assert.deepEqual(record.card.techniques, sample.kb.ruleLinks.get(rule)!.techniques.map((technique) => technique.id));
  }
  const comsvcs = records.find((record) => record.id === 'c13720be-cded-4ca2-aa87-6f0ee89f04f8');
  assert.equal(comsvcs?.card.logSource, 'windows / process_creation');
});

test('the names file is JSON of the same index, the same from build to build', () => {
  assert.deepEqual(JSON.parse(searchNamesFile(records)), names);
  assert.equal(searchNamesFile(siteSearchRecords(siteModel(sample))), searchNamesFile(records));
});
