import { mkdirSync, readdirSync, renameSync, rmdirSync, rmSync, unlinkSync, writeFileSync, type Dirent } from 'node:fs';
import path from 'node:path';
import { acquireBuildLock } from './build-lock.ts';
import type { ListedFile, StreamedFiles } from '../present/output-file.ts';
import { outputCache, type OutputCache } from './output-cache.ts';
import { diskErrorOf, displayPath, OutputFolderError } from './output-folder-error.ts';
import { lstatOrUndefined, refuseForeignFolder } from './output-guard.ts';
import { MANIFEST_NAME, readManifest, writeManifest, type FileContent, type ListedFiles } from './output-manifest.ts';
import { OutputWriter, type HeldOutput } from './output-writer.ts';

/**
 * Writes files under `root` (paths relative and slash-separated), creating each folder once, and returns
 * their paths; a file held encoded (`encoded`, encodedFile) is written as it is. Synchronous on purpose: measured on the corpus's 9,859 markdown and export files,
 * promise-based writes cost four times the CPU (0.9 s against 0.2 s on a RAM disk), and the build has a
 * core to spare only when its main thread is idle, which is when the site writes them (while Pagefind
 * finishes its index).
 */
export function writeFiles(root: string, files: ReadonlyArray<{ readonly path: string; readonly content: string | Uint8Array; readonly encoded?: readonly Uint8Array[] }>): string[] {
  const made = new Set<string>();
  for (const file of files) {
    const target = path.join(root, file.path);
    const directory = path.dirname(target);
    if (!made.has(directory)) {
      mkdirSync(directory, { recursive: true });
      made.add(directory);
    }
    // Only a file produced into memory (tests, the dev server) comes in several pieces.
    const encoded = file.encoded && (file.encoded.length === 1 ? file.encoded[0]! : Buffer.concat(file.encoded));
    writeFileSync(target, encoded ?? file.content);
  }
  return files.map((file) => file.path);
}

/** Writes streamed files (StreamedFiles) under `root` (see OutputWriter.writeStreamed); returns what they hold. */
export function writeStreamedFiles(root: string, streamed: StreamedFiles): readonly ListedFile[] {
  return new OutputWriter(root).writeStreamed(streamed);
}

/** What a disk error message says when it struck before the output folder was changed. */
const UNCHANGED = 'the output folder is unchanged';

export interface ReplaceOptions {
  /** Where atc's cache folder goes when it is on the output's file system (output-cache.ts). */
  readonly cacheRoot: string;
  /** Write into a folder that holds files atc did not write (they are never deleted or overwritten). */
  readonly force?: boolean;
  /** How long to wait for another build writing the same output (default 5 minutes). */
  readonly waitMs?: number;
  readonly onWait?: (holderPid: number) => void;
}

/**
 * Replaces the output folder with what `fill` writes, touching only files an earlier build wrote.
 *
 * `fill` writes everything into a staging folder in atc's cache (never beside the output) through an
 * OutputWriter, which lists every file of the build; nothing reaches the output unless it succeeds. The
 * staging folder starts as the spare: the output before last, kept instead of deleted, because deleting
 * 20,000 files costs seconds by itself (on ext4 it also slows the creation of new files for minutes
 * afterwards), and because most of its files hold what the new build would write: the writer leaves
 * those as they are (the spare's manifest says what each holds), and takes files the spare lacks but
 * the current output holds from there. Whatever the spare holds that this build did not list is removed
 * before the new output is placed.
 *
 * Placing it: when the output holds nothing but files its manifest lists (the usual case), the whole
 * folder is swapped for the staging folder by two renames, so the output is at every moment a complete
 * build, and the replaced one becomes the next spare. When it holds anything else (a folder given with
 * --force, a CNAME a user dropped into it), the new files are moved in one by one over the ones the
 * manifest lists, and listed files this build did not write are deleted; nothing else is touched, and
 * a path is never followed through a symbolic link.
 *
 * A lock in the cache makes a second build into the same output wait; what a killed build leaves in
 * the cache (a staging folder, a swap cut in half, its lock) is cleaned up by the next one.
 */
