/**
 * The one function that turns text into HTML. Every third-party string (rule titles, descriptions, ART
 * commands, Data Needed fields...) reaches the HTML site through it, directly or through the `html` tag
 * below. It escapes the five characters that matter in text and in quoted attribute values, so its
 * result is safe in both places.
 */
const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

const SPECIAL = /[&<>"']/g;

export function escapeHtml(text: string): string {
  // Called for every text node of 9,000 pages: most text has nothing to escape and is returned as it is,
  // and the rest is copied in runs between the special characters (about twice as fast as a replace
  // with a callback, which calls back once per character).
  SPECIAL.lastIndex = 0;
  let match = SPECIAL.exec(text);
  if (match === null) return text;
  let out = '';
  let copied = 0;
  do {
    out += text.slice(copied, match.index) + HTML_ESCAPES[match[0]]!;
    copied = match.index + 1;
    match = SPECIAL.exec(text);
  } while (match !== null);
  return out + text.slice(copied);
}

/** HTML that is already safe: produced by the `html` tag, by escapeHtml, or by markdown-it with raw HTML disabled. */
export class SafeHtml {
  constructor(readonly value: string) {}
  toString(): string {
    return this.value;
  }
}

export type HtmlValue = SafeHtml | string | number | boolean | null | undefined | readonly HtmlValue[];

/** Text or markup as HTML: SafeHtml is kept, arrays are joined, null/undefined/false vanish, everything else is escaped. */
export function toHtml(value: HtmlValue): string {
  if (value instanceof SafeHtml) return value.value;
  if (value === null || value === undefined || value === false) return '';
  if (Array.isArray(value)) {
    let out = '';
    for (const item of value as readonly HtmlValue[]) out += toHtml(item);
    return out;
  }
  return escapeHtml(String(value));
}

/**
 * Tagged template for HTML: the literal parts are markup, every interpolated value is escaped unless it
 * is SafeHtml. `html\`<a href="${url}">${title}</a>\`` escapes both the URL and the title.
 */
export function html(strings: TemplateStringsArray, ...values: HtmlValue[]): SafeHtml {
  let out = strings[0]!;
  for (let index = 0; index < values.length; index += 1) out += toHtml(values[index]!) + strings[index + 1]!;
  return new SafeHtml(out);
}

/** Joins fragments with a separator (itself markup). */
export function join(items: readonly HtmlValue[], separator = ''): SafeHtml {
  return new SafeHtml(items.map(toHtml).join(separator));
}

