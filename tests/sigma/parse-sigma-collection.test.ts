import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { detectionFieldNames, detectionItemsOf } from '../../src/sigma/detection-facts.ts';
import { checkModifierChain } from '../../src/sigma/modifiers.ts';
import { formatSigmaString, parseSigmaString, plainText } from '../../src/sigma/sigma-string.ts';
import { parseRules } from './helpers.ts';

const issuesOf = (yaml: string): string[] => parseRules(yaml).issues.map((i) => `${i.line}:${i.column} ${i.code} ${i.message}`);

describe('Sigma string escapes', () => {
  const cases: [string, string, string][] = [
    // raw, parts as [literal] and <wildcard>, round trip
    ['C:\\Windows\\*', '[C:\\Windows*]', 'C:\\\\Windows\\*'],
    ['C:\\Windows\\System32', '[C:\\Windows\\System32]', 'C:\\\\Windows\\\\System32'],
    ['esc\\*star and esc\\?q and bs\\\\', '[esc*star and esc?q and bs\\]', 'esc\\*star and esc\\?q and bs\\\\'],
    ['a*b?c', '[a]<*>[b]<?>[c]', 'a*b?c'],
    ['trailing\\', '[trailing\\]', 'trailing\\\\'],
    ['\\\\*', '[\\]<*>', '\\\\*'],
    ['', '', ''],
  ];
  for (const [raw, parts, formatted] of cases) {
    test(JSON.stringify(raw), () => {
      const value = parseSigmaString(raw);
      assert.equal(value.parts.map((p) => (typeof p === 'string' ? `[${p}]` : `<${p.wildcard}>`)).join(''), parts);
      assert.equal(formatSigmaString(value), formatted);
      assert.equal(plainText(parseSigmaString('a\\*b')), 'a*b');
    });
  }
});

describe('modifier registry', () => {
  test('valid chains', () => {
    for (const chain of [['contains', 'all'], ['base64offset', 'contains'], ['wide', 'base64offset', 'contains'], ['re', 'i', 'm'], ['cidr'], ['windash', 'contains'], ['gte'], ['fieldref'], ['exists'], ['cased', 'contains'], ['neq'], ['expand'], ['utf16', 'base64']]) {
      const kinds = chain[0] === 'gte' ? (['number'] as const) : chain[0] === 'exists' ? (['boolean'] as const) : (['string'] as const);
      assert.equal(checkModifierChain(chain, [...kinds]), undefined, chain.join('|'));
    }
  });
  test('misplaced and unknown', () => {
    assert.match(checkModifierChain(['contians'], ['string'])!, /unknown modifier "contians"/);
    assert.match(checkModifierChain(['i'], ['string'])!, /must follow "re"/);
    assert.match(checkModifierChain(['re', 'contains'], ['string'])!, /"contains" cannot apply to a regular expression/);
    assert.match(checkModifierChain(['utf16le'], ['string'])!, /must be followed by "base64"/);
    assert.match(checkModifierChain(['gt'], ['string'])!, /"gt" cannot apply to a string/);
  });
});

