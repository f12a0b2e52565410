import { escapeHtml, SafeHtml } from './escape-html.ts';

/** Rules longer than this (characters) are shown unhighlighted, as their escaped text. */
export const HIGHLIGHTED_CHARACTERS = 64_000;

/**
 * Syntax highlighting for Sigma rules, at build time: a line-based YAML tokenizer that wraps keys,
 * strings, numbers, booleans, comments and block scalars in spans (classes `y-*`, coloured by site.css).
 * It never changes the text: stripping the tags gives back the escaped input, byte for byte, which a
 * test checks. It aims at the YAML that rules are written in, not at the whole YAML grammar; anything
 * it does not recognise is shown plain.
 */
export function highlightYaml(text: string): SafeHtml {
  const normalized = text.replace(/\r\n?/g, '\n');
  // The spans triple a rule's size: a rule of thousands of hashes made a page of megabytes.
  if (normalized.length > HIGHLIGHTED_CHARACTERS) return new SafeHtml(escapeHtml(normalized));
  const lines = normalized.split('\n');
  const out: string[] = [];
  let blockIndent = -1; // > -1 while inside a block scalar: lines indented more than this belong to it
  for (const line of lines) {
    const indent = line.length - line.trimStart().length;
    if (blockIndent >= 0) {
      if (line.trim() === '' || indent > blockIndent) {
        out.push(span('y-str', line));
        continue;
      }
      blockIndent = -1;
    }
    const highlighted = highlightLine(line, indent);
    out.push(highlighted.html);
    if (highlighted.opensBlock) blockIndent = indent;
  }
  return new SafeHtml(out.join('\n'));
}

function span(kind: string, text: string): string {
  return text === '' ? '' : `<span class="${kind}">${escapeHtml(text)}</span>`;
}

function highlightLine(line: string, indent: number): { html: string; opensBlock: boolean } {
  if (/^(---|\.\.\.)\s*$/.test(line)) return { html: span('y-doc', line), opensBlock: false };
  if (/^\s*#/.test(line)) return { html: escapeHtml(line.slice(0, indent)) + span('y-com', line.slice(indent)), opensBlock: false };
  let rest = line.slice(indent);
  let html = escapeHtml(line.slice(0, indent));
  // Sequence markers ("- ", possibly several: "- - a").
  for (let marker = /^-(\s+|$)/.exec(rest); marker; marker = /^-(\s+|$)/.exec(rest)) {
    html += span('y-punct', '-') + escapeHtml(marker[1]!);
    rest = rest.slice(marker[0].length);
  }
  // A key: quoted or plain, up to the first ": " or ":" at the end of the line. A plain key ends on a
  // non-space so that it and the `\s*` after it never compete for the same spaces: a lazy key there made
  // a long line of spaces without a colon quadratic.
  const key = /^("(?:[^"\\]|\\.)*"|'(?:[^']|'')*'|[^\s#'"{[](?:[^:#]*[^\s:#])?|[^\s#'"{[]?)(\s*)(:)(\s+|$)/.exec(rest);
  if (key && key[1] !== '') {
    html += span('y-key', key[1]!) + escapeHtml(key[2]!) + span('y-punct', key[3]!) + escapeHtml(key[4]!);
    rest = rest.slice(key[0].length);
  }
  const value = highlightValue(rest);
  return { html: html + value.html, opensBlock: value.opensBlock };
}

function highlightValue(text: string): { html: string; opensBlock: boolean } {
  if (text === '') return { html: '', opensBlock: false };
  const comment = splitComment(text);
  const body = comment.body;
  const trimmed = body.trimEnd();
  const trailing = escapeHtml(body.slice(trimmed.length));
  let html: string;
  let opensBlock = false;
  if (/^[|>][+-]?\d*$/.test(trimmed)) {
    html = span('y-punct', trimmed);
    opensBlock = true;
  } else if (/^(["']).*\1$/.test(trimmed) && trimmed.length >= 2) {
    html = span('y-str', trimmed);
  } else if (/^[-+]?(\d[\d_]*(\.\d*)?([eE][-+]?\d+)?|0x[0-9a-fA-F]+|\.inf|\.nan)$/.test(trimmed)) {
    html = span('y-num', trimmed);
  } else if (/^(true|false|yes|no|on|off|null|~)$/i.test(trimmed)) {
    html = span('y-bool', trimmed);
  } else if (/^[[{]/.test(trimmed)) {
    html = escapeHtml(trimmed);
  } else {
    html = span('y-val', trimmed);
  }
  return { html: html + trailing + (comment.comment === '' ? '' : span('y-com', comment.comment)), opensBlock };
}

/** Splits off a trailing comment: a `#` preceded by whitespace and outside quotes. */
function splitComment(text: string): { body: string; comment: string } {
  if (!text.includes('#')) return { body: text, comment: '' };
  let quote = '';
  for (let index = 0; index < text.length; index += 1) {
    const character = text[index]!;
    if (quote) {
      if (character === quote) quote = '';
      else if (character === '\\' && quote === '"') index += 1;
    } else if ((character === '"' || character === "'") && (index === 0 || /[\s,[{]/.test(text[index - 1]!))) {
      quote = character;
    } else if (character === '#' && (index === 0 || /\s/.test(text[index - 1]!))) {
      return { body: text.slice(0, index), comment: text.slice(index) };
    }
  }
  return { body: text, comment: '' };
}
