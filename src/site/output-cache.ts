import { createHash } from 'node:crypto';
import { lstatSync, mkdirSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { displayPath, OutputFolderError } from './output-folder-error.ts';

/** The name of atc's cache folder: in the configuration file's folder, or beside the output (see outputCache). */
export const CACHE_FOLDER_NAME = '.atc-cache';

/** What atc keeps between builds for one output folder, all inside its cache folder. */
export interface OutputCache {
  /** The cache's folder for this output (one per output folder, keyed by a hash of its absolute path). */
  readonly folder: string;
  /** Where a build writes the new output before it is moved into place. */
  readonly staging: string;
  /** The output before last, kept for the next build to write over (see replaceOutputFolder). */
  readonly spare: string;
  /** The output being replaced, for the instant between the two renames of a swap. */
  readonly previous: string;
  /** Held by the build writing this output (build-lock.ts). */
  readonly lock: string;
}

/**
 * The cache folder of `outDir`, created if needed. It must be on the output's file system, since the
 * new output is moved into place by `rename`, which is atomic only within one file system. The first
 * choice is `preferredRoot` (the `.atc-cache/` of the configuration's folder); when that is on another
 * file system (the output on a RAM disk, a USB stick, a CI volume) it is the `.atc-cache/` beside the
 * output, on the output's own file system. An output that is itself a mount point has neither and is
 * refused with a message saying to name a folder inside it.
 */
export function outputCache(outDir: string, preferredRoot: string): OutputCache {
  const out = path.resolve(outDir);
  const device = deviceOf(out);
  const candidates = [path.resolve(preferredRoot), path.join(path.dirname(out), CACHE_FOLDER_NAME)];
  const root = candidates.find((candidate) => deviceOf(candidate) === device);
  if (root === undefined) {
    throw new OutputFolderError(
      `${displayPath(out)} is a mount point (another file system than the folder it is in), so a build cannot be moved into it in one step; use a folder inside it as --out`,
      1,
    );
  }
  ensureOwnCacheRoot(root);
  const folder = path.join(root, createHash('sha256').update(out).digest('hex').slice(0, 16));
  mkdirSync(folder, { recursive: true });
  return {
    folder,
    staging: path.join(folder, 'staging'),
    spare: path.join(folder, 'spare'),
    previous: path.join(folder, 'previous'),
    lock: path.join(folder, 'lock'),
  };
}

/** The file-system device of a path, or of its closest existing ancestor (where it would be created). */
function deviceOf(target: string): number {
  for (let current = target; ; current = path.dirname(current)) {
    try {
      return statSync(current).dev;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT' || path.dirname(current) === current) throw error;
    }
  }
}

/**
 * Creates the cache root and checks that it is atc's: a real folder (not a symbolic link someone placed
 * to send atc's staging elsewhere) owned by the user running the build. Its `.gitignore` keeps it out
 * of commits, and CACHEDIR.TAG (https://bford.info/cachedir/) out of backups.
 */
function ensureOwnCacheRoot(root: string): void {
  mkdirSync(root, { recursive: true });
  const stat = lstatSync(root);
  const uid = process.getuid?.();
  if (!stat.isDirectory() || (uid !== undefined && stat.uid !== uid)) {
    throw new OutputFolderError(`${displayPath(root)} is not atc's cache folder (a symbolic link, not a folder, or owned by another user); remove it or build elsewhere`, 1);
  }
  writeOnce(path.join(root, '.gitignore'), '# atc build\'s cache: staging and spare copies of output folders; safe to delete when no build runs.\n*\n');
  writeOnce(path.join(root, 'CACHEDIR.TAG'), 'Signature: 8a477f597d28d172789f06886806bc55\n# This file marks atc build\'s cache folder; see https://bford.info/cachedir/\n');
}

function writeOnce(file: string, content: string): void {
  try {
    writeFileSync(file, content, { flag: 'wx' });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
}
