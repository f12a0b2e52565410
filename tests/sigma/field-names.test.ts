import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import jsYaml from 'js-yaml';
import { loadPipelineFile, userPipelineMap } from '../../src/load/load-pipelines.ts';
import { YAML_1_1_SCHEMA } from '../../src/load/yaml-1-1-schema.ts';
import { convertCollection } from '../../src/sigma/convert-collection.ts';
import { convert, parseLucene, parseRules } from './helpers.ts';

/**
 * Field names come from rules (and pipelines) that may be hostile: each target writes a name as one
 * identifier of its language, whatever the name holds, or refuses the rule. The properties compare a
 * rule on crafted names with the same rule on plain names, through independent readers of each
 * language's identifiers (the Lucene one is the `lucene` npm parser).
 */

/** A rule whose one selection maps each name (with a modifier chain) to a value; the document as YAML. */
function ruleOn(items: readonly (readonly [string, unknown])[], extra: Record<string, unknown> = {}): string {
  // Dumped with the loader's YAML 1.1 schema, so that a name PyYAML would read as a number (`0_`, `1_0`)
  // is quoted and reaches the converter as the string it is.
  return jsYaml.dump({ title: 't', logsource: { product: 'windows' }, ...extra, detection: { sel: Object.fromEntries(items), condition: 'sel' } }, { schema: YAML_1_1_SCHEMA });
}

const one = (name: string, value: unknown = 'v'): string => ruleOn([[name, value]]);

// Control characters and line breaks: refused by every target, and never echoed raw in the reason.
const CONTROL = /[\p{Cc}\p{Zl}\p{Zp}]/u;

