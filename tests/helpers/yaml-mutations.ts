/**
 * Mutations of knowledge-base YAML for the fuzz tests (tests/load/mutated-input.test.ts): edits of the
 * text, and edits of the parsed structure (a value of another type, a key dropped, duplicated or
 * renamed, Unicode that breaks naive string handling) written back with the `yaml` package, which
 * keeps comments, anchors and duplicate keys so the loader meets what a person could have written.
 * Mutations are small descriptions that fast-check can shrink and print; big values (100 KB strings,
 * 20,000-item lists) are only built when applied.
 */
import fc from 'fast-check';
import { isMap, isPair, isScalar, isSeq, parseAllDocuments, Pair, Scalar, type Document, type Node as YamlNode, type YAMLMap, type YAMLSeq } from 'yaml';

/** Text that YAML, Sigma conditions and markdown each give a meaning to. */
const FRAGMENTS = [':', '- ', '[', ']', '{', '}', '&a ', '*a', '|', '>', '#', '"', "'", '\t', '\n', '\n  ', '\u0000', '\uFEFF', '%', '!!binary ', '<<: *a', '|contains', '|re', ' and ', ' or not ', '1 of ', 'them', '{{ x }}', '---\n'];

export type TextMutation = { kind: 'insert' | 'delete' | 'replace-line' | 'truncate' | 'duplicate-line'; at: number; size: number; fragment: string };

export const textMutation: fc.Arbitrary<TextMutation> = fc.record({
  kind: fc.constantFrom('insert', 'delete', 'replace-line', 'truncate', 'duplicate-line'),
  at: fc.nat(),
  size: fc.integer({ min: 1, max: 40 }),
  fragment: fc.oneof(fc.constantFrom(...FRAGMENTS), fc.string({ maxLength: 6 })),
});

export function mutateText(text: string, change: TextMutation): string {
  const at = text.length === 0 ? 0 : change.at % text.length;
  const lines = text.split('\n');
  const line = lines.length === 0 ? 0 : change.at % lines.length;
  switch (change.kind) {
    case 'insert':
      return text.slice(0, at) + change.fragment + text.slice(at);
    case 'delete':
      return text.slice(0, at) + text.slice(at + change.size);
    case 'replace-line':
      lines[line] = change.fragment;
      return lines.join('\n');
    case 'truncate':
      return text.slice(0, at);
    case 'duplicate-line':
      lines.splice(line, 0, lines[line] ?? '');
      return lines.join('\n');
  }
}

/**
 * Characters that break code assuming one UTF-16 unit per character, one line per `\n`, left-to-right
 * text or a single spelling per name: bidi overrides, NUL, lone surrogates (the YAML writer escapes
 * them, so the loader decodes real lone surrogates), combining marks, astral emoji, a decomposed é,
 * the JavaScript line separators, BOM and zero-width joiners, a terminal escape.
 */
const UNICODE = ['\u202E', '\u202D\u2066', '\u0000', '\uD800', '\uDC00', '\u0301', 'a' + '\u0301\u0302\u0303'.repeat(30), '\u{1F600}', '\u{1F469}\u200D\u{1F4BB}', 'e\u0301', '\u00E9', '\u2028', '\u2029', '\uFEFF', '\u200B', '\u001B[31m', '\r', '\u{10FFFF}', '\uFFFF'];

/** Key names worth renaming to: Sigma modifiers (each has its own value checks), YAML's merge key, near-misses of real keys. */
const KEY_NAMES = ['', ' ', '<<', 'id', 'title', 'name', 'condition', 'detection', 'logsource', 'selection', 'keywords', 'tags', 'fields', 'correlation', 'rules', 'atomic_tests', 'pipelines', 'queries', 'CommandLine|contains|all', 'Image|endswith', 'x|re', 'x|re|i', 'x|cidr', 'x|base64offset|contains', 'x|windash|contains', 'x|expand', 'x|exists', 'x|fieldref', 'x|lt', 'x|unknownmodifier', 'Title', 'title '];