describe('parseSigmaCollection', () => {
  test('unknown modifier: one issue at the detection key, not a second one for the condition naming it', () => {
    assert.deepEqual(issuesOf('title: t\nlogsource: {product: x}\ndetection:\n  sel:\n    Image|contians: a\n  condition: sel\n'), [
      '5:5 sigma-modifier "Image|contians": unknown modifier "contians"',
    ]);
  });

  test('misplaced modifier', () => {
    assert.deepEqual(issuesOf('title: t\nlogsource: {product: x}\ndetection:\n  sel:\n    Image|i: a\n  condition: sel\n').slice(0, 1), [
      '5:5 sigma-modifier "Image|i": modifier "i" is a regular expression flag and must follow "re"',
    ]);
  });

  test('bad condition and unknown identifier', () => {
    assert.deepEqual(issuesOf('title: t\nlogsource: {product: x}\ndetection:\n  sel:\n    A: 1\n  condition:\n    - sel and\n    - sel or filter\n'), [
      '7:7 sigma-condition condition "sel and": expected a selection name at the end of the condition (at offset 7)',
      '8:7 sigma-condition condition "sel or filter": unknown selection "filter" (at offset 7)',
    ]);
  });

  test('wrong types and missing fields', () => {
    assert.deepEqual(issuesOf('title: t\ntags: 5\nfalsepositives: {a: 1}\ndetection:\n  sel: {A: 1}\n  condition: sel\n'), [
      '1:1 field-missing missing "logsource"',
      '2:7 field-type "tags" must be a list of texts, found number 5',
      '3:17 field-type "falsepositives" must be a list of texts, found a mapping',
    ]);
    assert.deepEqual(issuesOf('logsource: {product: x}\n'), ['1:1 field-missing missing required field "title"', '1:1 field-missing missing "detection"']);
  });

  test('action: global merges into every following document, global scalars win', () => {
    const parsed = parseRules(`action: global
title: g
detection:
  sel1: {A: 1}
  condition: sel and sel1
---
title: ignored
logsource: {product: windows, service: security}
detection:
  sel: {EventID: 4688}
---
logsource: {product: windows, service: sysmon}
detection:
  sel: {EventID: 1}
`);
    assert.deepEqual(parsed.issues, []);
    assert.deepEqual(parsed.rules.map((r) => [r.index, r.documentIndex, r.title, r.logsource.service, r.detection.selections.map((s) => s.name).join(',')]), [
      [0, 1, 'g', 'security', 'sel,sel1'],
      [1, 2, 'g', 'sysmon', 'sel,sel1'],
    ]);
  });

  test('action: reset and repeat', () => {
    const parsed = parseRules(`action: global
logsource: {product: windows}
---
title: a
detection: {sel: {A: 1}, condition: sel}
---
action: repeat
title: b
---
action: reset
---
title: c
logsource: {product: linux}
detection: {sel: {A: 1}, condition: sel}
`);
    assert.deepEqual(parsed.issues, []);
    assert.deepEqual(parsed.rules.map((r) => `${r.title}:${r.logsource.product}`), ['a:windows', 'b:windows', 'c:linux']);
  });

  test('a rule and a correlation in one file', () => {
    const parsed = parseRules(`title: failed logon
name: failed_logon
logsource: {product: windows, service: security}
detection: {sel: {EventID: 4625}, condition: sel}
---
title: many failed logons
correlation:
  type: event_count
  rules: [failed_logon]
  group-by: [TargetUserName]
  timespan: 5m
  condition: {gte: 10}
`);
    assert.deepEqual(parsed.issues, []);
    assert.equal(parsed.rules.length, 1);
    assert.deepEqual(
      parsed.correlations.map((c) => [c.type, c.rules, c.groupBy, c.timespan, c.condition]),
      [['event_count', ['failed_logon'], ['TargetUserName'], '5m', { comparisons: [{ operator: 'gte', value: 10 }] }]],
    );
  });

  test('metadata', () => {
    const [r] = parseRules(`title: t
id: 1234
status: test
references: [https://x]
tags: [attack.t1003]
logsource: {category: process_creation, product: windows}
falsepositives: [Unknown]
fields: [CommandLine]
related: [{id: abc, type: derived}]
enrichment: EN_0001
detection: {sel: {A: 1}, condition: sel}
level: high
`).rules;
    assert.equal(r!.id, '1234');
    assert.deepEqual([r!.falsepositives, r!.enrichment, r!.related, r!.fields], [['Unknown'], ['EN_0001'], [{ id: 'abc', type: 'derived' }], ['CommandLine']]);
    assert.deepEqual(r!.position, { line: 1, column: 1 });
  });

  test('detection facts: fields and negated selections', () => {
    const [r] = parseRules(`title: t
logsource: {product: windows}
detection:
  sel:
    EventID: [4688, '1']
    CommandLine|contains|all: [a, b]
  filter:
    - User: SYSTEM
    - EventID: 5
  both: {Image: x}
  keywords: [foo]
  condition: sel and not filter and keywords and (both or not both)
`).rules;
    assert.deepEqual(detectionFieldNames(r!), ['CommandLine', 'EventID', 'Image', 'User']);
    assert.deepEqual(
      detectionItemsOf(r!).map((f) => `${f.selection}:${f.field ?? '-'}:${f.modifiers.join('|')}:${JSON.stringify(f.values)}:${f.negated}`),
      ['sel:EventID::[4688,"1"]:false', 'sel:CommandLine:contains|all:["a","b"]:false', 'filter:User::["SYSTEM"]:true', 'filter:EventID::[5]:true', 'both:Image::["x"]:false', 'keywords:-::["foo"]:false'],
    );
  });
});