describe('field names: the hostile names of issue 10', () => {
  test('es-qs / graylog: `Image OR x` stays one field', () => {
    assert.deepEqual(convert(one('Image OR x', 'x'), 'es-qs'), ['Image\\ OR\\ x:"x"']);
    assert.deepEqual(convert(one('Image OR x', 'x'), 'graylog'), ['Image\\ OR\\ x:"x"']);
  });
  test('lucene: a name cannot close a group or open a regular expression', () => {
    assert.deepEqual(convert(one('Image:/.*/)OR(User', 'x'), 'lucene'), ['Image\\:\\/.\\*\\/\\)OR\\(User:x']);
    // `-`/`+` continue a term but cannot start one; the operator words are escaped by their first letter.
    assert.deepEqual(convert(ruleOn([['c-uri', 'a'], ['-x', 'b'], ['AND', 'c'], ['a=b&&c', 'd']]), 'lucene'), ['c-uri:a AND \\-x:b AND \\AND:c AND a\\=b\\&\\&c:d']);
  });
  test('Lucene-family targets refuse the field `_exists_`, which Elasticsearch reads as an existence test even escaped', () => {
    for (const target of ['lucene', 'es-qs', 'graylog', 'xpack-watcher']) {
      assert.match(String(convert(one('_exists_', 'User'), target)), /^ERROR .*Field name "_exists_" has a meaning of its own/, target);
    }
    // Any other name that only looks like it is written as usual.
    assert.deepEqual(convert(one('_exists', 'x'), 'lucene'), ['_exists:x']);
  });
  test('names that YAML 1.1 would read as numbers stay names when the test writes them (a fixture check)', () => {
    assert.deepEqual(convert(one('0_.', 'x'), 'splunk'), ['0_.="x"']);
    assert.deepEqual(convert(one('1_0', 'x'), 'lucene'), ['1_0:x']);
  });
  test('splunk: quotes inside a quoted name are escaped', () => {
    assert.deepEqual(convert(one('x" OR * OR "y', 'x'), 'splunk'), ['"x\\" OR * OR \\"y"="x"']);
    assert.deepEqual(convert(one('a\\', 'x'), 'splunk'), ['"a\\\\"="x"']);
    assert.deepEqual(convert(one('OR', 'x'), 'splunk'), ['"OR"="x"']);
  });
  test('EQL and ES|QL: a backtick in a name is doubled, reserved words are quoted', () => {
    assert.deepEqual(convert(one('a` or true or `b'), 'eql'), ['any where `a`` or true or ``b`:"v"']);
    assert.deepEqual(convert(one('a` or true or `b'), 'esql'), ['from * metadata _id, _index, _version | where `a`` or true or ``b`=="v"']);
    assert.deepEqual(convert(one('not'), 'eql'), ['any where `not`:"v"']);
    assert.deepEqual(convert(one('like'), 'esql'), ['from * metadata _id, _index, _version | where `like`=="v"']);
  });
  test("KQL: `'` and `\\` are escaped inside ['…']", () => {
    assert.deepEqual(convert(one("a'] or true or x['\\"), 'kusto'), ["['a\\'] or true or x[\\'\\\\'] =~ \"v\""]);
    assert.deepEqual(convert(one('or'), 'kusto'), ["['or'] =~ \"v\""]);
  });
  test('CIDR matches escape their field like every other match (deviation F1)', () => {
    const cidr = one('a b|cidr', '10.0.0.0/8');
    assert.deepEqual(convert(cidr, 'lucene'), ['a\\ b:10.0.0.0\\/8']);
    assert.deepEqual(convert(cidr, 'splunk'), ['"a b"="10.0.0.0/8"']);
    assert.deepEqual(convert(cidr, 'esql'), ['from * metadata _id, _index, _version | where cidr_match(`a b`, "10.0.0.0/8")']);
    // IPv6 colons are escaped in the network only; the name's own colon keeps its single escape.
    assert.deepEqual(convert(one('a:b|cidr', 'fe80::/10'), 'lucene'), ['a\\:b:fe80\\:\\:\\/10']);
  });
  test('EQL quotes hyphenated names, which it would read as a subtraction (deviation F2)', () => {
    // pySigma: `any where c-uri:"x"`, i.e. (c - uri) : "x".
    assert.deepEqual(convert(one('c-uri', 'x'), 'eql'), ['any where `c-uri`:"x"']);
    assert.deepEqual(convert(one('@timestamp', 'x'), 'eql'), ['any where @timestamp:"x"']);
  });
  test('names with control characters or line breaks are refused by every target, and the reason shows them escaped', () => {
    for (const name of ['a\nb', 'x\u001b[2K\r', '\u0085y', 'p\u2028q']) {
      for (const target of ['lucene', 'es-qs', 'graylog', 'xpack-watcher', 'eql', 'esql', 'splunk', 'kusto', 'splunk@savedsearches', 'lucene@kibana_ndjson']) {
        const result = convert(one(name), target);
        assert.equal(typeof result, 'string', `${target} converted ${JSON.stringify(name)}`);
        assert.match(result as string, /Field name ".*" holds a control character or line break/);
        assert.doesNotMatch(result as string, CONTROL);
      }
    }
  });
});

describe('field names in SPL commands', () => {
  test('the regex command takes word names (dashes allowed) and refuses others', () => {
    assert.deepEqual(convert(one('c-uri|re', 'a.*'), 'splunk'), ['*\n| regex c-uri="a.*"']);
    assert.equal(convert(one('a b|re', 'a.*'), 'splunk'), 'ERROR SigmaFeatureNotSupportedByBackendError: Field name "a b" cannot be written in Splunk\'s regex and rex commands.');
  });
  test('condition fields of rex are capture-group names: letters, digits and `_` only', () => {
    const rule = jsYaml.dump({ title: 't', logsource: { product: 'windows' }, detection: { a: { 'c-uri|re': 'x' }, b: { '1st|re': 'y' }, condition: 'a or b' } });
    assert.deepEqual(convert(rule, 'splunk'), [
      '\n| rex field=c-uri "(?<c_uriMatch>x)"\n| eval c_uriCondition=if(isnotnull(c_uriMatch), "true", "false")' +
        '\n| rex field=1st "(?<_1stMatch>y)"\n| eval _1stCondition=if(isnotnull(_1stMatch), "true", "false")\n| search c_uriCondition="true" OR _1stCondition="true"',
    ]);
  });
  test("where compares fields in single quotes, and refuses names holding a quote or backslash", () => {
    assert.deepEqual(convert(one('a b|fieldref', 'c-d'), 'splunk'), ["*\n| where 'a b'='c-d'"]);
    assert.equal(convert(one("a'b|fieldref", 'c'), 'splunk'), 'ERROR SigmaFeatureNotSupportedByBackendError: Field name "a\'b" cannot be written in Splunk\'s where command.');
  });
  test('the fields of a rule are quoted in `| table` when they are not plain names', () => {
    const rule = ruleOn([['A', 'v']], { fields: ['c-uri', 'a*', 'x | delete', 'q"\\'] });
    assert.deepEqual(convert(rule, 'splunk'), ['A="v" | table c-uri,a*,"x | delete","q\\"\\\\"']);
    assert.match(convert(ruleOn([['A', 'v']], { fields: ['a\nb'] }), 'splunk') as string, /^ERROR .*holds a control character/);
  });
});

