import { isWebUrl } from './web-url.ts';

/**
 * The only place that writes markdown syntax around third-party text. Rule descriptions, ART commands
 * and the like must render literally: on GitHub, in markdown-it with HTML disabled, and in our HTML site.
 * So text is escaped for HTML (`<PID>` is not a tag) and for markdown (`C:\Users\<USER>` keeps its
 * backslashes, `*` is not emphasis, `|` does not end a table cell).
 */

const HTML_ENTITY: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;' };

/**
 * What ends a line for some reader: CommonMark's LF, CR and CR LF, and the Unicode line and paragraph
 * separators other tools break on. A table row or a heading must not contain any of them.
 */
const LINE_BREAK = /\r\n|[\n\r\u2028\u2029]/g;

/**
 * Escapes inline text, which is one line: line breaks become spaces. `|` is escaped everywhere, so that
 * text can go into a table cell as it is and no line of prose reads as a table row. `_` is escaped only
 * where it could delimit emphasis (next to a non-word character), because identifiers such as
 * DN_0001_4688_windows_process_creation must stay readable in the source.
 */
export function escapeText(text: string): string {
  return text
    .replace(LINE_BREAK, ' ')
    .replace(/[\\`*[\]~|]/g, (character) => `\\${character}`)
    .replace(/(?<![A-Za-z0-9])_|_(?![A-Za-z0-9])/g, '\\_')
    .replace(/[&<>]/g, (character) => HTML_ENTITY[character]!);
}

/** Escapes text for a table cell, where line breaks become `<br>` since a cell is one line. */
export function escapeCell(text: string): string {
  return text.trim().split(LINE_BREAK).map(escapeText).join('<br>');
}

/**
 * Multi-line prose (ART test descriptions): escaped line by line, keeping paragraphs. Line starts need
 * more than inline escaping: `# x` would be a heading, `- x` or `1986. x` a list, `===` / `---` under a
 * line a heading, and indentation a code block.
 */
export function escapeParagraphs(text: string): string {
  return text
    .trim()
    .split(LINE_BREAK)
    .map((line) => escapeLineStart(escapeText(line.trim())))
    .join('\n');
}

/** An escaped line that starts a block as text: not a heading, list item, setext underline or table delimiter row. */
export function escapeLineStart(line: string): string {
  const ordered = /^(\d{1,9})([.)])/.exec(line);
  if (ordered) return `${ordered[1]}\\${ordered[2]}${line.slice(ordered[0].length)}`;
  return /^[#+=:-]/.test(line) ? `\\${line}` : line;
}

/**
 * A link. The target is percent-encoded where markdown would misread it (spaces, parentheses, angle
 * brackets, pipes); the text is escaped like any other text.
 */
export function link(text: string, target: string): string {
  return `[${escapeText(text)}](${encodeLinkTarget(target)})`;
}

/**
 * A link destination as markdown must spell it. Readers decode entities in a destination, so `&` is
 * written `\&`: else `&#106;avascript:`, a relative path to us, reads as `javascript:` to them
 * (percent-encoding it instead would turn a query string's separators into data).
 */
export function encodeLinkTarget(target: string): string {
  return target.replace(/[\s()<>|"\\]/g, (character) => `%${character.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`).replace(/&/g, '\\&');
}

/** A reference from a rule or entry: a link when it is a URL, text otherwise. */
export function reference(text: string): string {
  const trimmed = text.trim();
  return isWebUrl(trimmed) ? link(trimmed, trimmed) : escapeText(trimmed);
}

/** `<ul><li>…</li></ul>` inside a table cell, as the seed page lays out lists; items are already markdown (escapeText, link). */
export function cellList(items: readonly string[], empty: string): string {
  return items.length === 0 ? escapeText(empty) : `<ul>${items.map((item) => `<li>${item}</li>`).join('')}</ul>`;
}

/** A fenced code block whose fence is longer than any backtick run inside, so no content can close it. */
export function codeBlock(content: string, language = ''): string {
  const fence = '`'.repeat(Math.max(3, longestBacktickRun(content) + 1));
  // trimEnd, not /\s+$/: the regex retries at every run of blanks, quadratic on long queries.
  return `${fence}${language}\n${content.trimEnd()}\n${fence}`;
}

/** A two-column key/value table in the seed's layout; values are already markdown. */
export function keyValueTable(title: string, rows: ReadonlyArray<readonly [string, string]>): string {
  const width = Math.max(20, ...rows.map(([label]) => label.length));
  const lines = [`| ${'Title'.padEnd(width)} | ${title} |`, `|:${'-'.repeat(width + 1)}|:${'-'.repeat(156)}|`];
  for (const [label, value] of rows) lines.push(`| ${label.padEnd(width)} | ${value} |`);
  return lines.join('\n');
}

/** A table with a header row; cells are already markdown. */
export function table(header: readonly string[], rows: ReadonlyArray<readonly string[]>): string {
  return [`| ${header.join(' | ')} |`, `|${header.map(() => ':---').join('|')}|`, ...rows.map((row) => `| ${row.join(' | ')} |`)].join('\n');
}

/** An inline code span: shows its text literally (backslashes included); only backticks need care. */
export function inlineCode(text: string): string {
  const flat = text.replace(LINE_BREAK, ' ');
  const fence = '`'.repeat(longestBacktickRun(flat) + 1);
  const padding = flat.startsWith('`') || flat.endsWith('`') || flat.startsWith(' ') ? ' ' : '';
  return flat === '' ? '' : `${fence}${padding}${flat}${padding}${fence}`;
}

/**
 * An inline code span in a table cell. A GFM row is split at every `|` not written `\|`, inside code
 * spans too, before inline syntax is read; readers disagree on a backslash already in front of a `|`
 * (cmark-gfm may then split the cell, markdown-it does not), so such text is written as escaped text
 * instead: it loses the code font, never the table's shape.
 */
export function codeCell(text: string): string {
  return text.includes('\\|') ? escapeCell(text) : inlineCode(text).replace(/\|/g, '\\|');
}

/** A loop, not Math.max(...runs): spreading a rule with a hundred thousand backtick runs overflows the stack. */
function longestBacktickRun(text: string): number {
  let longest = 0;
  for (const match of text.matchAll(/`+/g)) longest = Math.max(longest, match[0].length);
  return longest;
}