/** A value of another kind than the one it replaces; `size` is read per kind (length, depth, items). */
export type Replacement =
  | { kind: 'number'; value: number }
  | { kind: 'boolean'; value: boolean }
  | { kind: 'null' }
  | { kind: 'empty-list' }
  | { kind: 'empty-mapping' }
  | { kind: 'small-list'; items: readonly (string | number | boolean | null)[] }
  | { kind: 'small-mapping'; keys: readonly string[] }
  | { kind: 'long-string'; length: number; unit: string }
  | { kind: 'deep-list' | 'deep-mapping'; depth: number }
  | { kind: 'huge-list'; items: number }
  | { kind: 'huge-mapping'; entries: number }
  | { kind: 'unicode-string'; text: string };

const scalarValue = fc.oneof(fc.string({ maxLength: 8 }), fc.integer(), fc.boolean(), fc.constant(null), fc.constantFrom(...UNICODE));

export const replacement: fc.Arbitrary<Replacement> = fc.oneof(
  fc.record({ kind: fc.constant('number' as const), value: fc.oneof(fc.integer(), fc.double(), fc.constantFrom(0, -1, 2 ** 53, 1e308, Number.NaN, Number.POSITIVE_INFINITY)) }),
  fc.record({ kind: fc.constant('boolean' as const), value: fc.boolean() }),
  fc.constant({ kind: 'null' as const }),
  fc.constant({ kind: 'empty-list' as const }),
  fc.constant({ kind: 'empty-mapping' as const }),
  fc.record({ kind: fc.constant('small-list' as const), items: fc.array(scalarValue, { minLength: 1, maxLength: 4 }) }),
  fc.record({ kind: fc.constant('small-mapping' as const), keys: fc.array(fc.oneof(fc.constantFrom(...KEY_NAMES), fc.string({ maxLength: 6 })), { minLength: 1, maxLength: 3 }) }),
  fc.record({ kind: fc.constant('long-string' as const), length: fc.integer({ min: 1_000, max: 100_000 }), unit: fc.constantFrom('a', 'a ', '\\', '*', ' and ', '(', '\u{1F600}', 'e\u0301', '- [x](y) ', '<b>', '\n') }),
  fc.record({ kind: fc.constantFrom('deep-list' as const, 'deep-mapping' as const), depth: fc.integer({ min: 2, max: 150 }) }),
  // Up to twice the file's entry limit (10,000 list items and mapping entries, yaml-list-limit), so both
  // sides of it are tried: below it the build time grows in proportion (every term is a query term for
  // each section, on pages and in exports), which is why the limit is there.
  fc.record({ kind: fc.constant('huge-list' as const), items: fc.integer({ min: 1_000, max: 20_000 }) }),
  fc.record({ kind: fc.constant('huge-mapping' as const), entries: fc.integer({ min: 1_000, max: 20_000 }) }),
  fc.record({ kind: fc.constant('unicode-string' as const), text: fc.array(fc.constantFrom(...UNICODE), { minLength: 1, maxLength: 4 }).map((parts) => parts.join('x')) }),
);

export function replacementValue(spec: Replacement): unknown {
  switch (spec.kind) {
    case 'number':
    case 'boolean':
      return spec.value;
    case 'null':
      return null;
    case 'empty-list':
      return [];
    case 'empty-mapping':
      return {};
    case 'small-list':
      return [...spec.items];
    case 'small-mapping':
      return Object.fromEntries(spec.keys.map((key, index) => [key, `value ${index}`]));
    case 'long-string':
      return spec.unit.repeat(Math.ceil(spec.length / spec.unit.length)).slice(0, spec.length);
    case 'deep-list': {
      let value: unknown = 'bottom';
      for (let level = 0; level < spec.depth; level += 1) value = [value];
      return value;
    }
    case 'deep-mapping': {
      let value: unknown = 'bottom';
      for (let level = 0; level < spec.depth; level += 1) value = { [`k${level}`]: value };
      return value;
    }
    case 'huge-list':
      return Array.from({ length: spec.items }, (_, index) => `item${index}`);
    case 'huge-mapping':
      // Named like Sigma selections, so that a detection's `1 of sel*` or `all of them` meets them all.
      return Object.fromEntries(Array.from({ length: spec.entries }, (_, index) => [`sel${index}`, `value${index}`]));
    case 'unicode-string':
      return spec.text;
  }
}

