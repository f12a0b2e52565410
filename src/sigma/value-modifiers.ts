import { ConversionError } from './conversion-error.ts';
import { canonicalModifier } from './modifiers.ts';
import { parseNetwork } from './ip-address.ts';
import { isPlaceholder, type QueryStringPart, type QueryValue } from './query-tree.ts';
import type { RawValue } from './sigma-rule.ts';
import { ANY, mergeLiteralRuns, parseSigmaString } from './sigma-string.ts';

/**
 * Sigma value modifiers with pySigma's semantics (sigma/modifiers.py), as a registry: each entry names
 * the pySigma class (for error messages), the value kinds it accepts, and what it does to one value.
 * List modifiers (`all`, `neq`) change how the values of an item are linked instead.
 */

type ValueKind = QueryValue['kind'];
/** Values while modifiers run: a string made from a raw rule value remembers the raw text for `re`. */
type Value = QueryValue | RawString;
interface RawString {
  readonly kind: 'string';
  readonly parts: readonly QueryStringPart[];
  readonly cased?: undefined;
  readonly raw: string;
}

export interface ItemState {
  values: QueryValue[];
  linking: 'and' | 'or';
  negated: boolean;
}

interface Context {
  /** Modifiers already applied to the item, canonical names. */
  readonly applied: readonly string[];
  readonly field: string | undefined;
}

interface ValueModifier {
  readonly className: string;
  readonly accepts: readonly ValueKind[];
  readonly apply: (value: Value, context: Context) => QueryValue;
}

const LIST_MODIFIERS = new Set(['all', 'neq']);

const STRING: readonly ValueKind[] = ['string'];
const AFFIX: readonly ValueKind[] = ['string', 'regex', 'fieldref'];

function string(parts: readonly QueryStringPart[], cased?: boolean): QueryValue {
  return cased ? { kind: 'string', parts, cased } : { kind: 'string', parts };
}

export function plainString(parts: readonly QueryStringPart[]): string {
  let text = '';
  for (const part of parts) {
    if (typeof part === 'string') text += part.replace(/[*?]/g, '\\$&');
    else if (isPlaceholder(part)) text += `%${part.placeholder}%`;
    else text += part.wildcard;
  }
  return text;
}

function hasSpecial(parts: readonly QueryStringPart[]): boolean {
  return parts.some((part) => typeof part !== 'string' && !isPlaceholder(part));
}

function describeValue(value: Value): string {
  switch (value.kind) {
    case 'string':
      return plainString(value.parts);
    case 'number':
      return String(value.value);
    case 'bool':
      return value.value ? 'True' : 'False';
    default:
      return value.kind;
  }
}

function partsOf(value: Value): readonly QueryStringPart[] {
  return (value as { parts: readonly QueryStringPart[] }).parts;
}

const utf8Strict = new TextDecoder('utf-8', { fatal: true });

/** pySigma's wide/utf16 trick: encode each literal run, then read the bytes back as UTF-8 text. */
function reencode(value: Value, encode: (text: string) => Buffer, message: string, prefix: QueryStringPart[] = []): QueryValue {
  const parts = prefix.slice();
  for (const part of partsOf(value)) {
    if (typeof part !== 'string') {
      parts.push(part);
      continue;
    }
    try {
      parts.push(utf8Strict.decode(encode(part)));
    } catch {
      throw new ConversionError('SigmaValueError', `${message} input string '${describeValue(value)}' isn't one`);
    }
  }
  return string(mergeLiteralRuns(parts));
}

/**
 * The bytes the base64 modifiers encode: the UTF-8 of the string. After `utf16`, whose byte-order mark is
 * the character U+FEFF, the mark is written as the UTF-16LE bytes FF FE (pySigma 1.5.0 wrote EF BB BF,
 * the mark's UTF-8 form; deviation D4).
 */
function base64Input(value: Value, context: Context): Buffer {
  if (hasSpecial(partsOf(value))) throw new ConversionError('SigmaValueError', 'Base64 encoding of strings with wildcards is not allowed');
  const data = Buffer.from(plainString(partsOf(value)), 'utf8');
  if (context.applied.includes('utf16') && data[0] === 0xef && data[1] === 0xbb && data[2] === 0xbf) {
    return Buffer.concat([Buffer.from([0xff, 0xfe]), data.subarray(3)]);
  }
  return data;
}

