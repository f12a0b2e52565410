import { createHash } from 'node:crypto';
import { closeSync, existsSync, lstatSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, rmSync, writeSync } from 'node:fs';
import path from 'node:path';
import { deserialize, serialize } from 'node:v8';

/**
 * What a build can reuse from the previous one: conversion results, the search index, the issues of an
 * unchanged knowledge base. Each kind of result is one shelf, one file in the cache folder, read once at
 * the start of a build and written once at its end with only the entries that build used, so the cache
 * never grows beyond one build's worth.
 *
 * A shelf file is trusted only when its header names this format, the shelf, and the fingerprint of
 * this very tool (its sources and locked dependencies), and the checksum of its payload matches: a
 * corrupted, truncated, foreign or stale file is ignored, as if there were none, and rewritten at the
 * end of the build. Entries are keyed by the hash of everything their value is computed from, so a
 * trusted shelf can only answer what the build would have computed itself.
 */
const FORMAT = 'atc-kb cache 1';

/** The cache folder of a project: under its node_modules/ (where build tools keep theirs), else in .atc-cache/. */
export function cacheFolderFor(projectDir: string): string {
  const modules = path.join(projectDir, 'node_modules');
  return existsSync(modules) ? path.join(modules, '.cache', 'atc-kb') : path.join(projectDir, '.atc-cache', 'kb');
}

/** Where a build reads and writes its cache; `reuse: false` (`--no-cache`) reads nothing but still writes a fresh cache. */
export interface CacheSettings {
  readonly folder: string;
  readonly reuse: boolean;
}

/** sha256 of the parts, each length-prefixed so that ("ab", "c") and ("a", "bc") differ. */
export function cacheKey(...parts: ReadonlyArray<string | Uint8Array>): string {
  const hash = createHash('sha256');
  for (const part of parts) {
    const bytes = typeof part === 'string' ? Buffer.from(part, 'utf8') : part;
    hash.update(`${bytes.byteLength}:`);
    hash.update(bytes);
  }
  return hash.digest('hex');
}

let toolFingerprint: string | undefined;

/**
 * The identity of this version of atc: a hash of its sources, its package.json and its lockfile. A result
 * cached by another version (even an uncommitted edit of a converter) is never reused.
 */