export async function replaceOutputFolder(outDir: string, fill: (staging: OutputWriter) => Promise<void>, options: ReplaceOptions): Promise<void> {
  const out = path.resolve(outDir);
  const cache = outputCache(out, options.cacheRoot);
  const lock = await acquireBuildLock(cache.lock, { waitMs: options.waitMs ?? 300_000, outDir: out, ...(options.onWait && { onWait: options.onWait }) });
  try {
    finishInterruptedSwap(out, cache);
    const force = options.force ?? false;
    refuseForeignFolder(out, force); // again, now that no other build can change the folder
    // Read before anything is written (nothing is, when it is broken): it says which files are atc's,
    // and which of them the new build may copy instead of making them again.
    const manifest = readOwnManifest(out, force);
    const current = manifest && { folder: out, files: manifest, listedAt: manifestTime(out) };
    const written = await fillStaging(cache, fill, out, current);
    if (manifest === undefined) {
      withDiskErrors(out, UNCHANGED, () => {
        mkdirSync(path.dirname(out), { recursive: true });
        renameSync(cache.staging, out);
      });
    } else if (holdsOnlyListed(out, manifest)) {
      withDiskErrors(out, UNCHANGED, () => swapFolders(out, cache));
    } else {
      placeFileByFile(out, cache, written, manifest);
    }
  } finally {
    lock.release();
    removeFolderIfEmpty(cache.folder);
  }
}

/**
 * Writes the new output into the staging folder (started from the spare) and its manifest; returns what
 * was listed. Only the files whose content the spare does not hold are written (OutputWriter).
 */
async function fillStaging(cache: OutputCache, fill: (staging: OutputWriter) => Promise<void>, out: string, current: HeldOutput | undefined): Promise<ReadonlyMap<string, FileContent>> {
  // A killed build's staging folder is as good a start as the spare (every file in it is overwritten or
  // removed below) and costs nothing to reuse, where deleting it would cost seconds. What it holds is
  // unknown, though: that build may have rewritten any file of it.
  let reused = pathExists(cache.staging);
  let holds: HeldOutput | undefined;
  withDiskErrors(out, UNCHANGED, () => {
    if (reused) return;
    try {
      renameSync(cache.spare, cache.staging);
      reused = true;
    } catch {
      mkdirSync(cache.staging, { recursive: true });
      return;
    }
    holds = takeManifest(cache.staging);
  });
  try {
    const staging = new OutputWriter(cache.staging, { ...(holds && { holds }), ...(current && { current }) });
    await fill(staging);
    // Every folder is read (0.6-0.9 s at corpus size) rather than trusting the spare's manifest to name
    // all it holds: whatever else found its way into the cache must not reach the output.
    if (reused) removeUnwritten(cache.staging, new Set([...staging.listed.keys(), MANIFEST_NAME]));
    writeManifest(cache.staging, staging.listed, path.join(cache.folder, 'manifest.tmp'));
    return staging.listed;
  } catch (error) {
    // Not kept as a spare: whatever made this build fail should not meet the next one.
    rmSync(cache.staging, { recursive: true, force: true });
    const disk = diskErrorOf(error);
    if (disk) throw new OutputFolderError(`cannot write the build for ${displayPath(out)} into ${displayPath(cache.folder)}: ${disk.message}; ${UNCHANGED}`, 1, { cause: error });
    throw error;
  }
}

/**
 * What the spare just moved into `staging` holds, by its manifest, which is then removed: the files
 * change from now on, and a build killed meanwhile must leave a folder that claims nothing. A broken
 * or missing manifest means nothing is known (every file is written).
 */
function takeManifest(staging: string): HeldOutput | undefined {
  let held: HeldOutput | undefined;
  try {
    const files = readManifest(staging);
    if (files) held = { folder: staging, files, listedAt: manifestTime(staging) };
  } catch {
    // see above
  }
  rmSync(path.join(staging, MANIFEST_NAME), { force: true });
  return held;
}

/** When the manifest of `folder` was written. */
function manifestTime(folder: string): number {
  return Number(lstatOrUndefined(path.join(folder, MANIFEST_NAME))?.mtimeMs ?? 0);
}

/**
 * The manifest of an existing output, or undefined when there is no output yet. A folder without one
 * is empty or was accepted with --force: no file in it is atc's. A broken manifest stops the build
 * unless --force (then, again, nothing in the folder counts as atc's).
 */
function readOwnManifest(out: string, force: boolean): ListedFiles | undefined {
  if (!pathExists(out)) return undefined;
  try {
    return readManifest(out) ?? new Map();
  } catch (error) {
    if (force) return new Map();
    throw new OutputFolderError(`${displayPath(out)}: ${(error as Error).message}; nothing was changed (pass --force to keep every file in it and add the site)`, 2);
  }
}

