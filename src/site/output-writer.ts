import { closeSync, constants, fstatSync, mkdirSync, openSync, readFileSync, rmSync, unlinkSync, writeFileSync, writeSync } from 'node:fs';
import path from 'node:path';
import { Utf8Batcher, type ListedFile, type StreamedFiles, type TextSink } from '../present/output-file.ts';
import { ContentHasher, fileContent, type FileContent, type ListedFiles } from './output-manifest.ts';
import { lstatOrUndefined } from './output-guard.ts';

/** A folder holding an earlier build, as its manifest lists it. */
export interface HeldOutput {
  readonly folder: string;
  readonly files: ListedFiles;
  /**
   * When its manifest was written (mtime, ms). A file changed later (by hand, by another program) is not
   * what the manifest says, whatever its size.
   */
  readonly listedAt: number;
}

/** A file of the build with its bytes: text, or text held encoded (OutputFile.encoded), or bytes. */
export interface ContentFile {
  readonly path: string;
  readonly content: string | Uint8Array;
  readonly encoded?: readonly Uint8Array[];
}

/** How many files of a build were written, and how many were already there. */
export interface WriteCounts {
  /** Written: new, or changed since what the folder held. */
  readonly written: number;
  /** Already held by the folder with the same content: not touched. */
  readonly reused: number;
  /** Copied from the current output (the folder did not hold them; the output did, unchanged). */
  readonly copied: number;
}

/** Bytes of text gathered before each write to a streamed file. */
const STREAM_BUFFER_BYTES = 1 << 18;

/**
 * Writes a build's files into `folder`, which may hold an earlier build (the staging folder of `atc
 * build` starts as the spare, the output before last): a file whose content the folder already holds is
 * left as it is, so an unchanged rebuild writes next to nothing. Every file is listed with its content
 * (size and hash), which is what the new manifest says.
 *
 * What the folder holds is taken from its manifest (`holds`), and a listed file is trusted only when it
 * is a regular file of the listed size, not changed since the manifest was written; anything else is
 * written again. A file can also be taken from the current output (`current`) when the folder lacks it:
 * it is read, and copied only when its bytes have the wanted hash.
 */
export class OutputWriter {
  readonly folder: string;
  private readonly holdsListed: HeldOutput | undefined;
  private readonly current: HeldOutput | undefined;
  private readonly listedFiles = new Map<string, FileContent>();
  private readonly madeFolders = new Set<string>();
  private writtenCount = 0;
  private reusedCount = 0;
  private copiedCount = 0;

  constructor(folder: string, options: { holds?: HeldOutput; current?: HeldOutput } = {}) {
    this.folder = folder;
    this.holdsListed = options.holds;
    this.current = options.current;
  }

  /** Every file of the build so far, written or not, with its content. */
  get listed(): ReadonlyMap<string, FileContent> {
    return this.listedFiles;
  }

  get counts(): WriteCounts {
    return { written: this.writtenCount, reused: this.reusedCount, copied: this.copiedCount };
  }

  /**
   * Writes each file unless the folder already holds its content. Synchronous, as writeFiles is (promise-
   * based writes cost four times the CPU, and the build's second core is Pagefind's).
   */
  writeFiles(files: Iterable<ContentFile>): void {
    for (const file of files) {
      // Only a file produced into memory (tests, the dev server) comes in several pieces.
      const bytes = file.encoded ? (file.encoded.length === 1 ? file.encoded[0]! : Buffer.concat(file.encoded)) : typeof file.content === 'string' ? Buffer.from(file.content, 'utf8') : file.content;
      const content = fileContent([bytes]);
      if (this.claim(file.path, content)) continue;
      this.write(file.path, bytes);
    }
  }

  /**
   * For a file someone else writes (Eleventy): lists it, and says whether it still has to be written. It
   * need not when the folder holds its content, or when it could be copied from the current output.
   */
  needsWriting(file: string, content: FileContent): boolean {
    if (this.claim(file, content)) return false;
    if (this.copyFromCurrent(file, content)) return false;
    this.writtenCount += 1;
    return true;
  }

  /**
   * A file known to be unchanged since the current output, by its content alone (the caller has not
   * made its bytes): the folder's copy is kept when it holds that content, else the output's file is
   * copied. False when neither has it (the output's file is missing, or is not what its manifest says):
   * the caller must then make the file and write it.
   */
  keepUnchanged(file: string, content: FileContent): boolean {
    return this.claim(file, content) || this.copyFromCurrent(file, content);
  }

  /** What the current output's manifest lists for `file`: the content a caller may pass to keepUnchanged. */
  currentContent(file: string): FileContent | undefined {
    return this.current?.files.get(file);
  }

