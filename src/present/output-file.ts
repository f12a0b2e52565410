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
export type DownloadSection = 'layers' | 'json' | 'siem' | 'thehive' | 'csv' | 'feed';

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

/**
 * Encodes text as UTF-8 into one reused buffer and hands the bytes to `emit` whenever it fills (and at
 * `flush`); a text larger than the buffer is handed over on its own. The one encoding loop of every file
 * produced piece by piece, whether the pieces are kept (PieceEncoder) or written to disk (the site's
 * streamed files). The bytes `emit` gets are valid only until it returns.
 */
export class Utf8Batcher {
  private readonly buffer: Buffer;
  private used = 0;
  private total = 0;

  constructor(
    bufferBytes: number,
    private readonly emit: (bytes: Uint8Array) => void,
  ) {
    this.buffer = Buffer.allocUnsafe(bufferBytes);
  }

  /** Bytes written so far, flushed or not. */
  get size(): number {
    return this.total;
  }

  write(text: string): void {
    // Three bytes per UTF-16 unit bound its UTF-8 length (a surrogate pair takes four for two units).
    if (this.used + text.length * 3 > this.buffer.length) {
      this.flush();
      if (text.length * 3 > this.buffer.length) {
        const bytes = Buffer.from(text, 'utf8');
        this.total += bytes.byteLength;
        this.emit(bytes);
        return;
      }
    }
    const written = this.buffer.write(text, this.used, 'utf8');
    this.used += written;
    this.total += written;
  }

  flush(): void {
    if (this.used === 0) return;
    const bytes = this.buffer.subarray(0, this.used);
    this.used = 0;
    this.emit(bytes);
  }
}

/**
 * A streamed file produced into memory (streamedInMemory): its text encoded as it comes, piece by piece,
 * never joined into one string (a file of tens of megabytes would briefly exist three times over in the
 * heap, at two bytes per character once one character is beyond Latin-1). The pieces are kept as they
 * are: concatenating them costs more than encoding them.
 */
export class PieceEncoder implements TextSink {
  private readonly pieces: Buffer[] = [];
  private readonly batcher = new Utf8Batcher(1 << 20, (bytes) => this.pieces.push(Buffer.from(bytes)));

  readonly write = (text: string): void => this.batcher.write(text);

  close(): number {
    return this.batcher.size;
  }

  /** The file of everything written so far; the encoder is not to be written to after. */
  finish(path: string, download?: DownloadEntry): OutputFile {
    this.batcher.flush();
    return new EncodedFile(path, [...this.pieces], download);
  }
}
