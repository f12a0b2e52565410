import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

/**
 * Writes `files` (relative path → text) under a fresh temporary folder, removed after the test.
 * For inputs that are clearer inline than as committed fixtures.
 */
export function writeTempTree(t: { after: (fn: () => void) => void }, files: Readonly<Record<string, string>>, prefix = 'atc-kb-test-'): string {
  const root = mkdtempSync(path.join(tmpdir(), prefix));
  t.after(() => rmSync(root, { recursive: true, force: true }));
  for (const [relative, text] of Object.entries(files)) {
    const file = path.join(root, relative);
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, text);
  }
  return root;
}

/** A temporary folder, removed after the test. */
export function makeTempFolder(t: { after: (fn: () => void) => void }, prefix = 'atc-kb-test-'): string {
  const root = mkdtempSync(path.join(tmpdir(), prefix));
  t.after(() => rmSync(root, { recursive: true, force: true }));
  return root;
}
