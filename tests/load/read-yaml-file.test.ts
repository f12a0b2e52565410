import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { loadDataNeeded } from '../../src/load/load-data-needed.ts';
import { parseYamlText, readYamlFile } from '../../src/load/read-yaml-file.ts';
import type { SourceDocument } from '../../src/model/source-document.ts';

/** The value of the only document of `text`, failing on any issue. */
function valueOf(text: string): unknown {
  const parsed = parseYamlText(text, 'test.yml');
  assert.deepEqual(parsed.issues, [], `no issues for ${JSON.stringify(text)}`);
  assert.equal(parsed.documents.length, 1);
  return parsed.documents[0]!.value;
}

function scalar(text: string): unknown {
  return (valueOf(`value: ${text}\n`) as { value: unknown }).value;
}

function documentsOf(text: string): readonly SourceDocument[] {
  const parsed = parseYamlText(text, 'test.yml');
  assert.deepEqual(parsed.issues, []);
  return parsed.documents;
}

function withTempFile(t: { after: (fn: () => void) => void }, name: string, content: string | Buffer): string {
  const folder = mkdtempSync(path.join(tmpdir(), 'atc-kb-yaml-'));
  t.after(() => rmSync(folder, { recursive: true, force: true }));
  const file = path.join(folder, name);
  writeFileSync(file, content);
  return file;
}

describe('YAML 1.1 scalars, as PyYAML reads them', () => {
  test('yes/no/on/off/true/false in their three spellings are booleans', () => {
    for (const text of ['yes', 'Yes', 'YES', 'on', 'On', 'ON', 'true', 'True', 'TRUE']) assert.equal(scalar(text), true, text);
    for (const text of ['no', 'No', 'NO', 'off', 'Off', 'OFF', 'false', 'False', 'FALSE']) assert.equal(scalar(text), false, text);
  });

  test('y, n and other spellings stay text', () => {
    for (const text of ['y', 'Y', 'n', 'N', 'yEs', 'oN', 'tRUE', 'nope']) assert.equal(scalar(text), text, text);
  });

  test('quoted booleans stay text', () => {
    assert.equal(scalar("'yes'"), 'yes');
    assert.equal(scalar('"off"'), 'off');
  });

  test('integers: decimal, 0755 octal, 0x hex, 0b binary, underscores, signs', () => {
    assert.equal(scalar('4688'), 4688);
    assert.equal(scalar('0755'), 0o755);
    assert.equal(scalar('-010'), -8);
    assert.equal(scalar('0x1F'), 31);
    assert.equal(scalar('0b101'), 5);
    assert.equal(scalar('1_000'), 1000);
    assert.equal(scalar('+12'), 12);
    assert.equal(scalar('0'), 0);
  });

  test('not integers in YAML 1.1: 08 and 0o755 stay text', () => {
    assert.equal(scalar('08'), '08');
    assert.equal(scalar('0o755'), '0o755');
  });

  test('sexagesimal: 1:20 is 80, 190:20:30 is 685230, 1:20.5 is a float', () => {
    assert.equal(scalar('1:20'), 80);
    assert.equal(scalar('190:20:30'), 685230);
    assert.equal(scalar('-1:00'), -60);
    assert.equal(scalar('1:20.5'), 80.5);
  });

  test('floats need a dot; an exponent needs its sign: 1e5 and 1.0e5 stay text', () => {
    assert.equal(scalar('1e5'), '1e5');
    assert.equal(scalar('1.0e5'), '1.0e5');
    assert.equal(scalar('1.5e+3'), 1500);
    assert.equal(scalar('3.25'), 3.25);
    assert.equal(scalar('.5'), 0.5);
    assert.equal(scalar('010.5'), 10.5);
    assert.equal(scalar('.inf'), Infinity);
    assert.equal(scalar('-.Inf'), -Infinity);
    assert.ok(Number.isNaN(scalar('.NaN')));
  });

  test('null: empty, ~, null, Null, NULL', () => {
    const value = valueOf('a:\nb: ~\nc: null\nd: Null\ne: NULL\nf: nULL\n');
    assert.deepEqual(value, { a: null, b: null, c: null, d: null, e: null, f: 'nULL' });
  });

  test('dates and timestamps stay the text the author wrote', () => {
    assert.equal(scalar('2024-01-02'), '2024-01-02');
    assert.equal(scalar('2018/10/30'), '2018/10/30');
    assert.equal(scalar('2001-12-14t21:59:43.10-05:00'), '2001-12-14t21:59:43.10-05:00');
    assert.equal(scalar('2001-12-14 21:59:43.10 -5'), '2001-12-14 21:59:43.10 -5');
  });

  test('merge keys (<<) work as in PyYAML, and the mapping wins over the merged one', () => {
    const value = valueOf('base: &base {product: windows, service: security}\nrule:\n  <<: *base\n  service: sysmon\n');
    assert.deepEqual((value as { rule: unknown }).rule, { product: 'windows', service: 'sysmon' });
  });

  test('keys are text', () => {
    assert.deepEqual(Object.keys(valueOf('4688: a\nyes: b\n~: c\n') as object).sort(), ['4688', 'null', 'true'].sort());
  });
});

