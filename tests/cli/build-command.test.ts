import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, rmSync, statSync, writeFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import { outputCache } from '../../src/site/output-cache.ts';
import { atc, SAMPLE_INPUTS, sampleCopy, snapshot } from './cli-harness.ts';

test('atc build writes one markdown page per entity of the sample knowledge base', () => {
  const folder = sampleCopy();
  const result = atc(['build', '--config', path.join(folder, 'atc.config.yml')], folder);
  assert.equal(result.status, 0, result.stderr);
  const files = [...snapshot(path.join(folder, '_site')).keys()];
  const count = (prefix: string): number => files.filter((file) => file.startsWith(`markdown/${prefix}/`)).length;
  const yamlCount = (sub: string): number => {
    let total = 0;
    const walk = (directory: string): void => {
      for (const entry of readdirSync(directory, { withFileTypes: true })) {
        if (entry.isDirectory()) walk(path.join(directory, entry.name));
        else if (/\.ya?ml$/.test(entry.name)) total += 1;
      }
    };
    walk(path.join(folder, sub));
    return total;
  };
  assert.equal(count('Detection_Rules'), yamlCount('rules'));
  assert.equal(count('Data_Needed'), yamlCount('data_needed'));
  assert.equal(count('Logging_Policies'), yamlCount('logging_policies'));
  assert.equal(count('Enrichments'), yamlCount('enrichments'));
  assert.equal(count('Triggers'), yamlCount('triggers'));
  assert.ok(files.includes('markdown/README.md'));
  assert.match(result.stderr, /0 errors/);
});

test('two builds of the same input are byte-identical', () => {
  const folder = sampleCopy();
  assert.equal(atc(['build', '--out', 'first'], folder).status, 0);
  assert.equal(atc(['build', '--out', 'second'], folder).status, 0);
  const first = snapshot(path.join(folder, 'first'));
  const second = snapshot(path.join(folder, 'second'));
  assert.deepEqual([...first.keys()].sort(), [...second.keys()].sort());
  for (const [file, bytes] of first) assert.ok(bytes.equals(second.get(file)!), `${file} differs between builds`);
});

test('a rebuild writes into the build before last, and the result is the same as a build into an empty folder', () => {
  const folder = sampleCopy();
  assert.equal(atc(['build', '--out', 'site'], folder).status, 0);
  // --no-cache: an unchanged knowledge base would not be built again, and would leave no spare.
  assert.equal(atc(['build', '--out', 'site', '--no-cache'], folder).status, 0);
  const spare = outputCache(path.join(folder, 'site'), path.join(folder, '.atc-cache')).spare;
  assert.ok(existsSync(spare), 'the replaced output is kept for the next build');
  // The next build starts from the spare, which has pages of a rule that is about to be deleted, and a stray file.
  const removed = readdirSync(path.join(folder, 'rules', 'web', 'proxy_generic')).find((name) => name.endsWith('.yml'))!;
  const removedPage = `markdown/Detection_Rules/${removed.replace(/\.yml$/, '.md')}`;
  assert.ok(existsSync(path.join(spare, removedPage)), removedPage);
  writeFileSync(path.join(spare, 'stray.txt'), 'not written by any build');
  writeFileSync(path.join(spare, 'pagefind', 'fragment', 'en_0000000.pf_fragment'), 'an index fragment the new index does not have');
  rmSync(path.join(folder, 'rules', 'web', 'proxy_generic', removed));
  assert.equal(atc(['build', '--out', 'site'], folder).status, 0);
  assert.equal(atc(['build', '--out', 'fresh'], folder).status, 0);
  const rebuilt = snapshot(path.join(folder, 'site'));
  const fresh = snapshot(path.join(folder, 'fresh'));
  assert.deepEqual([...rebuilt.keys()].sort(), [...fresh.keys()].sort());
  for (const [file, bytes] of fresh) assert.ok(bytes.equals(rebuilt.get(file)!), `${file} differs from a build into an empty folder`);
  assert.deepEqual(readdirSync(path.dirname(spare)), ['spare'], 'only the spare is kept in the cache');
});

test('an error fails the build, prints file:line:col, and leaves the previous output untouched', () => {
  const folder = sampleCopy();
  assert.equal(atc(['build'], folder).status, 0);
  const before = snapshot(path.join(folder, '_site'));
  const mtime = statSync(path.join(folder, '_site')).mtimeMs;
  writeFileSync(path.join(folder, 'rules', 'broken.yml'), 'title: Broken\nlogsource:\n  product: windows\ndetection:\n  selection:\n    Image|endswitch: x\n  condition: selection\n');
  const result = atc(['build'], folder);
  assert.equal(result.status, 1);
  assert.match(result.stderr, /^rules\/broken\.yml:6:5 error sigma-modifier .*endswitch/m);
  assert.match(result.stderr, /nothing written/);
  const after = snapshot(path.join(folder, '_site'));
  assert.deepEqual([...after.keys()].sort(), [...before.keys()].sort());
  for (const [file, bytes] of before) assert.ok(bytes.equals(after.get(file)!), `${file} changed`);
  assert.equal(statSync(path.join(folder, '_site')).mtimeMs, mtime);
  assert.deepEqual(readdirSync(folder).sort(), [...SAMPLE_INPUTS, '.atc-cache', '_site'].sort(), 'nothing is left beside the output');
});

test('command-line folders and targets override the configuration file', () => {
  const folder = sampleCopy();
  const result = atc(['build', '--rules', 'rules/web', '--targets', 'graylog', '--out', 'web-only'], folder);
  assert.equal(result.status, 0, result.stderr);
  const pages = [...snapshot(path.join(folder, 'web-only')).keys()].filter((file) => file.startsWith('markdown/Detection_Rules/'));
  assert.ok(pages.length > 0);
  assert.ok(pages.every((file) => /\/(web|proxy)_/.test(file)), pages.join(', '));
  const page = readFileSync(path.join(folder, 'web-only', pages[0]!), 'utf8');
  assert.match(page, /^### Graylog$/m);
  assert.doesNotMatch(page, /^### Kibana query$/m);
});

test('bad arguments exit with 2 and a usage message, unknown targets included', () => {
  const bad = atc(['build', '--no-such-flag']);
  assert.equal(bad.status, 2);
  assert.match(bad.stderr, /usage: atc build/);
  assert.equal(atc(['build', '--targets', 'lucene+']).status, 2);
  const folder = sampleCopy();
  const unknown = atc(['build', '--targets', 'no-such-target'], folder);
  assert.equal(unknown.status, 2);
  assert.match(unknown.stderr, /^atc build: --targets no-such-target: unknown target "no-such-target"/);
  assert.doesNotMatch(unknown.stderr, /atc\.config\.yml/);
  assert.equal(existsSync(path.join(folder, '_site')), false);
  rmSync(folder, { recursive: true, force: true });
  assert.equal(atc(['nonsense']).status, 2);
});
