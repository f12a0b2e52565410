import { mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { contentHash, isContainedRelativePath } from './output-manifest.ts';
import { outputPathOf, type SiteOutput } from './site-outputs.ts';
import { removeListedFiles } from './write-output.ts';

/** What one update of the served output did. */
export interface ServedUpdate {
  readonly written: number;
  readonly unchanged: number;
  readonly removed: number;
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
  record(relativePath: string, content: string): void {
    if (isContainedRelativePath(relativePath)) this.hashes.set(relativePath, contentHash([content]));
  }

  /** Whether this process last wrote exactly `content` to `relativePath`. */
  holds(relativePath: string, content: string): boolean {
    return this.hashes.get(relativePath) === contentHash([content]);
  }

  /**
   * Makes the folder hold exactly `outputs` (among the files this process wrote; with `removeOthers: false`,
   * writes those that changed and removes nothing). Works in slices of a few
   * tens of milliseconds and returns undefined, leaving the rest, as soon as `superseded()` says a newer
   * build has started (which will write what this one did not).
   */
  async update(outputs: Iterable<SiteOutput>, superseded: () => boolean, options: { removeOthers?: boolean } = {}): Promise<ServedUpdate | undefined> {
    const kept = new Set<string>();
    let written = 0;
    let unchanged = 0;
    let sliceStart = performance.now();
    for (const output of outputs) {
      if (performance.now() - sliceStart > SLICE_MS) {
        await new Promise((resolve) => setImmediate(resolve));
        if (superseded()) return undefined;
        sliceStart = performance.now();
      }
      const file = outputPathOf(output.permalink);
      if (!isContainedRelativePath(file)) continue;
      kept.add(file);
      const content = output.text();
      if (this.holds(file, content)) {
        unchanged += 1;
        continue;
      }
      this.write(file, content);
      this.hashes.set(file, contentHash([content]));
      written += 1;
    }
    if (options.removeOthers === false) return { written, unchanged, removed: 0 };
    const gone = [...this.hashes.keys()].filter((file) => !kept.has(file));
    for (const file of gone) this.hashes.delete(file);
    return { written, unchanged, removed: removeListedFiles(this.folder, gone) };
  }

  /** Written beside and renamed into place: a reader never sees half a page, and a link in the way is replaced, not followed. */
  private write(relativePath: string, content: string): void {
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