/**
 * One structural edit. `at` picks a place in the file (a mapping entry, a list item or a document root,
 * counted across all documents, modulo their number); scalar edits pick among the string scalars, keys
 * included.
 */
export type StructureMutation =
  | { kind: 'replace'; at: number; value: Replacement }
  | { kind: 'drop'; at: number }
  | { kind: 'duplicate'; at: number }
  | { kind: 'rename-key'; at: number; name: string }
  | { kind: 'insert-unicode'; at: number; offset: number; text: string }
  | { kind: 'normalize'; at: number; form: 'NFC' | 'NFD' | 'NFKC' | 'NFKD' }
  | { kind: 'text'; change: TextMutation };

export const structureMutation: fc.Arbitrary<StructureMutation> = fc.oneof(
  { arbitrary: fc.record({ kind: fc.constant('replace' as const), at: fc.nat(), value: replacement }), weight: 4 },
  { arbitrary: fc.record({ kind: fc.constant('drop' as const), at: fc.nat() }), weight: 2 },
  { arbitrary: fc.record({ kind: fc.constant('duplicate' as const), at: fc.nat() }), weight: 2 },
  { arbitrary: fc.record({ kind: fc.constant('rename-key' as const), at: fc.nat(), name: fc.oneof(fc.constantFrom(...KEY_NAMES), fc.constantFrom(...UNICODE)) }), weight: 2 },
  { arbitrary: fc.record({ kind: fc.constant('insert-unicode' as const), at: fc.nat(), offset: fc.nat(), text: fc.constantFrom(...UNICODE) }), weight: 3 },
  { arbitrary: fc.record({ kind: fc.constant('normalize' as const), at: fc.nat(), form: fc.constantFrom('NFC' as const, 'NFD' as const, 'NFKC' as const, 'NFKD' as const) }), weight: 1 },
  { arbitrary: fc.record({ kind: fc.constant('text' as const), change: textMutation }), weight: 1 },
);

type Place = { readonly document: Document; readonly parent: YAMLMap | YAMLSeq | undefined; readonly index: number };

function places(documents: readonly Document[]): Place[] {
  const found: Place[] = [];
  const walk = (document: Document, node: unknown): void => {
    if (!isMap(node) && !isSeq(node)) return;
    node.items.forEach((item, index) => {
      found.push({ document, parent: node, index });
      walk(document, isPair(item) ? item.value : item);
    });
  };
  for (const document of documents) {
    found.push({ document, parent: undefined, index: 0 });
    walk(document, document.contents);
  }
  return found;
}

function stringScalars(documents: readonly Document[]): Scalar[] {
  const found: Scalar[] = [];
  const walk = (node: unknown): void => {
    if (isScalar(node)) {
      if (typeof node.value === 'string') found.push(node);
    } else if (isPair(node)) {
      walk(node.key);
      walk(node.value);
    } else if (isMap(node) || isSeq(node)) {
      for (const item of node.items) walk(item);
    }
  };
  for (const document of documents) walk(document.contents);
  return found;
}

/** The YAML documents of a file, to mutate; undefined when the `yaml` package does not read it cleanly. */
export function parseForMutation(text: string): Document[] | undefined {
  // YAML 1.1, as the loader reads it: `on`, `yes` and `2024-05-14` keep their meaning when written back.
  let documents;
  try {
    documents = parseAllDocuments(text, { version: '1.1', uniqueKeys: false });
  } catch {
    // The `yaml` package's own parser overflows the stack on some text edits of huge mappings; the
    // loader must still meet that text, so it goes on as text.
    return undefined;
  }
  if (!Array.isArray(documents) || documents.some((document) => document.errors.length > 0)) return undefined;
  return documents;
}

