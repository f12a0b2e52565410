import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { listTargets, parseTargetSpec } from '../../src/sigma/convert-collection.ts';
import { formatQueryTree } from '../../src/sigma/query-tree.ts';
import { toQueryTrees } from '../../src/sigma/to-query-tree.ts';
import { convert, parseRules, rule } from './helpers.ts';

/** A rule with the given log source (YAML flow mapping) around a detection block. */
function ruleWith(logsource: string, detection: string): string {
  return `title: t\nid: 00000000-0000-0000-0000-000000000099\ndescription: d\nlogsource: ${logsource}\ndetection:\n${detection.replace(/^/gm, '  ')}\n`;
}

const PROCESS = '{product: windows, category: process_creation}';
const SECURITY = '{product: windows, service: security}';

describe('query tree (pySigma condition semantics)', () => {
  const tree = (yaml: string): string => toQueryTrees(parseRules(yaml).rules[0]!).map((t) => (t ? formatQueryTree(t) : 'null')).join('\n');
  test('maps are ANDs, lists ORs, single elements collapse, groups leave no node', () => {
    assert.equal(tree(rule("a: {A: 1, B: [x, y]}\nb: [{C: 1}, {D: 2}]\nc: {E: 3}\ncondition: (a and (b)) or c")), '(or (and (and (= A 1) (or (= B "x") (= B "y"))) (or (= C 1) (= D 2))) (= E 3))');
  });
  test('1 of x matches names by prefix and never selects _names; a single match is returned as is', () => {
    assert.equal(tree(rule('sel: {A: 1}\nsel2: {B: 2}\n_sel3: {C: 3}\ncondition: 1 of sel')), '(or (= A 1) (= B 2))');
    assert.equal(tree(rule('sel: {A: 1}\nother: {B: 2}\ncondition: all of sel*')), '(= A 1)');
  });
  test('modifiers: windash and base64offset give alternatives, all links with AND, neq negates', () => {
    assert.equal(tree(rule("s: {C|windash|contains: ' -a'}\ncondition: s")), '(= C {"* -a*" | "* /a*" | "* –a*" | "* —a*" | "* ―a*"})');
    assert.equal(tree(rule("s: {C|contains|all: [a, b], U|neq: x}\ncondition: s")), '(and (and (= C "*a*") (= C "*b*")) (not (= U "x")))');
    assert.equal(tree(rule("s: {C|windash: 'abc'}\ncondition: s")), '(= C {"abc"})');
  });
  test('modifier errors carry pySigma class names', () => {
    assert.throws(() => tree(rule("s: {C|base64: 'a*b'}\ncondition: s")), /Base64 encoding of strings with wildcards is not allowed/);
    // A network pySigma refuses (host bits set) is refused when the rule is loaded, before any target sees it.
    assert.deepEqual(parseRules(rule("s: {C|cidr: '10.0.0.1/8'}\ncondition: s")).issues.map((i) => `${i.code} ${i.message}`), ['field-value "C|cidr": 10.0.0.1/8 has host bits set']);
  });
});

