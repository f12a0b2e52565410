/**
 * The address table (src/present/page-addresses.ts) on entities loaded by the real loaders: page names
 * are safe, short and unique per kind; colliding entities are told apart the same way whatever order they
 * arrive in; names that do not collide are never changed.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { PageAddresses, safeName, type AddressedEntities, type Entity } from '../../src/present/page-addresses.ts';
import { describeIssues, loadKnowledgeBase, loadSampleKnowledgeBase, loadSeedKnowledgeBase, SEED_KB, skipUnlessExists, standardFolders } from '../helpers/knowledge-base.ts';
import { writeTempTree } from '../helpers/temp-files.ts';

function ruleText(title: string, extra = ''): string {
  return `title: ${title}\n${extra}logsource:\n  product: windows\n  category: process_creation\ndetection:\n  selection:\n    Image|endswith: '\\x.exe'\n  condition: selection\n`;
}
const dataNeededText = (title: string): string => `title: '${title}'\ndescription: d\nloggingpolicy: []\n`;

/** The page name of every entity, by its file as shown in issues. */
function namesByFile(addresses: PageAddresses, entities: AddressedEntities): Map<string, string> {
  const all: Entity[] = [...entities.rules, ...entities.dataNeeded, ...entities.loggingPolicies, ...entities.enrichments, ...entities.triggers];
  return new Map(all.map((entity) => [entity.file, addresses.pageName(entity)]));
}

/** Every order of a short list (the loader's order must not matter). */
function permutations<T>(items: readonly T[]): T[][] {
  if (items.length <= 1) return [[...items]];
  return items.flatMap((item, index) => permutations([...items.slice(0, index), ...items.slice(index + 1)]).map((rest) => [item, ...rest]));
}

const SAFE_NAME = /^[A-Za-z0-9_-][A-Za-z0-9._-]*$/;