function serialise(documents: readonly Document[]): string {
  return documents
    .map((document, index) => {
      const text = document.toString({ lineWidth: 0 });
      return index > 0 && !text.startsWith('---') ? `---\n${text}` : text;
    })
    .join('');
}

/** Applies the mutations in order to a fresh parse of `text` and writes the result back as YAML text. */
export function mutateStructure(text: string, mutations: readonly StructureMutation[]): string {
  let current = text;
  let documents = parseForMutation(current);
  for (const mutation of mutations) {
    if (mutation.kind === 'text' || !documents) {
      // A text edit can leave YAML the writer cannot read back; later edits then work on the text too.
      current = mutation.kind === 'text' ? mutateText(current, mutation.change) : current;
      documents = parseForMutation(current);
      continue;
    }
    applyToDocuments(documents, mutation);
    try {
      current = serialise(documents);
    } catch {
      // The writer refuses some results, such as an alias whose anchor was dropped: skip that edit.
      documents = parseForMutation(current);
    }
  }
  return current;
}

function applyToDocuments(documents: readonly Document[], mutation: Exclude<StructureMutation, { kind: 'text' }>): void {
  if (mutation.kind === 'insert-unicode' || mutation.kind === 'normalize') {
    const scalars = stringScalars(documents);
    const scalar = scalars[mutation.at % Math.max(scalars.length, 1)];
    if (!scalar) return;
    const value = scalar.value as string;
    if (mutation.kind === 'normalize') scalar.value = value.normalize(mutation.form);
    else {
      const offset = mutation.offset % (value.length + 1);
      scalar.value = value.slice(0, offset) + mutation.text + value.slice(offset);
    }
    // Plain or block style could not carry every inserted character; the writer picks a style that can.
    scalar.type = undefined;
    return;
  }
  const all = places(documents);
  const place = all[mutation.at % Math.max(all.length, 1)];
  if (!place) return;
  const { document, parent, index } = place;
  if (!parent) {
    // The document root itself: a whole file that is a list, a scalar or nothing.
    if (mutation.kind === 'replace') document.contents = document.createNode(replacementValue(mutation.value)) as YamlNode;
    else if (mutation.kind === 'drop') document.contents = null;
    return;
  }
  const item = parent.items[index];
  switch (mutation.kind) {
    case 'replace': {
      const node = document.createNode(replacementValue(mutation.value));
      if (isPair(item)) item.value = node;
      else (parent as YAMLSeq).items[index] = node;
      return;
    }
    case 'drop':
      parent.items.splice(index, 1);
      return;
    case 'duplicate': {
      // A mapping entry duplicated is a duplicate key, which the `yaml` writer keeps as written.
      const copy = isPair(item) ? new Pair(cloneNode(item.key), cloneNode(item.value)) : cloneNode(item);
      (parent.items as unknown[]).splice(index + 1, 0, copy);
      return;
    }
    case 'rename-key':
      if (isPair(item)) item.key = new Scalar(mutation.name);
      return;
  }
}

function cloneNode<T>(node: T): T {
  return node !== null && typeof node === 'object' && 'clone' in node && typeof node.clone === 'function' ? (node.clone() as T) : node;
}

/** A mutated input as a failure message shows it: escaped, so control characters are visible, and shortened. */
export function shortened(text: string, limit = 600): string {
  // Every character outside printable ASCII as an escape: bidi overrides and zero-width marks would
  // otherwise reorder or hide parts of the message.
  const shown = `"${text.replace(/[^\x20-\x7E]/gu, (character) => `\\u{${character.codePointAt(0)!.toString(16)}}`)}"`;
  return shown.length <= limit ? shown : `${shown.slice(0, limit / 2)} … (${shown.length} characters) … ${shown.slice(-limit / 2)}`;
}