describe('lucene (pySigma LuceneBackend)', () => {
  test('escaping, quoting only of the empty string, in-lists with wildcards', () => {
    assert.deepEqual(convert(rule("s:\n  Image: 'C:\\Windows\\cmd.exe'\n  CommandLine: ['* -ma *', 'a+b=c&d|e!(f){g}[h]^\"i\"~j?k:l/m n<o>p', 'esc\\*star', '']\ncondition: s"), 'lucene'), [
      'Image:C\\:\\\\Windows\\\\cmd.exe AND (CommandLine:(*\\ \\-ma\\ * OR a\\+b\\=c\\&d\\|e\\!\\(f\\)\\{g\\}\\[h\\]\\^\\"i\\"\\~j?k\\:l\\/m\\ n\\<o\\>p OR esc\\*star OR ""))',
    ]);
  });
  test('parentheses: nested groups always, top level never, NOT of a group', () => {
    assert.deepEqual(convert(rule("a: {Image|endswith: '\\a.exe', CommandLine|contains: x}\nb: [{Image|endswith: '\\b.exe'}, {OriginalFileName: b.exe}]\nf: {User|contains: [A, B]}\ncondition: 1 of a* or b and not f"), 'lucene'), [
      '(Image:*\\\\a.exe AND CommandLine:*x*) OR ((Image:*\\\\b.exe OR OriginalFileName:b.exe) AND (NOT (User:(*A* OR *B*))))',
    ]);
  });
  test('null: NOT _exists_ in parentheses, its negation _exists_ without', () => {
    assert.deepEqual(convert(rule("s: {Image|endswith: '\\r.exe'}\nf1: {CommandLine: null}\nf2: {Description: ''}\nn: {ParentImage: null}\ncondition: s and not 1 of f* and not n"), 'lucene'), [
      'Image:*\\\\r.exe AND (NOT ((NOT _exists_:CommandLine) OR Description:"")) AND _exists_:ParentImage',
    ]);
  });
  test('keywords: *value*, numbers bare, the doubled ** of pySigma kept', () => {
    assert.deepEqual(convert(rule("k: ['rm -rf /', 42, '*wild card*']\ncondition: k"), 'lucene'), ['*rm\\ \\-rf\\ \\/* OR 42 OR **wild\\ card**']);
  });
  test('cidr (IPv6 colons escaped but the first), regex flags, compare, exists, base64offset', () => {
    assert.deepEqual(convert(rule("s: {D|cidr: ['10.0.0.0/8', 'fe80::/10']}\ncondition: not s"), 'lucene'), ['NOT (D:10.0.0.0\\/8 OR D:fe80\\:\\:\\/10)']);
    assert.deepEqual(convert(rule("s: {I|re|i: 'P/[sS]'}\nt: {C|gte: 10, E|exists: false}\ncondition: s and t"), 'lucene'), ['I:/(?i)P\\/[sS]/ AND (C:>=10 AND NOT _exists_:E)']);
    assert.deepEqual(convert(rule("s: {C|base64offset|contains: 'http://'}\ncondition: s"), 'lucene'), ['C:(*aHR0cDovL* OR *h0dHA6Ly* OR *odHRwOi8v*)']);
  });
  test('refusals with the reference messages', () => {
    assert.equal(convert(rule('s: {A|fieldref: B}\ncondition: s'), 'lucene'), "ERROR SigmaFeatureNotSupportedByBackendError: ES Lucene backend can't handle field references.");
    assert.equal(convert(rule("s: {A|expand: '%x%\\y'}\ncondition: s"), 'lucene'), "ERROR SigmaPlaceholderError: Attempt to convert unhandled placeholder 'x' into query.");
    assert.equal(convert(rule("s: {A|cased: 'X'}\ncondition: s"), 'lucene'), 'ERROR NotImplementedError: Case-sensitive string matching is not supported by backend. (while converting rule None)');
  });
  test('deviation D7: tab and line breaks are escaped', () => {
    assert.deepEqual(convert(rule('s: {A: "a\\tb\\nc"}\ncondition: s'), 'lucene'), ['A:a\\\tb\\\nc']);
  });
  test('deviation D4: utf16 writes the byte-order mark as FF FE', () => {
    assert.deepEqual(convert(rule("s: {C|utf16|base64offset|contains: 'ab'}\ncondition: s"), 'lucene'), ['C:(*\\/\\/5hAGIA* OR *\\/\\+YQBiA* OR *\\/\\/mEAYg*)']);
    assert.deepEqual(convert(rule("s: {C|wide|base64: 'ab'}\ncondition: s"), 'lucene'), ['C:YQBiAA\\=\\=']);
  });
  test('deviation D13: an escaped / is not escaped again', () => {
    assert.deepEqual(convert(rule("s: {A|re: '(^|\\/)x/y'}\ncondition: s"), 'lucene'), ['A:/(^|\\/)x\\/y/']);
    // A trailing lone backslash would escape the closing delimiter: refused when the rule is loaded.
    assert.deepEqual(parseRules(rule("s: {A|re: 'a\\'}\ncondition: s")).issues.map((i) => `${i.code} ${i.message}`), ['field-value "A|re": the regular expression does not compile: \\ at end of pattern']);
  });
  test('an empty value after base64 is still the quoted empty string', () => {
    assert.deepEqual(convert(rule("s: {A|base64: ''}\ncondition: not s"), 'lucene'), ['NOT A:""']);
  });
  test('output formats dsl_lucene and kibana_ndjson', () => {
    const yaml = ruleWith(PROCESS, "s: {Image: 'é'}\ncondition: s");
    assert.deepEqual(convert(yaml, 'lucene@dsl_lucene'), ['{"query":{"bool":{"must":[{"query_string":{"query":"Image:é","analyze_wildcard":true}}]}}}']);
    const saved = JSON.parse((convert(yaml, 'lucene@kibana_ndjson') as string[])[0]!);
    assert.equal(saved.id, '00000000-0000-0000-0000-000000000099');
    assert.equal(saved.attributes.title, 'SIGMA - t');
    assert.equal(saved.attributes.description, 'd');
    // Python's json.dumps inside: ", " separators and \u escapes.
    assert.match(saved.attributes.kibanaSavedObjectMeta.searchSourceJSON, /^\{"index": "beats-\*", "filter": \[\], .*"query": \{"query_string": \{"query": "Image:\\u00e9", "analyze_wildcard": true\}\}\}$/);
  });
});