export function atcFingerprint(): string {
  if (toolFingerprint !== undefined) return toolFingerprint;
  const root = path.resolve(import.meta.dirname, '../..');
  const files: string[] = [];
  const visit = (folder: string, relative: string): void => {
    for (const entry of readdirSync(folder, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
      const entryRelative = `${relative}/${entry.name}`;
      if (entry.isDirectory()) visit(path.join(folder, entry.name), entryRelative);
      else if (entry.isFile()) files.push(entryRelative);
    }
  };
  visit(path.join(root, 'src'), 'src');
  files.push('package.json', 'package-lock.json');
  const hash = createHash('sha256');
  for (const file of files) {
    let content: Buffer;
    try {
      content = readFileSync(path.join(root, file));
    } catch {
      continue; // a package without a lockfile
    }
    hash.update(`${file}\0${content.byteLength}\0`);
    hash.update(content);
  }
  return (toolFingerprint = hash.digest('hex'));
}

/**
 * One kind of cached result. `accept` checks the shape of each value read back, so that even a shelf
 * that passed its checks cannot hand the build something it would not have made itself.
 */
export class CacheShelf<V> {
  private readonly previous: ReadonlyMap<string, unknown>;
  private readonly kept = new Map<string, V>();
  /** Entries found and taken from the previous build, and entries computed afresh. */
  hits = 0;
  misses = 0;

  private constructor(
    private readonly file: string | undefined,
    private readonly name: string,
    previous: ReadonlyMap<string, unknown>,
    private readonly accept: (value: unknown) => value is V,
  ) {
    this.previous = previous;
  }

  /** Opens the shelf `name` in the settings' folder; without settings, a shelf that keeps nothing beyond this build. */
  static open<V>(settings: CacheSettings | undefined, name: string, accept: (value: unknown) => value is V): CacheShelf<V> {
    if (!settings) return new CacheShelf<V>(undefined, name, new Map(), accept);
    const file = path.join(settings.folder, `${name}.bin`);
    return new CacheShelf<V>(file, name, settings.reuse ? readShelf(file, name) : new Map(), accept);
  }

  /**
   * A shelf for the next build of a long-running process (the dev server): it starts from the entries this
   * one used, in memory, without reading the cache folder again; saving it still writes the folder.
   */
  successor(): CacheShelf<V> {
    return new CacheShelf<V>(this.file, this.name, new Map(this.kept), this.accept);
  }

  /** The value kept under `key`, from this build or the previous one; undefined when there is none. */
  get(key: string): V | undefined {
    const own = this.kept.get(key);
    if (own !== undefined) return own;
    const value = this.previous.get(key);
    if (value === undefined || !this.accept(value)) return undefined;
    this.kept.set(key, value);
    return value;
  }

  set(key: string, value: V): void {
    this.kept.set(key, value);
  }

  /** The value under `key`, computed by `compute` (and kept) when the shelf has none. */
  through(key: string, compute: () => V): V {
    const found = this.get(key);
    if (found !== undefined) {
      this.hits += 1;
      return found;
    }
    this.misses += 1;
    const value = compute();
    this.set(key, value);
    return value;
  }

  /**
   * Writes the entries this build used. Never fails the build: a cache that cannot be written (a
   * read-only checkout, a full disk) only means the next build computes everything again.
   */
  save(): void {
    if (this.file === undefined) return;
    try {
      writeShelf(this.file, this.name, this.kept);
    } catch {
      // see above
    }
  }
}

interface ShelfHeader {
  readonly format: string;
  readonly shelf: string;
  readonly tool: string;
  readonly checksum: string;
}

function readShelf(file: string, name: string): ReadonlyMap<string, unknown> {
  try {
    const stat = lstatSync(file);
    if (!stat.isFile()) return new Map();
    const bytes = readFileSync(file);
    const newline = bytes.indexOf(10);
    if (newline < 0 || newline > 4096) return new Map();
    const header = JSON.parse(bytes.subarray(0, newline).toString('utf8')) as Partial<ShelfHeader>;
    const payload = bytes.subarray(newline + 1);
    if (header.format !== FORMAT || header.shelf !== name || header.tool !== atcFingerprint()) return new Map();
    if (header.checksum !== createHash('sha256').update(payload).digest('hex')) return new Map();
    const entries: unknown = deserialize(payload);
    return entries instanceof Map ? entries : new Map();
  } catch {
    return new Map(); // missing, unreadable or not ours: computed afresh
  }
}

/**
 * Written to a new file and renamed over the shelf, so a reader sees the old shelf or the new one, never
 * half of one; the temporary file is created exclusively (never through a link someone left in its place).
 */
function writeShelf(file: string, name: string, entries: ReadonlyMap<string, unknown>): void {
  mkdirSync(path.dirname(file), { recursive: true });
  const payload = serialize(new Map([...entries].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))));
  const header: ShelfHeader = { format: FORMAT, shelf: name, tool: atcFingerprint(), checksum: createHash('sha256').update(payload).digest('hex') };
  const temporary = `${file}.${process.pid}.tmp`;
  rmSync(temporary, { force: true });
  const descriptor = openSync(temporary, 'wx');
  try {
    const bytes = Buffer.concat([Buffer.from(`${JSON.stringify(header)}\n`, 'utf8'), payload]);
    for (let offset = 0; offset < bytes.byteLength; ) offset += writeSync(descriptor, bytes, offset);
  } finally {
    closeSync(descriptor);
  }
  try {
    renameSync(temporary, file);
  } catch (error) {
    rmSync(temporary, { force: true });
    throw error;
  }
}
