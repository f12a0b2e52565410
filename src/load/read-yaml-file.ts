import { readFileSync, statSync } from 'node:fs';
import jsYaml from 'js-yaml';
import { makeIssue, type Issue, type SourcePosition } from '../model/issue.ts';
import type { PathSegment, SourceDocument } from '../model/source-document.ts';
import { YAML_1_1_SCHEMA } from './yaml-1-1-schema.ts';
import { cacheKey } from '../cache/build-cache.ts';
import { noteInputRead } from './input-log.ts';

/** Knowledge-base files are small; anything this big is a mistake or an attack, and is refused unread. */
export const MAX_YAML_FILE_BYTES = 2 * 1024 * 1024;
/** The deepest real file (Atomic Red Team) nests 7 levels; past this, a file is an attack on the recursive parser. */
const MAX_YAML_DEPTH = 100;
/**
 * List items and mapping entries of one file, all documents together. The largest real file (SigmaHQ's
 * vulnerable-driver rule) holds 4,456; every entry later becomes query terms in each target, page rows
 * and export lines, so build time grows with it: 10,000 keeps one file's whole build (every target,
 * pages) well under a second. Past it the file is refused rather than converted.
 */
const MAX_ENTRIES_PER_FILE = 10_000;
/**
 * Aliases share one object in memory, but every later walk over the data (detection parsing, JSON
 * export) would expand them; a "billion laughs" file is refused once its expansion passes this many nodes.
 * Twice the entry limit: a file without aliases has about one node per entry, so only expansion can pass it.
 */
const MAX_EXPANDED_NODES = 2 * MAX_ENTRIES_PER_FILE;

