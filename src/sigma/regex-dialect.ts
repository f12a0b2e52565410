/**
 * Whether a `|re` value compiles, checked when the rule is loaded. The targets hand the pattern to
 * PCRE, Java, Python, RE2 or Lucene; JavaScript's own engine without the `u` flag (ECMAScript Annex B,
 * lenient about escapes like `\-` or `\_` as those engines are) stands in for them: what it refuses
 * (unbalanced parentheses, a quantifier with nothing to repeat, a reversed class range, an unterminated
 * class, a trailing lone backslash) none of them compiles either. Group syntax those engines share and
 * JavaScript lacks is rewritten to its JavaScript equivalent first (see `toJavaScriptSyntax`), so it is
 * not mistaken for an error. The pattern is only compiled, never run against anything, so a pattern
 * that would backtrack costs nothing here.
 */

/** Returns why the pattern does not compile, or undefined. */
export function regexProblem(pattern: string): string | undefined {
  const source = toJavaScriptSyntax(pattern);
  if (source === undefined) return undefined;
  try {
    new RegExp(source);
    return undefined;
  } catch (error) {
    // V8 says "Invalid regular expression: /<pattern>/: <reason>"; the issue names the value itself.
    const message = (error as Error).message;
    return message.slice(message.lastIndexOf(': ') + 2);
  }
}

/** A flag group, `(?i)` or `(?i-s:`, after its `(?`: letters (and a `-` to turn flags off). */
const FLAG_GROUP = /[a-zA-Z^]+(?:-[a-zA-Z]+)?([:)])/y;
/** A counted quantifier after its `{`: `{3}`, `{3,}`, `{3,5}`. Anything else is a literal brace. */
const COUNTED = /\d+(?:,\d*)?\}/y;
/** Python's named group and named back-reference, after their `(?P`. */
const PYTHON_NAMED = /<([A-Za-z_]\w*)>|=([A-Za-z_]\w*)\)/y;

/**
 * One pass over the pattern, outside character classes and escapes, rewriting what PCRE, Java, Python
 * and RE2 accept and JavaScript does not: inline flags (`(?i)` anywhere, SigmaHQ's spelling of the
 * `|re|i` modifier at the start; `(?i:…)` scoped), Python's `(?P<name>…)` and `(?P=name)`, atomic groups
 * `(?>…)` as plain groups, possessive quantifiers (`a++`) as greedy ones, and `(?#…)` comments removed.
 * Flags change what a pattern matches, never whether it compiles, so they are dropped, except `x`:
 * whitespace and `#` comments stop counting, which this engine cannot mimic, so such a pattern is left
 * unchecked (undefined).
 */
function toJavaScriptSyntax(pattern: string): string | undefined {
  let out = '';
  let inClass = false;
  let afterQuantifier = false;
  for (let i = 0; i < pattern.length; i++) {
    const char = pattern[i]!;
    if (char === '\\') {
      out += pattern.slice(i, i + 2);
      i++;
      afterQuantifier = false;
      continue;
    }
    if (inClass) {
      if (char === ']') inClass = false;
      out += char;
      continue;
    }
    if (char === '[') {
      inClass = true;
      out += char;
      afterQuantifier = false;
      continue;
    }
    if (char === '*' || char === '+' || char === '?') {
      if (!afterQuantifier) {
        out += char;
        afterQuantifier = true;
        continue;
      }
      // After a quantifier, `+` makes it possessive (greedy is the nearest JavaScript spelling) and `?`
      // lazy; a third quantifier is an error everywhere, and the engine reports it.
      if (char !== '+') out += char;
      afterQuantifier = false;
      continue;
    }
    if (char === '{') {
      COUNTED.lastIndex = i + 1;
      const counted = COUNTED.exec(pattern);
      out += counted ? `{${counted[0]}` : char;
      if (counted) i += counted[0].length;
      afterQuantifier = counted !== null;
      continue;
    }
    afterQuantifier = false;
    if (char !== '(' || pattern[i + 1] !== '?') {
      out += char;
      continue;
    }
    const kind = pattern[i + 2];
    if (kind === '>') {
      out += '(?:';
      i += 2;
      continue;
    }
    if (kind === '#') {
      const end = pattern.indexOf(')', i);
      if (end < 0) return out + pattern.slice(i); // unterminated: let the engine say so
      i = end;
      continue;
    }
    if (kind === 'P') {
      PYTHON_NAMED.lastIndex = i + 3;
      const named = PYTHON_NAMED.exec(pattern);
      if (named) {
        out += named[1] !== undefined ? `(?<${named[1]}>` : `\\k<${named[2]}>`;
        i += 2 + named[0].length;
        continue;
      }
    }
    FLAG_GROUP.lastIndex = i + 2;
    const flags = FLAG_GROUP.exec(pattern);
    if (flags) {
      if (flags[0].includes('x')) return undefined;
      if (flags[1] === ':') out += '(?:';
      i += 1 + flags[0].length;
      continue;
    }
    // Lookaround, named and non-capturing groups: JavaScript spells them alike.
    out += '(?';
    i++;
  }
  return out;
}
