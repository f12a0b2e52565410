/**
 * Inputs whose names clean alike, or are far too long, through the real CLI: `atc build` must give every
 * entity its own page in the markdown edition, the HTML site and api/, warn naming both files of each
 * collision, and leave a site whose links all resolve.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { writeTempTree } from '../helpers/temp-files.ts';

const PROJECT = path.resolve(import.meta.dirname, '../..');
const ATC = path.join(PROJECT, 'bin/atc.js');

function atc(args: string[], cwd: string): { status: number | null; output: string } {
  const result = spawnSync(process.execPath, [ATC, ...args], { cwd, encoding: 'utf8' });
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

function ruleText(title: string, options: { id?: string; product?: string } = {}): string {
  return [
    `title: ${title}`,
    ...(options.id ? [`id: ${options.id}`] : []),
    'level: high',
    'logsource:',
    `  product: ${options.product ?? 'windows'}`,
    '  category: process_creation',
    'detection:',
    '  selection:',
    `    Image|endswith: '\\${title.replace(/\W/g, '')}.exe'`,
    '  condition: selection',
    '',
  ].join('\n');
}
const dataNeededText = (title: string): string => `title: '${title}'\ndescription: d\nloggingpolicy:\n  - LP_one\nfields:\n  - Image\n`;

const LONG = 300;

test('atc build gives colliding and over-long names pages of their own, warns naming both files, and links them all', (t) => {
  const longBasename = 'r'.repeat(200);
  const root = writeTempTree(t, {
    'atc.config.yml': 'queries:\n  - lucene\n',
    'rules/a b.yml': ruleText('Rule with a space'),
    'rules/a_b.yml': ruleText('Rule with an underscore'),
    'rules/ü.yml': ruleText('Rule u umlaut'),
    'rules/ä.yml': ruleText('Rule a umlaut'),
    // Levels come from a closed set; a product is free text and names a layer file.
    'rules/long_product.yml': ruleText('Rule with a long product', { product: 'x'.repeat(LONG) }),
    'rules/long_id.yml': ruleText('Rule with a long id', { id: 'a'.repeat(LONG) }),
    [`rules/${longBasename}.yml`]: ruleText('Rule with a long file name'),
    // The site's list pages are /rules/index.html and /data-needed/index.html: a folder of that name cannot exist beside them.
    'rules/index.html.yml': ruleText('Rule named like the list page'),
    'data_needed/index.yml': dataNeededText('index.html'),
    'data_needed/first.yml': dataNeededText('DN Foo Bar'),
    'data_needed/second.yml': dataNeededText('DN_Foo_Bar'),
    'data_needed/long.yml': dataNeededText('T'.repeat(LONG)),
    'logging_policies/lp.yml': 'title: LP_one\ndescription: d\n',
  });
  const build = atc(['build', '--out', 'out'], root);
  assert.equal(build.status, 0, build.output);

  const out = path.join(root, 'out');
  const listing = (folder: string): string[] => readdirSync(path.join(out, folder)).sort();
  const rulePages = listing('markdown/Detection_Rules');
  const dataNeededPages = listing('markdown/Data_Needed');
  assert.equal(rulePages.length, 8, rulePages.join(' '));
  assert.equal(dataNeededPages.length, 4, dataNeededPages.join(' '));
  assert.ok(rulePages.includes('a_b.md') && rulePages.some((name) => /^a_b-[0-9a-f]{8}\.md$/.test(name)), rulePages.join(' '));
  assert.ok(dataNeededPages.includes('DN_Foo_Bar.md') && dataNeededPages.some((name) => /^DN_Foo_Bar-[0-9a-f]{8}\.md$/.test(name)), dataNeededPages.join(' '));
  for (const name of [...rulePages, ...dataNeededPages, ...listing('layers'), ...listing('api/data-needed')]) {
    // The longest possible: a layer's `product-`, 100 characters of the value, `-<hash>` and `.json`.
    assert.ok(name.length <= 122, `a short file name: ${name}`);
  }
  // Each rule's own page, not another's: the titles are all there.
  const titles = rulePages.map((name) => /^\| Title +\| (.*?) \|$/m.exec(readFileSync(path.join(out, 'markdown/Detection_Rules', name), 'utf8'))?.[1]);
  assert.equal(new Set(titles).size, 8, titles.join(' | '));

  // The HTML site and api/ use the same names: one page and one document per Data Needed entry.
  for (const page of dataNeededPages) {
    const name = page.replace(/\.md$/, '');
    assert.ok(existsSync(path.join(out, 'data-needed', name, 'index.html')), `HTML page for ${name}`);
    const document = JSON.parse(readFileSync(path.join(out, 'api/data-needed', `${name}.json`), 'utf8')) as { markdown: string; key: string };
    assert.equal(document.markdown, `markdown/Data_Needed/${page}`);
    assert.equal(document.key, name);
  }
  assert.ok(listing('layers').some((name) => /^product-x{100}-[0-9a-f]{8}\.json$/.test(name)), listing('layers').join(' '));

  const warnings = build.output.split('\n').filter((line) => /:\d+:\d+ warning duplicate-page-name /.test(line));
  assert.equal(warnings.length, 5, build.output);
  assert.equal(warnings.filter((line) => line.includes('reserved for the list page')).length, 2, warnings.join('\n'));
  for (const [loser, holder] of [
    ['rules/a b.yml', 'rules/a_b.yml'],
    ['rules/ü.yml', 'rules/ä.yml'],
    ['data_needed/first.yml', 'data_needed/second.yml'],
  ]) {
    assert.ok(warnings.some((line) => line.startsWith(`${loser}:`) && line.includes(holder!)), `a warning at ${loser} naming ${holder}:\n${warnings.join('\n')}`);
  }

  const links = atc(['check-links', 'out'], root);
  assert.equal(links.status, 0, links.output);
  assert.match(links.output, /; 0 problems/);
});
