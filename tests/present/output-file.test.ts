import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { encodedFile, listStreamedFiles, outputFileSize, PieceEncoder, streamedInMemory, type StreamedFiles } from '../../src/present/output-file.ts';
import { writeFiles, writeStreamedFiles } from '../../src/site/write-output.ts';
import { makeTempFolder } from '../helpers/temp-files.ts';

// Pieces of every UTF-8 length (1 to 4 bytes per character), a piece larger than a chunk, and enough text
// for several chunks, so that chunk boundaries fall next to multi-byte characters.
function pieces(): string[] {
  const out: string[] = [];
  for (let index = 0; index < 40_000; index++) out.push(`{"id":${index},"title":"Ünïcode — 𝔘 ${'x'.repeat(index % 97)}"}\n`);
  out.splice(17_000, 0, `${'é'.repeat(600_000)}\n`, `${'😀'.repeat(300_000)}\n`);
  return out;
}

test('a file encoded piece by piece holds exactly the text written, however the chunks fall', (t) => {
  const text = pieces();
  const encoder = new PieceEncoder();
  for (const piece of text) encoder.write(piece);
  const file = encoder.finish('exports/bulk.ndjson', { section: 'siem', what: 'test', count: text.length });
  const joined = text.join('');
  assert.ok((file.encoded?.length ?? 0) > 2, 'the text spans several chunks');
  assert.equal(file.content, joined);
  assert.equal(outputFileSize(file), Buffer.byteLength(joined, 'utf8'));
  assert.deepEqual(file.download, { section: 'siem', what: 'test', count: text.length });

  const root = makeTempFolder(t);
  assert.deepEqual(writeFiles(root, [file, encodedFile('small.txt', 'é')]), ['exports/bulk.ndjson', 'small.txt']);
  assert.equal(readFileSync(path.join(root, 'exports/bulk.ndjson'), 'utf8'), joined);
  assert.equal(readFileSync(path.join(root, 'small.txt'), 'utf8'), 'é');
});

test('an encoder with nothing written gives an empty file', () => {
  const file = new PieceEncoder().finish('empty.ndjson');
  assert.equal(file.content, '');
  assert.equal(outputFileSize(file), 0);
});

// Two files, the second saying what the first held (as the SIEM exports' index does).
const twoFiles: StreamedFiles = {
  write(open) {
    const first = open('exports/a/lines.ndjson');
    for (const piece of pieces()) first.write(piece);
    const size = first.close();
    const second = open('exports/index.json');
    second.write(JSON.stringify({ size }));
    return [
      { path: 'exports/a/lines.ndjson', size, download: { section: 'siem', what: 'lines' } },
      { path: 'exports/index.json', size: second.close() },
    ];
  },
};

test('streamed files written to disk, produced into memory, and only counted agree byte for byte', (t) => {
  const root = makeTempFolder(t);
  const written = writeStreamedFiles(root, twoFiles);
  const inMemory = streamedInMemory(twoFiles);
  assert.deepEqual(listStreamedFiles(twoFiles), written);
  assert.deepEqual(inMemory.map((file) => [file.path, outputFileSize(file), file.download]), written.map((file) => [file.path, file.size, file.download]));
  for (const file of inMemory) assert.equal(readFileSync(path.join(root, file.path), 'utf8'), file.content, file.path);
  assert.equal(readFileSync(path.join(root, 'exports/a/lines.ndjson'), 'utf8'), pieces().join(''));
  assert.equal(written[0]!.size, Buffer.byteLength(pieces().join(''), 'utf8'));
});
