/**
 * What a build read from the disk, as the loaders read it: each YAML or JSON file by its bytes, each
 * search for input files by its result. A later `atc build` replays the log (inputs-unchanged.ts) and,
 * when every entry reads the same and nothing else changed (the configuration, atc itself), knows the
 * output would be the same without loading anything.
 */
export type InputRead =
  /** A file read whole, unless larger than `limit` bytes (then only its size was looked at). */
  | { readonly kind: 'file'; readonly path: string; readonly limit?: number; readonly digest: string }
  /** findInputFiles(folders, cwd): which files and links it found. */
  | { readonly kind: 'found'; readonly folders: readonly string[]; readonly cwd: string; readonly digest: string }
  /** loadStixObjects(path): the .json files of a bundle or folder, and their bytes. */
  | { readonly kind: 'stix'; readonly path: string; readonly digest: string };

/** The log being written; set only while a build loads (synchronously: no other build can interleave). */
let active: InputRead[] | undefined;

/** Runs `load` and returns what it read, in order. */
export function loggingInputs<T>(load: () => T): { result: T; reads: InputRead[] } {
  const outer = active;
  const reads: InputRead[] = [];
  active = reads;
  try {
    return { result: load(), reads };
  } finally {
    active = outer;
  }
}

/**
 * Called by the loaders for each read. `read` makes the entry (hashing what was read) only while a log
 * is being written: `atc check` and the dev server's rebuilds keep none and hash nothing.
 */
export function noteInputRead(read: () => InputRead): void {
  active?.push(read());
}
