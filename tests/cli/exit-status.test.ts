// Exit statuses through the real `atc` command: 2 for a command line that is wrong, with a message naming
// the argument; 1 for broken input. A folder typed on the command line, or named by atc.config.yml, must be there.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { makeTempFolder } from '../helpers/temp-files.ts';
import { atc, sampleCopy } from './cli-harness.ts';

/** A copy of the sample knowledge base, removed after the test. */
function sample(t: { after: (fn: () => void) => void }): string {
  const folder = sampleCopy();
  t.after(() => rmSync(folder, { recursive: true, force: true }));
  return folder;
}

test('a folder option naming no folder, or a folder without a YAML file, exits 2 naming the option (build, check, layer)', (t) => {
  const folder = sample(t);
  mkdirSync(path.join(folder, 'empty'));
  for (const command of ['build', 'check', 'layer']) {
    const missing = atc([command, '--rules', 'rulez'], folder);
    assert.equal(missing.status, 2, `${command}: ${missing.stderr}`);
    assert.match(missing.stderr, new RegExp(`^atc ${command}: --rules rulez: no such folder\\n`));
    const empty = atc([command, '--triggers', 'empty'], folder);
    assert.equal(empty.status, 2, `${command}: ${empty.stderr}`);
    assert.match(empty.stderr, new RegExp(`^atc ${command}: --triggers empty: no \\.yml or \\.yaml file there\\n`));
  }
});

test('a folder atc.config.yml names that does not exist is an input-missing error at its line; the sample, with empty folders, still checks', (t) => {
  const folder = sample(t);
  assert.equal(atc(['check', '--quiet', '--targets', 'es-qs'], folder).status, 0, 'the sample itself passes');
  writeFileSync(path.join(folder, 'atc.config.yml'), 'rules: rules\ndata_needed:\n  - data_needed\n  - data_neded\n');
  const result = atc(['check', '--quiet', '--targets', 'es-qs'], folder);
  assert.equal(result.status, 1);
  assert.match(result.stdout, /^atc\.config\.yml:4:5 error input-missing data_needed: no folder "data_neded"/m);
  const build = atc(['build', '--targets', 'es-qs'], folder);
  assert.equal(build.status, 1);
  assert.match(build.stderr, /^atc\.config\.yml:4:5 error input-missing /m);
});

test('an unknown target, pipeline or format in --targets exits 2 naming the argument, never blaming atc.config.yml (build, check, layer)', (t) => {
  const folder = sample(t);
  const specs: Array<[string, RegExp]> = [
    ['no-such-target', /unknown target "no-such-target"/],
    ['lucene+no_such_pipeline', /target "lucene" has no pipeline "no_such_pipeline"/],
    ['splunk@no_such_format', /target "splunk" has no output format "no_such_format"/],
  ];
  for (const command of ['build', 'check', 'layer']) {
    for (const [spec, message] of specs) {
      const result = atc([command, '--targets', `es-qs,${spec}`], folder);
      assert.equal(result.status, 2, `${command} ${spec}: ${result.stderr}`);
      assert.match(result.stderr, new RegExp(`^atc ${command}: --targets ${spec.replace('+', '\\+')}: ${message.source}`));
      assert.doesNotMatch(result.stderr, /atc\.config\.yml/);
    }
  }
  const convert = atc(['convert', '--target', 'lucene', '--pipeline', 'no_such_pipeline', 'rules'], folder);
  assert.equal(convert.status, 2);
  assert.match(convert.stderr, /^atc convert: target "lucene" has no pipeline "no_such_pipeline"/);
});

test('a bad target spec inside atc.config.yml is a config-invalid error at its own line', (t) => {
  const folder = sample(t);
  writeFileSync(path.join(folder, 'atc.config.yml'), 'queries:\n  - es-qs\n  - {target: lucene, pipeline: no_such_pipeline}\n');
  const result = atc(['check', '--quiet'], folder);
  assert.equal(result.status, 1);
  assert.match(result.stdout, /^atc\.config\.yml:3:5 error config-invalid target "lucene" has no pipeline "no_such_pipeline"/m);
  assert.doesNotMatch(result.stdout, /atc\.config\.yml:1:1/);
});

test('atc convert exits 1 on a file with a YAML error and prints its issue line; a file it merely cannot express exits 0', (t) => {
  const folder = makeTempFolder(t, 'atc-kb-convert-');
  writeFileSync(path.join(folder, 'broken.yml'), 'title: broken\ndetection:\n  selection: [\n');
  const broken = atc(['convert', '--target', 'lucene', 'broken.yml'], folder);
  assert.equal(broken.status, 1, broken.stderr);
  assert.match(broken.stderr, /^broken\.yml:\d+:\d+ error yaml-syntax /m);
  assert.match(broken.stderr, /atc convert: 1 file could not be loaded/);
  const jsonl = atc(['convert', '--target', 'lucene', '--jsonl', 'broken.yml'], folder);
  assert.equal(jsonl.status, 1);
  assert.match(jsonl.stdout, /"ok": false/);
  const correlation = 'title: c\nname: c\ncorrelation:\n  type: event_count\n  rules: [x]\n  group-by: [User]\n  timespan: 1h\n  condition: {gte: 5}\n';
  writeFileSync(path.join(folder, 'correlation.yml'), correlation);
  const unsupported = atc(['convert', '--target', 'lucene', 'correlation.yml'], folder);
  assert.equal(unsupported.status, 0, unsupported.stderr);
  assert.match(unsupported.stderr, /correlation\.yml: /);
});

test('atc check-links of a folder that does not exist: one line, exit 2', (t) => {
  const folder = makeTempFolder(t, 'atc-kb-links-');
  const named = atc(['check-links', 'no-such-site'], folder);
  assert.equal(named.status, 2);
  assert.equal(named.stderr, 'atc check-links: no-such-site: no such folder (build the site first, or name its folder)\n');
  assert.equal(named.stdout, '');
  const unbuilt = atc(['check-links'], folder);
  assert.equal(unbuilt.status, 2);
  assert.match(unbuilt.stderr, /^atc check-links: _site: no such folder/);
  assert.equal(unbuilt.stderr.split('\n').length, 2, 'one line');
});
