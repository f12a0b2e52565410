import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { convert, rule } from './helpers.ts';

/** A rule with the given log source (YAML flow mapping) around a detection block. */
function ruleWith(logsource: string, detection: string): string {
  return `title: t [x]\nid: 00000000-0000-0000-0000-000000000099\ndescription: d\nlogsource: ${logsource}\ndetection:\n${detection.replace(/^/gm, '  ')}\n`;
}
const PROCESS = '{product: windows, category: process_creation}';
const SECURITY = '{product: windows, service: security}';

describe('splunk (pySigma-backend-splunk SplunkBackend)', () => {
  test('implicit AND, OR binding tighter, IN lists, quoting and escaping', () => {
    assert.deepEqual(convert(rule("s: {Image|endswith: '\\x.exe', CommandLine|contains: ['a', 'b\"c'], 'Field Name': 'e\\*f?g'}\nf: {User: [SYSTEM, 4]}\ncondition: s and not f"), 'splunk'), [
      'Image="*\\\\x.exe" CommandLine IN ("*a*", "*b\\"c*") "Field Name"="e\\*f*g" NOT (User IN ("SYSTEM", 4))',
    ]);
    assert.deepEqual(convert(rule('a: {A: 1, B: 2}\nb: {C: 3}\ncondition: a or b'), 'splunk'), ['(A=1 B=2) OR C=3']);
  });
  test('null, exists, cidr, compare, keywords; cased refused', () => {
    assert.deepEqual(convert(rule("s: {A: null, B|exists: false, C|cidr: '10.0.0.0/8', D|gte: 3}\nn: {E: null}\ncondition: s and not n"), 'splunk'), [
      'NOT A=* NOT B=* C="10.0.0.0/8" D>=3 NOT NOT E=*',
    ]);
    assert.deepEqual(convert(rule("k: ['rm -rf', 42]\ncondition: k"), 'splunk'), ['"rm -rf" OR 42']);
    assert.match(convert(rule("s: {A|cased: x}\ncondition: s"), 'splunk') as string, /^ERROR NotImplementedError: Case-sensitive/);
  });
  test('regular expressions: | regex for a conjunct, | rex + condition field inside an OR, only-deferred queries are *', () => {
    assert.deepEqual(convert(rule("s: {A: x, B|re: 'a\"b'}\nn: {C|re: c}\ncondition: s and not n"), 'splunk'), ['A="x"\n| regex B="a\\"b"\n| regex C!="c"']);
    assert.deepEqual(convert(rule("s: {B|re: b}\ncondition: s"), 'splunk'), ['*\n| regex B="b"']);
    assert.deepEqual(convert(rule("s: {A: x}\nr: [{P.B|re: b}, {P.B|re: c}, {D: d}]\ncondition: s and r"), 'splunk'), [
      'A="x"\n| rex field=P.B "(?<BMatch>b)"\n| eval BCondition=if(isnotnull(BMatch), "true", "false")\n| rex field=P.B "(?<BMatch2>c)"\n| eval BCondition2=if(isnotnull(BMatch2), "true", "false")\n| search BCondition="true" OR BCondition2="true" OR D="d"',
    ]);
  });
  test('field references: | where for a conjunct, refused inside an OR', () => {
    assert.deepEqual(convert(rule('s: {A: 1, B|fieldref: C}\ncondition: s'), 'splunk'), ["A=1\n| where 'B'='C'"]);
    assert.equal(convert(rule('s: [{A: 1}, {B|fieldref: C}]\ncondition: s'), 'splunk'), 'ERROR SigmaFeatureNotSupportedByBackendError: ORing FieldRef matching is not yet supported by Splunk backend');
  });
  test('deviation S1: only conjuncts are searched before the extractions', () => {
    // pySigma-backend-splunk 2.1.0 moved the leading `Image=…` in front of `| rex` although it is the
    // first operand of an OR, leaving `| search OR OriginalFileName=…` (invalid, and a different query).
    assert.deepEqual(convert(rule("i: [{Image|endswith: '\\curl.exe'}, {OriginalFileName: curl.exe}]\nc: [{CommandLine|re: '\\s-c\\s'}, {CommandLine|contains: '--cookie-jar'}]\ncondition: all of them"), 'splunk'), [
      '\n| rex field=CommandLine "(?<CommandLineMatch>\\\\s-c\\\\s)"\n| eval CommandLineCondition=if(isnotnull(CommandLineMatch), "true", "false")\n| search Image="*\\\\curl.exe" OR OriginalFileName="curl.exe" CommandLineCondition="true" OR CommandLine="*--cookie-jar*"',
    ]);
  });
  test('deviation S2: the tstats where clause holds no condition field', () => {
    const [query] = convert(ruleWith(PROCESS, "i: {Image|endswith: '\\x.exe'}\nc: [{CommandLine|re: a}, {CommandLine|contains: b}]\ncondition: i and c"), 'splunk+splunk_cim@data_model') as string[];
    assert.match(query!, /^\| tstats .* from datamodel=Endpoint\.Processes where Processes\.process_path="\*\\\\x\.exe" by Processes\.process Processes\.dest .* Processes\.user \| rex field=Processes\.process "\(\?<processMatch>a\)" \| eval processCondition=.* \| search Processes\.process_path="\*\\\\x\.exe" processCondition="true" OR Processes\.process="\*b\*" \| `drop_dm_object_name\(Processes\)` \| convert .* ctime\(lastTime\) $/);
  });
  test('deviation S3: a regular expression in a negated group is tested through a condition field', () => {
    // pySigma wrote `NOT (A="x")\n| regex B="b"` for `not (a and b)`: the regex was not negated.
    assert.deepEqual(convert(rule("f1: {A: x}\nf2: {B|re: b}\ncondition: not all of f*"), 'splunk'), [
      '\n| rex field=B "(?<BMatch>b)"\n| eval BCondition=if(isnotnull(BMatch), "true", "false")\n| search NOT (A="x" BCondition="true")',
    ]);
  });
  test('deviation S4: a regular expression or field reference alone in `1 of` is a conjunct', () => {
    assert.deepEqual(convert(rule("s: {A: x}\nfilter_main: {B|fieldref: C}\ncondition: s and not 1 of filter_*"), 'splunk'), ["A=\"x\"\n| where NOT 'B'='C'"]);
  });
  test('deviation D6 holds for SPL too: alternatives under NOT stay grouped', () => {
    assert.deepEqual(convert(rule("s: {C|windash: '-n'}\ncondition: not s"), 'splunk'), ['NOT (C="-n" OR C="/n" OR C="–n" OR C="—n" OR C="―n")']);
  });
  test('splunk_windows: source for services, EventID as EventCode', () => {
    assert.deepEqual(convert(ruleWith(SECURITY, 'sel: {EventID: [4624, 4625], LogonType: 3}\ncondition: sel'), 'splunk+splunk_windows'), ['source="WinEventLog:Security" EventCode IN (4624, 4625) LogonType=3']);
    assert.deepEqual(convert(ruleWith('{product: windows, service: powershell}', 'sel: {EventID: 4104}\ncondition: sel'), 'splunk+splunk_windows'), [
      'source IN ("WinEventLog:Microsoft-Windows-PowerShell/Operational", "WinEventLog:PowerShellCore/Operational") EventCode=4104',
    ]);
  });
  test('splunk_cim: CIM names; other fields and log sources refused with their category', () => {
    assert.deepEqual(convert(ruleWith(PROCESS, "sel: {Image|endswith: '\\a.exe', User: x}\ncondition: sel"), 'splunk+splunk_cim'), ['Processes.process_path="*\\\\a.exe" Processes.user="x"']);
    assert.match(convert(ruleWith(PROCESS, 'sel: {Description: x}\ncondition: sel'), 'splunk+splunk_cim') as string, /^ERROR SigmaTransformationError: The Splunk Data Model Sigma backend supports only the following fields for process_creation log source: CommandLine,Computer,/);
    assert.equal(convert(ruleWith(SECURITY, 'sel: {EventID: 1}\ncondition: sel'), 'splunk+splunk_cim'), 'ERROR SigmaTransformationError: Rule type not yet supported by the Splunk data model CIM pipeline!');
    assert.match(convert(ruleWith(SECURITY, 'sel: {EventID: 1}\ncondition: sel'), 'splunk@data_model') as string, /No data model specified/);
  });
  test('savedsearches: one configuration file per rule file, a stanza per query', () => {
    assert.deepEqual(convert(ruleWith(PROCESS, "sel: {CommandLine|re: 'a'}\ncondition: sel"), 'splunk@savedsearches'), [
      '\n[default]\ndispatch.earliest_time = -30d\ndispatch.latest_time = now\n\n[t x]\ndescription = d\nsearch = * \\\n| regex CommandLine="a"',
    ]);
  });
});

