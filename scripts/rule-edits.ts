// Edits of Sigma rule files that keep them valid rules, for the incremental-build bench and the randomized
// identity test. Each edit rewrites one value in place in the file's text, so every other byte (comments,
// indentation, quoting, line ends) stays as the author wrote it, as an editor's save would leave it.
import { isMap, isPair, isScalar, isSeq, parseAllDocuments, Scalar, type Node } from 'yaml';

/** Picks one of `items` (never called with none): a seeded generator in tests, a fixed rule in the bench. */
export type Choose = <T>(items: readonly T[]) => T;

/** A scalar of the file with where it sits in the text. */
interface PlacedScalar {
  readonly node: Scalar;
  readonly start: number;
  readonly end: number;
}

function placed(node: unknown): PlacedScalar | undefined {
  if (!isScalar(node) || !node.range) return undefined;
  return { node, start: node.range[0], end: node.range[1] };
}

/** The scalar at `field` (a key, or a path of keys and indexes) in the first document that has one (a collection's action document holds title and description). */
function fieldScalar(text: string, field: string | readonly (string | number)[]): PlacedScalar | undefined {
  const keys = typeof field === 'string' ? [field] : field;
  for (const document of parseAllDocuments(text)) {
    if (!('contents' in document) || !isMap(document.contents)) continue;
    const found = placed(document.getIn(keys, true));
    if (found) return found;
  }
  return undefined;
}

/** `text` with the scalar's written form replaced by `value` as a double-quoted YAML string (JSON's quoting is YAML's). */
function replaceScalar(text: string, scalar: PlacedScalar, value: string): string {
  const block = scalar.node.type === Scalar.BLOCK_LITERAL || scalar.node.type === Scalar.BLOCK_FOLDED;
  // A block scalar's range ends after its last line break, which the key after it needs.
  return `${text.slice(0, scalar.start)}${JSON.stringify(value)}${block ? '\n' : ''}${text.slice(scalar.end)}`;
}

/**
 * Sets a string field: top-level (`title`, `description`, `level`) or by path (`['atomic_tests', 0, 'name']`);
 * undefined when the file has no such field.
 */
export function setField(text: string, field: string | readonly (string | number)[], value: string): string | undefined {
  const scalar = fieldScalar(text, field);
  return scalar ? replaceScalar(text, scalar, value) : undefined;
}

/** A string field's value, or undefined. */
export function fieldValue(text: string, field: string | readonly (string | number)[]): string | undefined {
  const value = fieldScalar(text, field)?.node.value;
  return typeof value === 'string' ? value : undefined;
}

/**
 * Modifiers whose values an appended suffix would turn into an error or into another kind of reference
 * (a CIDR range, a placeholder name, a field name); values under them are left alone.
 */
const FRAGILE_MODIFIERS = /\|(?:cidr|expand|fieldref)\b/i;

/** The string values a detection matches on, in every document: not the condition, not the timeframe. */
function detectionValues(text: string): PlacedScalar[] {
  const values: PlacedScalar[] = [];
  const visit = (node: unknown, key: string): void => {
    if (isMap(node)) {
      for (const pair of node.items) {
        if (!isPair(pair)) continue;
        visit(pair.value, isScalar(pair.key) ? String(pair.key.value) : key);
      }
    } else if (isSeq(node)) {
      for (const item of node.items) visit(item, key);
    } else {
      const scalar = placed(node as Node);
      const quotedOrPlain = scalar && (scalar.node.type === Scalar.PLAIN || scalar.node.type === Scalar.QUOTE_SINGLE || scalar.node.type === Scalar.QUOTE_DOUBLE);
      if (scalar && quotedOrPlain && typeof scalar.node.value === 'string' && !FRAGILE_MODIFIERS.test(key)) values.push(scalar);
    }
  };
  for (const document of parseAllDocuments(text)) {
    if (!('contents' in document) || !isMap(document.contents)) continue;
    const detection = document.contents.get('detection', true);
    if (!isMap(detection)) continue;
    for (const pair of detection.items) {
      if (!isPair(pair) || !isScalar(pair.key) || pair.key.value === 'condition' || pair.key.value === 'timeframe') continue;
      visit(pair.value, String(pair.key.value));
    }
  }
  return values;
}

/** Where text appended to a value goes: before the closing quote, or after a plain scalar. */
function valueEnd(scalar: PlacedScalar): number {
  return scalar.node.type === Scalar.PLAIN ? scalar.end : scalar.end - 1;
}

/** Appends `suffix` (letters and digits) to one detection value; undefined when the rule has none to edit (a correlation rule). */
export function appendToDetectionValue(text: string, choose: Choose, suffix: string): string | undefined {
  const values = detectionValues(text);
  if (values.length === 0) return undefined;
  const at = valueEnd(choose(values));
  return `${text.slice(0, at)}${suffix}${text.slice(at)}`;
}

/**
 * Changes the last letter or digit of one detection value to another of its kind: the file keeps its size,
 * so only its content tells the build that it changed.
 */
export function replaceLastCharacterOfDetectionValue(text: string, choose: Choose): string | undefined {
  // A double-quoted value with escapes is left alone: its last digit may belong to one (\x41).
  const values = detectionValues(text).filter((scalar) => /[A-Za-z0-9]$/.test(text.slice(scalar.start, valueEnd(scalar))) && !(scalar.node.type === Scalar.QUOTE_DOUBLE && text.slice(scalar.start, scalar.end).includes('\\')));
  if (values.length === 0) return undefined;
  const at = valueEnd(choose(values)) - 1;
  const old = text[at]!;
  const replacement = /[0-9]/.test(old) ? String((Number(old) + 1) % 10) : /[a-z]/.test(old) ? (old === 'z' ? 'a' : String.fromCharCode(old.charCodeAt(0) + 1)) : old === 'Z' ? 'A' : String.fromCharCode(old.charCodeAt(0) + 1);
  return `${text.slice(0, at)}${replacement}${text.slice(at + 1)}`;
}

const TECHNIQUE_TAG = /^attack\.t\d{4}(?:\.\d{3})?$/i;

/** The rule's ATT&CK technique tags, as written. */
export function techniqueTags(text: string): string[] {
  return techniqueTagScalars(text).map((scalar) => String(scalar.node.value));
}

function techniqueTagScalars(text: string): PlacedScalar[] {
  for (const document of parseAllDocuments(text)) {
    if (!('contents' in document) || !isMap(document.contents)) continue;
    const tags = document.contents.get('tags', true);
    if (!isSeq(tags)) continue;
    return tags.items.map(placed).filter((scalar): scalar is PlacedScalar => scalar !== undefined && typeof scalar.node.value === 'string' && TECHNIQUE_TAG.test(scalar.node.value));
  }
  return [];
}

/** Replaces one technique tag by `tag` (`attack.t1059.001`): the rule moves to another technique's pages. */
export function replaceTechniqueTag(text: string, choose: Choose, tag: string): string | undefined {
  const tags = techniqueTagScalars(text);
  if (tags.length === 0) return undefined;
  return replaceScalar(text, choose(tags), tag);
}