const OFFSET_STARTS = [0, 2, 3] as const;
const OFFSET_ENDS = [undefined, -3, -2] as const;
// Python's `\B[-/]\b`: a dash or slash with no word character before it and one after it.
const WINDASH = /(?<![\p{L}\p{N}_])[-/](?=[\p{L}\p{N}_])/gu;
const WINDASH_CHARACTERS = ['-', '/', '\u2013', '\u2014', '\u2015'];
const PLACEHOLDER = /(?<!\\)%([\p{L}\p{N}_]+)%/gu;

function windash(value: Value): QueryValue {
  // Split every literal run at its option dashes; each dash becomes a choice of five characters.
  const segments: (QueryStringPart | null)[] = [];
  for (const part of partsOf(value)) {
    if (typeof part !== 'string') {
      segments.push(part);
      continue;
    }
    let last = 0;
    for (const match of part.matchAll(WINDASH)) {
      segments.push(part.slice(last, match.index));
      segments.push(null);
      last = match.index + 1;
    }
    segments.push(part.slice(last));
  }
  let variants: QueryStringPart[][] = [[]];
  for (const segment of segments) {
    if (segment === null) variants = variants.flatMap((prefix) => WINDASH_CHARACTERS.map((dash) => [...prefix, dash]));
    else for (const variant of variants) variant.push(segment);
  }
  return { kind: 'expansion', values: variants.map((parts) => string(mergeLiteralRuns(parts))) };
}

function addWildcards(value: Value, before: boolean, after: boolean): QueryValue {
  if (value.kind === 'string') {
    const parts: QueryStringPart[] = [...value.parts];
    if (before && parts[0] !== ANY) parts.unshift(ANY);
    if (after && parts[parts.length - 1] !== ANY) parts.push(ANY);
    return string(parts, value.cased);
  }
  if (value.kind === 'fieldref') {
    return { ...value, ...(before && { endsWith: true }), ...(after && { startsWith: true }) };
  }
  // A regular expression: make it match anywhere (pySigma groups a top-level alternation first).
  const regex = value as Extract<QueryValue, { kind: 'regex' }>;
  let pattern = regex.pattern;
  if (hasTopLevelAlternation(pattern)) pattern = `(?:${pattern})`;
  if (before && !pattern.startsWith('.*') && !pattern.startsWith('^')) pattern = `.*${pattern}`;
  if (after && !endsUnescaped(pattern, '.*') && !endsUnescaped(pattern, '$')) pattern = `${pattern}.*`;
  return { ...regex, pattern };
}

function hasTopLevelAlternation(pattern: string): boolean {
  let depth = 0;
  let inClass = false;
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === '\\') {
      i++;
      continue;
    }
    if (inClass) {
      if (c === ']') inClass = false;
    } else if (c === '[') {
      inClass = true;
      if (pattern[i + 1] === '^') i++;
      if (pattern[i + 1] === ']') i++;
    } else if (c === '(') depth++;
    else if (c === ')') depth--;
    else if (c === '|' && depth === 0) return true;
  }
  return false;
}

function endsUnescaped(pattern: string, suffix: string): boolean {
  if (!pattern.endsWith(suffix)) return false;
  const head = pattern.slice(0, pattern.length - suffix.length);
  return (head.length - head.replace(/\\+$/, '').length) % 2 === 0;
}

function insertPlaceholders(value: Value): QueryValue {
  if (value.kind !== 'string') return value as QueryValue;
  const parts: QueryStringPart[] = [];
  for (const part of value.parts) {
    if (typeof part !== 'string') {
      parts.push(part);
      continue;
    }
    let last = 0;
    for (const match of part.matchAll(PLACEHOLDER)) {
      parts.push(part.slice(last, match.index).replaceAll('\\%', '%'));
      parts.push({ placeholder: match[1]! });
      last = match.index + match[0].length;
    }
    parts.push(part.slice(last).replaceAll('\\%', '%'));
  }
  return string(mergeLiteralRuns(parts), value.cased);
}

