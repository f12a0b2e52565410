// The Pagefind client in a worker thread (search-index.ts starts it). Pagefind indexes in its own
// process, fed through a pipe; the feeding must not wait for the main thread, which spends seconds in
// synchronous work (rendering pages, Eleventy's writes) while the index is built. So this thread owns
// the Pagefind service: it adds the records as soon as it starts, hands the index's files over when the
// main thread asks for them, and stops the service. Plain JavaScript: a worker does not inherit the
// tsx loader that bin/atc.js registers.
import { parentPort, workerData } from 'node:worker_threads';
import * as pagefind from 'pagefind';

/** @typedef {{ url: string, title: string, kind: string, content: string, filters: Record<string, string[]>, card: { level?: string, techniques?: string[], logSource?: string } }} SearchRecord */

/**
 * The result card's facts as Pagefind metadata, which holds strings only; empty ones are left out.
 * @param {SearchRecord} record
 */
function meta(record) {
  const { level, techniques = [], logSource } = record.card;
  return Object.fromEntries(
    Object.entries({ title: record.title, kind: record.kind, level, techniques: techniques.join(' '), logsource: logSource }).filter(([, value]) => value !== undefined && value !== ''),
  );
}

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
          meta: meta(record),
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

// The index's files come back as data (getFiles) rather than being written by Pagefind: the build then
// writes them like every other file and knows each one, so a rebuild can write over the previous index
// and remove exactly the files it no longer has (Pagefind names its files by content and would leave
// the old ones).
parentPort.once('message', async () => {
  try {
    const index = await ready;
    const { files, errors } = await index.getFiles();
    if (errors.length > 0) throw new Error(`pagefind: ${errors.join('; ')}`);
    await index.deleteIndex();
    parentPort.postMessage({ files });
  } catch (error) {
    parentPort.postMessage({ error: error instanceof Error ? error.message : String(error) });
  } finally {
    await pagefind.close();
    parentPort.close();
  }
});