describe('eql (pySigma EqlBackend)', () => {
  test('any where, : and like~ lists, == for empty strings and addresses, null tests', () => {
    assert.deepEqual(convert(rule("s: {Image|endswith: ['\\a.exe', '\\b.exe'], Ip: '127.0.0.1', D: '', N: 4}\nf: {P: null}\ng: {Q: null}\ncondition: s and not f and g"), 'eql'), [
      'any where ((Image like~ ("*\\\\a.exe", "*\\\\b.exe")) and Ip=="127.0.0.1" and D=="" and N:4) and ?P != null and (?Q == null)',
    ]);
  });
  test('cidr, compare, regex; exists refused', () => {
    assert.deepEqual(convert(rule("s: {D|cidr: '::1/128', C|lt: 3, R|re: 'a/b'}\ncondition: s"), 'eql'), ['any where cidrMatch(D, "::1/128") and C < 3 and R regex~ "a\\/b"']);
    assert.equal(convert(rule('s: {A|exists: true}\ncondition: s'), 'eql'), 'ERROR NotImplementedError: Field exists expressions are not supported by the backend. (while converting rule None)');
  });
  test('deviation D8: control characters as escape sequences', () => {
    assert.deepEqual(convert(rule('s: {A: "a\\tb"}\ncondition: s'), 'eql'), ['any where A:"a\\tb"']);
  });
  test('deviation D9: cased patterns use like, exact cased values ==', () => {
    assert.deepEqual(convert(rule("s: {A|cased|contains: 'MiXeD', B|cased: 'Ab'}\ncondition: s"), 'eql'), ['any where A like "*MiXeD*" and B == "Ab"']);
  });
  test('deviation D5: cased values are never merged into a case-insensitive like~ list', () => {
    assert.deepEqual(convert(rule("s: {A|cased: ['x', 'y']}\ncondition: s"), 'eql'), ['any where A == "x" or A == "y"']);
  });
  test('deviation D10: an unescaped quote in a regular expression is escaped', () => {
    assert.deepEqual(convert(rule("s: {C|re: 'a\"b\\\"c'}\ncondition: s"), 'eql'), ['any where C regex~ "a\\"b\\"c"']);
  });
  test('deviation D11: keywords are refused', () => {
    assert.equal(convert(rule("k: ['rm -rf /']\ncondition: k"), 'eql'), 'ERROR NotImplementedError: String value expressions are not supported by the backend. (while converting rule None)');
  });
});

describe('esql (pySigma ESQLBackend)', () => {
  test('precedence without extra parentheses, starts_with/ends_with/like/in', () => {
    assert.deepEqual(convert(rule("a: {Image|endswith: '\\a.exe', CommandLine|contains: x}\nb: [{Image|startswith: 'C:\\'}, {O: [a, b]}]\nf: {User|contains: [A, B]}\ncondition: 1 of a* or b and not f"), 'esql'), [
      'from * metadata _id, _index, _version | where ends_with(Image, "\\\\a.exe") and CommandLine like "*x*" or (starts_with(Image, "C:\\\\") or O in ("a", "b")) and not (User like "*A*" or User like "*B*")',
    ]);
  });
  test('null, exists, fieldref, cidr, regex escaping, quoted field names', () => {
    assert.deepEqual(convert(rule("s: {A: null, B|exists: false, C|fieldref: D, E|cidr: '10.0.0.0/8', R|re: 'a\\\"b', 'c-ua': ''}\nn: {P: null}\ncondition: s and not n"), 'esql'), [
      'from * metadata _id, _index, _version | where A is null and B is null and C==D and cidr_match(E, "10.0.0.0/8") and R rlike "a\\\\\\"b" and `c-ua`=="" and not P is null',
    ]);
  });
  test('keywords refused with the reference message', () => {
    assert.equal(convert(rule("k: ['a']\ncondition: k"), 'esql'), 'ERROR NotImplementedError: String value expressions are not supported by the backend. (while converting rule None)');
  });
  test('deviation D6: alternatives under NOT stay grouped', () => {
    assert.deepEqual(convert(rule("s: {I: x}\nf: {C|windash|contains: ' -n '}\ncondition: s and not f"), 'esql'), [
      'from * metadata _id, _index, _version | where I=="x" and not (C like "* -n *" or C like "* /n *" or C like "* –n *" or C like "* —n *" or C like "* ―n *")',
    ]);
    // Lucene writes the alternatives as an in-list, which needs no extra group.
    assert.deepEqual(convert(rule("s: {I: x}\nf: {C|windash|contains: ' -n'}\ncondition: s and not f"), 'lucene'), ['I:x AND (NOT C:(*\\ \\-n* OR *\\ \\/n* OR *\\ –n* OR *\\ —n* OR *\\ ―n*))']);
  });
  test('deviation D12: literal * and ? are plain text in ==, \\\\* in LIKE patterns', () => {
    assert.deepEqual(convert(rule("s: {A: 'x\\*y', B|contains: 'q\\?r'}\ncondition: s"), 'esql'), ['from * metadata _id, _index, _version | where A=="x*y" and B like "*q\\\\?r*"']);
  });
});

