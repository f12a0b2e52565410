/** The characters Windows command-line parsers accept as an option dash: hyphen, slash, en, em and horizontal bar. */
export const WINDASH_CHARACTERS = ['-', '/', '\u2013', '\u2014', '\u2015'] as const;

// pySigma's pattern: a dash or slash that starts an option (no word character before, one after).
const OPTION_DASH = /(?<![\p{L}\p{N}_])[-/](?=[\p{L}\p{N}_])/gu;

/**
 * Every variant of `text` with each option dash replaced by each windash character, in pySigma's order
 * (the first dash varies slowest). Text without an option dash is returned alone.
 */
export function windashVariants(text: string): string[] {
  const pieces = text.split(OPTION_DASH);
  if (pieces.length === 1) return [text];
  let variants = [pieces[0]!];
  for (let i = 1; i < pieces.length; i++) {
    const next: string[] = [];
    for (const prefix of variants) for (const dash of WINDASH_CHARACTERS) next.push(prefix + dash + pieces[i]!);
    variants = next;
  }
  return variants;
}
