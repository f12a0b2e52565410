/**
 * The registry of Sigma value modifiers (Sigma specification 2.0, "Value modifiers"). Each entry says
 * which value kinds it accepts and what it turns them into, so a chain like `re|contains` or a stray
 * `i` is rejected at parse time with the modifier's name, the way pySigma rejects it.
 */
export type ValueKind = 'string' | 'number' | 'boolean' | 'null' | 'bytes' | 'regex' | 'cidr' | 'exists' | 'fieldref' | 'compare';

export interface ModifierSpec {
  readonly name: string;
  /** One line, shown in error messages and docs. */
  readonly summary: string;
  readonly accepts: readonly ValueKind[];
  /** `same` keeps the input kind (flags and list linking). */
  readonly produces: ValueKind | 'same';
  /** sigmac 0.13 knew this modifier (the legacy converters accept only these in 2019 rules). */
  readonly legacy: boolean;
}

const TEXT: readonly ValueKind[] = ['string', 'number'];

const SPECS: readonly ModifierSpec[] = [
  { name: 'contains', summary: 'wildcards around the value', accepts: TEXT, produces: 'string', legacy: true },
  { name: 'startswith', summary: 'wildcard after the value', accepts: TEXT, produces: 'string', legacy: false },
  { name: 'endswith', summary: 'wildcard before the value', accepts: TEXT, produces: 'string', legacy: false },
  { name: 'all', summary: 'AND instead of OR over the values of a list', accepts: ['string', 'number', 'boolean', 'null', 'bytes', 'regex', 'cidr', 'fieldref', 'compare'], produces: 'same', legacy: true },
  { name: 'base64', summary: 'Base64 encoding of the value', accepts: ['string', 'number', 'bytes'], produces: 'string', legacy: true },
  { name: 'base64offset', summary: 'the three Base64 encodings of the value at any offset', accepts: ['string', 'number', 'bytes'], produces: 'string', legacy: true },
  { name: 'utf16le', summary: 'UTF-16 little-endian bytes (for base64)', accepts: TEXT, produces: 'bytes', legacy: true },
  { name: 'utf16be', summary: 'UTF-16 big-endian bytes (for base64)', accepts: TEXT, produces: 'bytes', legacy: true },
  { name: 'utf16', summary: 'UTF-16 bytes with byte-order mark (for base64)', accepts: TEXT, produces: 'bytes', legacy: true },
  { name: 'wide', summary: 'alias of utf16le', accepts: TEXT, produces: 'bytes', legacy: true },
  { name: 'windash', summary: 'every Windows option dash variant (- / – — ―)', accepts: TEXT, produces: 'string', legacy: false },
  { name: 're', summary: 'the value is a regular expression', accepts: TEXT, produces: 'regex', legacy: true },
  { name: 'i', summary: 'regular expression flag: case-insensitive', accepts: ['regex'], produces: 'regex', legacy: false },
  { name: 'm', summary: 'regular expression flag: multi-line', accepts: ['regex'], produces: 'regex', legacy: false },
  { name: 's', summary: 'regular expression flag: dot matches newline', accepts: ['regex'], produces: 'regex', legacy: false },
  { name: 'cidr', summary: 'the value is an IPv4 or IPv6 network', accepts: ['string'], produces: 'cidr', legacy: false },
  { name: 'exists', summary: 'the field is present (true) or absent (false)', accepts: ['boolean'], produces: 'exists', legacy: false },
  { name: 'expand', summary: 'the value holds %placeholders% filled by a pipeline', accepts: ['string'], produces: 'string', legacy: false },
  { name: 'fieldref', summary: 'the value names another field to compare with', accepts: ['string'], produces: 'fieldref', legacy: false },
  { name: 'gt', summary: 'greater than the number', accepts: ['number'], produces: 'compare', legacy: false },
  { name: 'gte', summary: 'greater than or equal to the number', accepts: ['number'], produces: 'compare', legacy: false },
  { name: 'lt', summary: 'less than the number', accepts: ['number'], produces: 'compare', legacy: false },
  { name: 'lte', summary: 'less than or equal to the number', accepts: ['number'], produces: 'compare', legacy: false },
  { name: 'neq', summary: 'the field does not equal the value', accepts: ['string', 'number', 'boolean'], produces: 'same', legacy: false },
  { name: 'cased', summary: 'case-sensitive matching', accepts: ['string'], produces: 'string', legacy: false },
];

export const MODIFIERS: ReadonlyMap<string, ModifierSpec> = new Map(SPECS.map((spec) => [spec.name, spec]));

/** Spelled-out regex flags accepted by pySigma besides `i`, `m`, `s`. */
const FLAG_ALIASES: Readonly<Record<string, string>> = { ignorecase: 'i', multiline: 'm', dotall: 's' };

export function canonicalModifier(name: string): string {
  return FLAG_ALIASES[name] ?? name;
}

export function kindOfRawValue(value: unknown): ValueKind {
  if (value === null) return 'null';
  if (typeof value === 'string') return 'string';
  if (typeof value === 'number') return 'number';
  if (typeof value === 'boolean') return 'boolean';
  return 'string';
}

/**
 * Checks a modifier chain against the kinds of the values it applies to. Returns an error message naming
 * the first offending modifier, or undefined.
 */
export function checkModifierChain(modifiers: readonly string[], valueKinds: readonly ValueKind[]): string | undefined {
  if (modifiers.length === 0) return undefined;
  for (const initial of new Set(valueKinds)) {
    let kind: ValueKind = initial;
    for (const written of modifiers) {
      const spec = MODIFIERS.get(canonicalModifier(written));
      if (!spec) return `unknown modifier "${written}"`;
      // `Field|contains: null` and the like: null short-circuits every modifier except exists.
      if (kind === 'null' && spec.name !== 'all') return `modifier "${written}" cannot apply to null`;
      if (!spec.accepts.includes(kind)) {
        if ((spec.name === 'i' || spec.name === 'm' || spec.name === 's') && kind !== 'regex') {
          return `modifier "${written}" is a regular expression flag and must follow "re"`;
        }
        return `modifier "${written}" cannot apply to a ${describe(kind)}`;
      }
      if (spec.produces !== 'same') kind = spec.produces;
    }
    if (kind === 'bytes') return `modifier "${modifiers.find((m) => /^(?:utf16(?:le|be)?|wide)$/.test(m))}" must be followed by "base64" or "base64offset"`;
  }
  return undefined;
}

function describe(kind: ValueKind): string {
  switch (kind) {
    case 'string':
      return 'string';
    case 'number':
      return 'number';
    case 'boolean':
      return 'boolean';
    case 'null':
      return 'null value';
    case 'bytes':
      return 'byte sequence (after an encoding modifier)';
    case 'regex':
      return 'regular expression';
    case 'cidr':
      return 'network';
    case 'exists':
      return 'exists test';
    case 'fieldref':
      return 'field reference';
    case 'compare':
      return 'comparison';
  }
}
