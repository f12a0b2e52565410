import path from 'node:path';

/**
 * The link walk over generated markdown pages, in memory: every relative link must reach a page that is
 * generated, and every `#anchor` a heading or an `id="..."` of its page. Used by `atc check` / `atc
 * build` (issue code broken-link) and by tests/render/markdown-links.test.ts, which also compares the
 * links found here with markdown-it's parse of the same pages.
 *
 * The scanner reads the markdown the renderer writes (and the markdown authors write into Logging
 * Policies and Enrichments): it skips fenced code blocks and inline code spans, honours backslash
 * escapes, and takes `[text](target)` and `![alt](target)` links. It is a scanner rather than a full
 * CommonMark parse because it runs on every build (thousands of pages in well under a second).
 */

export interface MarkdownLink {
  readonly href: string;
  /** Offset of the start of the link's line in its page (see lineAt). */
  readonly offset: number;
}

export interface BrokenLink {
  /** The page holding the link, relative to the output folder. */
  readonly page: string;
  readonly href: string;
  readonly line: number;
  /** What is wrong: "missing markdown/B/c.md", "no heading or id "x" in ...". */
  readonly problem: string;
}

export interface LinkWalk {
  readonly pages: number;
  /** Links to another page (with or without an anchor). */
  readonly relativeLinks: number;
  /** Links with an anchor (to the same page or another one). */
  readonly anchorLinks: number;
  readonly broken: readonly BrokenLink[];
}

const EXTERNAL = /^[a-z][a-z0-9+.-]*:/i;

/** The links of a page, in order, outside code. Only lines holding `](` are scanned, so a page costs little more than a search. */
export function markdownLinks(text: string): MarkdownLink[] {
  const links: MarkdownLink[] = [];
  let position = text.indexOf('](');
  if (position === -1) return links;
  const fences = fencedRanges(text);
  let fence = 0;
  while (position !== -1) {
    const lineStart = text.lastIndexOf('\n', position) + 1;
    let lineEnd = text.indexOf('\n', position);
    if (lineEnd === -1) lineEnd = text.length;
    while (fence < fences.length && fences[fence]![1] < lineStart) fence += 1;
    const inFence = fence < fences.length && fences[fence]![0] <= lineStart;
    if (!inFence) for (const href of linksInLine(text.slice(lineStart, lineEnd).replace(/\r$/, ''))) links.push({ href, offset: lineStart });
    position = text.indexOf('](', lineEnd);
  }
  return links;
}

/**
 * The 1-based line of offsets asked for in increasing order: each call counts on from the last one, so
 * a page with a broken link on every line is read once, not once per link.
 */
function lineCounter(text: string): (offset: number) => number {
  let line = 1;
  let counted = 0;
  return (offset) => {
    for (let newline = text.indexOf('\n', counted); newline !== -1 && newline < offset; newline = text.indexOf('\n', newline + 1)) line += 1;
    counted = Math.max(counted, offset);
    return line;
  };
}

/** Anchors a page offers: `id="..."` attributes and GitHub's slugs of its headings (outside code). */
export function markdownAnchors(text: string): Set<string> {
  const anchors = headingSlugs(text);
  for (const match of text.matchAll(/\bid="([^"]+)"/g)) anchors.add(match[1]!);
  return anchors;
}