describe('positions from locate', () => {
  const text = [
    'title: Example', //                    1
    'tags:', //                             2
    '    - attack.execution', //            3
    '    - attack.t1059', //                4
    'logsource: {product: windows, category: process_creation}', // 5
    'detection:', //                        6
    '    # a comment before the key', //    7
    '    selection:', //                    8
    '        CommandLine|contains:', //     9
    "            - 'a'", //                 10
    "            - 'b'", //                 11
    '        Image: [x.exe, {nested: y.exe}]', // 12
    '    condition: selection', //          13
    '',
  ].join('\n');
  const document = documentsOf(text)[0]!;

  test('block mapping keys and values', () => {
    assert.deepEqual(document.locate(['title'], 'key'), { line: 1, column: 1 });
    assert.deepEqual(document.locate(['title']), { line: 1, column: 8 });
    assert.deepEqual(document.locate(['detection'], 'key'), { line: 6, column: 1 });
    assert.deepEqual(document.locate(['detection', 'selection'], 'key'), { line: 8, column: 5 });
    assert.deepEqual(document.locate(['detection', 'condition']), { line: 13, column: 16 });
  });

  test('a value on the next line is located at its first character, after comments', () => {
    assert.deepEqual(document.locate(['detection']), { line: 8, column: 5 });
    assert.deepEqual(document.locate(['detection', 'selection', 'CommandLine|contains']), { line: 10, column: 13 });
  });

  test('block sequence items', () => {
    assert.deepEqual(document.locate(['tags', 0]), { line: 3, column: 7 });
    assert.deepEqual(document.locate(['tags', 1]), { line: 4, column: 7 });
    assert.deepEqual(document.locate(['detection', 'selection', 'CommandLine|contains', 1]), { line: 11, column: 15 });
  });

  test('flow mappings and sequences, nested', () => {
    assert.deepEqual(document.locate(['logsource']), { line: 5, column: 12 });
    assert.deepEqual(document.locate(['logsource', 'category'], 'key'), { line: 5, column: 31 });
    assert.deepEqual(document.locate(['logsource', 'category']), { line: 5, column: 41 });
    assert.deepEqual(document.locate(['detection', 'selection', 'Image', 0]), { line: 12, column: 17 });
    assert.deepEqual(document.locate(['detection', 'selection', 'Image', 1]), { line: 12, column: 24 });
    assert.deepEqual(document.locate(['detection', 'selection', 'Image', 1, 'nested'], 'key'), { line: 12, column: 25 });
    assert.deepEqual(document.locate(['detection', 'selection', 'Image', 1, 'nested']), { line: 12, column: 33 });
  });

  test('a missing path resolves to its deepest existing ancestor', () => {
    assert.deepEqual(document.locate(['detection', 'filter']), document.locate(['detection']));
    assert.deepEqual(document.locate(['tags', 7]), document.locate(['tags']));
    assert.deepEqual(document.locate(['nothing', 'here']), { line: 1, column: 1 });
  });

  test('the document position is its first key', () => {
    assert.deepEqual(document.position, { line: 1, column: 1 });
    assert.deepEqual(documentsOf('# header\n\n# more\nkey: value\n')[0]!.position, { line: 4, column: 1 });
  });

  test('positions in the second and third document of a file', () => {
    const documents = documentsOf(
      ['action: global', 'title: Collection', '---', '# Security', 'logsource:', '    service: security', '---', 'logsource: {service: sysmon}', 'detection:', '    selection:', '        EventID: 1', ''].join('\n'),
    );
    assert.equal(documents.length, 3);
    assert.deepEqual(documents.map((d) => d.index), [0, 1, 2]);
    assert.deepEqual(documents[1]!.position, { line: 5, column: 1 });
    assert.deepEqual(documents[1]!.locate(['logsource', 'service']), { line: 6, column: 14 });
    assert.deepEqual(documents[1]!.locate(['logsource', 'service'], 'key'), { line: 6, column: 5 });
    assert.deepEqual(documents[2]!.locate(['logsource', 'service']), { line: 8, column: 22 });
    assert.deepEqual(documents[2]!.locate(['detection', 'selection', 'EventID']), { line: 11, column: 18 });
    // The same path in another document does not leak across.
    assert.deepEqual(documents[0]!.locate(['logsource']), { line: 1, column: 1 });
  });

  test('CRLF line endings count as one line break', () => {
    const crlf = documentsOf('a: 1\r\nb:\r\n  - x\r\n  - y\r\n')[0]!;
    assert.deepEqual(crlf.locate(['b', 1]), { line: 4, column: 5 });
    assert.deepEqual(crlf.locate(['b'], 'key'), { line: 2, column: 1 });
  });

  test('block scalars are located at their indicator', () => {
    const doc = documentsOf('title: t\ndescription: |\n    line one\n    line two\nlevel: high\n')[0]!;
    assert.deepEqual(doc.locate(['description']), { line: 2, column: 14 });
    assert.equal((doc.value as { description: string }).description, 'line one\nline two\n');
    assert.deepEqual(doc.locate(['level']), { line: 5, column: 8 });
  });

  test('every key of the largest mapping a file may hold is located in linear time (found by tests/load/mutated-input.test.ts)', () => {
    // Each lookup searched the mapping's keys: reporting every key of a 50,000-key mapping took 40 s.
    // The file limit now stops at 10,000 entries; 50,000 lookups among 9,998 keys still show a search per lookup.
    const doc = documentsOf(`map:\n${Array.from({ length: 9_998 }, (_, index) => `  key${index}: v`).join('\n')}\n`)[0]!;
    const started = performance.now();
    for (let index = 0; index < 50_000; index += 1) doc.locate(['map', `key${index % 9_998}`], 'key');
    const elapsed = performance.now() - started;
    assert.deepEqual(doc.locate(['map', 'key9997'], 'key'), { line: 9_999, column: 3 });
    assert.ok(elapsed < 1_000, `${Math.round(elapsed)} ms`);
  });
});

