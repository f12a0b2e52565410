import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';

export interface InputFile {
  readonly absolutePath: string;
  /** Path relative to the folder it was found under, with forward slashes: stable across machines. */
  readonly relativePath: string;
  /** Path as shown in issues: relative to the working directory, so editors and CI can open it. */
  readonly displayPath: string;
}

const YAML_FILE = /\.ya?ml$/i;
const SKIPPED_DIRECTORY = /^(?:\.|node_modules$)/;

/**
 * Every `*.yml` / `*.yaml` file under the given folders, recursively, in a deterministic order
 * (byte order of the relative path). `*.template` skeletons and other files are not content.
 * A folder that does not exist yields nothing; the caller decides whether that is a problem.
 */
export function findYamlFiles(root: string, cwd: string = process.cwd()): InputFile[] {
  const absoluteRoot = path.resolve(cwd, root);
  const found: InputFile[] = [];
  const walk = (directory: string): void => {
    let entries: import('node:fs').Dirent[];
    try {
      entries = readdirSync(directory, { withFileTypes: true });
    } catch {
      return;
    }
    for (const entry of entries) {
      const absolutePath = path.join(directory, entry.name);
      if (entry.isDirectory()) {
        if (!SKIPPED_DIRECTORY.test(entry.name)) walk(absolutePath);
      } else if ((entry.isFile() || (entry.isSymbolicLink() && isFile(absolutePath))) && YAML_FILE.test(entry.name)) {
        found.push({
          absolutePath,
          relativePath: toPosix(path.relative(absoluteRoot, absolutePath)),
          displayPath: toPosix(path.relative(cwd, absolutePath)) || absolutePath,
        });
      }
    }
  };
  if (isFile(absoluteRoot) && YAML_FILE.test(absoluteRoot)) {
    return [{ absolutePath: absoluteRoot, relativePath: path.basename(absoluteRoot), displayPath: toPosix(path.relative(cwd, absoluteRoot)) }];
  }
  walk(absoluteRoot);
  return found.sort((a, b) => (a.relativePath < b.relativePath ? -1 : a.relativePath > b.relativePath ? 1 : 0));
}

function isFile(candidate: string): boolean {
  try {
    return statSync(candidate).isFile();
  } catch {
    return false;
  }
}

function toPosix(p: string): string {
  return p.split(path.sep).join('/');
}
