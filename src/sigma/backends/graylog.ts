import type { LegacySyntax } from '../legacy/render-legacy-query.ts';
import { escapeRegexSlashes } from './es-qs.ts';
import { LUCENE_FIELD } from './lucene.ts';

/** Graylog search as sigmac 0.13 `-t graylog` wrote it: every value a quoted phrase, lists space-separated. */
export const GRAYLOG_SYNTAX: LegacySyntax = {
  and: ' AND ',
  or: ' OR ',
  not: 'NOT ',
  wrapNot: false,
  listSeparator: ' ',
  // Graylog's search is Lucene's query syntax: field names escaped the same way (deviation F1).
  field: LUCENE_FIELD,
  escape: /[+\-!(){}[\]^"~:/]|(?<!\\)\\(?![*?\\])|\\u|&&|\|\|/g,
  nullExpression: (field) => `NOT _exists_:${field}`,
  notNullExpression: (field) => `_exists_:${field}`,
  // sigmac 0.13 refused `re` for Graylog, whose search does support /regex/ (deviation D2).
  regex: (pattern) => `/${escapeRegexSlashes(pattern)}/`,
  compare: (operator, value) => `${operator}${value}`,
  fieldName: (field) => field,
  value: (escaped) => `"${escaped}"`,
};
