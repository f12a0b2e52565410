import type { LegacyValue } from '../legacy/legacy-tree.ts';
import type { LegacySyntax } from '../legacy/render-legacy-query.ts';
import { LUCENE_FIELD } from './lucene.ts';

// sigmac's ElasticsearchWildcardHandlingMixin.reContainsWildcard: a `*` or `?` not escaped by one backslash.
const CONTAINS_WILDCARD = /(?:(?<!\\)|\\\\)[*?]/;

/** `/` → `\/` unless already escaped, so the pattern stays one query-string regex. */
export function escapeRegexSlashes(pattern: string): string {
  return pattern.replace(/\\[\s\S]|\//g, (match) => (match === '/' ? '\\/' : match));
}

function containsWildcard(value: LegacyValue): boolean {
  if (typeof value === 'string') return CONTAINS_WILDCARD.test(value);
  if (Array.isArray(value)) return value.some((item) => typeof item === 'string' && CONTAINS_WILDCARD.test(item));
  return false;
}

/**
 * Kibana / Elasticsearch query string as sigmac 0.13 `-t es-qs` wrote it without a field-mapping config:
 * values with wildcards go to the `.keyword` sub-field unquoted, all others are quoted phrases.
 */
export const ES_QS_SYNTAX: LegacySyntax = {
  and: ' AND ',
  or: ' OR ',
  not: 'NOT ',
  wrapNot: true,
  listSeparator: ' OR ',
  // sigmac wrote field names as they were (`Image OR x:"x"` matched any event with an Image): deviation F1.
  field: LUCENE_FIELD,
  // sigmac's reEscape: query-string operators, whitespace, a lone backslash (not one that escapes
  // `*`, `?` or `\`), `\u`, and the two-character operators && and ||.
  escape: /[\s+\-=!(){}[\]^"~:/]|(?<!\\)\\(?![*?\\])|\\u|&&|\|\|/g,
  // sigmac's reClear: range brackets cannot be escaped in a query string, so they were dropped.
  clear: /[<>]/g,
  nullExpression: (field) => `NOT _exists_:${field}`,
  notNullExpression: (field) => `_exists_:${field}`,
  // sigmac wrote the pattern raw; an unescaped `/` ends a query-string regex early (deviation D1).
  regex: (pattern) => `/${escapeRegexSlashes(pattern)}/`,
  compare: (operator, value) => `${operator}${value}`,
  fieldName(field, value, state) {
    state.matchKeyword = containsWildcard(value);
    return state.matchKeyword ? `${field}.keyword` : field;
  },
  value(escaped, state) {
    if (escaped === '') return '""';
    return state.matchKeyword ? escaped : `"${escaped}"`;
  },
};
