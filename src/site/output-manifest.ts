import { createHash, type Hash } from 'node:crypto';
import { lstatSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/**
 * The list of files a build wrote, kept in the output folder, with what each holds. It is how a later
 * build knows which files are atc's (it replaces or deletes only those, and a folder without one is not
 * atc's to write into), and which of them it need not write again (their content is listed).
 */
export const MANIFEST_NAME = '.atc-manifest.json';

/** The manifest's format; a file with another value is not a manifest this version understands. */
const FORMAT = 'atc-kb output manifest 2';
/** The format before content was listed: its files are atc's, but what they hold is unknown. */
const FORMAT_PATHS_ONLY = 'atc-kb output manifest 1';

/** What a listed file holds: its size in bytes and contentHash of its bytes. */
export interface FileContent {
  readonly size: number;
  readonly hash: string;
}

/**
 * The files a manifest lists, by relative slash-separated path, each with what it holds, or undefined
 * when the manifest does not say (format 1, or a listing written while files were being moved in).
 */
export type ListedFiles = ReadonlyMap<string, FileContent | undefined>;

/** sha256 of a file's bytes, fed piece by piece; its first 128 bits in hex are what two files are compared by. */
export class ContentHasher {
  private readonly hash: Hash = createHash('sha256');

  /** A string is hashed as its UTF-8 bytes, as it is written. */
  update(piece: Uint8Array | string): void {
    this.hash.update(piece);
  }

  digest(): string {
    return this.hash.digest('hex').slice(0, 32);
  }
}

export function contentHash(pieces: ReadonlyArray<Uint8Array | string>): string {
  const hasher = new ContentHasher();
  for (const piece of pieces) hasher.update(piece);
  return hasher.digest();
}

/** The size and hash of a file's bytes (a string is counted as UTF-8, as it is written). */
export function fileContent(pieces: ReadonlyArray<Uint8Array | string>): FileContent {
  let size = 0;
  for (const piece of pieces) size += typeof piece === 'string' ? Buffer.byteLength(piece, 'utf8') : piece.byteLength;
  return { size, hash: contentHash(pieces) };
}

/**
 * The manifest's text: one file a line, sorted, as [path, size, hash] (or [path] when the content is not
 * known), and nothing that varies between two builds of the same input (no time stamps), so that two
 * builds stay byte-identical.
 */
function manifestText(files: Iterable<readonly [string, FileContent | undefined]>): string {
  const byPath = new Map<string, FileContent | undefined>();
  for (const [file, content] of files) if (file !== MANIFEST_NAME) byPath.set(file, content);
  const lines = [...byPath.keys()].sort().map((file) => {
    const content = byPath.get(file);
    return `  ${JSON.stringify(content ? [file, content.size, content.hash] : [file])}`;
  });
  return `{\n "format": ${JSON.stringify(FORMAT)},\n "files": [\n${lines.join(',\n')}\n ]\n}\n`;
}

/**
 * The files the manifest in `outDir` lists, or undefined when there is none. A manifest that does not
 * parse, or lists a path that could leave the folder (absolute, `..`, empty segments), is reported as
 * an error rather than trusted: the manifest decides what gets deleted. An entry whose size or hash is
 * malformed is an error too: the next build would trust it.
 */
export function readManifest(outDir: string): ListedFiles | undefined {
  let text: string;
  try {
    text = readFileSync(path.join(outDir, MANIFEST_NAME), 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  return parseManifest(text);
}

/** A manifest's text as readManifest takes it; throws on what readManifest reports. */
function parseManifest(text: string): ListedFiles {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new Error(`${MANIFEST_NAME} is not valid JSON`);
  }
  const { format, files } = parsed as { format?: unknown; files?: unknown };
  if ((format !== FORMAT && format !== FORMAT_PATHS_ONLY) || !Array.isArray(files)) throw new Error(`${MANIFEST_NAME} is not an atc-kb output manifest`);
  const listed = new Map<string, FileContent | undefined>();
  for (const entry of files as unknown[]) {
    const [file, content] = format === FORMAT ? parseEntry(entry) : [entry, undefined];
    if (typeof file !== 'string' || !isContainedRelativePath(file)) throw new Error(`${MANIFEST_NAME} lists a path outside the folder: ${JSON.stringify(file)}`);
    listed.set(file, content);
  }
  return listed;
}

const HASH = /^[0-9a-f]{32}$/;

function parseEntry(entry: unknown): [unknown, FileContent | undefined] {
  if (!Array.isArray(entry) || (entry.length !== 1 && entry.length !== 3)) throw new Error(`${MANIFEST_NAME} has a malformed entry: ${JSON.stringify(entry).slice(0, 200)}`);
  if (entry.length === 1) return [entry[0], undefined];
  const [file, size, hash] = entry as [unknown, unknown, unknown];
  if (!Number.isSafeInteger(size) || (size as number) < 0 || typeof hash !== 'string' || !HASH.test(hash)) {
    throw new Error(`${MANIFEST_NAME} has a malformed entry: ${JSON.stringify(entry).slice(0, 200)}`);
  }
  return [file, { size: size as number, hash }];
}

/** Replaces the manifest in one step (a rename), so a build killed meanwhile leaves the old one or the new one. */
export function writeManifest(outDir: string, files: Iterable<readonly [string, FileContent | undefined]>, scratchFile: string): void {
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
export function isContainedRelativePath(file: string): boolean {
  if (file.includes('\0')) return false;
  return file.split(/[/\\]/).every((segment) => segment !== '' && segment !== '.' && segment !== '..');
}

/**
 * The hash of the output's manifest when the output still holds exactly what it lists: every listed file
 * a regular file of the listed size, reached through real folders, not modified since the manifest was
 * written (a file edited by hand or by another program is newer). Undefined otherwise, or when there is
 * no output or no manifest with content: then the output is not known to be a build's.
 */
export function intactOutputDigest(outDir: string): string | undefined {
  let text: string;
  let listedAt: number;
  let listed: ListedFiles;
  try {
    const manifest = path.join(outDir, MANIFEST_NAME);
    const stat = lstatSync(manifest);
    if (!lstatSync(outDir).isDirectory() || !stat.isFile()) return undefined;
    listedAt = stat.mtimeMs;
    text = readFileSync(manifest, 'utf8');
    listed = parseManifest(text);
  } catch {
    return undefined;
  }
  const realFolders = new Set<string>(['.']);
  const isRealFolder = (folder: string): boolean => {
    if (realFolders.has(folder)) return true;
    if (!isRealFolder(path.posix.dirname(folder)) || !lstatSync(path.join(outDir, folder), { throwIfNoEntry: false })?.isDirectory()) return false;
    realFolders.add(folder);
    return true;
  };
  for (const [file, content] of listed) {
    if (content === undefined || !isRealFolder(path.posix.dirname(file))) return undefined;
    const stat = lstatSync(path.join(outDir, file), { throwIfNoEntry: false });
    if (!stat?.isFile() || stat.size !== content.size || stat.mtimeMs > listedAt) return undefined;
  }
  return contentHash([text]);
}

/** The hash intactOutputDigest gives an output, for a build that has just written it (its files are as listed). */
export function manifestDigest(outDir: string): string | undefined {
  try {
    return contentHash([readFileSync(path.join(outDir, MANIFEST_NAME), 'utf8')]);
  } catch {
    return undefined;
  }
}