export interface YamlFile {
  readonly file: string;
  /** The file's text exactly as written (after UTF-8 decoding, BOM removed). */
  readonly text: string;
  readonly documents: readonly SourceDocument[];
  readonly issues: readonly Issue[];
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Reads a YAML file. Any syntax problem rejects the whole file (no documents), so later stages never
 * see half a collection. Values come from js-yaml with a PyYAML-compatible schema (see yaml-1-1-schema.ts),
 * which parses the SigmaHQ corpus about five times faster than the `yaml` package; source positions are
 * recorded during that same parse.
 */
export function readYamlFile(absolutePath: string, displayPath: string): YamlFile {
  const failed = (position: SourcePosition | undefined, code: Issue['code'], message: string): YamlFile => ({
    file: displayPath,
    text: '',
    documents: [],
    issues: [makeIssue(displayPath, position, code, message)],
  });
  const read = readLimitedFile(absolutePath, MAX_YAML_FILE_BYTES);
  noteInputRead(() => ({ kind: 'file', path: absolutePath, limit: MAX_YAML_FILE_BYTES, digest: fileReadDigest(read) }));
  if ('size' in read) return failed(undefined, 'file-too-large', `file is ${read.size} bytes; the limit is ${MAX_YAML_FILE_BYTES}`);
  if ('error' in read) return failed(undefined, 'file-unreadable', `cannot read file: ${read.error.message}`);
  const { bytes } = read;
  let text: string;
  try {
    text = utf8.decode(bytes);
  } catch {
    return failed(positionOfFirstInvalidUtf8(bytes), 'file-not-utf8', 'file is not valid UTF-8 text');
  }
  return parseYamlText(text.startsWith('\uFEFF') ? text.slice(1) : text, displayPath);
}

export type LimitedFileRead = { readonly bytes: Buffer } | { readonly size: number } | { readonly error: Error };

/** A file's bytes, unless it is larger than `limit` (then only its size is known) or cannot be read. */
export function readLimitedFile(absolutePath: string, limit: number): LimitedFileRead {
  try {
    const size = statSync(absolutePath).size;
    if (size > limit) return { size };
    return { bytes: readFileSync(absolutePath) };
  } catch (error) {
    return { error: error as Error };
  }
}

/** The input log's digest of a read: the bytes' hash; for a file past its limit, its size; or that it could not be read. */
export function fileReadDigest(read: LimitedFileRead): string {
  return 'bytes' in read ? cacheKey(read.bytes) : 'size' in read ? `oversized:${read.size}` : 'unreadable';
}

export function parseYamlText(text: string, displayPath: string): YamlFile {
  let values: unknown[];
  const recorder = new PositionRecorder();
  const positions = new TextPositions(text);
  const refused = (issue: Issue): YamlFile => ({ file: displayPath, text, documents: [], issues: [issue] });
  try {
    // `json: true` makes js-yaml keep the last of duplicate keys, as PyYAML does; the recorder reports them.
    // js-yaml has `maxDepth`, but it is missing from @types/js-yaml, hence the widened options type.
    const options: jsYaml.LoadOptions & { maxDepth: number } = {
      schema: YAML_1_1_SCHEMA,
      filename: displayPath,
      json: true,
      maxDepth: MAX_YAML_DEPTH,
      listener: recorder.listener,
    };
    values = jsYaml.loadAll(text, undefined, options) as unknown[];
  } catch (error) {
    if (error instanceof EntryLimitExceeded) {
      return refused(makeIssue(displayPath, positions.at(error.collectionStart), 'yaml-list-limit', `the file's lists and mappings hold more than ${MAX_ENTRIES_PER_FILE} entries`));
    }
    return refused(syntaxIssue(error, displayPath));
  }
  // One budget for the whole file: a per-document budget let 50 documents each expand just under it.
  if (/[&]/.test(text) && exceedsNodeBudget(values)) {
    return refused(makeIssue(displayPath, undefined, 'yaml-alias-limit', `aliases expand to more than ${MAX_EXPANDED_NODES} values in this file; refusing to expand them`));
  }
  // js-yaml reads a file of only comments and blanks as one null document; PyYAML, as no document.
  if (values.length === 1 && values[0] == null && !/^[ \t]*[^\s#]/m.test(text)) values = [];
  const roots = recorder.documents();
  const documents = values.map((value, index) => makeSourceDocument(displayPath, index, value, roots[index], positions));
  const issues = recorder.duplicateKeys.map(({ key, first, repeated }) => {
    const firstLine = positions.at(first).line;
    const at = positions.at(repeated);
    return makeIssue(displayPath, at, 'yaml-duplicate-key', `key ${quoteKey(key)} is written at lines ${firstLine} and ${at.line}; the last value wins, as in PyYAML`);
  });
  return { file: displayPath, text, documents, issues };
}

/** Keys come from the file: quote them, and keep a hostile one-megabyte key from filling the report. */
function quoteKey(key: string): string {
  return JSON.stringify(key.length > 60 ? `${key.slice(0, 60)}…` : key);
}

class EntryLimitExceeded extends Error {
  readonly collectionStart: number;

  constructor(collectionStart: number) {
    super('list items and mapping entries exceed the file limit');
    this.collectionStart = collectionStart;
  }
}

function syntaxIssue(error: unknown, file: string): Issue {
  if (error instanceof jsYaml.YAMLException) {
    const position = error.mark ? { line: error.mark.line + 1, column: error.mark.column + 1 } : undefined;
    const reason = error.reason ?? error.message;
    if (/nesting exceeded maxDepth/.test(reason)) return makeIssue(file, position, 'yaml-depth-limit', `the YAML nests deeper than ${MAX_YAML_DEPTH} levels`);
    return makeIssue(file, position, 'yaml-syntax', reason);
  }
  return makeIssue(file, undefined, 'yaml-syntax', (error as Error).message.split('\n')[0]!);
}

function exceedsNodeBudget(documents: readonly unknown[]): boolean {
  let budget = MAX_EXPANDED_NODES;
  const stack: unknown[] = [...documents];
  while (stack.length > 0) {
    const value = stack.pop();
    if (--budget < 0) return true;
    // A loop, not push(...children): spreading a list of 100,000 arguments can overflow the call stack.
    const children = Array.isArray(value) ? value : typeof value === 'object' && value !== null ? Object.values(value) : [];
    for (const child of children) stack.push(child);
  }
  return false;
}

/** A node of the parse as js-yaml's listener reports it: where it starts, what it produced, its sub-nodes in order. */
interface PositionNode {
  readonly start: number;
  kind?: string;
  result?: unknown;
  readonly children: PositionNode[];
}

/**
 * Records node positions during the one js-yaml parse, through its `listener` hook (an open/close event
 * per node). A mapping's children alternate key, value; a sequence's are its items. This costs a few
 * percent of the parse, where re-parsing a file with the `yaml` package to find a position costs more
 * than the whole js-yaml parse, and most SigmaHQ files end up with at least one reported position.
 */
class PositionRecorder {
  private readonly stack: PositionNode[] = [{ start: 0, children: [] }];
  private entries = 0;
  /** Offsets of each repeated key and of the earlier key it repeats, in the order the parser met them. */
  readonly duplicateKeys: { key: string; first: number; repeated: number }[] = [];

  readonly listener = (event: 'open' | 'close', state: { position: number; kind?: string | null; result?: unknown }): void => {
    if (event === 'open') {
      this.stack.push({ start: state.position, children: [] });
      return;
    }
    const node = this.stack.pop()!;
    node.kind = state.kind ?? undefined;
    node.result = state.result;
    const collapsed = collapse(node);
    if (collapsed.kind === 'sequence' || collapsed.kind === 'mapping') {
      // A mapping's children alternate key and value: an entry is a pair.
      this.entries += collapsed.kind === 'sequence' ? collapsed.children.length : collapsed.children.length >> 1;
      if (this.entries > MAX_ENTRIES_PER_FILE) throw new EntryLimitExceeded(collapsed.start);
      if (collapsed.kind === 'mapping') this.recordDuplicateKeys(collapsed);
    }
    this.stack[this.stack.length - 1]!.children.push(collapsed);
  };

  private recordDuplicateKeys(mapping: PositionNode): void {
    const seen = new Map<string, number>();
    for (let child = 0; child + 1 < mapping.children.length; child += 2) {
      const keyNode = mapping.children[child]!;
      const key = String(keyNode.result);
      // Several `<<` merge keys are how YAML 1.1 merges several mappings, not a repeated key.
      if (key === '<<') continue;
      const first = seen.get(key);
      if (first !== undefined) this.duplicateKeys.push({ key, first, repeated: keyNode.start });
      else seen.set(key, keyNode.start);
    }
  }

  documents(): PositionNode[] {
    return this.stack[0]!.children;
  }
}

/** js-yaml composes some nodes twice (a wrapper around the real one); keep the inner node. */
function collapse(node: PositionNode): PositionNode {
  const [only] = node.children;
  return node.children.length === 1 && only!.result === node.result ? only! : node;
}

/** Offsets to 1-based line and column, with line starts computed once, on first use. */
class TextPositions {
  private readonly text: string;
  private lineStarts: number[] | undefined;

  constructor(text: string) {
    this.text = text;
  }

  /** The position of the first meaningful character at or after `offset` (js-yaml opens a node before its leading blanks). */
  at(offset: number): SourcePosition {
    let start = offset;
    const text = this.text;
    for (;;) {
      const character = text[start];
      if (character === ' ' || character === '\t' || character === '\n' || character === '\r') start += 1;
      else if (character === '#' && (start === 0 || /\s/.test(text[start - 1]!))) {
        const end = text.indexOf('\n', start);
        start = end < 0 ? text.length : end;
      } else break;
    }
    if (start >= text.length) start = offset;
    this.lineStarts ??= [0, ...[...text.matchAll(/\n/g)].map((match) => match.index! + 1)];
    let low = 0;
    let high = this.lineStarts.length - 1;
    while (low < high) {
      const middle = (low + high + 1) >> 1;
      if (this.lineStarts[middle]! <= start) low = middle;
      else high = middle - 1;
    }
    return { line: low + 1, column: start - this.lineStarts[low]! + 1 };
  }
}

function makeSourceDocument(file: string, index: number, value: unknown, root: PositionNode | undefined, positions: TextPositions): SourceDocument {
  // Per mapping, where each key is, made on its first lookup: searching the keys on every lookup made
  // reporting each key of a mapping with thousands of them (unknown keys, selections) quadratic.
  const keyIndexes = new Map<PositionNode, Map<string, number>>();
  const keyIndex = (mapping: PositionNode): Map<string, number> => {
    let keys = keyIndexes.get(mapping);
    if (!keys) {
      keys = new Map();
      // Later keys overwrite earlier ones: of duplicate keys the last one holds the value (see yaml-duplicate-key).
      for (let child = 0; child + 1 < mapping.children.length; child += 2) keys.set(String(mapping.children[child]!.result), child);
      keyIndexes.set(mapping, keys);
    }
    return keys;
  };
  const locate = (path: readonly PathSegment[], part: 'key' | 'value' = 'value'): SourcePosition => {
    if (!root) return { line: 1, column: 1 };
    let node = root;
    let keyNode: PositionNode | undefined;
    for (const segment of path) {
      let next: PositionNode | undefined;
      let nextKey: PositionNode | undefined;
      if (node.kind === 'mapping') {
        const child = keyIndex(node).get(String(segment));
        if (child !== undefined) {
          nextKey = node.children[child];
          next = node.children[child + 1];
        }
      } else if (node.kind === 'sequence' && typeof segment === 'number') {
        next = node.children[segment];
      }
      if (!next) break;
      node = next;
      keyNode = nextKey;
    }
    return positions.at((part === 'key' && keyNode ? keyNode : node).start);
  };
  return {
    file,
    index,
    value,
    get position() {
      return locate([]);
    },
    locate,
  };
}

function positionOfFirstInvalidUtf8(bytes: Buffer): SourcePosition {
  let line = 1;
  let column = 1;
  for (let i = 0; i < bytes.length; ) {
    const byte = bytes[i]!;
    const length = byte < 0x80 ? 1 : byte >= 0xc2 && byte < 0xe0 ? 2 : byte >= 0xe0 && byte < 0xf0 ? 3 : byte >= 0xf0 && byte < 0xf5 ? 4 : 0;
    if (length === 0 || i + length > bytes.length) return { line, column };
    try {
      utf8.decode(bytes.subarray(i, i + length));
    } catch {
      return { line, column };
    }
    if (byte === 0x0a) {
      line += 1;
      column = 1;
    } else {
      column += 1;
    }
    i += length;
  }
  return { line, column };
}