describe('field names from pipelines', () => {
  test("a user pipeline's target names are escaped like the rule's own", () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'atc-fields-'));
    writeFileSync(path.join(dir, 'p.yml'), 'fields: {Image: \'proc path" OR *\', User: "user`name"}\n');
    const loaded = loadPipelineFile(path.join(dir, 'p.yml'), 'p.yml', 'p');
    assert.deepEqual(loaded.issues, []);
    const rules = parseRules(one('Image', 'x')).rules;
    const run = (target: string): unknown => {
      const result = convertCollection(rules, { target, pipeline: 'p' }, userPipelineMap([loaded.pipeline!]));
      return result.ok ? result.queries : result.reason;
    };
    assert.deepEqual(run('lucene'), ['proc\\ path\\"\\ OR\\ \\*:x']);
    assert.deepEqual(run('splunk'), ['"proc path\\" OR *"="x"']);
    assert.deepEqual(run('kusto'), ["['proc path\" OR *'] =~ \"x\""]);
    // A KQL table a user pipeline names is one identifier too.
    writeFileSync(path.join(dir, 't.yml'), "logsources:\n  - when: {}\n    table: 'T | take 1'\n");
    const table = loadPipelineFile(path.join(dir, 't.yml'), 't.yml', 't');
    const kql = convertCollection(rules, { target: 'kusto', pipeline: 't' }, userPipelineMap([table.pipeline!]));
    assert.deepEqual(kql.ok && kql.queries, ["['T | take 1']\n| where Image =~ \"x\""]);
    const user = parseRules(one('User', 'x')).rules;
    const eql = convertCollection(user, { target: 'eql', pipeline: 'p' }, userPipelineMap([loaded.pipeline!]));
    assert.deepEqual(eql.ok && eql.queries, ['any where `user``name`:"x"']);
  });
});

// ---------------------------------------------------------------------------------------------------
// Properties over random names.

// Every character that means something in one of the query languages, letters, and a few non-ASCII
// ones; `|` is Sigma's modifier separator and cannot be in a name.
const NAME_CHARS = [...'aZ_09.-@ `\'"\\:()[]{}<>=!&*?/~^+#%$,;é\u00a0\u3000', '\t', '\n', '\u001b', '\u2028', '\u0085'];
const fieldName = fc.oneof(
  { weight: 6, arbitrary: fc.string({ unit: fc.constantFrom(...NAME_CHARS), minLength: 1, maxLength: 10 }) },
  { weight: 2, arbitrary: fc.constantFrom('AND', 'or', 'NOT', 'not', 'in', 'like', 'regex', 'true', 'null', 'c-uri', '@timestamp', 'a.b', '1st', '-x', '+x', '*', '"', '`', "'") },
  fc.string({ minLength: 1, maxLength: 6 }).filter((name) => !name.includes('|')),
);

// One value per item, so that each item is one comparison; each kind works on a plain name in every
// target that has it.
const ITEM_KINDS: readonly (readonly [string, unknown])[] = [
  ['', 'v'],
  ['|contains', 'v'],
  ['|startswith', 'v'],
  ['|endswith', 'v'],
  ['|re', 'a.*b'],
  ['|cidr', '10.0.0.0/8'],
  ['|gte', 5],
  ['|exists', true],
  ['|exists', false],
  ['', null],
  ['', 7],
];

