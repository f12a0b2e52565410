// Measures what an author waits for under `npx @11ty/eleventy --serve`: the time from saving an edited
// rule to the dev server serving the page with the change. Runs on a copy of the sample knowledge base
// (the project's own folders are never touched). Used by `npm run bench -- serve`.
import { spawn } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

const PROJECT = path.resolve(import.meta.dirname, '..');

async function poll(url: string, wanted: string, timeoutMs: number): Promise<boolean> {
  const deadline = performance.now() + timeoutMs;
  while (performance.now() < deadline) {
    try {
      const response = await fetch(url);
      if (response.ok && (await response.text()).includes(wanted)) return true;
    } catch {
      // server not up yet
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return false;
}

export async function measureServeLatency(edits = 3): Promise<{ startup: number; latencies: number[] }> {
  const folder = mkdtempSync(path.join(tmpdir(), 'atc-serve-'));
  for (const name of ['rules', 'data_needed', 'logging_policies', 'enrichments', 'triggers', 'src', 'atc.config.yml', '.eleventy.js', 'package.json']) {
    cpSync(path.join(PROJECT, name), path.join(folder, name), { recursive: true });
  }
  symlinkSync(path.join(PROJECT, 'node_modules'), path.join(folder, 'node_modules'));
  const port = 20000 + Math.floor(Math.random() * 20000);
  const started = performance.now();
  const child = spawn(process.execPath, [path.join(PROJECT, 'node_modules/@11ty/eleventy/cmd.cjs'), '--serve', `--port=${port}`], { cwd: folder, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (chunk) => (output += chunk));
  child.stderr.on('data', (chunk) => (output += chunk));
  try {
    const rule = path.join(folder, 'rules/windows/process_creation/proc_creation_win_rundll32_comsvcs_minidump.yml');
    const url = `http://localhost:${port}/rules/c13720be-cded-4ca2-aa87-6f0ee89f04f8/`;
    if (!(await poll(url, 'LSASS Memory Dump Via Comsvcs.dll', 60_000))) throw new Error(`the dev server did not come up:\n${output}`);
    const startup = performance.now() - started;
    const latencies: number[] = [];
    const original = readFileSync(rule, 'utf8');
    for (let edit = 1; edit <= edits; edit += 1) {
      await new Promise((resolve) => setTimeout(resolve, 500));
      const marker = `Edited ${edit} ${Date.now()}`;
      const saved = performance.now();
      writeFileSync(rule, original.replace('title: LSASS Memory Dump Via Comsvcs.dll MiniDump Export', `title: ${marker}`));
      if (!(await poll(url, marker, 30_000))) throw new Error(`edit ${edit} never showed up:\n${output}`);
      latencies.push(performance.now() - saved);
    }
    return { startup, latencies };
  } finally {
    child.kill('SIGTERM');
    rmSync(folder, { recursive: true, force: true });
  }
}

if (process.argv[1] === import.meta.filename) {
  const result = await measureServeLatency(Number(process.argv[2] ?? 3));
  console.log(`eleventy --serve: first build served after ${result.startup.toFixed(0)} ms; edit → page updated in ${result.latencies.map((ms) => `${ms.toFixed(0)} ms`).join(', ')}`);
}
