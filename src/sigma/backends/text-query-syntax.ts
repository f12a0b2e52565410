/**
 * A text query language as a table (pySigma's TextQueryBackend class variables): tokens, precedence,
 * quoting and escaping, and `{placeholder}` templates for each kind of match. One generic renderer
 * (render-text-query.ts) turns a query tree into text for any such table; a target whose language a
 * table cannot express adds code there only for that part.
 *
 * Templates use `{field}`, `{value}`, `{regex}`, `{network}`, `{prefix}`, `{operator}`, `{field1}`,
 * `{field2}`, `{list}`, `{op}`, `{expr}` and `{query}`. A missing template means the target has no
 * such expression; rules that need it are refused with pySigma's message.
 */
export interface TextQuerySyntax {
  /** Binding strength of the boolean operators, strongest first. */
  readonly precedence: readonly ['not', 'and' | 'or', 'and' | 'or'];
  /** Parenthesise every nested AND/OR, whatever the precedence (pySigma `parenthesize`). */
  readonly parenthesize: boolean;
  readonly group: string;
  /** Put between operands as `separator + and + separator`; when `and` equals `separator` (SPL's implicit AND), alone. */
  readonly and: string;
  readonly or: string;
  readonly not: string;
  /** NOT written as a function around its operand (KQL `not(…)`; a group operand keeps its own parentheses). */
  readonly notTemplate?: string;
  /** Put around and/or/not tokens. */
  readonly separator: string;
  /** `field{eq}value` for plain values, numbers and booleans. */
  readonly eq: string;
  /** `field{numberEq}number` where numbers compare differently from strings (KQL `==` against `=~`). */
  readonly numberEq?: string;
  readonly field: FieldSyntax;
  readonly string: StringSyntax;
  readonly bool: { readonly true: string; readonly false: string };
  /** String matches by wildcard shape; a plain `{field}{eq}{value}` when none applies. */
  readonly startsWith?: string;
  readonly endsWith?: string;
  readonly contains?: string;
  /** Any value with a wildcard, when `eq` does not match wildcards. */
  readonly wildcardMatch?: string;
  /**
   * `wildcardMatch` takes the value as a regular expression (`*` → `.*`, `?` → `.`, literal text escaped),
   * written with the `regex` escaping (KQL `matches regex`).
   */
  readonly wildcardMatchAsRegex?: boolean;
  /** Used instead of all the above for the empty string and for IP addresses (EQL's exact `==`). */
  readonly exactMatch?: string;
  /** `cased` strings: without and with wildcards. */
  readonly caseSensitive?: { readonly match: string; readonly wildcardMatch?: string };
  readonly regex?: RegexSyntax;
  readonly cidr?: string;
  /** Escape the `:` of IPv6 networks (Lucene: the field separator). */
  readonly cidrEscapeColons?: boolean;
  readonly compare?: string;
  /** Comparing two fields; a string is the template, an object the refusal. */
  readonly fieldReference?: string | { readonly errorClass: string; readonly message: string };
  readonly isNull?: string;
  /** NOT of a null test written directly, never parenthesised (pySigma's Lucene and EQL override). */
  readonly isNotNull?: string;
  readonly exists?: string;
  readonly notExists?: string;
  /** OR of values of one field as a list. */
  readonly inList?: {
    readonly template: string;
    readonly operator: string;
    readonly separator: string;
    readonly wildcards: boolean;
    /** AND of values of one field as a list too, with this operator (KQL `has_all`). */
    readonly andOperator?: string;
    /**
     * Only values without wildcards go into the list; each value with wildcards is matched on its own
     * after it (KQL: `F in~ ("a") or F endswith "b"`), one with a wildcard inside as the AND of
     * `contains` of its literal runs (pySigma-backend-kusto's convert_condition_as_in_expression).
     */
    readonly splitWildcards?: boolean;
  };
  /** Values with alternatives (windash, base64offset) may become an in-list (default); SPL writes them as an OR chain. */
  readonly expansionsAsList?: boolean;
  /** Parts the query language cannot hold in its search expression, moved after it (SPL's `| regex`, `| where`). */
  readonly deferred?: DeferredSyntax;
  /** Values without field (keywords). */
  readonly keywordString?: string;
  readonly keywordNumber?: string;
  /** The finished query around the condition. */
  readonly query: string;
}