describe('ecs_windows pipeline', () => {
  test('fields renamed by log source, the rest under winlog.event_data., channel condition for services', () => {
    assert.deepEqual(convert(ruleWith(SECURITY, 's: {EventID: [4688, 4689], CommandLine: x, SubjectUserName: u, Flag: true, Count|gte: 10}\ncondition: s'), 'lucene+ecs_windows'), [
      'winlog.channel:Security AND ((event.code:(4688 OR 4689)) AND process.command_line:x AND user.name:u AND winlog.event_data.Flag:true AND winlog.event_data.Count:>=10)',
    ]);
    assert.deepEqual(convert(ruleWith(PROCESS, 's: {CommandLine: x, Description: d, Already.Dotted: y}\ncondition: s'), 'lucene+ecs_windows'), ['process.command_line:x AND process.pe.description:d AND Already.Dotted:y']);
  });
  test('several channels become an in-list; other products are left alone', () => {
    assert.deepEqual(convert(ruleWith('{product: windows, service: powershell}', 's: {ScriptBlockText|contains: x}\ncondition: s'), 'lucene+ecs_windows'), [
      '(winlog.channel:(Microsoft\\-Windows\\-PowerShell\\/Operational OR PowerShellCore\\/Operational)) AND powershell.file.script_block_text:*x*',
    ]);
    assert.deepEqual(convert(ruleWith('{product: linux, category: process_creation}', 's: {Image: x, EventID: 1}\ncondition: s'), 'eql+ecs_windows'), ['any where Image:"x" and EventID:1']);
  });
  test('numbers compared with keyword fields become strings (EQL and ES|QL show it)', () => {
    assert.deepEqual(convert(ruleWith(SECURITY, 's: {EventID: 4624, LogonType: 3, IpPort: 88}\ncondition: s'), 'eql+ecs_windows'), [
      'any where winlog.channel:"Security" and (event.code:"4624" and winlog.event_data.LogonType:"3" and source.port:88)',
    ]);
  });
  test('field references: both names mapped, no event_data prefix (as pySigma 1.5.0)', () => {
    assert.deepEqual(convert(ruleWith(SECURITY, 's: {EventID: 4624, TargetUserName|fieldref: SubjectUserName}\ncondition: s'), 'esql+ecs_windows'), [
      'from * metadata _id, _index, _version | where winlog.channel=="Security" and event.code=="4624" and TargetUserName==user.name',
    ]);
  });
});

describe('target registry', () => {
  test('lists the pySigma targets with titles, pipelines and formats', () => {
    const byId = new Map(listTargets().map((t) => [t.id, t]));
    assert.deepEqual(byId.get('lucene'), { id: 'lucene', title: 'Lucene', pipelines: ['ecs_windows'], formats: ['dsl_lucene', 'kibana_ndjson'] });
    assert.deepEqual(byId.get('eql'), { id: 'eql', title: 'EQL', pipelines: ['ecs_windows'], formats: [] });
    assert.deepEqual(byId.get('esql'), { id: 'esql', title: 'ES|QL', pipelines: ['ecs_windows'], formats: [] });
  });
  test('specs are checked', () => {
    assert.deepEqual(parseTargetSpec('lucene+ecs_windows@dsl_lucene'), { target: 'lucene', pipeline: 'ecs_windows', format: 'dsl_lucene' });
    assert.match(parseTargetSpec('eql@dsl_lucene') as string, /has no output format "dsl_lucene"/);
    assert.match(parseTargetSpec('esql+splunk_windows') as string, /has no pipeline "splunk_windows" \(known: ecs_windows\)/);
  });
});
