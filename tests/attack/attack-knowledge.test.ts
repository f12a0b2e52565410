import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { AttackCatalog, compareTechniqueIds, parseAttackSnapshot, type AttackActor, type AttackSnapshot } from '../../src/attack/attack-catalog.ts';
import { serializeSnapshot } from '../../src/attack/stix-snapshot.ts';

const SNAPSHOT_TEXT = readFileSync(new URL('../../src/attack/enterprise-attack.json', import.meta.url), 'utf8');
const catalog = AttackCatalog.fromJson(JSON.parse(SNAPSHOT_TEXT));

const sortedCopy = (items: readonly string[], compare?: (a: string, b: string) => number): string[] =>
  [...items].sort(compare ?? ((a, b) => (a < b ? -1 : a > b ? 1 : 0)));

test('committed snapshot: APT29 (G0016) with techniques the catalog knows', () => {
  const apt29 = catalog.actor('G0016');
  assert.equal(apt29?.kind, 'group');
  assert.equal(apt29?.name, 'APT29');
  assert.ok(apt29?.aliases.includes('Cozy Bear'), 'aliases carry the other names');
  assert.ok(!apt29?.aliases.includes('APT29'), 'aliases leave out the name itself');
  assert.ok((apt29?.techniques.length ?? 0) > 30, `${apt29?.techniques.length} techniques`);
  for (const id of apt29?.techniques ?? []) {
    const technique = catalog.technique(id);
    assert.ok(technique !== undefined && !technique.revoked && !technique.deprecated, `${id} is a live technique`);
  }
  assert.ok(apt29?.software?.includes('S0002'), 'APT29 uses Mimikatz');
  assert.match(apt29?.description ?? '', /^\[APT29\]\(https:\/\/attack\.mitre\.org\/groups\/G0016\)/);
});

test('committed snapshot: plausible numbers of groups, software and campaigns', () => {
  assert.ok(catalog.groups.length > 100, `${catalog.groups.length} groups`);
  assert.ok(catalog.software.length > 500, `${catalog.software.length} software`);
  assert.ok(catalog.campaigns.length > 20, `${catalog.campaigns.length} campaigns`);
  assert.ok(catalog.mitigations.length > 30, `${catalog.mitigations.length} mitigations`);
  assert.ok(catalog.detectionStrategies.length > 500, `${catalog.detectionStrategies.length} detection strategies`);
  assert.ok(catalog.software.some((s) => s.softwareType === 'tool') && catalog.software.some((s) => s.softwareType === 'malware'));
});

test('committed snapshot: every reference between entries resolves, and lists are sorted', () => {
  const checkIds = (ids: readonly string[], what: string, compare?: (a: string, b: string) => number): void =>
    assert.deepEqual(ids, [...new Set(sortedCopy(ids, compare))], `${what}: sorted, no repeats`);
  for (const [list, prefix] of [[catalog.groups, 'G'], [catalog.software, 'S'], [catalog.campaigns, 'C']] as const) {
    checkIds(list.map((a) => a.id), `${prefix} ids`);
    for (const actor of list) {
      assert.match(actor.id, new RegExp(`^${prefix}\\d{4}$`));
      checkIds(actor.techniques, `${actor.id} techniques`, compareTechniqueIds);
      for (const id of actor.techniques) {
        const technique = catalog.technique(id);
        assert.ok(technique !== undefined && !technique.revoked && !technique.deprecated, `${actor.id}: ${id} is a live technique`);
      }
      checkIds(actor.aliases, `${actor.id} aliases`);
      for (const id of actor.software ?? []) assert.equal(catalog.actor(id)?.kind, 'software', `${actor.id}: software ${id}`);
      for (const id of actor.groups ?? []) assert.equal(catalog.actor(id)?.kind, 'group', `${actor.id}: group ${id}`);
    }
  }
  for (const technique of catalog.techniques) {
    for (const id of technique.mitigations ?? []) assert.ok(catalog.mitigation(id), `${technique.id}: mitigation ${id}`);
    for (const id of technique.detectionStrategies ?? []) assert.ok(catalog.detectionStrategy(id), `${technique.id}: detection strategy ${id}`);
  }
  for (const strategy of catalog.detectionStrategies) {
    checkIds(strategy.dataComponents, `${strategy.id} data components`);
    checkIds(strategy.platforms, `${strategy.id} platforms`);
  }
});

test('committed snapshot: live techniques carry their knowledge, revoked ones only their successor', () => {
  const lsass = catalog.technique('T1003.001');
  assert.match(lsass?.description ?? '', /Local Security Authority Subsystem Service \(LSASS\)/);
  assert.ok(lsass?.mitigations?.includes('M1043'), 'Credential Access Protection mitigates LSASS Memory');
  assert.ok((lsass?.detectionStrategies?.length ?? 0) > 0);
  for (const technique of catalog.techniques) {
    if (technique.revoked) {
      assert.deepEqual([technique.description, technique.citations, technique.mitigations], [undefined, undefined, undefined], technique.id);
      continue;
    }
    assert.ok(technique.description !== undefined && technique.mitigations !== undefined && technique.detectionStrategies !== undefined, technique.id);
    // Only cited references are kept, and ATT&CK's own entry is not one of them.
    for (const citation of technique.citations ?? []) {
      assert.ok(technique.description.includes(`(Citation: ${citation.name})`), `${technique.id} cites ${citation.name}`);
      assert.notEqual(citation.name, 'mitre-attack');
    }
  }
  const cited = catalog.techniques.filter((t) => (t.citations?.length ?? 0) > 0).length;
  assert.ok(cited > 500, `${cited} techniques have citations`);
});

