import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import { convertCollection, listTargets, parseTargetSpec } from '../../src/sigma/convert-collection.ts';
import { convert, parseRuleValues, rule } from './helpers.ts';

const SEED = new URL('../../../shared/seed/', import.meta.url);

describe('es-qs (sigmac 0.13 Kibana query)', () => {
  test('quoted phrases, .keyword for wildcards, lists with OR', () => {
    assert.deepEqual(convert(rule('sel:\n  EventID: [4688, 4689]\n  Image: \'*\\cmd.exe\'\n  User: NT AUTHORITY\\SYSTEM\ncondition: sel'), 'es-qs'), [
      '(EventID:("4688" OR "4689") AND Image.keyword:*\\\\cmd.exe AND User:"NT\\ AUTHORITY\\\\SYSTEM")',
    ]);
  });
  test('escaping: operators, lone backslash, && and ||, < and > dropped', () => {
    assert.deepEqual(convert(rule("sel:\n  A: 'a+b=c&&d||e<f>g C:\\x'\ncondition: sel"), 'es-qs'), ['A:"a\\+b\\=c\\&&d\\||efg\\ C\\:\\\\x"']);
    // `\\*` is an escaped backslash before a wildcard: .keyword and unquoted; `\\` passes unchanged.
    assert.deepEqual(convert(rule("sel:\n  A: 'x \\\\* \\\\\\\\'\ncondition: sel"), 'es-qs'), ['A.keyword:x\\ \\\\*\\ \\\\\\\\']);
  });
  test('the .keyword decision persists into following keywords (sigmac state)', () => {
    assert.deepEqual(convert(rule("sel:\n  EventID: 16\nkw:\n  - '*\\Temp\\SAM-*.dmp *'\ncondition: sel and kw"), 'es-qs'), ['(EventID:"16" AND "*\\\\Temp\\\\SAM\\-*.dmp\\ *")']);
    assert.deepEqual(convert(rule("kw:\n  - 'rm -rf /'\n  - '*wild card*'\ncondition: kw"), 'es-qs'), ['(rm\\ \\-rf\\ \\/ OR *wild\\ card*)']);
  });
  test('null, not null, empty string, NOT', () => {
    assert.deepEqual(convert(rule("sel:\n  Image: '*\\x.exe'\nf1:\n  CommandLine: null\nf2:\n  Description: ''\ncondition: sel and not 1 of f*"), 'es-qs'), [
      '(Image.keyword:*\\\\x.exe AND (NOT ((NOT _exists_:CommandLine) OR (Description:""))))',
    ]);
    assert.deepEqual(convert(rule('sel:\n  A: 1\nf:\n  B: null\ncondition: sel and not f'), 'es-qs'), ['(A:"1" AND (NOT (NOT _exists_:B)))']);
  });
  test('optimizer: common terms factored out, as sigmac did', () => {
    assert.deepEqual(convert(rule("s1:\n  Image: '*\\x.exe'\ns2:\n  C: [a, b]\ncondition: all of them or (s1 and not s2)"), 'es-qs'), [
      '(Image.keyword:*\\\\x.exe AND (C:("a" OR "b") OR (NOT (C:("a" OR "b")))))',
    ]);
  });
  test('optimizer: equal terms merged by value, 4688 and "4688" kept apart, as Python compares them', () => {
    assert.deepEqual(convert(rule("kw:\n  - a\n  - 4688\n  - a\n  - '4688'\n  - 4688\ncondition: kw"), 'es-qs'), ['(a OR 4688 OR 4688)']);
    assert.deepEqual(convert(rule("s1:\n  A: 1\n  B: [x, y]\ns2:\n  A: 1\n  B: [x, y]\n  C: 2\ncondition: s1 or s2"), 'es-qs'), ['(A:"1" AND B:("x" OR "y") AND C:"2")']);
  });
  test('optimizer: linear in the number of terms (found by tests/load/mutated-input.test.ts)', () => {
    // 40,000 keywords, 20,000 distinct: comparing every pair took seconds per target.
    const keywords = Array.from({ length: 40_000 }, (_, index) => `k${index % 20_000}`);
    const { rules } = parseRuleValues({ title: 't', logsource: { product: 'windows' }, detection: { kw: keywords, condition: 'kw' } });
    for (const target of ['es-qs', 'graylog', 'xpack-watcher']) {
      const started = performance.now();
      const result = convertCollection(rules, { target });
      const elapsed = performance.now() - started;
      assert.ok(result.ok && result.queries[0]!.includes('k19999') && !result.queries[0]!.includes('k20000'), target);
      assert.ok(elapsed < 1_000, `${target}: ${Math.round(elapsed)} ms`);
    }
  });
  test('sigmac fault kept: (all of them) or s3 loses the OR', () => {
    assert.deepEqual(convert(rule('s1: {A: 1}\ns2: {B: 2}\ns3: {C: 3}\ncondition: (all of them) or s3'), 'es-qs'), ['(C:"3" AND A:"1" AND B:"2")']);
  });
  test('modifiers rendered in the same style', () => {
    assert.deepEqual(
      convert(rule("sel:\n  CommandLine|contains|all: [' -nop ', ' -w hidden ']\n  Image|endswith: '\\powershell.exe'\n  ParentImage|startswith: 'C:\\Users\\'\n  Count|gte: 10\n  DestinationIp|cidr: 10.0.0.0/8\n  Parent|exists: true\ncondition: sel"), 'es-qs'),
      // `_exists_` is not a field/value pair, so sigmac's optimizer does not flatten the contains|all group.
      ['((CommandLine.keyword:*\\ \\-nop\\ * AND CommandLine.keyword:*\\ \\-w\\ hidden\\ *) AND Image.keyword:*\\\\powershell.exe AND ParentImage.keyword:C\\:\\\\Users\\\\* AND Count:>=10 AND DestinationIp:"10.0.0.0\\/8" AND _exists_:Parent)'],
    );
    assert.deepEqual(convert(rule("sel:\n  CommandLine|base64offset|contains: 'http://'\ncondition: sel"), 'es-qs'), ['CommandLine.keyword:(*aHR0cDovL* OR *h0dHA6Ly* OR *odHRwOi8v*)']);
    assert.deepEqual(convert(rule("sel:\n  CommandLine|windash|contains: ' -a '\ncondition: sel"), 'es-qs'), ['CommandLine.keyword:(*\\ \\-a\\ * OR *\\ \\/a\\ * OR *\\ –a\\ * OR *\\ —a\\ * OR *\\ ―a\\ *)']);
  });
  test('deviation D1: a / inside a regular expression is escaped', () => {
    assert.deepEqual(convert(rule("sel:\n  CommandLine|re: '^C:\\\\Windows\\\\[a-z]+/x\\.exe$'\ncondition: sel"), 'es-qs'), ['CommandLine:/^C:\\\\Windows\\\\[a-z]+\\/x\\.exe$/']);
  });
  test('aggregations, field references and placeholders are reported', () => {
    assert.match(convert(rule('sel: {A: 1}\ncondition: sel | count() by B > 3'), 'es-qs') as string, /^ERROR aggregations/);
    assert.match(convert(rule('sel: {A|fieldref: B}\ncondition: sel'), 'es-qs') as string, /^ERROR field references/);
    assert.match(convert(rule("sel: {A|expand: '%x%'}\ncondition: sel"), 'es-qs') as string, /^ERROR placeholders/);
  });
});

