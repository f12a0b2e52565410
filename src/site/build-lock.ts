import { linkSync, readdirSync, readFileSync, renameSync, unlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { displayPath, OutputFolderError } from './output-folder-error.ts';

export interface HeldLock {
  release(): void;
}

export interface LockOptions {
  /** How long to wait for another build to finish; 0 stops at once. */
  readonly waitMs: number;
  /** Called once when the lock is held by a live build, before waiting for it. */
  readonly onWait?: (holderPid: number) => void;
  /** The folder the lock protects, for messages. */
  readonly outDir: string;
}

const POLL_MS = 200;

/**
 * Serialises builds into one output folder: the lock is a file holding the pid of the build that owns
 * it. It is created complete in one step (written under a pid-keyed name, then hard-linked to its
 * name, which fails if the name exists), so no build ever sees an empty lock. A lock whose process is
 * dead (a killed build) is taken over; a live one is waited for, up to `waitMs`.
 */
export async function acquireBuildLock(lockFile: string, options: LockOptions): Promise<HeldLock> {
  removeDeadPendingLocks(lockFile);
  const pending = `${lockFile}.${process.pid}`;
  writeFileSync(pending, `${process.pid}\n`);
  const deadline = Date.now() + options.waitMs;
  let announced = false;
  try {
    for (;;) {
      try {
        linkSync(pending, lockFile);
        return { release: () => releaseLock(lockFile) };
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      }
      const holder = readLockHolder(lockFile);
      if (holder === undefined) continue; // released between our attempt and the read
      if (!isAlive(holder)) {
        takeOverDeadLock(lockFile, holder);
        continue;
      }
      if (Date.now() >= deadline) {
        const waited = options.waitMs > 0 ? ` after waiting ${Math.round(options.waitMs / 1000)} s` : '';
        throw new OutputFolderError(
          `another atc build (process ${holder}) is writing ${displayPath(options.outDir)}${waited}; run again when it has finished, or pass --wait SECONDS`,
          1,
        );
      }
      if (!announced) options.onWait?.(holder);
      announced = true;
      await sleep(POLL_MS);
    }
  } finally {
    unlinkSync(pending);
  }
}

/**
 * Removes a dead build's lock. Renaming it away first makes the removal safe against a second build
 * doing the same: only one rename succeeds, and if what was renamed turns out to be a live build's new
 * lock (taken between our read and our rename), it is linked back.
 */
function takeOverDeadLock(lockFile: string, deadPid: number): void {
  const claimed = `${lockFile}.stale-${process.pid}`;
  try {
    renameSync(lockFile, claimed);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw error;
  }
  const holder = readLockHolder(claimed);
  if (holder !== deadPid && holder !== undefined && isAlive(holder)) {
    try {
      linkSync(claimed, lockFile);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
  }
  unlinkSync(claimed);
}

/** Pid-keyed files of a build killed while it took the lock: `lock.<pid>` and `lock.stale-<pid>`. */
function removeDeadPendingLocks(lockFile: string): void {
  const prefix = `${path.basename(lockFile)}.`;
  for (const name of readdirSync(path.dirname(lockFile))) {
    if (!name.startsWith(prefix)) continue;
    const pid = Number(/^(?:stale-)?(\d+)$/.exec(name.slice(prefix.length))?.[1]);
    if (Number.isInteger(pid) && pid > 0 && !isAlive(pid)) unlinkSync(path.join(path.dirname(lockFile), name));
  }
}

function releaseLock(lockFile: string): void {
  if (readLockHolder(lockFile) === process.pid) unlinkSync(lockFile);
}

function readLockHolder(lockFile: string): number | undefined {
  let text: string;
  try {
    text = readFileSync(lockFile, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  const pid = Number(text.trim());
  // A lock that does not hold a pid is not one this code wrote; 0 makes it count as dead, to be taken over.
  return Number.isInteger(pid) && pid > 0 ? pid : 0;
}

/** Whether a process exists: signal 0 checks without sending anything (EPERM: it exists, as another user). */
function isAlive(pid: number): boolean {
  if (pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
