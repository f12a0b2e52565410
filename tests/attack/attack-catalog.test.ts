import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import {
  AttackCatalog,
  compareTechniqueIds,
  parseAttackSnapshot,
  tacticUrl,
  techniqueUrl,
  type AttackSnapshot,
  type AttackTechnique,
} from '../../src/attack/attack-catalog.ts';

const SNAPSHOT_URL = new URL('../../src/attack/enterprise-attack.json', import.meta.url);
const catalog = AttackCatalog.fromJson(JSON.parse(readFileSync(SNAPSHOT_URL, 'utf8')));

function technique(id: string, fields: Partial<AttackTechnique> = {}): AttackTechnique {
  const dot = id.indexOf('.');
  return {
    id,
    name: `Technique ${id}`,
    tactics: ['defense-evasion'],
    parent: dot === -1 ? null : id.slice(0, dot),
    deprecated: false,
    revoked: false,
    revokedBy: null,
    ...fields,
  };
}

function tinyCatalog(techniques: AttackTechnique[]): AttackCatalog {
  const snapshot: AttackSnapshot = {
    attackVersion: '1.0',
    domain: 'enterprise-attack',
    tactics: [{ id: 'TA0005', name: 'Defense Evasion', shortname: 'defense-evasion' }],
    techniques,
  };
  return new AttackCatalog(snapshot);
}

test('committed snapshot is ATT&CK Enterprise 18.1 with the matrix tactic order', () => {
  assert.equal(catalog.version, '18.1');
  assert.equal(catalog.domain, 'enterprise-attack');
  assert.deepEqual(
    catalog.tactics.map((t) => t.id),
    ['TA0043', 'TA0042', 'TA0001', 'TA0002', 'TA0003', 'TA0004', 'TA0005', 'TA0006', 'TA0007', 'TA0008', 'TA0009', 'TA0011', 'TA0010', 'TA0040'],
  );
  const defenseEvasion = catalog.tactic('TA0005');
  assert.deepEqual([defenseEvasion?.id, defenseEvasion?.name, defenseEvasion?.shortname], ['TA0005', 'Defense Evasion', 'defense-evasion']);
  assert.match(defenseEvasion?.description ?? '', /^The adversary is trying to avoid being detected\./);
});

test('committed snapshot has the well-known techniques', () => {
  assert.equal(catalog.technique('T1036')?.name, 'Masquerading');
  const dumping = catalog.technique('T1003');
  assert.equal(dumping?.name, 'OS Credential Dumping');
  assert.deepEqual(dumping?.tactics, ['credential-access']);
  assert.equal(dumping?.parent, null);
  assert.equal(dumping?.revoked, false);
  const lsass = catalog.technique('T1003.001');
  assert.equal(lsass?.name, 'LSASS Memory');
  assert.equal(lsass?.parent, 'T1003');
  assert.deepEqual(lsass?.platforms, ['Windows']);
  assert.deepEqual(
    catalog.subTechniquesOf('T1003').map((t) => t.id),
    ['T1003.001', 'T1003.002', 'T1003.003', 'T1003.004', 'T1003.005', 'T1003.006', 'T1003.007', 'T1003.008'],
  );
  assert.equal(catalog.technique('T1064')?.deprecated, true);
});

test('committed snapshot is internally consistent', () => {
  const ids = catalog.techniques.map((t) => t.id);
  assert.deepEqual(ids, [...ids].sort(compareTechniqueIds), 'techniques sorted by id');
  assert.equal(new Set(ids).size, ids.length, 'technique ids unique');
  const shortnames = new Set(catalog.tactics.map((t) => t.shortname));
  for (const t of catalog.techniques) {
    assert.match(t.id, /^T\d{4}(\.\d{3})?$/);
    if (t.parent !== null) assert.ok(catalog.technique(t.parent), `${t.id}: parent ${t.parent} exists`);
    for (const tactic of t.tactics) assert.ok(shortnames.has(tactic), `${t.id}: tactic ${tactic} is in the matrix`);
    if (t.revokedBy !== null) assert.ok(catalog.technique(t.revokedBy), `${t.id}: revokedBy ${t.revokedBy} exists`);
  }
  assert.ok(catalog.techniques.some((t) => t.revoked), 'the data includes revoked techniques');
});

test('revoked techniques lead to the successor ATT&CK names in its revoked-by relationship', () => {
  const revoked = catalog.techniques.filter((t) => t.revoked);
  assert.ok(revoked.length > 100, `${revoked.length} revoked techniques`);
  for (const t of revoked) assert.equal(catalog.replacementOf(t.id)?.basis, 'revoked-by', `${t.id} has a revoked-by successor`);
  assert.equal(catalog.replacementOf('T1086')?.technique.id, 'T1059.001');
  // "At (Linux)" was folded into "At": a case no same-name guess could have found.
  assert.equal(catalog.replacementOf('T1053.001')?.technique.id, 'T1053.002');
  assert.equal(catalog.replacementOf('T1003'), undefined, 'live techniques have no replacement');
  assert.equal(catalog.replacementOf('T9999'), undefined);
});