describe('page names', () => {
  test('the sample knowledge base keeps the names it always had: basename, title or technique id, unchanged', () => {
    const { kb } = loadSampleKnowledgeBase();
    for (const rule of kb.rules) assert.equal(kb.addresses.pageName(rule), rule.name, rule.file);
    for (const entry of [...kb.dataNeeded, ...kb.loggingPolicies, ...kb.enrichments]) assert.equal(kb.addresses.pageName(entry), entry.title, entry.file);
    for (const trigger of kb.triggers) assert.equal(kb.addresses.pageName(trigger), trigger.techniqueId, trigger.file);
  });

  test('the seed page keeps its path', { skip: skipUnlessExists('the seed page path', SEED_KB) }, () => {
    const { kb } = loadSeedKnowledgeBase();
    const procdump = kb.rules.find((rule) => rule.name === 'win_susp_procdump');
    assert.ok(procdump, 'the seed holds win_susp_procdump.yml');
    assert.equal(kb.addresses.markdownPath(procdump), 'Detection_Rules/win_susp_procdump.md');
  });

  test('names that clean alike get one plain name and one hashed suffix, with a warning naming both files, in any load order', (t) => {
    const root = writeTempTree(t, {
      'rules/a b.yml': ruleText('one'),
      'rules/a_b.yml': ruleText('two'),
      'rules/Case.yml': ruleText('three'),
      'rules/case.yml': ruleText('three again'),
      'rules/ü.yml': ruleText('four'),
      'rules/ä.yml': ruleText('five'),
      'data_needed/one.yml': dataNeededText('Foo Bar'),
      'data_needed/two.yml': dataNeededText('Foo/Bar'),
    });
    const { kb, issues } = loadKnowledgeBase(standardFolders(root), root);
    const expected = namesByFile(kb.addresses, kb);

    // a_b.yml needed no cleaning, so it keeps a_b although "a b.yml" sorts first.
    assert.equal(expected.get('rules/a_b.yml'), 'a_b');
    assert.match(expected.get('rules/a b.yml')!, /^a_b-[0-9a-f]{8}$/);
    // Names that differ only in case would be one file on a case-insensitive disk (macOS, Windows).
    assert.equal(expected.get('rules/Case.yml'), 'Case');
    assert.match(expected.get('rules/case.yml')!, /^case-[0-9a-f]{8}$/);
    const lowerCased = [...expected.values()].map((name) => name.toLowerCase());
    assert.equal(new Set(lowerCased.filter((_, index) => index < kb.rules.length)).size, kb.rules.length, 'rule names are unique ignoring case');
    assert.notEqual(expected.get('rules/ü.yml'), expected.get('rules/ä.yml'));
    assert.notEqual(expected.get('data_needed/one.yml'), expected.get('data_needed/two.yml'));

    const warnings = issues.filter((issue) => issue.code === 'duplicate-page-name');
    assert.equal(warnings.length, 4, describeIssues(issues)); // a b, case, one of ü/ä, one of the Data Needed
    const aSpace = warnings.find((issue) => issue.file === 'rules/a b.yml');
    assert.ok(aSpace?.message.includes('rules/a_b.yml') && aSpace.message.includes(expected.get('rules/a b.yml')!), aSpace?.message);

    for (const rules of permutations(kb.rules).filter((_, index) => index % 30 === 0)) {
      for (const dataNeeded of permutations(kb.dataNeeded)) {
        const entities = { rules, dataNeeded, loggingPolicies: [], enrichments: [], triggers: [] };
        assert.deepEqual(namesByFile(PageAddresses.assign(entities).addresses, entities), expected);
      }
    }
  });

  test('a further colliding file leaves the suffixes already handed out alone', (t) => {
    const before = writeTempTree(t, { 'rules/x y.yml': ruleText('one'), 'rules/x_y.yml': ruleText('two') });
    const after = writeTempTree(t, { 'rules/x y.yml': ruleText('one'), 'rules/x_y.yml': ruleText('two'), 'rules/x+y.yml': ruleText('three') });
    const names = (root: string): Map<string, string> => {
      const { kb } = loadKnowledgeBase(standardFolders(root), root);
      return namesByFile(kb.addresses, kb);
    };
    const first = names(before);
    const second = names(after);
    assert.equal(second.get('rules/x_y.yml'), 'x_y');
    assert.equal(second.get('rules/x y.yml'), first.get('rules/x y.yml'));
    assert.match(second.get('rules/x+y.yml')!, /^x_y-[0-9a-f]{8}$/);
  });

  test('the same relative path in two input folders is named the same whichever folder is given first', (t) => {
    const root = writeTempTree(t, { 'one/dup.yml': ruleText('one'), 'two/dup.yml': ruleText('two') });
    const names = (folders: string[]): Map<string, string> => {
      const { kb } = loadKnowledgeBase({ rules: folders.map((folder) => path.join(root, folder)) }, root);
      return namesByFile(kb.addresses, kb);
    };
    const forward = names(['one', 'two']);
    assert.deepEqual(names(['two', 'one']), forward);
    assert.equal(forward.get('one/dup.yml'), 'dup');
    assert.match(forward.get('two/dup.yml')!, /^dup-[0-9a-f]{8}$/);
  });

  test('long names are cut to 100 characters plus a hash of the whole name; short ones stay as they are', () => {
    const long = 'T'.repeat(300);
    const name = safeName(long);
    assert.equal(name.length, 109);
    assert.match(name, /^T{100}-[0-9a-f]{8}$/);
    assert.notEqual(safeName(`${'T'.repeat(150)}a`), safeName(`${'T'.repeat(150)}b`), 'names with a common start stay apart');
    assert.equal(safeName('x'.repeat(100)), 'x'.repeat(100));
    assert.equal(safeName('win_susp_procdump'), 'win_susp_procdump');
  });

  test('no text can leave its folder, hide, or need escaping in a link', () => {
    for (const text of ['../../etc/passwd', '.hidden', '...', '', 'a/b\\c', 'CON', 'x\u0000y', '\u202etxt.exe', '%2e%2e', 'a b?c#d', '😀'.repeat(80)]) {
      const name = safeName(text);
      assert.match(name, SAFE_NAME, JSON.stringify(text));
      assert.ok(name.length <= 109, JSON.stringify(text));
    }
  });
});

describe('rule URL segments', () => {
  test('ids are used when safe and short; an over-long id falls back to the page name, and no segment is used twice', (t) => {
    const longId = 'a'.repeat(300);
    const root = writeTempTree(t, {
      'rules/with_id.yml': ruleText('one', 'id: 0e95725d-7320-415d-80f7-004da920fc11\n'),
      'rules/long_id.yml': ruleText('two', `id: ${longId}\n`),
      // A file named after another rule's id must not take that rule's address.
      'rules/0e95725d-7320-415d-80f7-004da920fc11.yml': ruleText('three'),
    });
    const { kb } = loadKnowledgeBase(standardFolders(root), root);
    const byName = new Map(kb.rules.map((rule) => [rule.name, kb.addresses.ruleSegment(rule)]));
    assert.equal(byName.get('with_id'), '0e95725d-7320-415d-80f7-004da920fc11');
    assert.equal(byName.get('long_id'), 'long_id');
    assert.match(byName.get('0e95725d-7320-415d-80f7-004da920fc11')!, /^0e95725d-7320-415d-80f7-004da920fc11-[0-9a-f]{8}$/);
    const segments = [...byName.values(), ...kb.addresses.ruleRedirects.map((redirect) => redirect.from.replace(/^\/rules\/|\/$/g, ''))];
    assert.equal(new Set(segments.map((segment) => segment.toLowerCase())).size, segments.length, segments.join(' '));
    assert.ok(segments.every((segment) => segment.length <= 109), 'every segment is short');
    assert.ok(kb.addresses.ruleRedirects.some((redirect) => redirect.from === '/rules/with_id/'), 'the basename stub of a rule with an id');
  });
});