/**
 * Rule items on unique random names (the same items on plain names `fieldplaceholder<i>x` are the
 * reference). Names that are array indices ("0", "12") are left out: JavaScript objects put such keys
 * first, so the items would not keep their order; they are ordinary names otherwise.
 */
const items = fc
  .uniqueArray(
    fieldName.filter((name) => !/^(?:0|[1-9]\d*)$/.test(name)),
    { minLength: 1, maxLength: 3, selector: (name) => name.trim() },
  )
  .chain((names) => fc.tuple(fc.constant(names), fc.array(fc.integer({ min: 0, max: ITEM_KINDS.length - 1 }), { minLength: names.length, maxLength: names.length })));

function placeholder(i: number): string {
  return `fieldplaceholder${i}x`;
}

function itemsFor(names: readonly string[], kinds: readonly number[]): [string, unknown][] {
  return names.map((name, i) => [name + ITEM_KINDS[kinds[i]!]![0], ITEM_KINDS[kinds[i]!]![1]]);
}

function convertItems(entries: readonly (readonly [string, unknown])[], target: string): string[] | string | undefined {
  const parsed = parseRules(ruleOn(entries));
  // A name the Sigma parser rejects (or reads differently) is not a conversion question.
  if (parsed.issues.some((issue) => issue.severity === 'error')) return undefined;
  return convert(ruleOn(entries), target);
}

interface LuceneNode {
  readonly left?: LuceneNode;
  readonly right?: LuceneNode;
  readonly field?: string;
  readonly term?: string;
}

function leaves(node: LuceneNode): LuceneNode[] {
  if (node.left) return [...leaves(node.left), ...(node.right ? leaves(node.right) : [])];
  return [node];
}

/**
 * Whether a parsed Lucene field (or `_exists_` term) names `name`: backslashes dropped, and a `+` of the
 * parser's escape mapping (see parseLucene) standing for any character.
 */
function namesField(parsed: string, name: string): boolean {
  const chars = [...parsed.replace(/\\([\s\S])/g, '$1')];
  const expected = [...name];
  return chars.length === expected.length && chars.every((c, i) => c === expected[i] || c === '+');
}

