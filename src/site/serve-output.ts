import { createHash } from 'node:crypto';
import { lstatSync, mkdirSync, renameSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/** A file of the dev server's output: where it goes (relative, slash-separated) and how to make its content. */
export interface ServedEntry {
  readonly path: string;
  content(): string | Uint8Array;
}

/** What one update of the served output did. */
export interface ServedUpdate {
  readonly written: number;
  readonly unchanged: number;
  readonly removed: number;
}

/** The output file of a page at `url`, as Eleventy writes a permalink: a URL ending in / gets index.html. */
export function outputPathOfUrl(url: string): string {
  const relative = url.replace(/^\/+/, '');
  return relative === '' || relative.endsWith('/') ? `${relative}index.html` : relative;
}

/** How long an update renders and writes before letting other work run (a new edit, the HTTP server). */
const SLICE_MS = 30;

/**
 * The dev server's output folder as this process wrote it: a content hash per file. The first build goes
 * through Eleventy, whose templates record what they return; after an edit, update() renders every file
 * again, writes only those whose content changed, and removes the files this process wrote that the new
 * build no longer has (a deleted or renamed rule's page). It never touches a file it did not write.
 */
export class ServedOutput {
  private readonly hashes = new Map<string, string>();

  constructor(readonly folder: string) {}

  /** Notes that `relativePath` holds `content` (Eleventy is writing it). */
  record(relativePath: string, content: string | Uint8Array): void {
    if (isContainedPath(relativePath)) this.hashes.set(relativePath, contentHash(content));
  }

  /**
   * Makes the folder hold exactly `entries` (among the files this process wrote). Works in slices of a few
   * tens of milliseconds and returns undefined, leaving the rest, as soon as `superseded()` says a newer
   * build has started (which will write what this one did not).
   */
  async update(entries: Iterable<ServedEntry>, superseded: () => boolean): Promise<ServedUpdate | undefined> {
    const kept = new Set<string>();
    let written = 0;
    let unchanged = 0;
    let sliceStart = performance.now();
    for (const entry of entries) {
      if (performance.now() - sliceStart > SLICE_MS) {
        await new Promise((resolve) => setImmediate(resolve));
        if (superseded()) return undefined;
        sliceStart = performance.now();
      }
      if (!isContainedPath(entry.path)) continue;
      kept.add(entry.path);
      const content = entry.content();
      const hash = contentHash(content);
      if (this.hashes.get(entry.path) === hash) {
        unchanged += 1;
        continue;
      }
      this.write(entry.path, content);
      this.hashes.set(entry.path, hash);
      written += 1;
    }
    let removed = 0;
    for (const file of [...this.hashes.keys()]) {
      if (kept.has(file)) continue;
      this.hashes.delete(file);
      const target = path.join(this.folder, file);
      if (lstatSync(target, { throwIfNoEntry: false })?.isFile()) {
        unlinkSync(target);
        removed += 1;
      }
    }
    return { written, unchanged, removed };
  }

  /** Written beside and renamed into place: a reader never sees half a page, and a link in the way is replaced, not followed. */
  private write(relativePath: string, content: string | Uint8Array): void {
    const target = path.join(this.folder, relativePath);
    mkdirSync(path.dirname(target), { recursive: true });
    const temporary = `${target}.atc-${process.pid}.tmp`;
    let created = false;
    try {
      writeFileSync(temporary, content, { flag: 'wx' });
      created = true;
      renameSync(temporary, target);
    } catch (error) {
      if (created) rmSync(temporary, { force: true });
      throw error;
    }
  }
}

function contentHash(content: string | Uint8Array): string {
  return createHash('sha256').update(content).digest('base64');
}

/** A relative path that cannot leave the folder: no absolute path, no `..`, `.` or empty segment. */
function isContainedPath(file: string): boolean {
  return !file.includes('\0') && file.split(/[/\\]/).every((segment) => segment !== '' && segment !== '.' && segment !== '..');
}
