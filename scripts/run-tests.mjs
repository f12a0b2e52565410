#!/usr/bin/env node
// Node 20's test runner does not expand globs, so the test files are listed here; arguments narrow
// the run to files whose path contains one of them (`npm test -- sigma render`).
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import path from 'node:path';

const filters = process.argv.slice(2);
const found = [];
const walk = (folder) => {
  for (const entry of readdirSync(folder, { withFileTypes: true })) {
    const full = path.join(folder, entry.name);
    if (entry.isDirectory() && entry.name !== 'fixtures') walk(full);
    else if (entry.isFile() && entry.name.endsWith('.test.ts')) found.push(full);
  }
};
walk('tests');
const files = found.sort().filter((file) => filters.length === 0 || filters.some((filter) => file.includes(filter)));
if (files.length === 0) {
  console.error(`no test files match ${filters.join(' ')}`);
  process.exit(1);
}
const result = spawnSync(process.execPath, ['--import', 'tsx', '--test', '--test-reporter=spec', ...files], { stdio: 'inherit' });
process.exit(result.status ?? 1);