describe('field names: properties', () => {
  for (const target of ['lucene', 'es-qs', 'graylog']) {
    test(`${target}: every output parses as Lucene into one comparison per rule item, on the item's field`, { timeout: 60_000 }, () => {
      fc.assert(
        fc.property(items, ([names, kinds]) => {
          const result = convertItems(itemsFor(names, kinds), target);
          if (result === undefined) return;
          if (typeof result === 'string') {
            assert.ok(names.some((name) => CONTROL.test(name)), `${target} refused ${JSON.stringify(names)}: ${result}`);
            assert.doesNotMatch(result, CONTROL);
            return;
          }
          assert.equal(result.length, 1);
          const comparisons = leaves(parseLucene(result[0]!) as LuceneNode);
          assert.equal(comparisons.length, names.length, `${result[0]}`);
          comparisons.forEach((leaf, i) => {
            // es-qs matches patterns on the `.keyword` sub-field; existence tests name the field as their term.
            const field = leaf.field === '_exists_' ? leaf.term! : leaf.field!.replace(/\.keyword$/, '');
            assert.ok(namesField(field, names[i]!), `comparison ${i} of ${result[0]} is not on ${JSON.stringify(names[i])}`);
          });
        }),
        { numRuns: 400 },
      );
    });
  }

  /**
   * Identifiers as each language reads them, written independently of the converter's tables: the
   * pattern of one identifier token, and its name. A bare token must not be one of the words.
   */
  const IDENTIFIERS: Readonly<Record<string, { readonly token: string; readonly decode: (token: string) => string; readonly words: RegExp }>> = {
    eql: {
      token: '[A-Za-z_@][A-Za-z0-9_@]*(?:\\.[A-Za-z_@][A-Za-z0-9_@]*)*|`(?:[^`]|``)*`',
      decode: (token) => (token.startsWith('`') ? token.slice(1, -1).replaceAll('``', '`') : token),
      words: /^(?:and|or|not|in|like|regex|true|false|null|any|where|by|of|with|join|until|sequence|sample|maxspan)$/i,
    },
    esql: {
      token: '(?:[A-Za-z][A-Za-z0-9_]*|[_@][A-Za-z0-9_]+)(?:\\.(?:[A-Za-z][A-Za-z0-9_]*|[_@][A-Za-z0-9_]+))*|`(?:[^`]|``)*`',
      decode: (token) => (token.startsWith('`') ? token.slice(1, -1).replaceAll('``', '`') : token),
      words: /^(?:and|or|not|in|is|like|rlike|true|false|null|nulls|by|as|on|with)$/i,
    },
    kusto: {
      token: "[A-Za-z_][A-Za-z0-9_]*(?:\\.[A-Za-z_][A-Za-z0-9_]*)*|\\['(?:[^'\\\\]|\\\\.)*'\\]",
      decode: (token) => (token.startsWith('[') ? token.slice(2, -2).replace(/\\(.)/gs, '$1') : token),
      words: /^(?:and|or|not|in|has|has_all|has_any|contains|startswith|endswith|matches|regex|between|true|false|null)$/i,
    },
    // The search's names, and the regex command's (a word, dashes allowed: never quoted).
    splunk: {
      token: '[A-Za-z0-9_.]+|"(?:[^"\\\\]|\\\\.)*"|[A-Za-z0-9_.][A-Za-z0-9_.-]*',
      decode: (token) => (token.startsWith('"') ? token.slice(1, -1).replace(/\\(.)/gs, '$1') : token),
      words: /^(?:AND|OR|NOT|IN)$/i,
    },
  };

  for (const [target, identifier] of Object.entries(IDENTIFIERS)) {
    test(`${target}: the output on crafted names is the output on plain names with one identifier token per name`, { timeout: 60_000 }, () => {
      fc.assert(
        fc.property(items, ([names, kinds]) => {
          const plain = convertItems(itemsFor(names.map((_, i) => placeholder(i)), kinds), target);
          // A feature the target lacks (e.g. EQL has no `exists`) is refused whatever the names.
          if (plain === undefined || typeof plain === 'string') return;
          const result = convertItems(itemsFor(names, kinds), target);
          if (result === undefined) return;
          if (typeof result === 'string') {
            const regexOnPhrase = target === 'splunk' && names.some((name, i) => ITEM_KINDS[kinds[i]!]![0] === '|re' && (!/^[A-Za-z0-9_.][A-Za-z0-9_.-]*$/.test(name) || identifier.words.test(name)));
            assert.ok(names.some((name) => CONTROL.test(name)) || regexOnPhrase, `${target} refused ${JSON.stringify(names)}: ${result}`);
            assert.match(result, /^ERROR SigmaFeatureNotSupportedByBackendError: Field name /);
            assert.doesNotMatch(result, CONTROL);
            return;
          }
          // The plain output as a pattern: its text literally, each placeholder an identifier token
          // (the same token wherever the same name appears).
          const seen = new Set<number>();
          const pattern = plain[0]!.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&').replace(/fieldplaceholder(\d+)x/g, (_, i: string) => {
            if (seen.has(Number(i))) return `\\k<f${i}>`;
            seen.add(Number(i));
            return `(?<f${i}>${identifier.token})`;
          });
          const match = new RegExp(`^${pattern}$`, 's').exec(result[0]!);
          assert.ok(match, `${target}: ${JSON.stringify(result[0])} is not ${JSON.stringify(plain[0])} with identifiers for ${JSON.stringify(names)}`);
          for (const [key, token] of Object.entries(match.groups ?? {})) {
            const name = names[Number(key.slice(1))]!;
            assert.equal(identifier.decode(token), name, `${target}: ${token} does not name ${JSON.stringify(name)}`);
            if (!/^[`"[]/.test(token)) assert.doesNotMatch(token, identifier.words, `${target}: the word ${token} is written bare`);
          }
        }),
        { numRuns: 400 },
      );
    });
  }
});