describe('problems', () => {
  test('a duplicate key is a warning at the second key, naming both lines, and the last value wins (as in PyYAML)', () => {
    for (const [text, line, column, firstLine, expected] of [
      ['title: a\nlevel: low\ntitle: b\n', 3, 1, 1, { title: 'b', level: 'low' }],
      ['detection:\n    selection:\n        EventID: 1\n        EventID: 2\n', 4, 9, 3, { detection: { selection: { EventID: 2 } } }],
    ] as const) {
      const parsed = parseYamlText(text, 'dup.yml');
      assert.deepEqual(parsed.documents.map((document) => document.value), [expected], JSON.stringify(text));
      assert.deepEqual(
        parsed.issues.map((issue) => [issue.file, issue.line, issue.column, issue.code, issue.severity]),
        [['dup.yml', line, column, 'yaml-duplicate-key', 'warning']],
        JSON.stringify(text),
      );
      assert.match(parsed.issues[0]!.message, new RegExp(`lines ${firstLine} and ${line}\\b`));
    }
  });

  test('a duplicated key is located where its kept (last) value is', () => {
    const parsed = parseYamlText('---\nok: 1\n---\na: 1\nb: 2\na: [x,\n  y]\n', 'dup.yml');
    assert.deepEqual(parsed.documents.map((document) => document.value), [{ ok: 1 }, { a: ['x', 'y'], b: 2 }]);
    assert.deepEqual(parsed.issues.map((issue) => [issue.line, issue.column, issue.code]), [[6, 1, 'yaml-duplicate-key']]);
    assert.deepEqual(parsed.documents[1]!.locate(['a'], 'key'), { line: 6, column: 1 });
    assert.deepEqual(parsed.documents[1]!.locate(['a', 1]), { line: 7, column: 3 });
  });

  test('a key written three times gives two warnings; flow mappings are checked too', () => {
    const parsed = parseYamlText('logsource: {product: windows, product: linux}\nk: 1\nk: 2\nk: 3\n', 'dup.yml');
    assert.deepEqual(parsed.documents[0]!.value, { logsource: { product: 'linux' }, k: 3 });
    assert.deepEqual(
      parsed.issues.map((issue) => [issue.line, issue.column, issue.code, issue.message.match(/lines \d+ and \d+/)?.[0]]),
      [
        [1, 31, 'yaml-duplicate-key', 'lines 1 and 1'],
        [3, 1, 'yaml-duplicate-key', 'lines 2 and 3'],
        [4, 1, 'yaml-duplicate-key', 'lines 2 and 4'],
      ],
    );
  });

  test('a hostile duplicate key is quoted and shortened in the message', () => {
    const key = `x${'\u001b[31m'.repeat(1000)}`;
    const parsed = parseYamlText(`"${key.replace(/\u001b/g, '\\e')}": 1\n"${key.replace(/\u001b/g, '\\e')}": 2\n`, 'dup.yml');
    assert.equal(parsed.issues.length, 1);
    assert.ok(parsed.issues[0]!.message.length < 200, parsed.issues[0]!.message);
    assert.ok(!parsed.issues[0]!.message.includes('\u001b'), 'control characters stay escaped');
  });

  test('syntax errors carry the line and column where the parser stopped', () => {
    for (const [text, line, column] of [
      ['detection:\n    selection:\n        EventID: 4688\n      Image: x\n', 4, 7],
      ['a: 1\n  b: 2\n', 2, 4],
      ['a:\n\t- x\n', 2, 1],
      ['a: [1, 2\nb: 3\n', 2, 1],
      ['ok: 1\n---\nb: c: d\n', 3, 5],
    ] as const) {
      const parsed = parseYamlText(text, 'bad.yml');
      assert.deepEqual(parsed.documents, []);
      assert.equal(parsed.issues.length, 1, JSON.stringify(text));
      const [issue] = parsed.issues;
      assert.deepEqual([issue!.line, issue!.column, issue!.code, issue!.severity], [line, column, 'yaml-syntax', 'error'], `${JSON.stringify(text)}: ${issue!.message}`);
      assert.ok(!issue!.message.includes('\n'), 'the message is one line');
    }
  });

  test('an alias bomb is refused quickly, without expanding it', () => {
    const levels = ['a: &a [x, x, x, x, x, x, x, x, x, x]'];
    for (let level = 1; level < 12; level++) {
      const previous = String.fromCharCode(96 + level);
      const name = String.fromCharCode(97 + level);
      levels.push(`${name}: &${name} [${Array(10).fill(`*${previous}`).join(', ')}]`);
    }
    const started = performance.now();
    const parsed = parseYamlText(`${levels.join('\n')}\n`, 'bomb.yml');
    const elapsed = performance.now() - started;
    assert.ok(elapsed < 1000, `took ${elapsed.toFixed(0)} ms`);
    assert.deepEqual(parsed.documents, []);
    assert.deepEqual(parsed.issues.map((issue) => [issue.line, issue.column, issue.code]), [[1, 1, 'yaml-alias-limit']]);
  });

  test('ordinary anchors and aliases are fine', () => {
    const value = valueOf('names: &names [cmd.exe, powershell.exe]\nselection:\n  Image: *names\n  ParentImage: *names\n');
    assert.deepEqual(value, { names: ['cmd.exe', 'powershell.exe'], selection: { Image: ['cmd.exe', 'powershell.exe'], ParentImage: ['cmd.exe', 'powershell.exe'] } });
  });
});

