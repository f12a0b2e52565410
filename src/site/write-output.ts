import { existsSync, mkdirSync, readdirSync, renameSync, rmdirSync, rmSync, unlinkSync } from 'node:fs';
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

/** What a `fill` callback wrote into the staging folder, relative to it ("rules/x/index.html"). */
export interface WrittenOutput {
  readonly files: readonly string[];
  /** Folders the callback owns as a whole: it empties them itself before writing into them ("pagefind"). */
  readonly ownedFolders: readonly string[];
}

/**
 * The folder a build leaves beside the output folder for the next build to write into: the previous
 * output, kept instead of deleted. Writing over files that exist costs a fraction of creating them, and
 * deleting 20,000 files costs seconds by itself (on ext4 it also slows the creation of new files for
 * minutes afterwards), so a rebuild reuses the files and folders of the build before last.
 */
export function spareFolderOf(outDir: string): string {
  const absolute = path.resolve(outDir);
  return path.join(path.dirname(absolute), `.${path.basename(absolute)}.atc-spare`);
}

/**
 * Replaces the output folder as a whole: everything is written to a staging folder beside it, and only a
 * complete site is swapped in. A failure at any point leaves the previous site exactly as it was.
 * `fill` adds more files to the staging folder (the HTML site generator writes there) while `files` are
 * being written, and says what it wrote. The staging folder starts as the spare folder of the last
 * build when there is one; whatever it holds that this build did not write is removed before the swap.
 */
export async function replaceOutputFolder(outDir: string, files: readonly OutputFile[], fill?: (stagingDir: string) => Promise<WrittenOutput>): Promise<void> {
  const absolute = path.resolve(outDir);
  const staging = `${absolute}.staging-${process.pid}`;
  const previous = `${absolute}.previous-${process.pid}`;
  const spare = spareFolderOf(absolute);
  rmSync(staging, { recursive: true, force: true });
  let reused = false;
  try {
    renameSync(spare, staging);
    reused = true;
  } catch {
    mkdirSync(staging, { recursive: true });
  }
  try {
    const writing = writeFiles(staging, files);
    writing.catch(() => undefined); // awaited below, after fill
    let filled: WrittenOutput = { files: [], ownedFolders: [] };
    try {
      if (fill) filled = await fill(staging);
    } finally {
      // Never move or remove the staging folder under writes still in flight.
      await writing.catch(() => undefined);
    }
    await writing;
    if (reused) removeUnwritten(staging, new Set([...files.map((file) => file.path), ...filled.files]), new Set(filled.ownedFolders));
  } catch (error) {
    // Not kept as a spare: whatever made this build fail should not meet the next one.
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
  if (hadPrevious) {
    rmSync(spare, { recursive: true, force: true }); // only there if another build made one meanwhile
    renameSync(previous, spare);
  }
}

/** Removes the files under `root` that are not in `keep` (slash-separated relative paths), and folders left empty. */
function removeUnwritten(root: string, keep: ReadonlySet<string>, ownedFolders: ReadonlySet<string>): void {
  const visit = (directory: string, relative: string): boolean => {
    let empty = true;
    for (const entry of readdirSync(directory, { withFileTypes: true })) {
      const entryRelative = relative === '' ? entry.name : `${relative}/${entry.name}`;
      const full = path.join(directory, entry.name);
      if (entry.isDirectory()) {
        if (ownedFolders.has(entryRelative) || !visit(full, entryRelative)) empty = false;
        else rmdirSync(full);
      } else if (keep.has(entryRelative)) {
        empty = false;
      } else {
        unlinkSync(full);
      }
    }
    return empty;
  };
  visit(root, '');
}
