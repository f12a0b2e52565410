import { readFileSync, statSync } from 'node:fs';
import jsYaml from 'js-yaml';
import { isMap, isPair, isScalar, isSeq, LineCounter, parseAllDocuments, type Document, type Node } from 'yaml';
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
 * which parses the SigmaHQ corpus about five times faster than the `yaml` package; positions are only
 * needed when something is reported, so the `yaml` package builds them lazily, per file, on first use.
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
  try {
    values = jsYaml.loadAll(text, undefined, { schema: YAML_1_1_SCHEMA, filename: displayPath }) as unknown[];
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
  const positions = lazyPositions(text);
  const documents = values.map((value, index) => makeSourceDocument(displayPath, index, value, positions));
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

type PositionIndex = () => { documents: Document.Parsed[]; positionAt(offset: number): SourcePosition };

function lazyPositions(text: string): PositionIndex {
  let index: ReturnType<PositionIndex> | undefined;
  return () => {
    if (!index) {
      const lineCounter = new LineCounter();
      const parsed = parseAllDocuments(text, { lineCounter, version: '1.1', uniqueKeys: false });
      index = {
        documents: Array.isArray(parsed) ? parsed : [parsed],
        positionAt(offset) {
          const { line, col } = lineCounter.linePos(offset);
          return { line, column: col };
        },
      };
    }
    return index;
  };
}

function makeSourceDocument(file: string, index: number, value: unknown, positions: PositionIndex): SourceDocument {
  const locate = (path: readonly PathSegment[], part: 'key' | 'value' = 'value'): SourcePosition => {
    const { documents, positionAt } = positions();
    const document = documents[index];
    if (!document) return { line: 1, column: 1 };
    const start = positionAt(document.contents?.range[0] ?? document.range[0]);
    let node: Node | null = document.contents;
    let keyNode: Node | null = null;
    for (const segment of path) {
      let next: Node | null = null;
      let nextKey: Node | null = null;
      if (isMap(node)) {
        for (const pair of node.items) {
          if (isPair(pair) && isScalar(pair.key) && String(pair.key.value) === String(segment)) {
            next = (pair.value as Node | null) ?? (pair.key as Node);
            nextKey = pair.key as Node;
            break;
          }
        }
      } else if (isSeq(node) && typeof segment === 'number') {
        next = (node.items[segment] as Node | undefined) ?? null;
      }
      if (!next) break;
      node = next;
      keyNode = nextKey;
    }
    const target = part === 'key' && keyNode ? keyNode : node;
    return target?.range ? positionAt(target.range[0]) : start;
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
