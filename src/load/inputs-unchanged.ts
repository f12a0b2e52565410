import { readFileSync } from 'node:fs';
import { foundDigest, searchInputFiles } from './find-input-files.ts';
import type { InputRead } from './input-log.ts';
import { stixDigest, stixFiles } from './load-attack.ts';
import { fileReadDigest, readLimitedFile } from './read-yaml-file.ts';

/**
 * Whether every read of an input log reads the same today: each file the same bytes (or, past its
 * reader's limit, the same size), each search for input files the same files and links. A file added
 * to or removed from an input folder changes a search; a changed file changes its read.
 */
export function inputsUnchanged(reads: readonly InputRead[]): boolean {
  return reads.every((read) => digestNow(read) === read.digest);
}

function digestNow(read: InputRead): string | undefined {
  switch (read.kind) {
    case 'file':
      return fileReadDigest(readLimitedFile(read.path, read.limit ?? Number.POSITIVE_INFINITY));
    case 'found':
      return foundDigest(searchInputFiles(read.folders, read.cwd));
    case 'stix': {
      const files = stixFiles(read.path);
      if (files === undefined) return undefined;
      try {
        return stixDigest(files, files.map((file) => readFileSync(file, 'utf8')));
      } catch {
        return undefined;
      }
    }
  }
}

/** Whether a value read back from the cache is an input log (its shape; its digests are checked by replaying it). */
export function isInputLog(value: unknown): value is InputRead[] {
  return (
    Array.isArray(value) &&
    value.every((read: unknown) => {
      if (typeof read !== 'object' || read === null) return false;
      const entry = read as Record<string, unknown>;
      if (typeof entry.digest !== 'string') return false;
      if (entry.kind === 'file') return typeof entry.path === 'string' && (entry.limit === undefined || typeof entry.limit === 'number');
      if (entry.kind === 'found') return typeof entry.cwd === 'string' && Array.isArray(entry.folders) && entry.folders.every((folder) => typeof folder === 'string');
      if (entry.kind === 'stix') return typeof entry.path === 'string';
      return false;
    })
  );
}
