import { Worker } from 'node:worker_threads';
import type { SearchRecord } from '../render/html/search-records.ts';
import { SEARCH_NAMES_FILE, searchNamesFile } from '../render/html/search-names.ts';
import { writeFiles } from './write-output.ts';

/**
 * Writes the Pagefind index (chunked: the browser fetches only the index chunks and fragments a query
 * needs) from records built from the knowledge base. Pagefind indexes in its own process, and its
 * client runs in a worker thread (search-worker.mjs), so the index is built while this thread renders
 * the pages and Eleventy writes them, however long those block. Records are added in a fixed order so
 * the output is the same from build to build.
 */
export interface SearchIndexJob {
  /** Waits for the records to be indexed, writes the index into `outputPath`, and says what it wrote. */
  finish(outputPath: string): Promise<WrittenIndex>;
}

export interface WrittenIndex {
  readonly records: number;
  /** The index's files, relative to its folder ("fragment/en_1a2b3c.pf_fragment"). */
  readonly files: readonly string[];
}

/** Pagefind's folder in the output: its script, the index chunks and one fragment per record, and our names index (search-names.ts). */
export const SEARCH_FOLDER = 'pagefind';

const WORKER = new URL('./search-worker.mjs', import.meta.url);
const running = new Set<Worker>();

/**
 * Starts indexing at once and writes the index later, when the output folder is ready: `atc build`
 * starts it before writing the markdown pages, so the two overlap.
 */
export function startSearchIndex(records: readonly SearchRecord[]): SearchIndexJob {
  const worker = new Worker(WORKER, { workerData: { records } });
  const names = searchNamesFile(records);
  running.add(worker);
  type IndexFiles = Array<{ path: string; content: Uint8Array }>;
  let settle: { resolve: (files: IndexFiles) => void; reject: (error: Error) => void } | undefined;
  let failure: Error | undefined;
  const fail = (error: Error): void => {
    failure ??= error;
    settle?.reject(failure);
  };
  worker.on('message', (message: { files?: IndexFiles; error?: string }) => {
    if (message.error !== undefined) fail(new Error(message.error));
    else settle?.resolve(message.files ?? []);
  });
  worker.on('error', fail);
  worker.on('exit', (code) => {
    running.delete(worker);
    fail(new Error(`pagefind: the search index worker stopped (exit code ${code})`));
  });
  return {
    async finish(outputPath: string): Promise<WrittenIndex> {
      if (failure) throw failure;
      const files = await new Promise<IndexFiles>((resolve, reject) => {
        settle = { resolve, reject };
        worker.postMessage({});
      });
      return { records: records.length, files: writeFiles(outputPath, [...files, { path: SEARCH_NAMES_FILE, content: names }]) };
    },
  };
}

export async function writeSearchIndex(records: readonly SearchRecord[], outputPath: string): Promise<WrittenIndex> {
  return startSearchIndex(records).finish(outputPath);
}

/** Stops any indexing still running (a build that failed before writing its index), so the process can exit. */
export async function closeSearchIndexer(): Promise<void> {
  await Promise.all([...running].map((worker) => worker.terminate()));
}