/**
 * How the target writes a field name (pySigma escape_and_quote_field, made safe): a name that is a bare
 * identifier of the language is written as it is, any other one is escaped or quoted so that it stays one
 * identifier, and a name the language cannot hold is refused. Every name is refused when it holds a
 * control character or a line break, or is empty: no target can write those (see `fieldName`).
 */
export interface FieldSyntax {
  /** Names written as they are (anchored; a global flag is not allowed). Absent: every name is quoted. */
  readonly bare?: RegExp;
  /** Words the language reads as operators or literals (compared case-insensitively): quoted even when bare. */
  readonly reserved?: readonly string[];
  /**
   * Lucene's way: no quotes, each character `escape.pattern` matches (a global regex) gets `escape.char`
   * before it. Used for names that `bare` does not match, and for reserved words.
   */
  readonly escape?: { readonly char: string; readonly pattern: RegExp };
  /** The quoted form, `open` + name + `close`, with each character of `escapes` replaced inside. */
  readonly quote?: { readonly open: string; readonly close: string; readonly escapes: Readonly<Record<string, string>> };
  /** Characters the quoted form cannot hold (no escape exists for them): names holding one are refused. */
  readonly unquotable?: RegExp;
  /**
   * Names the language gives a meaning of its own however they are written (Elasticsearch reads the
   * field `_exists_` as an existence test even escaped): refused, compared exactly.
   */
  readonly refused?: readonly string[];
  /** What the target calls this place in refusal messages (`Splunk field names`). */
  readonly label: string;
}

export interface StringSyntax {
  readonly quote: string;
  /** Which values are put between `quote`: all, or only the empty string (pySigma's `str_quote_pattern`). */
  readonly quoteWhen: 'always' | 'empty';
  readonly escapeChar: string;
  readonly wildcardMulti: string;
  readonly wildcardSingle: string;
  /** Literal characters preceded by `escapeChar`, besides the wildcard characters and the quote. */
  readonly escaped: string;
  /** Literal characters written as an escape sequence instead (`\t` for a tab). */
  readonly replaced?: Readonly<Record<string, string>>;
  /**
   * How a literal `*` or `?` is written where the value is not a pattern (an exact comparison), and
   * where it is; `escapeChar` + the character when absent.
   */
  readonly literalWildcard?: { readonly exact: string; readonly pattern: string };
}

export interface RegexSyntax {
  readonly template: string;
  /** Strings preceded by `escapeChar` inside the pattern. */
  readonly escape: readonly string[];
  readonly escapeChar: string;
  /** Also escape `escapeChar` itself. */
  readonly escapeEscapeChar: boolean;
  /** Characters escaped only where the pattern does not already escape them (odd run of `escapeChar` before). */
  readonly escapeUnescaped?: string;
}

/**
 * pySigma's deferred query expressions as SPL needs them: a regular expression or field comparison that is
 * a conjunct of the query (possibly negated) becomes a pipe command after the search; a regular expression
 * inside an OR or a negated group is extracted into a condition field first (`| rex` + `| eval`), and the
 * search tests that field.
 */
export interface DeferredSyntax {
  readonly separator: string;
  /** The query when everything was deferred. */
  readonly onlyQuery: string;
  /** Field names as arguments of the pipe commands (`regex F=…`, `rex field=F`), where quoting is not reliable. */
  readonly commandField: FieldSyntax;
  /** `{field}`, `{op}` (operators[0] plain, [1] negated), `{regex}`. */
  readonly regex: { readonly template: string; readonly operators: readonly [string, string] };
  /**
   * `{field}`, `{match}`, `{condition}`, `{regex}`; the names are `<field after its last dot>Match<n>` /
   * `Condition<n>` (n counts repeated fields, from 2), with characters other than letters, digits and `_`
   * written `_` (they name a regex capture group). The search tests `{condition}="true"`.
   */
  readonly regexCondition: { readonly template: string; readonly maxNameLength: number };
  /** `{field1}`, `{field2}`, `{op}`; a field reference anywhere else is refused with `notConjunct`. */
  readonly fieldReference: {
    readonly template: string;
    /** Field names in the comparison (an eval expression). */
    readonly field: FieldSyntax;
    readonly operators: readonly [string, string];
    readonly notConjunct: { readonly errorClass: string; readonly message: string };
  };
}