describe('values checked when a rule is loaded', () => {
  const head = 'title: t\nid: 929a690e-bef0-4204-a928-ef5e620d6fcc\nlogsource: {product: windows}\n';
  const detection = 'detection:\n  sel: {A: 1}\n  condition: sel\n';
  test('level, status and related types come from the specification, each refusal naming the set', () => {
    assert.deepEqual(issuesOf(`${head}${detection}level: apocalyptic\nstatus: superstable\nrelated:\n  - {id: 929a690e-bef0-4204-a928-ef5e620d6fcd, type: cousin}\n`), [
      '8:9 sigma-metadata-value "status" must be one of stable, test, experimental, deprecated, unsupported, found text "superstable"',
      '7:8 sigma-metadata-value "level" must be one of informational, low, medium, high, critical, found text "apocalyptic"',
      '10:54 sigma-metadata-value "type" must be one of derived, obsolete, merged, renamed, similar, found text "cousin"',
    ]);
    assert.deepEqual(issuesOf(`${head}${detection}level: critical\nstatus: unsupported\nrelated: [{id: 929a690e-bef0-4204-a928-ef5e620d6fcd, type: renamed}]\n`), []);
  });
  test('dates: YYYY-MM-DD or the older YYYY/MM/DD, of a day that exists', () => {
    assert.deepEqual(issuesOf(`${head}${detection}date: 2024-13-45\nmodified: 2023-02-29\n`), [
      '7:7 sigma-metadata-value "date" must be a date written YYYY-MM-DD (or YYYY/MM/DD), found text "2024-13-45"',
      '8:11 sigma-metadata-value "modified" must be a date written YYYY-MM-DD (or YYYY/MM/DD), found text "2023-02-29"',
    ]);
    assert.deepEqual(issuesOf(`${head}${detection}date: 2024/02/29\nmodified: '2024-12-31'\n`), []);
  });
  test('ids that are no UUID warn, in related entries too', () => {
    const parsed = parseRules(`title: t\nid: '12345'\nlogsource: {product: windows}\n${detection}related: [{id: ../x, type: derived}]\n`);
    assert.deepEqual(parsed.issues.map((i) => `${i.line}:${i.column} ${i.severity} ${i.code}`), ['2:5 warning sigma-id-format', '7:16 warning sigma-id-format']);
    assert.equal(parsed.rules[0]!.id, '12345', 'the rule is kept, with its id');
  });
  test('lists the specification requires may not be a lone text; the Enrichment extension may', () => {
    assert.deepEqual(issuesOf(`${head}${detection}tags: attack.t1003\nreferences: https://x\nfields: CommandLine\nfalsepositives: none\nenrichment: EN_0001\n`), [
      '8:13 field-type "references" must be a list of texts, found text "https://x"',
      '7:7 field-type "tags" must be a list of texts, found text "attack.t1003"',
      '10:17 field-type "falsepositives" must be a list of texts, found text "none"',
      '9:9 field-type "fields" must be a list of texts, found text "CommandLine"',
    ]);
  });
  test('unknown top-level keys warn at the key; the keys SigmaHQ and correlations use do not', () => {
    assert.deepEqual(issuesOf(`${head}${detection}severity: high\nlicense: DRL-1.1\nscope: [server]\ntaxonomy: sysmon\nsimulation: []\nregression_tests_path: x\n`), ['7:1 field-unknown unknown key "severity" in a Sigma rule']);
  });
  test('cidr values are networks; re values compile, with a leading (?i) as the i modifier', () => {
    assert.deepEqual(issuesOf(`${head}detection:\n  sel:\n    DestinationIp|cidr: ['300.12.0.0/33', '10.0.0.0/8', 'fe80::/10', '::1/129']\n    Image|re: '(?i)\\\\evil('\n    CommandLine|re|i: ['(?i)ok', 'a{2}+']\n  condition: sel\n`), [
      `6:26 field-value "DestinationIp|cidr": '300.12.0.0/33' does not appear to be an IPv4 or IPv6 network`,
      `6:70 field-value "DestinationIp|cidr": '129' is not a valid netmask`,
      '7:15 field-value "Image|re": the regular expression does not compile: Unterminated group',
    ]);
  });
});

describe('types of the keys no page shows', () => {
  const rule = 'title: t\nid: 929a690e-bef0-4204-a928-ef5e620d6fcc\nlogsource: {product: windows}\ndetection: {sel: {A: 1}, condition: sel}\n';
  test('license, taxonomy, scope and simulation are read for their types', () => {
    assert.deepEqual(issuesOf(`${rule}license: {a: 1}\ntaxonomy: [x]\nscope: server\nsimulation: atomic\n`), [
      '5:10 field-type "license" must be text, found a mapping',
      '6:11 field-type "taxonomy" must be text, found a list',
      '7:8 field-type "scope" must be a list of texts, found text "server"',
      '8:13 field-type "simulation" must be a list, found text "atomic"',
    ]);
  });
  test('a correlation\'s generate and aliases', () => {
    const correlation = 'title: c\nid: 929a690e-bef0-4204-a928-ef5e620d6fcd\ncorrelation:\n  type: event_count\n  rules: [x]\n  condition: {gte: 2}\n';
    assert.deepEqual(issuesOf(`${correlation}  timespan: 5m\n  generate: 'yes'\n  aliases: [a]\n`), [
      '9:12 field-type "aliases" must be a mapping, found a list',
      '8:13 field-type "generate" must be true or false, found text "yes"',
    ]);
  });
  test('a bad value in an action: global document is reported once, not once per rule it merges into', () => {
    const collection = 'action: global\ntitle: g\nlevel: extreme\nlogsource: {product: windows}\n---\ndetection: {sel: {A: 1}, condition: sel}\n---\ndetection: {sel: {A: 2}, condition: sel}\n';
    assert.deepEqual(issuesOf(collection), ['3:8 sigma-metadata-value "level" must be one of informational, low, medium, high, critical, found text "extreme"']);
  });
});
