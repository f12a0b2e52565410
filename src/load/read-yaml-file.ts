import { readFileSync, statSync } from 'node:fs';
import jsYaml from 'js-yaml';
import { makeIssue, type Issue, type SourcePosition } from '../model/issue.ts';
import type { PathSegment, SourceDocument } from '../model/source-document.ts';
import { YAML_1_1_SCHEMA } from './yaml-1-1-schema.ts';

/** Knowledge-base files are small; anything this big is a mistake or an attack, and is refused unread. */
export const MAX_YAML_FILE_BYTES = 2 * 1024 * 1024;
/**
 * Aliases share one object in memory, but every later walk over the data (detection parsing, JSON
 * export) would expand them; a "billion laughs" file is refused once its expansion passes this many nodes.
 */
const MAX_EXPANDED_NODES = 200_000;

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
  let bytes: Buffer;
  try {
    const size = statSync(absolutePath).size;
    if (size > MAX_YAML_FILE_BYTES) {
      return failed(undefined, 'file-too-large', `file is ${size} bytes; the limit is ${MAX_YAML_FILE_BYTES}`);
    }
    bytes = readFileSync(absolutePath);
  } catch (error) {
    return failed(undefined, 'file-unreadable', `cannot read file: ${(error as Error).message}`);
  }
  let text: string;
  try {
    text = utf8.decode(bytes);
  } catch {
    return failed(positionOfFirstInvalidUtf8(bytes), 'file-not-utf8', 'file is not valid UTF-8 text');
  }
  return parseYamlText(text.startsWith('\uFEFF') ? text.slice(1) : text, displayPath);
}

export function parseYamlText(text: string, displayPath: string): YamlFile {
  let values: unknown[];
  const recorder = new PositionRecorder();
  try {
    values = jsYaml.loadAll(text, undefined, { schema: YAML_1_1_SCHEMA, filename: displayPath, listener: recorder.listener }) as unknown[];
  } catch (error) {
    return { file: displayPath, text, documents: [], issues: [syntaxIssue(error, displayPath)] };
  }
  if (/[&]/.test(text) && values.some((value) => exceedsNodeBudget(value))) {
    return {
      file: displayPath,
      text,
      documents: [],
      issues: [makeIssue(displayPath, undefined, 'yaml-alias-limit', `aliases expand to more than ${MAX_EXPANDED_NODES} values; refusing to expand them`)],
    };
  }
  // js-yaml reads a file of only comments and blanks as one null document; PyYAML, as no document.
  if (values.length === 1 && values[0] == null && !/^[ \t]*[^\s#]/m.test(text)) values = [];
  const positions = new TextPositions(text);
  const roots = recorder.documents();
  const documents = values.map((value, index) => makeSourceDocument(displayPath, index, value, roots[index], positions));
  return { file: displayPath, text, documents, issues: [] };
}

function syntaxIssue(error: unknown, file: string): Issue {
  if (error instanceof jsYaml.YAMLException) {
    const position = error.mark ? { line: error.mark.line + 1, column: error.mark.column + 1 } : undefined;
    const reason = error.reason ?? error.message;
    if (/duplicated mapping key/.test(reason)) return makeIssue(file, position, 'yaml-duplicate-key', 'duplicate key in a mapping');
    return makeIssue(file, position, 'yaml-syntax', reason);
  }
  return makeIssue(file, undefined, 'yaml-syntax', (error as Error).message.split('\n')[0]!);
}

function exceedsNodeBudget(root: unknown): boolean {
  let budget = MAX_EXPANDED_NODES;
  const stack: unknown[] = [root];
  while (stack.length > 0) {
    const value = stack.pop();
    if (--budget < 0) return true;
    if (Array.isArray(value)) stack.push(...value);
    else if (typeof value === 'object' && value !== null) stack.push(...Object.values(value));
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

  readonly listener = (event: 'open' | 'close', state: { position: number; kind?: string | null; result?: unknown }): void => {
    if (event === 'open') {
      this.stack.push({ start: state.position, children: [] });
      return;
    }
    const node = this.stack.pop()!;
    node.kind = state.kind ?? undefined;
    node.result = state.result;
    this.stack[this.stack.length - 1]!.children.push(collapse(node));
  };

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
  const locate = (path: readonly PathSegment[], part: 'key' | 'value' = 'value'): SourcePosition => {
    if (!root) return { line: 1, column: 1 };
    let node = root;
    let keyNode: PositionNode | undefined;
    for (const segment of path) {
      let next: PositionNode | undefined;
      let nextKey: PositionNode | undefined;
      if (node.kind === 'mapping') {
        for (let child = 0; child + 1 < node.children.length; child += 2) {
          if (String(node.children[child]!.result) === String(segment)) {
            nextKey = node.children[child];
            next = node.children[child + 1];
            break;
          }
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