const REGEX_FLAG = (flag: string): ValueModifier => ({
  className: `SigmaRegularExpression${flag === 'i' ? 'IgnoreCase' : flag === 'm' ? 'Multiline' : 'DotAll'}FlagModifier`,
  accepts: ['regex'],
  apply: (value) => {
    const regex = value as Extract<QueryValue, { kind: 'regex' }>;
    return regex.flags.includes(flag) ? regex : { ...regex, flags: [...regex.flags, flag].sort().join('') };
  },
});

const COMPARE = (operator: '<' | '<=' | '>' | '>=', className: string): ValueModifier => ({
  className,
  accepts: ['number'],
  apply: (value) => ({ kind: 'compare', operator, value: (value as { value: number }).value }),
});

const ENCODING_ERROR = {
  wide: 'Wide modifier only allowed for ascii strings,',
  utf16be: 'UTF-16BE modifier only allowed for valid Unicode strings,',
  utf16: 'UTF-16 modifier only allowed for valid Unicode strings,',
};

/** name → value modifier; `all` and `neq` are list modifiers handled in applyModifiers. */
export const VALUE_MODIFIERS: ReadonlyMap<string, ValueModifier> = new Map<string, ValueModifier>([
  ['contains', { className: 'SigmaContainsModifier', accepts: AFFIX, apply: (value) => addWildcards(value, true, true) }],
  ['startswith', { className: 'SigmaStartswithModifier', accepts: AFFIX, apply: (value) => addWildcards(value, false, true) }],
  ['endswith', { className: 'SigmaEndswithModifier', accepts: AFFIX, apply: (value) => addWildcards(value, true, false) }],
  [
    'base64',
    {
      className: 'SigmaBase64Modifier',
      accepts: STRING,
      apply: (value, context) => string(mergeLiteralRuns([base64Input(value, context).toString('base64')])),
    },
  ],
  [
    'base64offset',
    {
      className: 'SigmaBase64OffsetModifier',
      accepts: STRING,
      apply: (value, context) => {
        const data = base64Input(value, context);
        const values = [0, 1, 2].map((i) => {
          const encoded = Buffer.concat([Buffer.alloc(i, 0x20), data]).toString('base64');
          return string(mergeLiteralRuns([encoded.slice(OFFSET_STARTS[i], OFFSET_ENDS[(data.length + i) % 3])]));
        });
        return { kind: 'expansion', values };
      },
    },
  ],
  ['wide', { className: 'SigmaWideModifier', accepts: STRING, apply: (value) => reencode(value, (t) => Buffer.from(t, 'utf16le'), ENCODING_ERROR.wide) }],
  ['utf16le', { className: 'SigmaWideModifier', accepts: STRING, apply: (value) => reencode(value, (t) => Buffer.from(t, 'utf16le'), ENCODING_ERROR.wide) }],
  ['utf16be', { className: 'SigmaUTF16BEModifier', accepts: STRING, apply: (value) => reencode(value, (t) => Buffer.from(t, 'utf16le').swap16(), ENCODING_ERROR.utf16be) }],
  ['utf16', { className: 'SigmaUTF16Modifier', accepts: STRING, apply: (value) => reencode(value, (t) => Buffer.from(t, 'utf16le'), ENCODING_ERROR.utf16, ['\ufeff']) }],
  ['windash', { className: 'SigmaWindowsDashModifier', accepts: STRING, apply: windash }],
  [
    're',
    {
      className: 'SigmaRegularExpressionModifier',
      accepts: STRING,
      apply: (value, context) => {
        if (context.applied.length > 0) throw new ConversionError('SigmaValueError', 'Regular expression modifier only applicable to unmodified values');
        const pattern = 'raw' in value ? value.raw : plainString(partsOf(value));
        // pySigma compiles the pattern; the one error that matters to the targets (a trailing lone
        // backslash would escape the closing delimiter) is checked here with Python's message.
        const trailing = /\\+$/.exec(pattern)?.[0].length ?? 0;
        if (trailing % 2 === 1) throw new ConversionError('SigmaRegularExpressionError', `Regular expression '${pattern}' is invalid: bad escape (end of pattern) at position ${pattern.length - 1}`);
        return { kind: 'regex', pattern, flags: '' };
      },
    },
  ],
  ['i', REGEX_FLAG('i')],
  ['m', REGEX_FLAG('m')],
  ['s', REGEX_FLAG('s')],
  ['cased', { className: 'SigmaCaseSensitiveModifier', accepts: STRING, apply: (value) => string(partsOf(value), true) }],
  [
    'cidr',
    {
      className: 'SigmaCIDRModifier',
      accepts: STRING,
      apply: (value, context) => {
        if (context.applied.length > 0) throw new ConversionError('SigmaValueError', 'CIDR expression modifier only applicable to unmodified values');
        const network = parseNetwork(plainString(partsOf(value)));
        if (typeof network === 'string') throw new ConversionError('SigmaTypeError', `Invalid CIDR expression: ${network}`);
        return { kind: 'cidr', ...network };
      },
    },
  ],
  [
    'exists',
    {
      className: 'SigmaExistsModifier',
      accepts: ['bool'],
      apply: (value, context) => {
        if (context.field === undefined) throw new ConversionError('SigmaValueError', 'Exists modifier must be applied to field');
        if (context.applied.length > 0) throw new ConversionError('SigmaValueError', 'Exists modifier only applicable to unmodified boolean values');
        return { kind: 'exists', exists: (value as { value: boolean }).value };
      },
    },
  ],
  [
    'fieldref',
    {
      className: 'SigmaFieldReferenceModifier',
      accepts: STRING,
      apply: (value) => {
        if (hasSpecial(partsOf(value))) throw new ConversionError('SigmaValueError', 'Field references must not contain wildcards');
        return { kind: 'fieldref', field: plainString(partsOf(value)) };
      },
    },
  ],
  ['expand', { className: 'SigmaExpandModifier', accepts: ['string', 'regex'], apply: insertPlaceholders }],
  ['gt', COMPARE('>', 'SigmaGreaterThanModifier')],
  ['gte', COMPARE('>=', 'SigmaGreaterThanEqualModifier')],
  ['lt', COMPARE('<', 'SigmaLessThanModifier')],
  ['lte', COMPARE('<=', 'SigmaLessThanEqualModifier')],
]);