/**
 * Swaps the output folder for the staging folder; the replaced output becomes the spare. Between the two
 * renames the output exists only in the cache; a build killed there is completed by the next one
 * (finishInterruptedSwap).
 */
function swapFolders(out: string, cache: OutputCache): void {
  renameSync(out, cache.previous);
  try {
    renameSync(cache.staging, out);
  } catch (error) {
    renameSync(cache.previous, out);
    throw error;
  }
  rmSync(cache.spare, { recursive: true, force: true }); // only there if a killed build left one
  renameSync(cache.previous, cache.spare);
}

/**
 * A build killed in the middle of a swap left the replaced output in the cache: put it back when the
 * output is missing (it was killed between the two renames), otherwise keep it as the spare.
 */
function finishInterruptedSwap(out: string, cache: OutputCache): void {
  if (!pathExists(cache.previous)) return;
  if (!pathExists(out)) renameSync(cache.previous, out);
  else if (!pathExists(cache.spare)) renameSync(cache.previous, cache.spare);
  else rmSync(cache.previous, { recursive: true, force: true });
}

/**
 * Whether the output holds only what its manifest lists (and the folders on the way to those files),
 * i.e. whether the whole folder may be moved into the cache without moving a file atc did not write.
 */
function holdsOnlyListed(out: string, manifest: ListedFiles): boolean {
  const folders = new Set<string>();
  for (const file of manifest.keys()) {
    for (let slash = file.indexOf('/'); slash !== -1; slash = file.indexOf('/', slash + 1)) folders.add(file.slice(0, slash));
  }
  const visit = (directory: string, relative: string): boolean =>
    readdirSync(directory, { withFileTypes: true }).every((entry: Dirent) => {
      const entryRelative = relative === '' ? entry.name : `${relative}/${entry.name}`;
      if (entry.isDirectory()) return folders.has(entryRelative) && visit(path.join(directory, entry.name), entryRelative);
      return entry.isFile() && (manifest.has(entryRelative) || entryRelative === MANIFEST_NAME);
    });
  return visit(out, '');
}

/**
 * Moves the new files into an output that holds files atc did not write. Every path is checked first
 * (a file in the way that the manifest does not list, or a symbolic link or file where a folder must
 * be, stops the build before anything moves). The manifest is widened to the old and new files before
 * the first move, so a build killed meanwhile still knows every file it wrote, and narrowed at the end.
 */
function placeFileByFile(out: string, cache: OutputCache, listed: ReadonlyMap<string, FileContent>, previous: ListedFiles): void {
  const written = [...listed.keys()];
  const blocked = written.filter((file) => !mayWrite(out, file, previous));
  if (blocked.length > 0) {
    const listed = blocked.slice(0, 3).map((file) => JSON.stringify(file)).join(', ');
    throw new OutputFolderError(
      `cannot write ${displayPath(out)}: ${blocked.length} of the new files would replace files atc did not write, or go through a symbolic link (${listed}${blocked.length > 3 ? ', ...' : ''}); nothing was changed`,
      1,
    );
  }
  const scratch = path.join(cache.folder, 'manifest.tmp');
  // Meanwhile a listed file may hold the old content or the new: the widened manifest does not say.
  const widened = [...previous.keys(), ...written].map((file) => [file, undefined] as const);
  withDiskErrors(out, UNCHANGED, () => writeManifest(out, widened, scratch));
  const mixed = 'it may hold a mix of the previous and the new build until the next build completes';
  withDiskErrors(out, mixed, () => moveInAndPrune(out, cache, written, previous));
  withDiskErrors(out, mixed, () => writeManifest(out, listed, scratch));
  rmSync(cache.staging, { recursive: true, force: true }); // the folders the moved files left; the next build starts afresh
}

/** The moves of placeFileByFile, then the deletion of listed files this build did not write. */
function moveInAndPrune(out: string, cache: OutputCache, written: readonly string[], previous: ListedFiles): void {
  const made = new Set<string>();
  for (const file of written) {
    const folder = path.dirname(file);
    if (folder !== '.' && !made.has(folder)) {
      mkdirSync(path.join(out, folder), { recursive: true });
      made.add(folder);
    }
    renameSync(path.join(cache.staging, file), path.join(out, file));
  }
  const kept = new Set(written);
  removeListedFiles(out, [...previous.keys()].filter((file) => !kept.has(file)));
}