  /**
   * Writes streamed files (StreamedFiles), each through a buffer of a quarter megabyte, so that however
   * large they are the build never holds more of them; always written (a few large files, produced as
   * they are written), and listed with their content.
   */
  writeStreamed(streamed: StreamedFiles): readonly ListedFile[] {
    const sinks = new Map<string, HashingFileSink>();
    const files = streamed.write((file) => {
      const target = this.prepareTarget(file);
      const sink = new HashingFileSink(target);
      sinks.set(file, sink);
      return sink;
    });
    for (const file of files) {
      this.listedFiles.set(file.path, { size: file.size, hash: sinks.get(file.path)!.hash() });
      this.writtenCount += 1;
    }
    return files;
  }

  /**
   * Lists the file, and says whether the folder already holds its content (then it is left as it is).
   * What stands where the file goes and is not a regular file (a symbolic link) is removed, so that
   * writing the file cannot act elsewhere.
   */
  private claim(file: string, content: FileContent): boolean {
    if (this.listedFiles.has(file)) throw new Error(`internal error: the build lists ${JSON.stringify(file)} twice`);
    this.listedFiles.set(file, content);
    const listed = this.holdsListed?.files.get(file);
    if (listed === undefined) return false;
    const stat = lstatOrUndefined(path.join(this.folder, file));
    if (stat === undefined) return false;
    if (!stat.isFile()) {
      if (!stat.isDirectory()) unlinkSync(path.join(this.folder, file));
      return false;
    }
    if (listed.hash !== content.hash || listed.size !== content.size || stat.size !== content.size || stat.mtimeMs > this.holdsListed!.listedAt) return false;
    this.reusedCount += 1;
    return true;
  }

  /**
   * Copies `file` from the current output when its manifest lists that content and the file there, read
   * without following a link, has exactly those bytes.
   */
  private copyFromCurrent(file: string, content: FileContent): boolean {
    const current = this.current;
    const listed = current?.files.get(file);
    if (!current || listed === undefined || listed.hash !== content.hash || listed.size !== content.size) return false;
    const bytes = readRegularFileWithin(current.folder, file, content.size);
    if (bytes === undefined || fileContent([bytes]).hash !== content.hash) return false;
    this.write(file, bytes, false);
    this.copiedCount += 1;
    return true;
  }

  private write(file: string, bytes: Uint8Array, counted = true): void {
    writeFileSync(this.prepareTarget(file), bytes);
    if (counted) this.writtenCount += 1;
  }

  /** The file's absolute path, its folder created once. */
  private prepareTarget(file: string): string {
    const target = path.join(this.folder, file);
    const directory = path.dirname(target);
    if (!this.madeFolders.has(directory)) {
      mkdirSync(directory, { recursive: true });
      this.madeFolders.add(directory);
    }
    return target;
  }
}

/**
 * The bytes of `file` under `root` when every folder on the way is a real folder and the file a regular
 * file of `size` bytes (opened without following a link); undefined otherwise.
 */
function readRegularFileWithin(root: string, file: string, size: number): Buffer | undefined {
  let current = root;
  for (const segment of file.split('/').slice(0, -1)) {
    current = path.join(current, segment);
    const stat = lstatOrUndefined(current);
    if (!stat?.isDirectory()) return undefined;
  }
  let descriptor: number;
  try {
    descriptor = openSync(path.join(root, file), constants.O_RDONLY | constants.O_NOFOLLOW);
  } catch {
    return undefined;
  }
  try {
    const stat = fstatSync(descriptor);
    if (!stat.isFile() || stat.size !== size) return undefined;
    return readFileSync(descriptor);
  } finally {
    closeSync(descriptor);
  }
}

/** A streamed file's sink: written through a buffer, hashed as it goes (contentHash of the same bytes). */
class HashingFileSink implements TextSink {
  private readonly descriptor: number;
  private readonly hashing = new ContentHasher();
  private readonly batcher = new Utf8Batcher(STREAM_BUFFER_BYTES, (bytes) => {
    this.hashing.update(bytes);
    for (let offset = 0; offset < bytes.byteLength; ) offset += writeSync(this.descriptor, bytes, offset);
  });

  constructor(target: string) {
    // A link left where the file goes is replaced, not written through.
    if (lstatOrUndefined(target)?.isSymbolicLink()) rmSync(target);
    this.descriptor = openSync(target, 'w');
  }

  write(text: string): void {
    this.batcher.write(text);
  }

  close(): number {
    try {
      this.batcher.flush();
    } finally {
      closeSync(this.descriptor);
    }
    return this.batcher.size;
  }

  hash(): string {
    return this.hashing.digest();
  }
}
