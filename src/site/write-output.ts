import { mkdirSync, renameSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import type { OutputFile } from '../render/render-markdown-pages.ts';

/**
 * Replaces the output folder as a whole: everything is written to a staging folder beside it, and only a
 * complete site is swapped in. A failure at any point leaves the previous site exactly as it was.
 * `fill` may add more files to the staging folder (the HTML site generator writes there).
 */
export async function replaceOutputFolder(outDir: string, files: readonly OutputFile[], fill?: (stagingDir: string) => Promise<void>): Promise<void> {
  const absolute = path.resolve(outDir);
  const staging = `${absolute}.staging-${process.pid}`;
  const previous = `${absolute}.previous-${process.pid}`;
  rmSync(staging, { recursive: true, force: true });
  try {
    mkdirSync(staging, { recursive: true });
    const made = new Set<string>();
    for (const file of files) {
      const target = path.join(staging, file.path);
      const folder = path.dirname(target);
      if (!made.has(folder)) {
        mkdirSync(folder, { recursive: true });
        made.add(folder);
      }
      writeFileSync(target, file.content);
    }
    if (fill) await fill(staging);
  } catch (error) {
    rmSync(staging, { recursive: true, force: true });
    throw error;
  }
  const hadPrevious = existsSync(absolute);
  if (hadPrevious) renameSync(absolute, previous);
  try {
    renameSync(staging, absolute);
  } catch (error) {
    if (hadPrevious) renameSync(previous, absolute);
    rmSync(staging, { recursive: true, force: true });
    throw error;
  }
  if (hadPrevious) rmSync(previous, { recursive: true, force: true });
}