describe('kusto (pySigma-backend-kusto KustoBackend)', () => {
  test('=~, string operators, in~ lists with patterns after them, has_all, numbers ==', () => {
    assert.deepEqual(convert(rule("s: {Image|endswith: '\\x.exe', C: [a, '*b*', 'c*d?e', 5], D|contains|all: [x, y], E|all: [p, q], N: 4}\ncondition: s"), 'kusto'), [
      'Image endswith "\\\\x.exe" and (C in~ ("a", "5") or C contains "b" or (C contains "c" and C contains "d" and C contains "e")) and (D contains "x" and D contains "y") and (E has_all ("p", "q")) and N == 4',
    ]);
  });
  test('patterns with inner wildcards as matches regex; literal * plain; not(…); null, exists, cidr', () => {
    assert.deepEqual(convert(rule("s: {A: 'x*y.z?', B: 'C:\\*\\x'}\nf: {C: null, D|exists: true}\ncondition: s and not f"), 'kusto'), [
      '(A matches regex "x.*y\\\\.z." and B =~ "C:*\\\\x") and (not((isnull(C) and isnotempty(D))))',
    ]);
    assert.deepEqual(convert(rule("s: {C|cidr: ['10.0.0.0/8']}\ncondition: not s"), 'kusto'), ['not(ipv4_is_in_range(C, "10.0.0.0/8"))']);
  });
  test('refusals: field references, cased', () => {
    assert.equal(convert(rule('s: {A|fieldref: B}\ncondition: s'), 'kusto'), 'ERROR NotImplementedError: Field reference expression is not supported by backend. (while converting rule None)');
  });
  test('deviation K4: field names that are not identifiers are bracket-quoted, dotted names are paths', () => {
    // pySigma wrote 'c-uri' (a string literal: the comparison never looks at the column) and, in lists
    // of patterns, ''c-uri'' (invalid).
    assert.deepEqual(convert(rule("s: {c-uri|contains: [a, 'b*c*d'], actor.alternateId: x}\ncondition: s"), 'kusto'), [
      "(['c-uri'] contains \"a\" or (['c-uri'] contains \"b\" and ['c-uri'] contains \"c\" and ['c-uri'] contains \"d\")) and actor.alternateId =~ \"x\"",
    ]);
  });
  test('deviation K5: backslashes of list patterns with a wildcard inside are kept', () => {
    // pySigma re-read each literal run as a Sigma string, so `\\\\` (two backslashes) became one.
    assert.deepEqual(convert(rule("s: {C|contains: ['\\\\\\\\*\\\\*$', x]}\ncondition: s"), 'kusto'), ['C contains "\\\\\\\\" and C contains "\\\\" and C contains "$" or C contains "x"'.replace(/^(.*) or (.*)$/, '($1) or $2')]);
  });
});
