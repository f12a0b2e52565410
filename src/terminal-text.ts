/**
 * Text from the knowledge base (file names, field names, titles, messages that quote them) reaches the
 * terminal and CI logs. Printed as it is, `ESC[2K\r` rewrites the line a reader sees, and a line break
 * followed by `::error file=…::` is a GitHub Actions workflow command. Every line atc prints that holds
 * such text goes through `terminalLine`; JSON output escapes on its own and does not.
 */

/**
 * Characters shown as `\uXXXX`: C0 controls but tab (line breaks included: a printed line is one line),
 * DEL, C1 controls, the Unicode line and paragraph separators, and the bidi controls that reorder what a
 * reader sees (embeddings, overrides, isolates, marks). A tab only moves the cursor on, and Sigma values
 * hold tabs that `atc convert` must print as they are. One character class: linear.
 */
const UNPRINTABLE = /[\u0000-\u0008\u000a-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069]/g;

/**
 * GitHub's runner trims leading white space from each log line and then treats `::name …::` (and the
 * older `##[name …]`) as a command. Anchored, one quantifier and a fixed look-ahead: linear.
 */
const WORKFLOW_COMMAND_START = /^(\s*)(?=::|##\[)(.)/;

function unicodeEscape(character: string): string {
  return `\\u${character.charCodeAt(0).toString(16).padStart(4, '0')}`;
}

/** The text with every unprintable character written as `\uXXXX`; for a fragment inside a line. */
export function escapeControlCharacters(text: string): string {
  return text.replace(UNPRINTABLE, unicodeEscape);
}

/** One printed line: unprintable characters escaped, and no workflow command at its start. */
export function terminalLine(text: string): string {
  return escapeControlCharacters(text).replace(WORKFLOW_COMMAND_START, (_match, space: string, first: string) => space + unicodeEscape(first));
}
