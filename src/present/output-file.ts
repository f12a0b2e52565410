/** A file of the output, by path relative to the output folder. */
export interface OutputFile {
  readonly path: string;
  readonly content: string;
  /** The content UTF-8 encoded, when the file is held that way (encodedFile): what the writer writes. */
  readonly bytes?: Uint8Array;
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

/**
 * An output file held UTF-8 encoded, outside the JavaScript heap, until the site writes it. The build
 * keeps its markdown pages and JSON documents (about five files per rule) from rendering to writing; as
 * strings, at 40,000 rules, they alone outgrew Node's default heap (a page holding one character beyond
 * Latin-1 takes two bytes per character). Encoded they take one byte per ASCII character, encoding them
 * costs what the writer's encoding cost before, and `content` decodes a copy for the few readers (the
 * link check, the Downloads page).
 */
class EncodedFile implements OutputFile {
  readonly path: string;
  readonly bytes: Buffer;
  readonly download?: DownloadEntry;
  constructor(path: string, content: string, download?: DownloadEntry) {
    this.path = path;
    this.bytes = Buffer.from(content, 'utf8');
    if (download) this.download = download;
  }
  get content(): string {
    return this.bytes.toString('utf8');
  }
}

export function encodedFile(path: string, content: string, download?: DownloadEntry): OutputFile {
  return new EncodedFile(path, content, download);
}
