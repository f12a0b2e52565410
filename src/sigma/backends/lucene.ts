import type { FieldSyntax, TextQuerySyntax } from './text-query-syntax.ts';

/**
 * Field names in a Lucene query string (also sigmac's es-qs and Graylog). Lucene's classic grammar ends a
 * term at whitespace and at `( ) : ^ [ ] " { } ~ * ? \ / !`, and lets `+` and `-` continue one but not
 * start one (`c-uri` stays as it is); `&&`, `||`, `=`, `<`, `>` are query-string operators too. Each gets a
 * backslash, as do the words AND, OR and NOT. pySigma escaped only whitespace and `*` (deviation F1).
 */
export const LUCENE_FIELD: FieldSyntax = {
  label: 'Lucene field names',
  escape: { char: '\\', pattern: /^[+-]|[\s*?!():^[\]"{}~\\/&|=<>]/gu },
  reserved: ['and', 'or', 'not'],
  // A match on it would become an existence test of the field named by its value.
  refused: ['_exists_'],
};

/**
 * Elasticsearch query string (Lucene syntax) as pySigma-backend-elasticsearch's LuceneBackend writes
 * it: OR binds tighter than AND in its precedence table, and every nested group is parenthesised.
 */
export const LUCENE_SYNTAX: TextQuerySyntax = {
  precedence: ['not', 'or', 'and'],
  parenthesize: true,
  group: '({expr})',
  and: 'AND',
  or: 'OR',
  not: 'NOT',
  separator: ' ',
  eq: ':',
  field: LUCENE_FIELD,
  string: {
    quote: '"',
    quoteWhen: 'empty',
    escapeChar: '\\',
    wildcardMulti: '*',
    wildcardSingle: '?',
    // pySigma's list, plus the whitespace the query parser splits on (tab, line breaks, ideographic
    // space), which pySigma left unescaped (deviation D7).
    escaped: '+-=&|!(){}[]<>^"~*?:\\/ \t\n\r\u3000',
  },
  bool: { true: 'true', false: 'false' },
  // pySigma also escaped an already escaped `\/`, ending the regex early (deviation D13).
  regex: { template: '{field}:/{regex}/', escape: [], escapeUnescaped: '/', escapeChar: '\\', escapeEscapeChar: false },
  cidr: '{field}:{network}\\/{prefix}',
  cidrEscapeColons: true,
  compare: '{field}:{operator}{value}',
  fieldReference: { errorClass: 'SigmaFeatureNotSupportedByBackendError', message: "ES Lucene backend can't handle field references." },
  isNull: 'NOT _exists_:{field}',
  isNotNull: '_exists_:{field}',
  exists: '_exists_:{field}',
  notExists: 'NOT _exists_:{field}',
  inList: { template: '{field}{op}({list})', operator: ':', separator: ' OR ', wildcards: true },
  keywordString: '*{value}*',
  keywordNumber: '{value}',
  query: '{query}',
};
