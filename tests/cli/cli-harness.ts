// Running the real `atc` command in a child process on a copy of the sample knowledge base, and
// comparing the folders it writes; shared by the CLI tests.
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import type { TestContext } from 'node:test';
import { tmpdir } from 'node:os';
import path from 'node:path';

export const PROJECT = path.resolve(import.meta.dirname, '../..');
export const ATC = path.join(PROJECT, 'bin/atc.js');

export interface AtcResult {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

export function atc(args: string[], cwd = PROJECT, env: NodeJS.ProcessEnv = process.env): AtcResult {
  const result = spawnSync(process.execPath, [ATC, ...args], { cwd, encoding: 'utf8', env });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** `atc` started without waiting for it; `killAfter` SIGKILLs its process group (it and its Pagefind) after that many ms. */
export function atcAsync(args: string[], cwd: string, options: { killAfter?: number } = {}): Promise<AtcResult & { signal: NodeJS.Signals | null }> {
  const child = spawn(process.execPath, [ATC, ...args], { cwd, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const timer =
    options.killAfter === undefined
      ? undefined
      : setTimeout(() => {
          try {
            process.kill(-child.pid!, 'SIGKILL');
          } catch {
            // already finished
          }
        }, options.killAfter);
  return new Promise((resolve) => {
    child.on('close', (status, signal) => {
      clearTimeout(timer);
      resolve({ status, signal, stdout, stderr });
    });
  });
}

/** Every file under a folder with its bytes, by relative path. */
export function snapshot(folder: string): Map<string, Buffer> {
  const files = new Map<string, Buffer>();
  const walk = (directory: string): void => {
    for (const entry of readdirSync(directory, { withFileTypes: true })) {
      const full = path.join(directory, entry.name);
      if (entry.isDirectory()) walk(full);
      else files.set(path.relative(folder, full), readFileSync(full));
    }
  };
  walk(folder);
  return files;
}

/** The files that differ between two snapshots (missing from one, or with other bytes), for assertion messages. */
export function differentFiles(a: ReadonlyMap<string, Buffer>, b: ReadonlyMap<string, Buffer>): string[] {
  const names = new Set([...a.keys(), ...b.keys()]);
  const same = (file: string): boolean => a.has(file) && b.has(file) && a.get(file)!.equals(b.get(file)!);
  return [...names].filter((file) => !same(file)).sort();
}

/** A copy of the sample knowledge base in a temp folder, so tests can break it without touching the project. */
export function sampleCopy(): string {
  const folder = mkdtempSync(path.join(tmpdir(), 'atc-kb-'));
  for (const name of SAMPLE_INPUTS) cpSync(path.join(PROJECT, name), path.join(folder, name), { recursive: true });
  return folder;
}

/** A sampleCopy that is removed when the test ends. */
export function sampleCopyFor(context: TestContext): string {
  const folder = sampleCopy();
  context.after(() => rmSync(folder, { recursive: true, force: true }));
  return folder;
}

/** What sampleCopy puts in its folder. */
export const SAMPLE_INPUTS = ['rules', 'data_needed', 'logging_policies', 'enrichments', 'triggers', 'profiles', 'customers', 'use_cases', 'response_actions', 'response_playbooks', 'atc.config.yml'];
