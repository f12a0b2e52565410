/**
 * `atc convert -t splunk -f savedsearches` on hostile rules, read back with a .conf reader that follows
 * Splunk's rules: rule text must not add a stanza, a setting or a line to a setting that is not its own.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { asContinued, readConf } from '../helpers/splunk-conf.ts';
import { convert, convertWithCli } from './helpers.ts';

const HOSTILE = [
  {
    title: 'x\n[evil]\naction.script = 1\naction.script.filename = evil.sh',
    stanza: 'x evil action.script = 1 action.script.filename = evil.sh',
    description: 'first\n[stanza]\naction.script = 1\n# not a comment\nends with \\',
    readBack: 'first \n[stanza] \naction.script = 1 \n# not a comment \nends with',
    value: 'v\n[x]\naction.script = 1\n',
  },
  {
    title: 'a\rb\r\n[c]\r',
    stanza: 'a b c ',
    description: 'one\rtwo\r\n[x]\r\naction.script = 1\\\\',
    readBack: 'one \ntwo \n[x] \naction.script = 1',
    value: 'ends with a backslash\\',
  },
  {
    title: '[x] y [z',
    stanza: 'x y z',
    description: '\\',
    readBack: '',
    value: 'x\r\n[y]\rsearch = *',
  },
];

function ruleDocument(title: string, description: string, value: string): string {
  return [
    `title: ${JSON.stringify(title)}`,
    `description: ${JSON.stringify(description)}`,
    'logsource: {product: windows, category: process_creation}',
    'detection:',
    `  selection: {CommandLine: ${JSON.stringify(value)}, Image: ${JSON.stringify(value)}}`,
    '  condition: selection',
    `fields: ${JSON.stringify(['User', '[y]', 'action.script = 1', 'x | delete'])}`,
    '',
  ].join('\n');
}

function savedsearches(ruleText: string): { status: number | null; stdout: string; stderr: string } {
  return convertWithCli(ruleText, ['-t', 'splunk', '-f', 'savedsearches']);
}

test('hostile titles, descriptions and values: one stanza per query with exactly its two settings', () => {
  const cases = HOSTILE;
  const ruleText = cases.map((item) => ruleDocument(item.title, item.description, item.value)).join('---\n');
  const result = savedsearches(ruleText);
  assert.equal(result.status, 0, result.stderr);
  assert.equal(result.stderr, '');
  const { stanzas, stray } = readConf(result.stdout);
  assert.deepEqual(stray, [], 'every line belongs to a stanza header or a setting');
  assert.deepEqual(
    stanzas.map((stanza) => stanza.name),
    ['default', ...cases.map((item) => item.stanza)],
  );
  assert.deepEqual(stanzas[0]!.settings, [
    ['dispatch.earliest_time', '-30d'],
    ['dispatch.latest_time', 'now'],
  ]);
  cases.forEach((item, index) => {
    const stanza = stanzas[index + 1]!;
    assert.deepEqual(
      stanza.settings.map(([key]) => key),
      ['description', 'search'],
      `stanza "${stanza.name}"`,
    );
    assert.equal(stanza.settings[0]![1], item.readBack, `description of "${stanza.name}"`);
    const [search] = convert(ruleDocument(item.title, item.description, item.value), 'splunk') as string[];
    // savedsearches puts `| table` on a line of its own, the default format after a space.
    assert.equal(stanza.settings[1]![1], asContinued(search!.replace(' | table ', '\n| table ')).trim(), `search of "${stanza.name}"`);
  });
});

test('the reader sees what pySigma-style output without these rules would do', () => {
  // The same kinds of text written raw: a title line break starts settings of its own, and a description
  // ending in a backslash swallows the search.
  const raw = '\n[default]\ndispatch.earliest_time = -30d\n\n[x\naction.script = 1]\ndescription = d\\\nsearch = *';
  const { stanzas, stray } = readConf(raw);
  assert.deepEqual(stray, ['[x']);
  assert.deepEqual(stanzas, [
    {
      name: 'default',
      settings: [
        ['dispatch.earliest_time', '-30d'],
        ['action.script', '1]'],
        ['description', 'd\nsearch = *'],
      ],
    },
  ]);
});