function headingSlugs(text: string): Set<string> {
  const anchors = new Set<string>();
  const fences = fencedRanges(text);
  let fence = 0;
  // Only the bounded prefix is a regex; the heading text is cut by hand, since a lazy `(.+?) *#*$` over
  // a long line of spaces backtracks quadratically.
  for (const match of text.matchAll(/^#{1,6} /gm)) {
    while (fence < fences.length && fences[fence]![1] < match.index) fence += 1;
    if (fence < fences.length && fences[fence]![0] <= match.index) continue;
    LINE_END.lastIndex = match.index;
    const end = LINE_END.exec(text)?.index ?? text.length;
    const heading = headingText(text.slice(match.index + match[0].length - 1, end));
    if (heading !== undefined) anchors.add(headingSlug(heading));
  }
  return anchors;
}

/** The line terminators of a multiline regex's `^` and `$`. */
const LINE_END = /[\n\r\u2028\u2029]/g;

/**
 * The text of an ATX heading from what follows its `#` marks (starting with at least one space), as
 * `/^#{1,6} +(.+?) *#*$/m` reads it: spaces before, then closing `#`s and the spaces before them, are
 * not part of it, and it is never empty.
 */
function headingText(afterMarks: string): string | undefined {
  let start = 0;
  while (afterMarks[start] === ' ') start += 1;
  // Only spaces: the regex gives one of them to the heading, if it can keep one for the ` +`.
  if (start === afterMarks.length) return start >= 2 ? ' ' : undefined;
  let end = afterMarks.length;
  while (end > start + 1 && afterMarks[end - 1] === '#') end -= 1;
  while (end > start + 1 && afterMarks[end - 1] === ' ') end -= 1;
  return afterMarks.slice(start, end);
}

/** GitHub's heading anchors: lower case, tags and punctuation dropped, spaces to hyphens. */
export function headingSlug(heading: string): string {
  return withoutTags(heading.trim().toLowerCase())
    .replace(/[^\p{L}\p{N}\s_-]/gu, '')
    .replace(/\s/g, '-');
}

/**
 * `text` with every `<` up to the next `>` removed. Once a `<` has no `>` after it, no later one has:
 * stopping there keeps a heading full of `<` linear, where `/<[^>]*>/g` rescanned the rest from each.
 */
function withoutTags(text: string): string {
  let result = '';
  let from = 0;
  for (let open = text.indexOf('<'); open !== -1; open = text.indexOf('<', from)) {
    const close = text.indexOf('>', open + 1);
    if (close === -1) break;
    result += text.slice(from, open);
    from = close + 1;
  }
  return result + text.slice(from);
}

/**
 * Markdown pages by path (relative to the output folder, with forward slashes) → content. A Map is one;
 * the build's pages are read through one that decodes each page when asked (src/check/run-checks.ts), so
 * the walk never holds every page's text at once.
 */
export interface MarkdownPages extends Iterable<readonly [string, string]> {
  readonly size: number;
  has(page: string): boolean;
  get(page: string): string | undefined;
}

/** Walks the relative links of `pages`. A link may only reach pages of the same set: a target outside it is missing. */
export function walkMarkdownLinks(pages: MarkdownPages): LinkWalk {
  // Anchors are looked up among a page's ids first; its headings are only read when that fails.
  const idCache = new Map<string, Set<string>>();
  const headingCache = new Map<string, Set<string>>();
  const hasAnchor = (page: string, anchor: string): boolean => {
    let ids = idCache.get(page);
    if (!ids) idCache.set(page, (ids = new Set(Array.from((pages.get(page) ?? '').matchAll(/\bid="([^"]+)"/g), (match) => match[1]!))));
    if (ids.has(anchor)) return true;
    let headings = headingCache.get(page);
    if (!headings) headingCache.set(page, (headings = headingSlugs(pages.get(page) ?? '')));
    return headings.has(anchor);
  };
  // Pages in one folder share most link targets: resolve each (folder, path) once.
  const resolved = new Map<string, string>();
  const broken: BrokenLink[] = [];
  let relativeLinks = 0;
  let anchorLinks = 0;
  for (const [page, text] of pages) {
    const folder = path.posix.dirname(page);
    const lineAt = lineCounter(text);
    for (const { href, offset } of markdownLinks(text)) {
      if (EXTERNAL.test(href)) continue; // https:, mailto: ...
      const hash = href.indexOf('#');
      const rawPath = hash === -1 ? href : href.slice(0, hash);
      let target = page;
      let problem: string | undefined;
      if (rawPath !== '') {
        relativeLinks += 1;
        const key = `${folder}\u0000${rawPath}`;
        let found = resolved.get(key);
        if (found === undefined) {
          const targetPath = safeDecode(rawPath);
          found = targetPath.startsWith('/') ? '/' : path.posix.normalize(path.posix.join(folder, targetPath));
          resolved.set(key, found);
        }
        target = found;
        if (target === '/') problem = 'absolute link';
        else if (target.startsWith('../') || target === '..') problem = 'leaves the output folder';
        else if (!pages.has(target)) problem = `missing ${target}`;
      }
      if (problem === undefined && hash !== -1) {
        anchorLinks += 1;
        const anchor = safeDecode(href.slice(hash + 1));
        if (!hasAnchor(target, anchor)) problem = anchor.startsWith('test-') ? `no id="${anchor}" in ${target}` : `no heading or id "${anchor}" in ${target}`;
      }
      if (problem !== undefined) broken.push({ page, href, line: lineAt(offset), problem });
    }
  }
  return { pages: pages.size, relativeLinks, anchorLinks, broken };
}

export function describeBrokenLink(link: BrokenLink): string {
  return `${link.page}: ${link.href} → ${link.problem}`;
}

/**
 * Fenced code blocks as [start, end] offsets (from the opening fence line's start to the closing fence
 * line's end, or the end of the text when the block is never closed), in order.
 */
function fencedRanges(text: string): Array<[number, number]> {
  const ranges: Array<[number, number]> = [];
  let open: { start: number; marker: string } | undefined;
  for (const line of fenceLines(text)) {
    if (open === undefined) {
      // A backtick fence's info string cannot hold a backtick; such a line is inline code instead.
      if (line.marker[0] === '`' && line.rest.includes('`')) continue;
      open = { start: line.start, marker: line.marker };
    } else if (line.marker[0] === open.marker[0] && line.marker.length >= open.marker.length && line.rest.trim() === '') {
      ranges.push([open.start, line.end]);
      open = undefined;
    }
  }
  if (open !== undefined) ranges.push([open.start, text.length]);
  return ranges;
}

/** Lines that start (after up to three spaces) with three or more backticks or tildes, in order; found by search, not by a pass over every line. */
function fenceLines(text: string): Array<{ start: number; end: number; marker: string; rest: string }> {
  const lines: Array<{ start: number; end: number; marker: string; rest: string }> = [];
  for (const needle of ['```', '~~~']) {
    let position = text.indexOf(needle);
    while (position !== -1) {
      const start = text.lastIndexOf('\n', position - 1) + 1;
      let end = text.indexOf('\n', position);
      if (end === -1) end = text.length;
      if (position - start <= 3 && /^ *$/.test(text.slice(start, position))) {
        let markerEnd = position;
        while (text[markerEnd] === needle[0]) markerEnd += 1;
        lines.push({ start, end, marker: text.slice(position, markerEnd), rest: text.slice(markerEnd, end) });
      }
      position = text.indexOf(needle, end);
    }
  }
  return lines.sort((a, b) => a.start - b.start);
}

/** The link destinations of one line of prose: `[text](target)` and `![alt](target)`, outside code spans and escapes. */
function linksInLine(line: string): string[] {
  const hrefs: string[] = [];
  const scan = new LineScan(line);
  let open = 0;
  for (let index = 0; index < line.length; index++) {
    const character = line[index];
    if (character === '\\') {
      index += 1;
    } else if (character === '`') {
      let run = 1;
      while (line[index + run] === '`') run += 1;
      const close = scan.backtickRun(index + run, run);
      index = close === -1 ? index + run - 1 : close + run - 1;
    } else if (character === '[') {
      open += 1;
    } else if (character === ']' && open > 0) {
      open -= 1;
      if (line[index + 1] === '(') {
        const destination = readDestination(scan, index + 2);
        if (destination) {
          hrefs.push(destination.href);
          index = destination.end;
          open = 0;
        }
      }
    }
  }
  return hrefs;
}

/**
 * What the link reader looks up in one line: closing backtick runs, the end of a destination, title
 * closers. Each is indexed once per line, because a line of many unfinished links or code spans
 * otherwise rescans its rest from every one of them (quadratic). A scan always starts right after a
 * character that is not a backslash, so a character is escaped exactly when an odd run of backslashes
 * precedes it, wherever the scan began.
 */
class LineScan {
  private runs: Map<number, number[]> | undefined;
  private destinations: { depthBefore: Int32Array; nextStop: Int32Array; closeParens: Map<number, number[]> } | undefined;
  /** Positions of a character in the line, all or only the unescaped ones (key prefixed with `\\`). */
  private readonly found = new Map<string, number[]>();
  private escapedCache: Uint8Array | undefined;

  constructor(readonly line: string) {}

  /** Start of the first run of exactly `length` backticks at or after `from` (a run's end), or -1. */
  backtickRun(from: number, length: number): number {
    if (!this.runs) {
      this.runs = new Map();
      for (let index = 0; index < this.line.length; index++) {
        if (this.line[index] !== '`') continue;
        let run = 1;
        while (this.line[index + run] === '`') run += 1;
        const starts = this.runs.get(run) ?? [];
        starts.push(index);
        this.runs.set(run, starts);
        index += run - 1;
      }
    }
    return firstAtOrAfter(this.runs.get(length), from);
  }

  /**
   * Where a destination without `<` starting at `start` ends: the first unescaped space or control
   * character, or the first `)` that would close more parentheses than it opened; with whether its
   * parentheses balance.
   */
  destinationEnd(start: number): { end: number; balanced: boolean } {
    const { depthBefore, nextStop, closeParens } = (this.destinations ??= this.indexDestinations());
    const stop = nextStop[start] ?? this.line.length;
    const close = firstAtOrAfter(closeParens.get(depthBefore[start]!), start);
    if (close !== -1 && close < stop) return { end: close, balanced: true };
    return { end: stop, balanced: depthBefore[stop] === depthBefore[start] };
  }

  /** The first unescaped `character` at or after `from`, or -1. */
  nextUnescaped(character: string, from: number): number {
    return firstAtOrAfter(this.positions(character, true), from);
  }

  /** The first `character` at or after `from`, escaped or not, or -1. */
  next(character: string, from: number): number {
    return firstAtOrAfter(this.positions(character, false), from);
  }

  private positions(character: string, unescapedOnly: boolean): number[] {
    const key = `${unescapedOnly ? '\\' : ''}${character}`;
    let positions = this.found.get(key);
    if (!positions) {
      const escaped = unescapedOnly ? this.escaped() : undefined;
      positions = [];
      for (let index = this.line.indexOf(character); index !== -1; index = this.line.indexOf(character, index + 1)) if (!escaped?.[index]) positions.push(index);
      this.found.set(key, positions);
    }
    return positions;
  }

  private escaped(): Uint8Array {
    if (!this.escapedCache) {
      this.escapedCache = new Uint8Array(this.line.length);
      let backslashes = 0;
      for (let index = 0; index < this.line.length; index++) {
        this.escapedCache[index] = backslashes % 2;
        backslashes = this.line[index] === '\\' ? backslashes + 1 : 0;
      }
    }
    return this.escapedCache;
  }

  private indexDestinations(): { depthBefore: Int32Array; nextStop: Int32Array; closeParens: Map<number, number[]> } {
    const { line } = this;
    const escaped = this.escaped();
    const depthBefore = new Int32Array(line.length + 1);
    const closeParens = new Map<number, number[]>();
    for (let index = 0; index < line.length; index++) {
      const character = line[index]!;
      let step = 0;
      if (!escaped[index] && character === '(') step = 1;
      else if (!escaped[index] && character === ')') {
        step = -1;
        const closes = closeParens.get(depthBefore[index]!) ?? [];
        closes.push(index);
        closeParens.set(depthBefore[index]!, closes);
      }
      depthBefore[index + 1] = depthBefore[index]! + step;
    }
    const nextStop = new Int32Array(line.length + 1);
    nextStop[line.length] = line.length;
    for (let index = line.length - 1; index >= 0; index--) {
      nextStop[index] = !escaped[index] && line[index]! <= ' ' ? index : nextStop[index + 1]!;
    }
    return { depthBefore, nextStop, closeParens };
  }
}

/** The first element of an ascending list that is at least `from`, or -1. */
function firstAtOrAfter(sorted: readonly number[] | undefined, from: number): number {
  if (!sorted) return -1;
  let low = 0;
  let high = sorted.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (sorted[middle]! < from) low = middle + 1;
    else high = middle;
  }
  return low < sorted.length ? sorted[low]! : -1;
}

/**
 * A link destination after `](`, as CommonMark reads it: `<...>`, or a run without spaces or control
 * characters and with balanced parentheses; then optional spaces, an optional title ("...", '...' or
 * (...)), optional spaces and `)`. Anything else there means the brackets are not a link.
 */
function readDestination(scan: LineScan, start: number): { href: string; end: number } | undefined {
  const { line } = scan;
  let index = start;
  let href: string;
  if (line[index] === '<') {
    const close = scan.next('>', index + 1);
    if (close === -1) return undefined;
    const inner = line.slice(index + 1, close);
    if (inner.includes('<')) return undefined;
    href = inner;
    index = close + 1;
  } else {
    const destination = scan.destinationEnd(index);
    if (!destination.balanced) return undefined;
    href = line.slice(index, destination.end);
    index = destination.end;
  }
  while (line[index] === ' ' || line[index] === '\t') index += 1;
  const opener = line[index];
  if (opener === '"' || opener === "'" || opener === '(') {
    const close = scan.nextUnescaped(opener === '(' ? ')' : opener, index + 1);
    if (close === -1) return undefined;
    index = close + 1;
    while (line[index] === ' ' || line[index] === '\t') index += 1;
  }
  return line[index] === ')' ? { href, end: index } : undefined;
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}