/**
 * Deletes the listed files under `root` that are still regular files reached through real folders (a
 * path that is anything else is left alone), then the folders they leave empty; returns how many files it deleted.
 */
export function removeListedFiles(root: string, files: Iterable<string>): number {
  const emptied = new Set<string>();
  let removed = 0;
  for (const file of files) {
    if (!isOwnFile(root, file)) continue;
    unlinkSync(path.join(root, file));
    removed += 1;
    for (let folder = path.posix.dirname(file); folder !== '.'; folder = path.posix.dirname(folder)) emptied.add(folder);
  }
  // Deepest first, so a folder is tried after the folders inside it; one that still holds anything stays.
  for (const folder of [...emptied].sort((a, b) => b.split('/').length - a.split('/').length)) removeFolderIfEmpty(path.join(root, folder));
  return removed;
}

/** Whether `file` may be written into the output: its folders are real folders (or missing) and the file is absent or atc's. */
function mayWrite(out: string, file: string, previous: ListedFiles): boolean {
  const segments = file.split('/');
  let current = out;
  for (const segment of segments.slice(0, -1)) {
    current = path.join(current, segment);
    const stat = lstatOrUndefined(current);
    if (stat === undefined) return true;
    if (!stat.isDirectory()) return false;
  }
  const stat = lstatOrUndefined(path.join(out, file));
  return stat === undefined || (previous.has(file) && stat.isFile());
}

/** Whether `file` is still a regular file reached through real folders only, so unlinking it cannot act elsewhere. */
export function isOwnFile(out: string, file: string): boolean {
  let current = out;
  const segments = file.split('/');
  for (const [index, segment] of segments.entries()) {
    current = path.join(current, segment);
    const stat = lstatOrUndefined(current);
    if (stat === undefined) return false;
    if (index < segments.length - 1 ? !stat.isDirectory() : !stat.isFile()) return false;
  }
  return true;
}

/** Runs a step that writes into the output folder, and turns a refusal of the disk into one clear message. */
function withDiskErrors(out: string, consequence: string, step: () => void): void {
  try {
    step();
  } catch (error) {
    const disk = diskErrorOf(error);
    if (!disk) throw error;
    throw new OutputFolderError(`cannot write ${displayPath(out)}: ${disk.message}; ${consequence}`, 1, { cause: error });
  }
}

export function removeFolderIfEmpty(folder: string): void {
  try {
    rmdirSync(folder);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== 'ENOTEMPTY' && code !== 'EEXIST' && code !== 'ENOENT' && code !== 'ENOTDIR') throw error;
  }
}

function pathExists(target: string): boolean {
  return lstatOrUndefined(target) !== undefined;
}

/** Removes the files under `root` that are not in `keep` (slash-separated relative paths), and folders left empty. */
function removeUnwritten(root: string, keep: ReadonlySet<string>): void {
  const visit = (directory: string, relative: string): boolean => {
    let empty = true;
    for (const entry of readdirSync(directory, { withFileTypes: true })) {
      const entryRelative = relative === '' ? entry.name : `${relative}/${entry.name}`;
      const full = path.join(directory, entry.name);
      if (entry.isDirectory()) {
        if (!visit(full, entryRelative)) empty = false;
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

/**
 * Folders that atc before the output manifest left beside the output: `.<out>.atc-spare/`,
 * `<out>.staging-<pid>/`, `<out>.previous-<pid>/`. They are not removed: that version moved whatever
 * the output folder held into them, so they may hold the user's own files. `atc build` names them.
 */
export function oldLeftoversBeside(outDir: string): string[] {
  const out = path.resolve(outDir);
  const base = path.basename(out);
  let names: string[];
  try {
    names = readdirSync(path.dirname(out));
  } catch {
    return [];
  }
  const pidKeyed = (name: string, infix: string): boolean => name.startsWith(`${base}${infix}`) && /^\d+$/.test(name.slice(base.length + infix.length));
  return names
    .filter((name) => name === `.${base}.atc-spare` || pidKeyed(name, '.staging-') || pidKeyed(name, '.previous-'))
    .sort()
    .map((name) => path.join(path.dirname(out), name));
}
