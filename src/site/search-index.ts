import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { CacheShelf, cacheKey, type CacheSettings } from '../cache/build-cache.ts';
import type { SearchRecord } from '../render/html/search-records.ts';
import { SEARCH_NAMES_FILE, searchNamesFile } from '../render/html/search-names.ts';
import { isContainedRelativePath } from './output-manifest.ts';
import { writeFiles } from './write-output.ts';

/**
 * The Pagefind index (chunked: the browser fetches only the index chunks and fragments a query needs),
 * made from records built from the knowledge base. Pagefind indexes in its own process, and its client
 * runs in a worker thread (search-worker.mjs), so the index is built while this thread renders the pages
 * and Eleventy writes them, however long those block. Records are added in a fixed order so the output
 * is the same from build to build.
 */
export interface SearchIndexJob {
  /** How many records the index holds. */
  readonly records: number;
  /** Whether the index came from the cache: no Pagefind process was started. */
  readonly reused: boolean;
  /** Waits for the records to be indexed; the index's files, relative to its folder ("fragment/en_1a2b3c.pf_fragment"). */
  files(): Promise<readonly IndexFile[]>;
}

export interface IndexFile {
  readonly path: string;
  readonly content: Uint8Array | string;
}

/** Pagefind's folder in the output: its script, the index chunks and one fragment per record, and our names index (search-names.ts). */
export const SEARCH_FOLDER = 'pagefind';

const WORKER = new URL('./search-worker.mjs', import.meta.url);
const running = new Set<Worker>();

/** The cache shelf of search indexes: the files of the last index, under a hash of its records. */
const SHELF = 'search-index';

interface CachedIndex {
  readonly files: readonly IndexFile[];
}

function isCachedIndex(value: unknown): value is CachedIndex {
  const files = (value as Partial<CachedIndex> | undefined)?.files;
  return (
    Array.isArray(files) &&
    files.every((file: Partial<IndexFile>) => typeof file.path === 'string' && isContainedRelativePath(file.path) && (typeof file.content === 'string' || file.content instanceof Uint8Array))
  );
}

let pagefindVersion: string | undefined;

/** The version of Pagefind that makes the index: another one may make other files from the same records. */
function pagefindPackageVersion(): string {
  if (pagefindVersion !== undefined) return pagefindVersion;
  for (let folder = path.dirname(fileURLToPath(import.meta.resolve('pagefind'))); ; folder = path.dirname(folder)) {
    try {
      const manifest = JSON.parse(readFileSync(path.join(folder, 'package.json'), 'utf8')) as { name?: unknown; version?: unknown };
      if (manifest.name === 'pagefind') return (pagefindVersion = String(manifest.version));
    } catch {
      // not the package's folder yet
    }
    if (path.dirname(folder) === folder) throw new Error('pagefind: its package.json was not found');
  }
}

/**
 * Starts indexing at once (the index is asked for later, when the output folder is ready: `atc build`
 * starts it before writing the markdown pages, so the two overlap). With cache settings, an index made
 * earlier from the very same records (as the worker receives them) by the same Pagefind is taken from
 * the cache instead, and no Pagefind process is started; a new index is kept there for the next build.
 */
export function startSearchIndex(records: readonly SearchRecord[], cache?: CacheSettings): SearchIndexJob {
  const shelf = cache && CacheShelf.open(cache, SHELF, isCachedIndex);
  const key = shelf && cacheKey(pagefindPackageVersion(), JSON.stringify(records));
  const cached = key === undefined ? undefined : shelf!.get(key);
  if (cached) return { records: records.length, reused: true, files: () => Promise.resolve(cached.files) };

  const worker = new Worker(WORKER, { workerData: { records } });
  const names = searchNamesFile(records);
  running.add(worker);
  type PagefindFiles = Array<{ path: string; content: Uint8Array }>;
  let settle: { resolve: (files: PagefindFiles) => void; reject: (error: Error) => void } | undefined;
  let failure: Error | undefined;
  const fail = (error: Error): void => {
    failure ??= error;
    settle?.reject(failure);
  };
  worker.on('message', (message: { files?: PagefindFiles; error?: string }) => {
    if (message.error !== undefined) fail(new Error(message.error));
    else settle?.resolve(message.files ?? []);
  });
  worker.on('error', fail);
  worker.on('exit', (code) => {
    running.delete(worker);
    fail(new Error(`pagefind: the search index worker stopped (exit code ${code})`));
  });
  return {
    records: records.length,
    reused: false,
    async files(): Promise<readonly IndexFile[]> {
      if (failure) throw failure;
      const made = await new Promise<PagefindFiles>((resolve, reject) => {
        settle = { resolve, reject };
        worker.postMessage({});
      });
      const files: IndexFile[] = [...made, { path: SEARCH_NAMES_FILE, content: names }];
      if (shelf && key !== undefined) {
        shelf.set(key, { files });
        shelf.save();
      }
      return files;
    },
  };
}

/** Indexes the records and writes the index into `outputPath` (the dev server); returns the paths written, relative to it. */
export async function writeSearchIndex(records: readonly SearchRecord[], outputPath: string): Promise<string[]> {
  return writeFiles(outputPath, await startSearchIndex(records).files());
}

/** Stops any indexing still running (a build that failed before writing its index), so the process can exit. */
export async function closeSearchIndexer(): Promise<void> {
  await Promise.all([...running].map((worker) => worker.terminate()));
}