describe('readYamlFile', () => {
  test('a UTF-8 byte-order mark is stripped; positions ignore it', (t) => {
    const file = withTempFile(t, 'bom.yml', Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('title: with BOM\nlevel: low\n')]));
    const read = readYamlFile(file, 'bom.yml');
    assert.deepEqual(read.issues, []);
    assert.equal(read.text, 'title: with BOM\nlevel: low\n');
    assert.deepEqual(read.documents[0]!.value, { title: 'with BOM', level: 'low' });
    assert.ok(!Object.keys(read.documents[0]!.value as object).some((key) => key.includes('\uFEFF')));
    assert.deepEqual(read.documents[0]!.locate(['title'], 'key'), { line: 1, column: 1 });
    assert.deepEqual(read.documents[0]!.locate(['level']), { line: 2, column: 8 });
  });

  test('an empty file has no documents and no issues; the entity loaders report yaml-empty', (t) => {
    const file = withTempFile(t, 'empty.yml', '');
    const read = readYamlFile(file, 'empty.yml');
    assert.equal(read.text, '');
    assert.deepEqual(read.documents, []);
    assert.deepEqual(read.issues, []);
    const loaded = loadDataNeeded([path.dirname(file)], path.dirname(file));
    assert.deepEqual(loaded.items, []);
    assert.deepEqual(loaded.issues.map((issue) => [issue.file, issue.line, issue.column, issue.code]), [['empty.yml', 1, 1, 'yaml-empty']]);
  });

  test('the text is kept exactly as written', (t) => {
    const content = "title: t   \r\ndescription: 'C:\\Users\\<USER>'\r\n";
    const read = readYamlFile(withTempFile(t, 'exact.yml', content), 'exact.yml');
    assert.equal(read.text, content);
    assert.equal((read.documents[0]!.value as { description: string }).description, 'C:\\Users\\<USER>');
  });

  test('invalid UTF-8 is refused with the position of the first bad byte', (t) => {
    const file = withTempFile(t, 'latin1.yml', Buffer.from('title: ok\ndescription: caf\xe9\n', 'latin1'));
    const read = readYamlFile(file, 'latin1.yml');
    assert.deepEqual(read.documents, []);
    assert.deepEqual(read.issues.map((issue) => [issue.line, issue.column, issue.code]), [[2, 17, 'file-not-utf8']]);
  });

  test('a missing file is file-unreadable, not an exception', () => {
    const read = readYamlFile(path.join(tmpdir(), 'atc-kb-does-not-exist', 'x.yml'), 'x.yml');
    assert.deepEqual(read.issues.map((issue) => [issue.file, issue.line, issue.column, issue.code]), [['x.yml', 1, 1, 'file-unreadable']]);
  });
});
