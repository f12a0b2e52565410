import type { TextQuerySyntax } from './text-query-syntax.ts';

/**
 * Elasticsearch ES|QL as pySigma-backend-elasticsearch's ESQLBackend writes it: usual precedence
 * (NOT > AND > OR) so groups are parenthesised only when needed, `like` for wildcards.
 */
export const ESQL_SYNTAX: TextQuerySyntax = {
  precedence: ['not', 'and', 'or'],
  parenthesize: false,
  group: '({expr})',
  and: 'and',
  or: 'or',
  not: 'not',
  separator: ' ',
  eq: '==',
  // ES|QL identifiers: an ASCII letter, or `_`/`@` and at least one more character, then letters, digits
  // and `_`, joined by dots; any other name goes between backticks, a backtick in it doubled.
  field: {
    label: 'ES|QL field names',
    bare: /^(?:[A-Za-z]\w*|[_@]\w+)(?:\.(?:[A-Za-z]\w*|[_@]\w+))*$/u,
    reserved: ['and', 'or', 'not', 'in', 'is', 'like', 'rlike', 'null', 'true', 'false', 'nulls', 'by', 'as', 'on', 'with'],
    quote: { open: '`', close: '`', escapes: { '`': '``' } },
  },
  string: {
    quote: '"',
    quoteWhen: 'always',
    escapeChar: '\\',
    wildcardMulti: '*',
    wildcardSingle: '?',
    escaped: '\\',
    replaced: { '\n': '\\n', '\r': '\\r' },
    // ES|QL strings know no `\*`: a literal wildcard character is plain text in `==`, and `\\*` in a
    // LIKE pattern (deviation D12).
    literalWildcard: { exact: '', pattern: '\\\\' },
  },
  bool: { true: 'true', false: 'false' },
  startsWith: 'starts_with({field}, {value})',
  endsWith: 'ends_with({field}, {value})',
  wildcardMatch: '{field} like {value}',
  regex: { template: '{field} rlike "{regex}"', escape: ['"'], escapeChar: '\\', escapeEscapeChar: true },
  cidr: 'cidr_match({field}, "{value}")',
  compare: '{field}{operator}{value}',
  fieldReference: '{field1}=={field2}',
  isNull: '{field} is null',
  exists: '{field} is not null',
  notExists: '{field} is null',
  inList: { template: '{field} {op} ({list})', operator: 'in', separator: ', ', wildcards: false },
  query: 'from * metadata _id, _index, _version | where {query}',
};