describe('graylog (sigmac 0.13)', () => {
  test('every value quoted, lists space-separated, NOT without parentheses', () => {
    assert.deepEqual(convert(rule("sel:\n  Image: ['*\\a.exe', 'a b=c']\nf:\n  User: x\ncondition: sel and not f"), 'graylog'), ['(Image:("*\\\\a.exe" "a b=c") AND NOT (User:"x"))']);
  });
  test('deviation D2: regular expressions are rendered', () => {
    assert.deepEqual(convert(rule("sel:\n  A|re: 'a/b'\ncondition: sel"), 'graylog'), ['A:/a\\/b/']);
  });
});

describe('xpack-watcher (sigmac 0.13)', () => {
  test('aggregation becomes terms aggregations on .keyword fields', () => {
    const [watch] = convert(rule('sel: {EventID: 4625}\ntimeframe: 24h\ncondition: sel | count(User) by Host > 3', 'description: d\n'), 'xpack-watcher') as string[];
    const json = JSON.parse(watch!.slice(watch!.indexOf('{'), watch!.lastIndexOf('}') + 1));
    assert.equal(json.trigger.schedule.interval, '24h');
    assert.deepEqual(json.input.search.request.body.aggs.by.terms, { field: 'Host.keyword', size: 10, order: { _count: 'desc' }, min_doc_count: 4 });
    assert.deepEqual(json.condition.compare, { 'ctx.payload.aggregations.by.buckets.0.agg.buckets.0.doc_count': { gt: 3 } });
    assert.ok(watch!.startsWith("curl -s -XPUT -H 'Content-Type: application/json' --data-binary @- 'localhost:9200/_watcher/watch/t' <<'EOF'\n{\n  \"metadata\": {"));
    assert.ok(watch!.endsWith('\n}\nEOF\n'));
  });
  test('non-ASCII escaped as Python json.dumps does', () => {
    const [watch] = convert(rule('sel: {A: é}\ncondition: sel'), 'xpack-watcher') as string[];
    assert.ok(watch!.includes('"query": "A:\\"\\u00e9\\""'));
  });
});

describe('seed rule', { skip: !existsSync(SEED) && 'needs ../shared/seed' }, () => {
  const text = () => readFileSync(new URL('kb/rules/win_susp_procdump.yml', SEED), 'utf8');
  const page = () => readFileSync(new URL('expected-win_susp_procdump.md', SEED), 'utf8');
  const block = (heading: string) => new RegExp(`### ${heading}\\n\\n\`\`\`\\n([\\s\\S]*?)\`\`\``).exec(page())![1]!;
  test('Kibana query', () => {
    assert.equal((convert(text(), 'es-qs') as string[]).join('\n') + '\n', block('Kibana query'));
  });
  test('Graylog', () => {
    assert.equal((convert(text(), 'graylog') as string[]).join('\n') + '\n', block('Graylog'));
  });
  test('X-Pack Watcher (each query ends with a newline)', () => {
    assert.equal((convert(text(), 'xpack-watcher') as string[]).join(''), block('X-Pack Watcher'));
  });
});

describe('target registry', () => {
  test('titles', () => {
    const titles = Object.fromEntries(listTargets().map((t) => [t.id, t.title]));
    assert.equal(titles['es-qs'], 'Kibana query');
    assert.equal(titles['xpack-watcher'], 'X-Pack Watcher');
    assert.equal(titles.graylog, 'Graylog');
  });
  test('parseTargetSpec', () => {
    assert.deepEqual(parseTargetSpec('es-qs'), { target: 'es-qs' });
    assert.match(parseTargetSpec('nope') as string, /unknown target "nope"/);
    assert.match(parseTargetSpec('es-qs+x') as string, /no pipeline "x"/);
    assert.match(parseTargetSpec('a b') as string, /is not a target/);
  });
});
