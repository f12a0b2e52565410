import { ConversionError } from '../conversion-error.ts';
import { applyPipelineWithState } from '../pipelines/processing-pipeline.ts';
import type { SigmaRule } from '../sigma-rule.ts';
import { toQueryTrees } from '../to-query-tree.ts';
import { fieldName, fillTemplate, renderTextQuery } from './render-text-query.ts';
import type { ConversionResult, Target, TargetSpec } from './target.ts';
import type { TextQuerySyntax } from './text-query-syntax.ts';

/**
 * Kusto Query Language as pySigma-backend-kusto 1.0.1's KustoBackend writes it: case-insensitive `=~`,
 * `contains` / `startswith` / `endswith`, other patterns as `matches regex`, `in~` lists of plain values,
 * `not(…)`, every nested group parenthesised. Field names that are not identifiers are written
 * `['name']` (the reference wrote `'name'`, a string literal: deviation K4).
 */
export const KUSTO_SYNTAX: TextQuerySyntax = {
  precedence: ['not', 'and', 'or'],
  parenthesize: true,
  group: '({expr})',
  and: 'and',
  or: 'or',
  not: 'not',
  notTemplate: 'not({expr})',
  separator: ' ',
  eq: ' =~ ',
  numberEq: ' == ',
  // Identifiers (ASCII letters, digits, `_`, not starting with a digit; dotted: a path into a dynamic
  // column) as they are, any other name as `['name']` with `'` and `\` backslash-escaped.
  field: {
    label: 'KQL column names',
    bare: /^[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)*$/u,
    reserved: ['and', 'or', 'not', 'in', 'has', 'has_all', 'has_any', 'contains', 'startswith', 'endswith', 'matches', 'regex', 'between', 'true', 'false', 'null'],
    quote: { open: "['", close: "']", escapes: { "'": "\\'", '\\': '\\\\' } },
  },
  string: {
    quote: '"',
    quoteWhen: 'always',
    escapeChar: '\\',
    wildcardMulti: '*',
    wildcardSingle: '*',
    escaped: '\\',
    // `=~`, `in~` and the string operators have no wildcards: a literal `*` is plain text.
    literalWildcard: { exact: '', pattern: '' },
  },
  bool: { true: 'true', false: 'false' },
  startsWith: '{field} startswith {value}',
  endsWith: '{field} endswith {value}',
  contains: '{field} contains {value}',
  wildcardMatch: '{field} matches regex "{value}"',
  wildcardMatchAsRegex: true,
  regex: { template: '{field} matches regex "{regex}"', escape: ['"'], escapeChar: '\\', escapeEscapeChar: true },
  cidr: 'ipv4_is_in_range({field}, "{value}")',
  compare: '{field} {operator} {value}',
  isNull: 'isnull({field})',
  exists: 'isnotempty({field})',
  notExists: 'isempty({field})',
  inList: { template: '{field} {op} ({list})', operator: 'in~', andOperator: 'has_all', separator: ', ', wildcards: true, splitWildcards: true },
  keywordString: '{value}',
  keywordNumber: '{value}',
  query: '{query}',
};

/** A pipeline's table (a user pipeline names any) is written like a column name: one identifier. */
const KUSTO_TABLE = { ...KUSTO_SYNTAX.field, label: 'KQL table names' };

export const KUSTO_TARGET: Target = {
  id: 'kusto',
  title: 'Kusto (KQL)',
  pipelines: ['microsoft_xdr', 'sentinel_asim'],
  formats: [],
  convert(rules: readonly SigmaRule[], spec: TargetSpec, pipeline): ConversionResult {
    const queries: string[] = [];
    try {
      for (const rule of rules) {
        for (const tree of toQueryTrees(rule)) {
          if (tree === null) continue;
          const applied = pipeline ? applyPipelineWithState(pipeline, rule.logsource, tree, rule.detection) : { tree, state: {} };
          const query = renderTextQuery(applied.tree, KUSTO_SYNTAX);
          const state = applied.state['query_table'];
          const table = typeof state === 'string' ? fieldName(state, KUSTO_TABLE) : undefined;
          // A pipeline's table goes first (`DeviceProcessEvents\n| where …`). A query with nothing left to
          // test is refused by the pipeline (deviation K7); one that renders to nothing selects the table.
          if (table !== undefined) queries.push(query === null ? table : fillTemplate('{table}\n| where {query}', { table, query }));
          else if (query !== null) queries.push(query);
        }
      }
    } catch (error) {
      if (error instanceof ConversionError) return { ok: false, reason: error.reason, category: error.category };
      throw error;
    }
    return { ok: true, queries };
  },
};