/** pySigma's sigma_type(): YAML scalars to typed values; with `re` every value stays raw text. */
function typedValue(raw: RawValue, regexSource: boolean): Value {
  if (regexSource) {
    const text = raw === null ? 'None' : typeof raw === 'boolean' ? (raw ? 'True' : 'False') : String(raw);
    return { kind: 'string', parts: text === '' ? [] : [text], raw: text };
  }
  if (raw === null) return { kind: 'null' };
  if (typeof raw === 'boolean') return { kind: 'bool', value: raw };
  if (typeof raw === 'number') return { kind: 'number', value: raw };
  return { kind: 'string', parts: parseSigmaString(raw).parts };
}

function applyValueModifier(modifier: ValueModifier, value: Value, context: Context): QueryValue[] {
  if (value.kind === 'expansion') {
    return [{ kind: 'expansion', values: value.values.flatMap((item) => applyValueModifier(modifier, item, context)) }];
  }
  if (!modifier.accepts.includes(value.kind)) {
    throw new ConversionError('SigmaTypeError', `Modifier ${modifier.className} incompatible to value type of '${describeValue(value)}'`);
  }
  return [modifier.apply(value, context)];
}

/** Runs an item's modifiers over its values, in the order written (pySigma's apply_modifiers). */
export function applyModifiers(modifiers: readonly string[], raw: readonly RawValue[], field: string | undefined): ItemState {
  const names = modifiers.map(canonicalModifier);
  let values: Value[] = raw.map((value) => typedValue(value, names.includes('re')));
  const state: ItemState = { values: values as QueryValue[], linking: 'or', negated: false };
  const applied: string[] = [];
  for (const name of names) {
    if (LIST_MODIFIERS.has(name)) {
      if (name === 'all') state.linking = 'and';
      else state.negated = true;
    } else {
      const modifier = VALUE_MODIFIERS.get(name);
      if (!modifier) throw new ConversionError('SigmaModifierError', `Unknown modifier '${name}'`);
      const context: Context = { applied: applied.slice(), field };
      values = values.flatMap((value) => applyValueModifier(modifier, value, context));
    }
    applied.push(name);
  }
  // Values made for `re` keep their raw text only while modifiers run.
  state.values = values.map((value): QueryValue => ('raw' in value ? { kind: 'string', parts: (value as RawString).parts } : value));
  return state;
}

