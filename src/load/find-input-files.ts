import { readdirSync, readlinkSync, realpathSync, statSync, type Dirent } from 'node:fs';
import path from 'node:path';
import { makeIssue, type Issue } from '../model/issue.ts';
import { cacheKey } from '../cache/build-cache.ts';
import { noteInputRead } from './input-log.ts';

export interface InputFile {
  readonly absolutePath: string;
  /** Path relative to the folder it was found under, with forward slashes: stable across machines. */
  readonly relativePath: string;
  /** Path as shown in issues: relative to the working directory, so editors and CI can open it. */
  readonly displayPath: string;
}

export interface FoundInputFiles {
  readonly files: InputFile[];
  /** Symbolic links that were not followed, and why. */
  readonly issues: Issue[];
}

const YAML_FILE = /\.ya?ml$/i;
const SKIPPED_DIRECTORY = /^(?:\.|node_modules$)/;

/**
 * Every `*.yml` / `*.yaml` file under the given folders, recursively; each folder's files in a deterministic
 * order (byte order of the relative path), and each real file once even when links or overlapping folders
 * reach it twice. `*.template` skeletons and other files are not content. A folder that does not exist
 * yields nothing; the caller decides whether that is a problem.
 *
 * Symbolic links are followed only to targets inside one of the folders (a configured folder may itself be
 * a link: that is the user's choice). A link out of them could publish any file the build can read, so it
 * is reported and skipped, as is a link to nothing; a directory reached twice is walked once, so loops end.
 */
export function findInputFiles(folders: readonly string[], cwd: string = process.cwd()): FoundInputFiles {
  const found = searchInputFiles(folders, cwd);
  noteInputRead(() => ({ kind: 'found', folders, cwd, digest: foundDigest(found) }));
  return found;
}

/** The input log's digest of a search: a change of any file's path or of a link's issue changes it. */
export function foundDigest(found: FoundInputFiles): string {
  return cacheKey(JSON.stringify(found));
}

/** findInputFiles without a note in the input log (which replays it with this). */
export function searchInputFiles(folders: readonly string[], cwd: string): FoundInputFiles {
  const roots = folders.map((folder) => path.resolve(cwd, folder));
  const realRoots = roots.flatMap((root) => {
    const real = realPath(root);
    return real === undefined ? [] : [real];
  });
  const insideInput = (real: string): boolean => realRoots.some((root) => real === root || real.startsWith(root.endsWith(path.sep) ? root : root + path.sep));
  const files: InputFile[] = [];
  const issues: Issue[] = [];
  const filesSeen = new Set<string>();
  const directoriesSeen = new Set<string>();
  const displayPath = (absolutePath: string): string => toPosix(path.relative(cwd, absolutePath)) || absolutePath;

  for (const root of roots) {
    const found: InputFile[] = [];
    const addFile = (absolutePath: string, real: string, relativePath = toPosix(path.relative(root, absolutePath))): void => {
      if (filesSeen.has(real)) return;
      filesSeen.add(real);
      found.push({ absolutePath, relativePath, displayPath: displayPath(absolutePath) });
    };
    // Links wait until the folder's own tree is walked, so a file reached both ways keeps its real path.
    const links: string[] = [];
    const walk = (directory: string, realDirectory: string): void => {
      if (directoriesSeen.has(realDirectory)) return;
      directoriesSeen.add(realDirectory);
      let entries: Dirent[];
      try {
        entries = readdirSync(directory, { withFileTypes: true });
      } catch {
        return;
      }
      for (const entry of entries) {
        const absolutePath = path.join(directory, entry.name);
        if (entry.isSymbolicLink()) {
          if (!SKIPPED_DIRECTORY.test(entry.name)) links.push(absolutePath);
        } else if (entry.isDirectory()) {
          if (!SKIPPED_DIRECTORY.test(entry.name)) walk(absolutePath, path.join(realDirectory, entry.name));
        } else if (entry.isFile() && YAML_FILE.test(entry.name)) {
          addFile(absolutePath, path.join(realDirectory, entry.name));
        }
      }
    };
    const follow = (link: string): void => {
      const target = realPath(link);
      if (target === undefined) {
        issues.push(makeIssue(displayPath(link), undefined, 'symlink-dangling', `symbolic link to "${linkText(link)}", which does not exist; skipped`));
        return;
      }
      const kind = statKind(target);
      if (kind === 'other' || (kind === 'file' && !YAML_FILE.test(link))) return;
      if (!insideInput(target)) {
        issues.push(makeIssue(displayPath(link), undefined, 'symlink-outside-input', `symbolic link to "${linkText(link)}", outside the input folders; not followed`));
      } else if (kind === 'directory') walk(link, target);
      else addFile(link, target);
    };
    const realRoot = realPath(root);
    if (realRoot === undefined) continue;
    const kind = statKind(realRoot);
    if (kind === 'file' && YAML_FILE.test(root)) {
      addFile(root, realRoot, path.basename(root));
    } else if (kind === 'directory') {
      walk(root, realRoot);
      while (links.length > 0) {
        const batch = links.splice(0).sort();
        for (const link of batch) follow(link);
      }
    }
    files.push(...found.sort((a, b) => (a.relativePath < b.relativePath ? -1 : a.relativePath > b.relativePath ? 1 : 0)));
  }
  return { files, issues };
}

/** The YAML files under one folder, for commands that read a path they were given (issues about links are left out). */
export function findYamlFiles(root: string, cwd: string = process.cwd()): InputFile[] {
  return findInputFiles([root], cwd).files;
}

function realPath(candidate: string): string | undefined {
  try {
    return realpathSync(candidate);
  } catch {
    return undefined;
  }
}

function linkText(link: string): string {
  try {
    return readlinkSync(link);
  } catch {
    return '?';
  }
}

function statKind(candidate: string): 'file' | 'directory' | 'other' {
  try {
    const stats = statSync(candidate);
    return stats.isFile() ? 'file' : stats.isDirectory() ? 'directory' : 'other';
  } catch {
    return 'other';
  }
}

function toPosix(p: string): string {
  return p.split(path.sep).join('/');
}