test('committed snapshot: parsing and serializing again gives the same bytes (no field is lost on the way)', () => {
  assert.equal(serializeSnapshot(parseAttackSnapshot(JSON.parse(SNAPSHOT_TEXT))), SNAPSHOT_TEXT);
});

test('usersOf agrees with the actors: each user of a technique lists it, and every listing is found', () => {
  let listings = 0;
  for (const actor of [...catalog.groups, ...catalog.software, ...catalog.campaigns]) {
    for (const id of actor.techniques) {
      listings++;
      const users = catalog.usersOf(id);
      const ofKind = actor.kind === 'group' ? users.groups : actor.kind === 'software' ? users.software : users.campaigns;
      assert.ok(ofKind.includes(actor), `${id} is used by ${actor.id}`);
    }
  }
  const found = catalog.techniques.reduce((sum, t) => {
    const users = catalog.usersOf(t.id);
    return sum + users.groups.length + users.software.length + users.campaigns.length;
  }, 0);
  assert.equal(found, listings);
  assert.ok(catalog.usersOf('T1059.001').groups.some((group) => group.id === 'G0016'), 'APT29 uses PowerShell');
});

const group = (id: string, techniques: string[], fields: Partial<AttackActor> = {}): AttackActor => ({ kind: 'group', id, name: `Group ${id}`, aliases: [], techniques, ...fields });

function knowledgeCatalog(): AttackCatalog {
  const snapshot: AttackSnapshot = {
    attackVersion: '1.0',
    domain: 'enterprise-attack',
    tactics: [{ id: 'TA0006', name: 'Credential Access', shortname: 'credential-access' }],
    techniques: [
      { id: 'T1003', name: 'OS Credential Dumping', tactics: ['credential-access'], parent: null, deprecated: false, revoked: false, revokedBy: null, mitigations: ['M1043'], detectionStrategies: ['DET0002'] },
      { id: 'T1003.001', name: 'LSASS Memory', tactics: ['credential-access'], parent: 'T1003', deprecated: false, revoked: false, revokedBy: null },
    ],
    groups: [group('G0016', ['T1003.001']), group('G0007', ['T1003', 'T1003.001'])],
    software: [{ kind: 'software', id: 'S0002', name: 'Mimikatz', aliases: [], softwareType: 'tool', techniques: ['T1003.001'] }],
    campaigns: [{ kind: 'campaign', id: 'C0024', name: 'SolarWinds Compromise', aliases: [], techniques: ['T1003'], software: ['S0002'], groups: ['G0016'] }],
    mitigations: [{ id: 'M1043', name: 'Credential Access Protection' }],
    detectionStrategies: [{ id: 'DET0002', name: 'LSASS access', dataComponents: ['Process Access'], platforms: ['Windows'] }],
  };
  return new AttackCatalog(snapshot);
}

test('actor, mitigation and detectionStrategy find entries by id in any case, and nothing else', () => {
  const tiny = knowledgeCatalog();
  assert.equal(tiny.actor('g0016')?.name, 'Group G0016');
  assert.equal(tiny.actor(' S0002 ')?.kind, 'software');
  assert.equal(tiny.actor('C0024')?.kind, 'campaign');
  assert.equal(tiny.actor('G9999'), undefined);
  assert.equal(tiny.actor('T1003'), undefined, 'techniques are not actors');
  assert.equal(tiny.mitigation('m1043')?.name, 'Credential Access Protection');
  assert.equal(tiny.mitigation('M1047'), undefined);
  assert.deepEqual(tiny.detectionStrategy('det0002')?.dataComponents, ['Process Access']);
  assert.equal(tiny.detectionStrategy('DET0001'), undefined);
});

test('usersOf keeps a sub-technique and its parent apart, in the snapshot order, and is empty for the unused', () => {
  const tiny = knowledgeCatalog();
  const lsass = tiny.usersOf('t1003.001');
  assert.deepEqual(lsass.groups.map((g) => g.id), ['G0016', 'G0007']);
  assert.deepEqual(lsass.software.map((s) => s.id), ['S0002']);
  assert.deepEqual(lsass.campaigns, []);
  const dumping = tiny.usersOf('T1003');
  assert.deepEqual([dumping.groups.map((g) => g.id), dumping.software, dumping.campaigns.map((c) => c.id)], [['G0007'], [], ['C0024']]);
  assert.deepEqual(tiny.usersOf('T9999'), { groups: [], software: [], campaigns: [] });
});

test('a snapshot without the knowledge sections still makes a catalog with empty lists', () => {
  const bare = new AttackCatalog({ attackVersion: '1.0', domain: 'enterprise-attack', tactics: [], techniques: [] });
  assert.deepEqual([bare.groups, bare.software, bare.campaigns, bare.mitigations, bare.detectionStrategies], [[], [], [], [], []]);
  assert.equal(bare.actor('G0016'), undefined);
});

test('malformed knowledge sections are rejected with the path of the bad field', () => {
  const base = { attackVersion: '18.1', domain: 'enterprise-attack', tactics: [], techniques: [] };
  assert.throws(() => parseAttackSnapshot({ ...base, groups: [{ id: 'G0016', name: 'APT29', techniques: 'T1003' }] }), /groups\[0\]\.techniques: expected an array/);
  assert.throws(() => parseAttackSnapshot({ ...base, software: [{ id: 'S0002', name: 'Mimikatz', softwareType: 'virus' }] }), /software\[0\]\.softwareType: expected "malware" or "tool"/);
  assert.throws(() => parseAttackSnapshot({ ...base, detectionStrategies: [{ id: 'DET0001', name: 'x', platforms: [1] }] }), /detectionStrategies\[0\]\.platforms\[0\]: expected a string/);
  assert.throws(() => parseAttackSnapshot({ ...base, mitigations: [{ id: 'M1043' }] }), /mitigations\[0\]\.name: expected a string/);
});
