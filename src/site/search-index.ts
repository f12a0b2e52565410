import * as pagefind from 'pagefind';
import type { SearchRecord } from '../render/html/search-records.ts';

/**
 * Writes the Pagefind index (chunked: the browser fetches only the index chunks and fragments a query
 * needs) from records built from the knowledge base. Pagefind runs as a separate process, so while it
 * indexes, Eleventy can write the pages. Records are added in a fixed order so the output is the same
 * from build to build.
 */
export interface SearchIndexJob {
  /** Waits for the records to be indexed, writes the index into `outputPath`, and returns the record count. */
  finish(outputPath: string): Promise<number>;
}

/**
 * Starts indexing at once (in Pagefind's process) and writes the index later, when the output folder
 * is ready: `atc build` starts it before writing the markdown pages, so the two overlap.
 */
export function startSearchIndex(records: readonly SearchRecord[]): SearchIndexJob {
  const ready = (async () => {
    const { index, errors } = await pagefind.createIndex({ forceLanguage: 'en' });
    if (!index) throw new Error(`pagefind: ${errors.join('; ')}`);
    const BATCH = 500;
    for (let start = 0; start < records.length; start += BATCH) {
      const added = await Promise.all(
        records.slice(start, start + BATCH).map((record) =>
          index.addCustomRecord({
            url: record.url,
            content: record.content,
            language: 'en',
            meta: { title: record.title, kind: record.kind },
            filters: Object.fromEntries(Object.entries(record.filters).filter(([, values]) => values.length > 0).map(([name, values]) => [name, [...values]])),
          }),
        ),
      );
      const failed = added.find((response) => response.errors.length > 0);
      if (failed) throw new Error(`pagefind: ${failed.errors.join('; ')}`);
    }
    return index;
  })();
  ready.catch(() => undefined); // reported by finish()
  return {
    async finish(outputPath: string): Promise<number> {
      const index = await ready;
      const written = await index.writeFiles({ outputPath });
      if (written.errors.length > 0) throw new Error(`pagefind: ${written.errors.join('; ')}`);
      await index.deleteIndex();
      return records.length;
    },
  };
}

export async function writeSearchIndex(records: readonly SearchRecord[], outputPath: string): Promise<number> {
  return startSearchIndex(records).finish(outputPath);
}

/** Stops Pagefind's helper process, so that a one-off build can exit. */
export async function closeSearchIndexer(): Promise<void> {
  await pagefind.close();
}
