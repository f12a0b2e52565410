/** A file of the output, by path relative to the output folder. */
export interface OutputFile {
  readonly path: string;
  readonly content: string;
  /** The content UTF-8 encoded, in pieces, when the file is held that way (encodedFile, PieceEncoder): what the writer writes. */
  readonly encoded?: readonly Uint8Array[];
  /** How the Downloads page lists the file; absent for pages and for per-entity documents (listed by folder). */
  readonly download?: DownloadEntry;
}

/** The sections of the Downloads page, in page order. */
export type DownloadSection = 'layers' | 'json' | 'siem' | 'csv' | 'feed';

/**
 * What an export says about itself for the Downloads page: its section, what it holds, and how many of what
 * (techniques, entities, rows, entries). Stated by the code that wrote the file, so the page never reads
 * the file's text back.
 */
export interface DownloadEntry {
  readonly section: DownloadSection;
  readonly what: string;
  readonly count?: number;
  /** A second, quieter line: what the file leaves out. */
  readonly note?: string;
  /** A CSV file's header. */
  readonly columns?: readonly string[];
}

/** What the Downloads page lists of a file: its path, size in bytes, and what it holds. */
export interface ListedFile {
  readonly path: string;
  readonly size: number;
  readonly download?: DownloadEntry;
}

/** One file being written piece by piece; `close` returns its size in bytes. */
export interface TextSink {
  write(text: string): void;
  close(): number;
}

/**
 * Files the site writes straight into the output folder, a line at a time, and never holds whole: the bulk
 * SIEM exports, tens of megabytes that would otherwise sit in memory from rendering to writing. `write`
 * produces every file, in order, through `open`, and says what each holds, which is known only once it is
 * written (how many queries a file could not hold). Deterministic: every call writes the same bytes.
 */
export interface StreamedFiles {
  write(open: (path: string) => TextSink): readonly ListedFile[];
}

export function listedFile(file: OutputFile): ListedFile {
  return { path: file.path, size: outputFileSize(file), ...(file.download && { download: file.download }) };
}

/** What streamed files hold and how large they are, produced without being kept. */
export function listStreamedFiles(streamed: StreamedFiles | undefined): readonly ListedFile[] {
  if (!streamed) return [];
  return streamed.write(() => {
    let size = 0;
    return { write: (text) => (size += Buffer.byteLength(text, 'utf8')), close: () => size };
  });
}

/** Streamed files produced into memory instead: for the dev server, which serves files from memory, and for tests. */
export function streamedInMemory(streamed: StreamedFiles | undefined): OutputFile[] {
  if (!streamed) return [];
  const encoders = new Map<string, PieceEncoder>();
  const listed = streamed.write((path) => {
    const encoder = new PieceEncoder();
    encoders.set(path, encoder);
    return encoder;
  });
  return listed.map((file) => encoders.get(file.path)!.finish(file.path, file.download));
}

/** The file's size in bytes, as written. */
export function outputFileSize(file: OutputFile): number {
  return file.encoded ? file.encoded.reduce((sum, piece) => sum + piece.byteLength, 0) : Buffer.byteLength(file.content, 'utf8');
}

/**
 * An output file held UTF-8 encoded, outside the JavaScript heap, until the site writes it. The build
 * keeps its markdown pages and JSON documents (about five files per rule) from rendering to writing; as
 * strings, at 40,000 rules, they alone outgrew Node's default heap (a page holding one character beyond
 * Latin-1 takes two bytes per character). Encoded they take one byte per ASCII character, encoding them
 * costs what the writer's encoding cost before, and `content` decodes a copy for the few readers (the
 * link check, the Eleventy dev server).
 */
class EncodedFile implements OutputFile {
  readonly path: string;
  readonly encoded: readonly Buffer[];
  readonly download?: DownloadEntry;
  constructor(path: string, encoded: readonly Buffer[], download?: DownloadEntry) {
    this.path = path;
    this.encoded = encoded;
    if (download) this.download = download;
  }
  get content(): string {
    // Each piece was encoded from whole strings, so none ends inside a character.
    return this.encoded.map((piece) => piece.toString('utf8')).join('');
  }
}

export function encodedFile(path: string, content: string, download?: DownloadEntry): OutputFile {
  return new EncodedFile(path, [Buffer.from(content, 'utf8')], download);
}

/** Encoded text is gathered in buffers of a megabyte. */
const CHUNK_BYTES = 1 << 20;

/**
 * A streamed file produced into memory (streamedInMemory): its text encoded as it comes, piece by piece,
 * straight into buffers of a megabyte, never joined into one string (a file of tens of megabytes would
 * briefly exist three times over in the heap, at two bytes per character once one character is beyond
 * Latin-1). The buffers are kept as they are: concatenating them costs more than encoding them.
 */
export class PieceEncoder implements TextSink {
  private readonly pieces: Buffer[] = [];
  private chunk = Buffer.allocUnsafe(CHUNK_BYTES);
  private used = 0;
  private size = 0;

  readonly write = (text: string): void => {
    // Three bytes per UTF-16 unit bound its UTF-8 length (a surrogate pair takes four for two units).
    if (this.used + text.length * 3 > this.chunk.length) {
      const needed = Buffer.byteLength(text, 'utf8');
      if (this.used + needed > this.chunk.length) this.nextChunk(needed);
    }
    const written = this.chunk.write(text, this.used, 'utf8');
    this.used += written;
    this.size += written;
  };

  close(): number {
    return this.size;
  }

  private nextChunk(atLeast: number): void {
    if (this.used > 0) this.pieces.push(this.chunk.subarray(0, this.used));
    this.chunk = Buffer.allocUnsafe(Math.max(CHUNK_BYTES, atLeast));
    this.used = 0;
  }

  /** The file of everything written so far; the encoder is not to be written to after. */
  finish(path: string, download?: DownloadEntry): OutputFile {
    // The last chunk is copied to its length, so that the unused rest of its megabyte is not held.
    const pieces = this.used > 0 ? [...this.pieces, Buffer.from(this.chunk.subarray(0, this.used))] : [...this.pieces];
    this.used = 0;
    return new EncodedFile(path, pieces, download);
  }
}
