/**
 * Whether a `|re` value compiles, checked when the rule is loaded. The targets hand the pattern to
 * PCRE, Java, RE2 or Lucene; JavaScript's own engine without the `u` flag (ECMAScript Annex B, lenient
 * about escapes like `\-` or `\_` as those engines are) stands in for them: what it refuses
 * (unbalanced parentheses, a quantifier with nothing to repeat, a reversed class range, an unterminated
 * class, a trailing lone backslash) none of them compiles either. The pattern is only compiled, never
 * run against anything, so a pattern that would backtrack costs nothing here.
 */

/** `(?i)` and its kin at the very start, the spelling SigmaHQ rules use instead of the `|re|i` modifiers. */
const LEADING_FLAGS = /^\(\?([a-zA-Z]+)\)/;

/** The Sigma sub-modifiers, which are also JavaScript's flags of the same meaning. */
const SIGMA_FLAGS = new Set(['i', 'm', 's']);

/** Returns why the pattern does not compile, or undefined. `flags` are the `i`/`m`/`s` sub-modifiers. */
export function regexProblem(pattern: string, flags: readonly string[]): string | undefined {
  const leading = LEADING_FLAGS.exec(pattern);
  const inline = leading ? [...leading[1]!] : [];
  // Other leading flags (`x` above all, which makes whitespace and `#` comments insignificant) change
  // how the rest must be read in ways this engine cannot mimic: such a pattern is left unchecked.
  if (inline.some((flag) => !SIGMA_FLAGS.has(flag))) return undefined;
  const body = leading ? pattern.slice(leading[0].length) : pattern;
  try {
    new RegExp(body, [...new Set([...flags, ...inline])].sort().join(''));
    return undefined;
  } catch (error) {
    // V8 says "Invalid regular expression: /<pattern>/<flags>: <reason>"; the issue quotes the pattern itself.
    const message = (error as Error).message;
    return message.slice(message.lastIndexOf(': ') + 2);
  }
}
