import { statSync, type Stats } from 'node:fs';
import type { Issue } from '../model/issue.ts';

/**
 * What the loaders made of each file, kept by a long-running process (the dev server) between builds: a
 * file whose size, modification and change times and inode are those of the last read is not read or parsed
 * again, and yields the very same entities and issues. Entities are immutable once loaded, so sharing them
 * between two builds' knowledge bases is safe. Files reported changed (`forget`) are read again whatever
 * their times say, for the file systems whose times are coarse.
 */
export class LoadMemo {
  private readonly entries = new Map<string, MemoEntry>();

  /** `kind` tells loaders apart: the same file could be read as a rule and as a Data Needed entry. */
  lookup(kind: string, absolutePath: string): MemoEntry | undefined {
    const entry = this.entries.get(memoKey(kind, absolutePath));
    if (!entry) return undefined;
    const stamp = fileStamp(absolutePath);
    return stamp !== undefined && stamp === entry.stamp ? entry : undefined;
  }

  /** Remembers what `kind` made of the file; `stamp` is the file's fileStamp taken before it was read. */
  remember(kind: string, absolutePath: string, stamp: string | undefined, made: Pick<MemoEntry, 'text' | 'items' | 'issues'>): void {
    if (stamp === undefined) return;
    this.entries.set(memoKey(kind, absolutePath), { ...made, kind, absolutePath, stamp });
  }

  /** Drops what is known of these files (absolute paths), so the next build reads them. */
  forget(absolutePaths: Iterable<string>): void {
    const paths = new Set(absolutePaths);
    for (const [key, entry] of this.entries) if (paths.has(entry.absolutePath)) this.entries.delete(key);
  }

  /** Keeps only the files the last build met, so deleted files do not hold their entities in memory. */
  retain(kind: string, absolutePaths: ReadonlySet<string>): void {
    for (const [key, entry] of this.entries) if (entry.kind === kind && !absolutePaths.has(entry.absolutePath)) this.entries.delete(key);
  }
}

export interface MemoEntry {
  readonly kind: string;
  readonly absolutePath: string;
  readonly stamp: string;
  /** The file's text (the knowledge base's byte budget counts it again on every build). */
  readonly text: string;
  readonly items: readonly unknown[];
  readonly issues: readonly Issue[];
}

function memoKey(kind: string, absolutePath: string): string {
  return `${kind}\0${absolutePath}`;
}

/** The file's identity and times, or undefined when it cannot be read (then it is never memoized). */
export function fileStamp(absolutePath: string): string | undefined {
  let stat: Stats;
  try {
    stat = statSync(absolutePath);
  } catch {
    return undefined;
  }
  return `${stat.ino}:${stat.size}:${stat.mtimeMs}:${stat.ctimeMs}`;
}
