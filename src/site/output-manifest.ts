import { readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/**
 * The list of files a build wrote, kept in the output folder. It is how a later build knows which files
 * are atc's: it replaces or deletes only those, and a folder without one is not atc's to write into.
 */
export const MANIFEST_NAME = '.atc-manifest.json';

/** The manifest's format; a file with another value is not a manifest this version understands. */
const FORMAT = 'atc-kb output manifest 1';

/**
 * The manifest's text: the paths sorted, one a line, and nothing that varies between two builds of
 * the same input (no time stamps), so that two builds stay byte-identical.
 */
function manifestText(files: Iterable<string>): string {
  const sorted = [...new Set(files)].filter((file) => file !== MANIFEST_NAME).sort();
  return `${JSON.stringify({ format: FORMAT, files: sorted }, null, 1)}\n`;
}

/**
 * The files the manifest in `outDir` lists, or undefined when there is none. A manifest that does not
 * parse, or lists a path that could leave the folder (absolute, `..`, empty segments), is reported as
 * an error rather than trusted: the manifest decides what gets deleted.
 */
export function readManifest(outDir: string): ReadonlySet<string> | undefined {
  let text: string;
  try {
    text = readFileSync(path.join(outDir, MANIFEST_NAME), 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new Error(`${MANIFEST_NAME} is not valid JSON`);
  }
  const files = (parsed as { format?: unknown; files?: unknown }).files;
  if ((parsed as { format?: unknown }).format !== FORMAT || !Array.isArray(files)) throw new Error(`${MANIFEST_NAME} is not an atc-kb output manifest`);
  for (const file of files) {
    if (typeof file !== 'string' || !isContainedRelativePath(file)) throw new Error(`${MANIFEST_NAME} lists a path outside the folder: ${JSON.stringify(file)}`);
  }
  return new Set(files as string[]);
}

/** Replaces the manifest in one step (a rename), so a build killed meanwhile leaves the old one or the new one. */
export function writeManifest(outDir: string, files: Iterable<string>, scratchFile: string): void {
  writeFileSync(scratchFile, manifestText(files));
  try {
    renameSync(scratchFile, path.join(outDir, MANIFEST_NAME));
  } catch (error) {
    rmSync(scratchFile, { force: true });
    throw error;
  }
}

/**
 * A relative path that stays inside its folder: no leading separator, no `.`, `..` or empty segment.
 * Backslashes count as separators too, which is what they are on Windows.
 */
function isContainedRelativePath(file: string): boolean {
  if (file.includes('\0')) return false;
  return file.split(/[/\\]/).every((segment) => segment !== '' && segment !== '.' && segment !== '..');
}
