import type { TextQuerySyntax } from './text-query-syntax.ts';

/** Elasticsearch EQL as pySigma-backend-elasticsearch's EqlBackend writes it, with the fixes D8–D10. */
export const EQL_SYNTAX: TextQuerySyntax = {
  precedence: ['not', 'or', 'and'],
  parenthesize: true,
  group: '({expr})',
  and: 'and',
  or: 'or',
  not: 'not',
  separator: ' ',
  // `:` is EQL's case-insensitive (wildcard) equality.
  eq: ':',
  // EQL identifiers are ASCII letters, digits, `_` and `@`, not starting with a digit, joined by dots; any
  // other name goes between backticks, a backtick in it doubled. pySigma quoted only names with whitespace
  // or a leading digit or `-`, so `c-uri` was read as a subtraction (deviation F2).
  field: {
    label: 'EQL field names',
    bare: /^[A-Za-z_@][\w@]*(?:\.[A-Za-z_@][\w@]*)*$/u,
    reserved: ['and', 'any', 'by', 'false', 'in', 'join', 'like', 'maxspan', 'not', 'null', 'of', 'or', 'regex', 'sample', 'sequence', 'true', 'until', 'where', 'with'],
    quote: { open: '`', close: '`', escapes: { '`': '``' } },
  },
  string: {
    quote: '"',
    quoteWhen: 'always',
    escapeChar: '\\',
    wildcardMulti: '*',
    wildcardSingle: '?',
    escaped: '\\"',
    // pySigma put a backslash before the control character itself (deviation D8).
    replaced: { '\n': '\\n', '\r': '\\r', '\t': '\\t' },
  },
  bool: { true: 'true', false: 'false' },
  exactMatch: '{field}=={value}',
  // `==` does not expand wildcards; pySigma used it for patterns too (deviation D9).
  caseSensitive: { match: '{field} == {value}', wildcardMatch: '{field} like {value}' },
  // pySigma left `"` unescaped, ending the string early (deviation D10).
  regex: { template: '{field} regex~ "{regex}"', escape: ['/'], escapeUnescaped: '"', escapeChar: '\\', escapeEscapeChar: false },
  cidr: 'cidrMatch({field}, "{network}/{prefix}")',
  compare: '{field} {operator} {value}',
  // pySigma's EQL backend reuses the Lucene backend's message.
  fieldReference: { errorClass: 'SigmaFeatureNotSupportedByBackendError', message: "ES Lucene backend can't handle field references." },
  isNull: '?{field} == null',
  isNotNull: '?{field} != null',
  inList: { template: '{field}{op}({list})', operator: ' like~ ', separator: ', ', wildcards: true },
  // No keywords: EQL has no free-text search, and a bare string is not a condition (deviation D11).
  query: 'any where {query}',
};