test('lookups ignore case, whitespace and the tactic spelling', () => {
  assert.equal(catalog.technique('t1003.001')?.id, 'T1003.001');
  assert.equal(catalog.technique(' T1036 ')?.name, 'Masquerading');
  for (const key of ['TA0005', 'ta0005', 'defense-evasion', 'defense_evasion', 'Defense_Evasion', 'Defense Evasion']) {
    assert.equal(catalog.tactic(key)?.id, 'TA0005', key);
  }
  assert.equal(catalog.tactic('command_and_control')?.id, 'TA0011');
  assert.equal(catalog.tactic('stealth'), undefined);
  assert.equal(catalog.technique('T9999'), undefined);
  assert.deepEqual(catalog.subTechniquesOf('T1036.005'), []);
});

test('classifyAttackTag: tactics, in either spelling', () => {
  for (const tag of ['attack.defense_evasion', 'attack.defense-evasion', 'ATTACK.Defense_Evasion', 'attack.ta0005']) {
    const result = catalog.classifyAttackTag(tag);
    assert.equal(result.kind, 'tactic', tag);
    if (result.kind === 'tactic') assert.equal(result.tactic.id, 'TA0005');
  }
  const privesc = catalog.classifyAttackTag('attack.privilege-escalation');
  assert.deepEqual(privesc, { kind: 'tactic', tactic: catalog.tactic('TA0004') });
  assert.deepEqual(catalog.classifyAttackTag('attack.privilege_escalation'), privesc);
});

test('classifyAttackTag: tactics newer than the snapshot are unknown-tactic', () => {
  assert.deepEqual(catalog.classifyAttackTag('attack.stealth'), { kind: 'unknown-tactic', name: 'stealth' });
  assert.deepEqual(catalog.classifyAttackTag('attack.defense-impairment'), { kind: 'unknown-tactic', name: 'defense-impairment' });
  assert.deepEqual(catalog.classifyAttackTag('attack.defense_impairment'), { kind: 'unknown-tactic', name: 'defense-impairment' });
  assert.deepEqual(catalog.classifyAttackTag('attack.ta0099'), { kind: 'unknown-tactic', name: 'TA0099' });
});

test('classifyAttackTag: techniques and sub-techniques', () => {
  assert.deepEqual(catalog.classifyAttackTag('attack.t1003'), { kind: 'technique', technique: catalog.technique('T1003') });
  assert.deepEqual(catalog.classifyAttackTag('attack.T1003.001'), { kind: 'technique', technique: catalog.technique('T1003.001') });
  assert.deepEqual(catalog.classifyAttackTag('attack.t9999'), { kind: 'unknown-technique', id: 'T9999' });
  assert.deepEqual(catalog.classifyAttackTag('attack.t1003.999'), { kind: 'unknown-technique', id: 'T1003.999' });
});

test('classifyAttackTag: revoked and deprecated techniques', () => {
  assert.deepEqual(catalog.classifyAttackTag('attack.t1086'), {
    kind: 'revoked-technique',
    technique: catalog.technique('T1086'),
    replacement: catalog.technique('T1059.001'),
    replacementBasis: 'revoked-by',
  });
  // Data Compressed has no same-named successor; only the relationship knows it became Archive Collected Data.
  assert.deepEqual(catalog.classifyAttackTag('attack.t1002'), {
    kind: 'revoked-technique',
    technique: catalog.technique('T1002'),
    replacement: catalog.technique('T1560'),
    replacementBasis: 'revoked-by',
  });
  assert.deepEqual(catalog.classifyAttackTag('attack.t1064'), { kind: 'deprecated-technique', technique: catalog.technique('T1064') });
});

test('classifyAttackTag: ATT&CK ids of groups, software, mitigations and data sources', () => {
  assert.deepEqual(catalog.classifyAttackTag('attack.g0032'), { kind: 'group', id: 'G0032' });
  assert.deepEqual(catalog.classifyAttackTag('attack.s0002'), { kind: 'software', id: 'S0002' });
  assert.deepEqual(catalog.classifyAttackTag('attack.M1047'), { kind: 'mitigation', id: 'M1047' });
  assert.deepEqual(catalog.classifyAttackTag('attack.ds0005'), { kind: 'data-source', id: 'DS0005' });
});

