/**
 * Reads a generated markdown page back into its parts, so tests can compare pages the way the seed's
 * README asks: the table cell by cell (whitespace around cells is free), code blocks exactly.
 */

export interface PageSection {
  /** The heading text after `### `. */
  readonly heading: string;
  /** The content of the first fenced code block under the heading, without the fences (no final newline). */
  readonly code?: string;
  /** The fence's info string (language), when there is a code block. */
  readonly language?: string;
  /** The text between the heading and the next heading when there is no code block (trimmed). */
  readonly text?: string;
}

export interface MarkdownPage {
  /** Rows of the first table, delimiter row left out; each cell trimmed, outer pipes removed. */
  readonly tableRows: readonly (readonly string[])[];
  /** Every `## ` heading, in order. */
  readonly headings: readonly string[];
  /** Every `### ` heading with what follows it, in order. */
  readonly sections: readonly PageSection[];
}

/** Splits a table row on pipes that are not escaped (`\|` stays inside its cell). */
export function splitTableRow(line: string): string[] {
  const cells: string[] = [];
  let current = '';
  for (let index = 0; index < line.length; index++) {
    const character = line[index]!;
    if (character === '\\' && index + 1 < line.length) {
      current += character + line[index + 1]!;
      index += 1;
    } else if (character === '|') {
      cells.push(current);
      current = '';
    } else current += character;
  }
  cells.push(current);
  // `| a | b |` splits into ['', ' a ', ' b ', '']: the outer pipes are not cells.
  if (cells.length > 1 && cells[0]!.trim() === '') cells.shift();
  if (cells.length > 1 && cells[cells.length - 1]!.trim() === '') cells.pop();
  return cells.map((cell) => cell.trim());
}

const FENCE = /^(`{3,}|~{3,})(.*)$/;
const DELIMITER_ROW = /^\|?\s*:?-+:?\s*(\|\s*:?-+:?\s*)*\|?\s*$/;

export function parseMarkdownPage(markdown: string): MarkdownPage {
  const lines = markdown.replace(/\r\n/g, '\n').split('\n');
  const tableRows: string[][] = [];
  const headings: string[] = [];
  const sections: PageSection[] = [];
  let tableState: 'before' | 'inside' | 'after' = 'before';
  let current: { heading: string; code?: string; language?: string; text: string[] } | undefined;

  const closeSection = (): void => {
    if (!current) return;
    const text = current.text.join('\n').trim();
    sections.push({
      heading: current.heading,
      ...(current.code !== undefined && { code: current.code, language: current.language ?? '' }),
      ...(current.code === undefined && { text }),
    });
    current = undefined;
  };

  for (let index = 0; index < lines.length; index++) {
    const line = lines[index]!;
    const fence = FENCE.exec(line);
    if (fence) {
      // A fenced block: skip to its closing fence (same character, at least as long, nothing after it).
      const marker = fence[1]!;
      const body: string[] = [];
      let end = index + 1;
      while (end < lines.length && !new RegExp(`^${marker[0] === '`' ? '`' : '~'}{${marker.length},}\\s*$`).test(lines[end]!)) body.push(lines[end++]!);
      if (current && current.code === undefined) {
        current.code = body.join('\n');
        current.language = fence[2]!.trim();
      }
      index = end;
      continue;
    }
    if (tableState !== 'after' && line.startsWith('|')) {
      tableState = 'inside';
      if (!DELIMITER_ROW.test(line)) tableRows.push(splitTableRow(line));
      continue;
    }
    if (tableState === 'inside') tableState = 'after';
    if (line.startsWith('### ')) {
      closeSection();
      current = { heading: line.slice(4).trim(), text: [] };
      continue;
    }
    if (/^#{1,2} /.test(line)) {
      closeSection();
      if (line.startsWith('## ')) headings.push(line.slice(3).trim());
      continue;
    }
    if (current && current.code === undefined) current.text.push(line);
  }
  closeSection();
  return { tableRows, headings, sections };
}

/** The section with this heading; throws with the headings that exist, for a readable failure. */
export function sectionNamed(page: MarkdownPage, heading: string): PageSection {
  const found = page.sections.find((section) => section.heading === heading);
  if (!found) throw new Error(`no "### ${heading}" section; the page has: ${page.sections.map((section) => section.heading).join(', ') || 'none'}`);
  return found;
}
