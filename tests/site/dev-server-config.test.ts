import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { PROJECT_ROOT } from '../helpers/knowledge-base.ts';

// The authors' dev server (`npx @11ty/eleventy --serve`) runs .eleventy.js, which `atc build` never reads:
// a dry run of it is the one check that its wiring still gives every page and file one address.
test('the dev server configuration builds the sample site without an output conflict', () => {
  const eleventy = path.join(PROJECT_ROOT, 'node_modules/@11ty/eleventy/cmd.cjs');
  const run = spawnSync(process.execPath, [eleventy, '--dryrun'], { cwd: PROJECT_ROOT, encoding: 'utf8', timeout: 300_000 });
  assert.equal(run.status, 0, `${run.stdout}\n${run.stderr}`.slice(-3000));
  assert.doesNotMatch(run.stderr, /Output conflict|Problem writing/);
  assert.match(run.stdout + run.stderr, /Wrote 0 files/);
});
