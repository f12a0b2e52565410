import type { RawValue } from '../sigma-rule.ts';
import { windashVariants } from '../windash.ts';
import type { LegacyScalar } from './legacy-tree.ts';

/**
 * sigmac's value modifiers, which worked on the raw rule text (Sigma escapes included) rather than on
 * parsed strings. sigmac 0.13 knew contains, all, base64, base64offset, utf16*, wide and re; the others
 * are rendered the same way later sigmac versions did, so that current rules convert in the same style.
 */
export type LegacyModifierResult =
  | { readonly kind: 'values'; readonly values: readonly (LegacyScalar | Uint8Array)[]; readonly list: boolean; readonly all: boolean }
  | { readonly kind: 'regex'; readonly pattern: string; readonly flags: string }
  | { readonly kind: 'compare'; readonly operator: '>' | '>=' | '<' | '<='; readonly values: readonly string[]; readonly all: boolean }
  | { readonly kind: 'exists'; readonly exists: boolean }
  | { readonly kind: 'neq'; readonly values: readonly LegacyScalar[]; readonly list: boolean }
  | { readonly kind: 'unsupported'; readonly reason: string };

type Transform = (value: LegacyScalar | Uint8Array) => LegacyScalar | Uint8Array | readonly (LegacyScalar | Uint8Array)[];

const asText = (value: LegacyScalar | Uint8Array): string => (typeof value === 'string' ? value : typeof value === 'number' ? String(value) : Buffer.from(value).toString('latin1'));
const asBytes = (value: LegacyScalar | Uint8Array): Buffer => (value instanceof Uint8Array ? Buffer.from(value) : Buffer.from(String(value), 'utf8'));

const OFFSET_STARTS = [0, 2, 3] as const;
const OFFSET_ENDS = [undefined, -3, -2] as const;

/** name → transformation of one raw value (lists are mapped and flattened). */
const TRANSFORMS: Readonly<Record<string, Transform>> = {
  contains: (value) => {
    let text = asText(value);
    if (!text.startsWith('*')) text = '*' + text;
    if (!text.endsWith('*')) text += text.endsWith('\\') ? '\\*' : '*';
    return text;
  },
  startswith: (value) => {
    const text = asText(value);
    return text.endsWith('*') ? text : text + (text.endsWith('\\') ? '\\*' : '*');
  },
  endswith: (value) => {
    const text = asText(value);
    return text.startsWith('*') ? text : '*' + text;
  },
  base64: (value) => asBytes(value).toString('base64'),
  base64offset: (value) => {
    const bytes = asBytes(value);
    return [0, 1, 2].map((i) => {
      const encoded = Buffer.concat([Buffer.alloc(i, 0x20), bytes]).toString('base64');
      const end = OFFSET_ENDS[(bytes.length + i) % 3];
      return encoded.slice(OFFSET_STARTS[i], end);
    });
  },
  utf16le: (value) => Buffer.from(asText(value), 'utf16le'),
  wide: (value) => Buffer.from(asText(value), 'utf16le'),
  utf16be: (value) => Buffer.from(asText(value), 'utf16le').swap16(),
  // Python's "utf-16" codec writes a little-endian byte-order mark first.
  utf16: (value) => Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(asText(value), 'utf16le')]),
  windash: (value) => windashVariants(asText(value)),
  expand: (value) => value,
  cased: (value) => value,
};

const COMPARE: Readonly<Record<string, '>' | '>=' | '<' | '<='>> = { gt: '>', gte: '>=', lt: '<', lte: '<=' };

export function applyLegacyModifiers(modifiers: readonly string[], raw: readonly RawValue[], list: boolean): LegacyModifierResult {
  let values: (LegacyScalar | Uint8Array)[] = raw.map((value) => (typeof value === 'boolean' ? (value ? 'true' : 'false') : value === null ? '' : value));
  let isList = list;
  let all = false;
  for (let i = 0; i < modifiers.length; i++) {
    const name = modifiers[i]!;
    if (name === 'all') {
      all = true;
      continue;
    }
    if (name === 're') {
      const flags = modifiers.slice(i + 1).filter((flag) => flag === 'i' || flag === 'm' || flag === 's').join('');
      const pattern = asText(values[0]!);
      // A trailing lone backslash would escape the closing `/` of the query-string regex.
      if (/(?:^|[^\\])(?:\\\\)*\\$/.test(pattern)) return { kind: 'unsupported', reason: `regular expression '${pattern}' ends with an incomplete escape` };
      return { kind: 'regex', pattern, flags };
    }
    if (name === 'exists') return { kind: 'exists', exists: raw[0] === true || raw[0] === 'true' };
    if (name === 'fieldref') return { kind: 'unsupported', reason: 'field references (|fieldref) are not supported by this target' };
    if (name === 'cidr') continue;
    if (name === 'neq') return { kind: 'neq', values: values.map(asText), list: isList };
    const operator = COMPARE[name];
    if (operator) return { kind: 'compare', operator, values: values.map(asText), all };
    if (name === 'expand' && values.some((value) => /%\w+%/.test(asText(value)))) {
      return { kind: 'unsupported', reason: `placeholders (|expand) need a pipeline that fills them: ${values.map(asText).join(', ')}` };
    }
    const transform = TRANSFORMS[name];
    if (!transform) return { kind: 'unsupported', reason: `modifier "${name}" is not supported by this target` };
    const next: (LegacyScalar | Uint8Array)[] = [];
    for (const value of values) {
      const result = transform(value);
      if (Array.isArray(result)) {
        next.push(...result);
        isList = true;
      } else {
        next.push(result as LegacyScalar | Uint8Array);
      }
    }
    values = next;
  }
  return { kind: 'values', values: values.map((value) => (value instanceof Uint8Array ? asText(value) : value)), list: isList, all };
}