test('classifyAttackTag: everything else is other, with the tag unchanged', () => {
  for (const tag of ['car.2013-05-009', 'cve.2021-44228', 'detection.threat-hunting', 'tlp.white', 'attack', 'attack.', 'attack.t10035', 'attack.c0010', 'attack.t1003.001.1', '']) {
    assert.deepEqual(catalog.classifyAttackTag(tag), { kind: 'other', tag }, JSON.stringify(tag));
  }
});

test('revoked-by links win over a same-name match and are followed to the end of the chain', () => {
  const tiny = tinyCatalog([
    technique('T1001', { name: 'Old', revoked: true, revokedBy: 'T1002' }),
    technique('T1002', { name: 'Middle', revoked: true, revokedBy: 'T1003' }),
    technique('T1003', { name: 'Newest' }),
    technique('T1004', { name: 'Old' }),
  ]);
  assert.deepEqual(tiny.classifyAttackTag('attack.t1001'), {
    kind: 'revoked-technique',
    technique: tiny.technique('T1001'),
    replacement: tiny.technique('T1003'),
    replacementBasis: 'revoked-by',
  });
});

test('the same-name fallback never guesses between several candidates or dead techniques', () => {
  const tiny = tinyCatalog([
    technique('T1001', { name: 'Phishing Link', revoked: true }),
    technique('T1002', { name: 'phishing link' }),
    technique('T1002.001', { name: 'Phishing Link' }),
    technique('T1003', { name: 'Scripting', revoked: true }),
    technique('T1004', { name: 'Scripting', deprecated: true }),
    technique('T1005', { name: 'Both', revoked: true, deprecated: true }),
    technique('T1006', { name: 'Unique' , revoked: true }),
    technique('T1007.001', { name: 'unique' }),
  ]);
  assert.equal(tiny.replacementOf('T1001'), undefined, 'two live candidates');
  assert.equal(tiny.replacementOf('T1003'), undefined, 'only a deprecated candidate');
  assert.equal(tiny.classifyAttackTag('attack.t1005').kind, 'revoked-technique', 'revocation outranks deprecation');
  assert.deepEqual(tiny.replacementOf('T1006'), { technique: tiny.technique('T1007.001'), basis: 'same-name' });
});

test('a cyclic revocation chain terminates', () => {
  const tiny = tinyCatalog([
    technique('T1001', { revoked: true, revokedBy: 'T1002' }),
    technique('T1002', { revoked: true, revokedBy: 'T1001' }),
  ]);
  assert.equal(tiny.replacementOf('T1001')?.basis, 'revoked-by');
});

test('URLs use a slash between technique and sub-technique', () => {
  assert.equal(techniqueUrl('T1003.001'), 'https://attack.mitre.org/techniques/T1003/001');
  assert.equal(techniqueUrl('t1036'), 'https://attack.mitre.org/techniques/T1036');
  assert.equal(tacticUrl('TA0005'), 'https://attack.mitre.org/tactics/TA0005');
  assert.equal(tacticUrl('ta0043'), 'https://attack.mitre.org/tactics/TA0043');
  assert.equal(catalog.techniqueUrl('T1003.001'), 'https://attack.mitre.org/techniques/T1003/001');
  assert.equal(catalog.tacticUrl('TA0005'), 'https://attack.mitre.org/tactics/TA0005');
  assert.throws(() => techniqueUrl('defense-evasion'), RangeError);
  assert.throws(() => tacticUrl('T1003'), RangeError);
});

test('technique ids sort numerically with sub-techniques after their parent', () => {
  assert.deepEqual(
    ['T1004', 'T1003.010', 'T1003', 'T1003.002', 'T10000'].sort(compareTechniqueIds),
    ['T1003', 'T1003.002', 'T1003.010', 'T1004', 'T10000'],
  );
});

test('a malformed snapshot is rejected with the path of the bad field', () => {
  assert.throws(() => parseAttackSnapshot(null), /snapshot: expected an object/);
  assert.throws(() => parseAttackSnapshot({ attackVersion: '18.1', domain: 'enterprise-attack', tactics: [] }), /techniques: expected an array/);
  assert.throws(
    () =>
      parseAttackSnapshot({
        attackVersion: '18.1',
        domain: 'enterprise-attack',
        tactics: [],
        techniques: [{ id: 'T1003', tactics: [], parent: null, deprecated: false, revoked: false, revokedBy: null }],
      }),
    /techniques\[0\]\.name: expected a string/,
  );
  assert.throws(
    () =>
      AttackCatalog.fromJson({
        attackVersion: '18.1',
        domain: 'enterprise-attack',
        tactics: [{ id: 'TA0005', name: 'Defense Evasion', shortname: 'defense-evasion' }],
        techniques: [{ ...technique('T1003'), platforms: 'Windows' }],
      }),
    /techniques\[0\]\.platforms: expected an array/,
  );
});
