import MarkdownIt, { type Token } from 'markdown-it';
import { codeBlock, codeCell, encodeLinkTarget, escapeLineStart, escapeParagraphs, escapeText, inlineCode, table } from './markdown-syntax.ts';

/**
 * Markdown written by a knowledge base's authors (Logging Policy `configuration`, Enrichment `config`)
 * is third-party text like any other. Both editions read it with one parser: raw HTML off (`<script>`,
 * `<!-- -->` and `<javascript:…>` are text), images off (no external requests), and links kept only
 * when they are http(s) or mailto URLs (never `javascript:`, `data:`, `vbscript:`...), reference
 * definitions included. Relative links are kept in the markdown edition, where they lead to its other
 * pages (and the broken-link check follows them), and dropped on the HTML site, where they would not.
 * The HTML site renders the parse (src/render/html/author-markdown.ts); the markdown edition writes it
 * back as markdown below, so that GitHub and any other renderer see only what the parser saw.
 */
export function createAuthorMarkdownParser(links: 'web' | 'web-and-relative'): MarkdownIt {
  const parser = new MarkdownIt({ html: false, linkify: false, typographer: false });
  parser.disable('image');
  // markdown-it hands over the URL entity-decoded and percent-encoded: `java&#x09;script:` is `java%09script:`, no scheme at all.
  parser.validateLink = (url: string): boolean => {
    const scheme = /^([A-Za-z][A-Za-z0-9+.-]*):/.exec(url.trim())?.[1]?.toLowerCase();
    return scheme === undefined ? links === 'web-and-relative' : WEB_SCHEMES.has(scheme);
  };
  return parser;
}

const WEB_SCHEMES = new Set(['http', 'https', 'mailto']);

/** Author headings sit under the page's own h2 sections, so they move down two levels (h1 → h3). */
export function authorHeadingLevel(level: number): number {
  return Math.min(6, level + 2);
}

const parser = createAuthorMarkdownParser('web-and-relative');

/** Fence info strings kept as the block's language: a plain word (`xml`, `powershell`, `c++`), nothing else. */
const LANGUAGE = /^[A-Za-z0-9_+.#-]{1,32}$/;

interface Node {
  readonly token: Token;
  readonly children: Node[];
}

/**
 * Author markdown written back as markdown: every text escaped (escapeText), code as our own code spans
 * and fences, links only those the parser accepted, with their destination percent-encoded. Nothing of
 * the author's syntax is copied, so nothing the parser did not see as text can reach a reader as markup.
 */
export function authorMarkdownToMarkdown(text: string): string {
  return joinBlocks(blockTree(parser.parse(text, {})), false).join('\n');
}

/** markdown-it's flat token stream as a tree: an `_open` token holds what comes before its `_close`. */
function blockTree(tokens: readonly Token[]): Node[] {
  const root: Node[] = [];
  const open: Node[][] = [root];
  for (const token of tokens) {
    if (token.nesting === -1) {
      open.pop();
      continue;
    }
    const node: Node = { token, children: [] };
    open[open.length - 1]!.push(node);
    if (token.nesting === 1) open.push(node.children);
  }
  return root;
}

/** Blocks one after another: a blank line between them, none in a tight list item. */
function joinBlocks(nodes: readonly Node[], tight: boolean): string[] {
  const lines: string[] = [];
  for (const node of nodes) {
    const block = renderBlock(node);
    if (block.length === 0) continue;
    if (lines.length > 0 && !tight) lines.push('');
    lines.push(...block);
  }
  return lines;
}

function renderBlock(node: Node): string[] {
  const { token, children } = node;
  switch (token.type) {
    case 'paragraph_open':
      return inlineOf(children)
        .split('\n')
        .map((line) => escapeLineStart(line.replace(/^[ \t]+/, '')));
    case 'heading_open':
      // A heading's trailing `#`s are its closing sequence, not text: one written `\#` stays.
      return [`${'#'.repeat(authorHeadingLevel(Number(token.tag.slice(1))))} ${inlineOf(children, 'line').replace(/#$/, '\\#')}`.trimEnd()];
    case 'blockquote_open':
      return joinBlocks(children, false).map((line) => (line === '' ? '>' : `> ${line}`));
    case 'bullet_list_open':
    case 'ordered_list_open':
      return renderList(node);
    case 'fence': {
      const language = token.info.trim().split(/\s/, 1)[0] ?? '';
      return codeBlock(token.content, LANGUAGE.test(language) ? language : '').split('\n');
    }
    case 'code_block':
      return codeBlock(token.content).split('\n');
    case 'hr':
      // Not `---`: under a paragraph line (a tight list item) that would make the line a heading.
      return ['***'];
    case 'table_open':
      return renderTable(node);
    default:
      // Nothing else comes out of this parser's rules; were one added, its text still shows as text.
      return token.content ? escapeParagraphs(token.content).split('\n') : joinBlocks(children, false);
  }
}

function renderList(node: Node): string[] {
  const ordered = node.token.type === 'ordered_list_open';
  let number = Number(node.token.attrGet('start') ?? 1);
  // markdown-it hides the paragraphs of a tight list's items; a loose list keeps blank lines between blocks.
  const tight = node.children.every((item) => item.children.every((child) => child.token.type !== 'paragraph_open' || child.token.hidden));
  const lines: string[] = [];
  for (const item of node.children) {
    const marker = ordered ? `${number++}.` : '-';
    const indent = ' '.repeat(marker.length + 1);
    const body = joinBlocks(item.children, tight);
    if (lines.length > 0 && !tight) lines.push('');
    lines.push(body.length === 0 ? marker : `${marker} ${body[0]}`, ...body.slice(1).map((line) => (line === '' ? '' : indent + line)));
  }
  return lines;
}

function renderTable(node: Node): string[] {
  const rows = node.children.flatMap((section) => section.children).map((row) => row.children.map((cell) => inlineOf(cell.children, 'cell')));
  const [header, ...body] = rows;
  return header ? table(header, body).split('\n') : [];
}

/**
 * The inline content of a block, written back. `line` joins soft and hard breaks into one line (a
 * heading); `cell` also writes code spans the way a table cell needs them.
 */
function inlineOf(blockChildren: readonly Node[], mode: 'block' | 'line' | 'cell' = 'block'): string {
  const inline = blockChildren.find((child) => child.token.type === 'inline');
  let out = '';
  const targets: string[] = [];
  for (const token of inline?.token.children ?? []) {
    switch (token.type) {
      case 'text':
        out += escapeText(token.content);
        break;
      case 'code_inline':
        out += mode === 'cell' ? codeCell(token.content) : inlineCode(token.content);
        break;
      case 'softbreak':
        out += mode === 'block' ? '\n' : ' ';
        break;
      case 'hardbreak':
        out += mode === 'block' ? '\\\n' : ' ';
        break;
      case 'link_open':
        targets.push(encodeLinkTarget(token.attrGet('href') ?? ''));
        // Images are off, so `![x](y)` was read as `!` and a link; other readers would load an image.
        out = `${out.endsWith('!') ? `${out.slice(0, -1)}\\!` : out}[`;
        break;
      case 'link_close':
        out += `](${targets.pop() ?? ''})`;
        break;
      case 'em_open':
      case 'em_close':
        out += '*';
        break;
      case 'strong_open':
      case 'strong_close':
        out += '**';
        break;
      case 's_open':
      case 's_close':
        out += '~~';
        break;
      default:
        out += escapeText(token.content);
    }
  }
  return out;
}
