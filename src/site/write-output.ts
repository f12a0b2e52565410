import { existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { OutputFile } from '../render/render-markdown-pages.ts';

/** Files written at once: enough to keep libuv's thread pool busy, few enough to stay far from any open-file limit. */
const CONCURRENCY = 16;

/**
 * Writes files under `root` asynchronously, a few at a time: the system calls run on libuv's thread
 * pool while this thread goes on with other work (Eleventy rendering, the search index), which is what
 * makes writing 10,000 files cheap. Each folder is created once.
 */
export async function writeFiles(root: string, files: readonly OutputFile[]): Promise<void> {
  const folders = new Map<string, Promise<unknown>>();
  const folder = (directory: string): Promise<unknown> => {
    let made = folders.get(directory);
    if (!made) folders.set(directory, (made = mkdir(directory, { recursive: true })));
    return made;
  };
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < files.length) {
      const file = files[next++]!;
      const target = path.join(root, file.path);
      await folder(path.dirname(target));
      await writeFile(target, file.content);
    }
  };
  await Promise.all(Array.from({ length: Math.min(CONCURRENCY, files.length) }, worker));
}

/**
 * Replaces the output folder as a whole: everything is written to a staging folder beside it, and only a
 * complete site is swapped in. A failure at any point leaves the previous site exactly as it was.
 * `fill` adds more files to the staging folder (the HTML site generator writes there); it runs while
 * `files` are being written.
 */
export async function replaceOutputFolder(outDir: string, files: readonly OutputFile[], fill?: (stagingDir: string) => Promise<void>): Promise<void> {
  const absolute = path.resolve(outDir);
  const staging = `${absolute}.staging-${process.pid}`;
  const previous = `${absolute}.previous-${process.pid}`;
  rmSync(staging, { recursive: true, force: true });
  try {
    mkdirSync(staging, { recursive: true });
    const writing = writeFiles(staging, files);
    writing.catch(() => undefined); // awaited below, after fill
    try {
      if (fill) await fill(staging);
    } finally {
      // Never remove the staging folder under writes still in flight.
      await writing.catch(() => undefined);
    }
    await writing;
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
