export type ConditionTokenKind =
  | 'and' | 'or' | 'not' | 'lpar' | 'rpar' | 'pipe' | 'of-any' | 'of-all' | 'them' | 'identifier' | 'number' | 'operator' | 'comma';

export interface ConditionToken {
  readonly kind: ConditionTokenKind;
  readonly text: string;
  /** 0-based offset in the condition text. */
  readonly offset: number;
}

export class ConditionSyntaxError extends Error {
  constructor(
    message: string,
    readonly offset: number,
  ) {
    super(message);
    this.name = 'ConditionSyntaxError';
  }
}

// One sticky regex for the whole grammar: the lexer runs for every rule, so no per-token compilation.
// `1 of` / `any of` / `all of` are single tokens so that an identifier called `all` still works.
const TOKEN = /\s*(?:(?<of>(?:1|any|all)\s+of)(?![\w*])|(?<op>==|!=|<=|>=|<|>)|(?<punct>[()|,])|(?<word>[\w*.\-]+))/iy;
const KEYWORDS: Record<string, ConditionTokenKind> = { and: 'and', or: 'or', not: 'not', them: 'them' };

export function tokenizeCondition(text: string): ConditionToken[] {
  const tokens: ConditionToken[] = [];
  TOKEN.lastIndex = 0;
  let position = 0;
  const end = text.trimEnd().length;
  while (position < end) {
    TOKEN.lastIndex = position;
    const match = TOKEN.exec(text);
    if (!match) {
      let offset = position;
      while (/\s/.test(text[offset]!)) offset++;
      throw new ConditionSyntaxError(`unexpected character "${text[offset]}"`, offset);
    }
    const groups = match.groups!;
    const matchedText = match[0].trimStart();
    const offset = TOKEN.lastIndex - matchedText.length;
    position = TOKEN.lastIndex;
    if (groups.of) {
      tokens.push({ kind: groups.of.toLowerCase().startsWith('all') ? 'of-all' : 'of-any', text: matchedText, offset });
    } else if (groups.op) {
      tokens.push({ kind: 'operator', text: matchedText, offset });
    } else if (groups.punct) {
      const kind = groups.punct === '(' ? 'lpar' : groups.punct === ')' ? 'rpar' : groups.punct === '|' ? 'pipe' : 'comma';
      tokens.push({ kind, text: matchedText, offset });
    } else {
      const word = groups.word!;
      const keyword = KEYWORDS[word.toLowerCase()];
      tokens.push({ kind: keyword ?? (/^\d+(?:\.\d+)?$/.test(word) ? 'number' : 'identifier'), text: word, offset });
    }
  }
  return tokens;
}
