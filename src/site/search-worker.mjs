// The Pagefind client in a worker thread (search-index.ts starts it). Pagefind indexes in its own
// process, fed through a pipe; the feeding must not wait for the main thread, which spends seconds in
// synchronous work (rendering pages, Eleventy's writes) while the index is built. So this thread owns
// the Pagefind service: it adds the records as soon as it starts, writes the index when the main
// thread sends the output path, and stops the service. Plain JavaScript: a worker does not inherit the
// tsx loader that bin/atc.js registers.
import { parentPort, workerData } from 'node:worker_threads';
import * as pagefind from 'pagefind';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/** @typedef {{ url: string, title: string, kind: string, content: string, filters: Record<string, string[]> }} SearchRecord */

const BATCH = 500;

/** @param {readonly SearchRecord[]} records */
async function addRecords(records) {
  const { index, errors } = await pagefind.createIndex({ forceLanguage: 'en' });
  if (!index) throw new Error(`pagefind: ${errors.join('; ')}`);
  for (let start = 0; start < records.length; start += BATCH) {
    const added = await Promise.all(
      records.slice(start, start + BATCH).map((record) =>
        index.addCustomRecord({
          url: record.url,
          content: record.content,
          language: 'en',
          meta: { title: record.title, kind: record.kind },
          filters: Object.fromEntries(Object.entries(record.filters).filter(([, values]) => values.length > 0)),
        }),
      ),
    );
    const failed = added.find((response) => response.errors.length > 0);
    if (failed) throw new Error(`pagefind: ${failed.errors.join('; ')}`);
  }
  return index;
}

/** @type {readonly SearchRecord[]} */
const records = workerData.records;
const ready = addRecords(records);
ready.catch(() => undefined); // reported when the index is asked for

/**
 * Writes the index's files under `outputPath` and returns their paths, relative to it. The files come
 * from Pagefind as data (getFiles) rather than being written by it: the build then knows every file of
 * the output folder, so a rebuild can write over the previous index and remove exactly the files it no
 * longer has (Pagefind names its files by content and would leave the old ones), and this thread writes
 * them, not the main one.
 * @param {string} outputPath
 * @param {ReadonlyArray<{ path: string, content: Uint8Array }>} files
 */
function writeIndexFiles(outputPath, files) {
  const made = new Set();
  return files.map((file) => {
    const target = path.join(outputPath, file.path);
    const folder = path.dirname(target);
    if (!made.has(folder)) {
      mkdirSync(folder, { recursive: true });
      made.add(folder);
    }
    writeFileSync(target, file.content);
    return file.path.split(path.sep).join('/');
  });
}

parentPort.once('message', async (/** @type {{ outputPath: string }} */ message) => {
  try {
    const index = await ready;
    const { files, errors } = await index.getFiles();
    if (errors.length > 0) throw new Error(`pagefind: ${errors.join('; ')}`);
    await index.deleteIndex();
    parentPort.postMessage({ count: records.length, files: writeIndexFiles(message.outputPath, files) });
  } catch (error) {
    parentPort.postMessage({ error: error instanceof Error ? error.message : String(error) });
  } finally {
    await pagefind.close();
    parentPort.close();
  }
});
