/** A file of the output, by path relative to the output folder. */
export interface OutputFile {
  readonly path: string;
  readonly content: string;
  /** The content UTF-8 encoded, when the file is held that way (encodedFile): what the writer writes. */
  readonly bytes?: Uint8Array;
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
  constructor(path: string, content: string) {
    this.path = path;
    this.bytes = Buffer.from(content, 'utf8');
  }
  get content(): string {
    return this.bytes.toString('utf8');
  }
}

export function encodedFile(path: string, content: string): OutputFile {
  return new EncodedFile(path, content);
}
