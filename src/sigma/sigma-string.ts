/**
 * A Sigma string value after unescaping: literal text runs and wildcards. Sigma escapes are `\*`, `\?`
 * and `\\`; a backslash before anything else is an ordinary character (so `C:\Windows` needs no
 * doubling), which is how both pySigma and sigmac read rule values.
 */
export interface Wildcard {
  readonly wildcard: '*' | '?';
}

export const ANY: Wildcard = Object.freeze({ wildcard: '*' });
export const ONE: Wildcard = Object.freeze({ wildcard: '?' });

/** Literal runs are plain strings; adjacent literals are always merged, so `parts` is canonical. */
export type StringPart = string | Wildcard;

export interface SigmaString {
  readonly kind: 'string';
  readonly parts: readonly StringPart[];
}

export function isWildcard(part: StringPart): part is Wildcard {
  return typeof part !== 'string';
}

export function parseSigmaString(raw: string): SigmaString {
  // Fast path: most values carry neither wildcards nor backslashes.
  if (!/[*?\\]/.test(raw)) return { kind: 'string', parts: raw === '' ? [] : [raw] };
  const parts: StringPart[] = [];
  let literal = '';
  for (let i = 0; i < raw.length; i++) {
    const c = raw[i]!;
    if (c === '\\') {
      const next = raw[i + 1];
      if (next === '*' || next === '?' || next === '\\') {
        literal += next;
        i++;
      } else {
        literal += c;
      }
    } else if (c === '*' || c === '?') {
      if (literal) parts.push(literal);
      literal = '';
      parts.push(c === '*' ? ANY : ONE);
    } else {
      literal += c;
    }
  }
  if (literal) parts.push(literal);
  return { kind: 'string', parts };
}

/** Adjacent literal runs merged and empty runs dropped (pySigma's _merge_strs), whatever the other parts are. */
export function mergeLiteralRuns<Part>(parts: readonly (string | Part)[]): (string | Part)[] {
  const merged: (string | Part)[] = [];
  for (const part of parts) {
    if (typeof part === 'string') {
      if (part === '') continue;
      const last = merged[merged.length - 1];
      if (typeof last === 'string') merged[merged.length - 1] = last + part;
      else merged.push(part);
    } else {
      merged.push(part);
    }
  }
  return merged;
}

/** The text with wildcards as plain characters: what encoding modifiers (base64, utf16) operate on. */
export function plainText(value: SigmaString): string {
  let text = '';
  for (const part of value.parts) text += typeof part === 'string' ? part : part.wildcard;
  return text;
}

/** Back to Sigma source notation (escaping literal `*`, `?` and `\`), e.g. for messages. */
export function formatSigmaString(value: SigmaString): string {
  let text = '';
  for (const part of value.parts) text += typeof part === 'string' ? part.replace(/[*?\\]/g, '\\$&') : part.wildcard;
  return text;
}
