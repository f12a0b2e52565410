import { ConversionError } from '../conversion-error.ts';
import { applyPipelineWithState, type PipelineState } from '../pipelines/processing-pipeline.ts';
import type { QueryNode } from '../query-tree.ts';
import type { SigmaRule } from '../sigma-rule.ts';
import { toQueryTrees } from '../to-query-tree.ts';
import { fieldName, renderTextQueryParts } from './render-text-query.ts';
import { confSettings, confStanzaName, confDescription } from './splunk-conf.ts';
import type { ConversionResult, Target, TargetSpec } from './target.ts';
import type { FieldSyntax, TextQuerySyntax } from './text-query-syntax.ts';

const SPL_QUOTED = { open: '"', close: '"', escapes: { '"': '\\"', '\\': '\\\\' } };

/** Field names in `| table` (a wildcard field list: `*` is kept). */
export const SPLUNK_TABLE_FIELD: FieldSyntax = { label: "Splunk's table command", bare: /^[\w.*][\w.*-]*$/u, quote: SPL_QUOTED };

/**
 * Splunk SPL as pySigma-backend-splunk 2.1.0's SplunkBackend writes it. SPL binds OR tighter than AND
 * (`A B OR C` is A AND (B OR C)), so only an AND inside an OR is parenthesised. Regular expressions and
 * field comparisons cannot be written in a search: they become pipe commands after it (`| regex`,
 * `| where`), or, inside an OR, a `| rex` + `| eval` condition field the search tests.
 */
export const SPLUNK_SYNTAX: TextQuerySyntax = {
  precedence: ['not', 'or', 'and'],
  parenthesize: false,
  group: '({expr})',
  and: ' ',
  or: 'OR',
  not: 'NOT',
  separator: ' ',
  eq: '=',
  // Names other than letters, digits, `_` and dots, and the operator words, in double quotes with `"` and
  // `\` backslash-escaped (pySigma quoted without escaping: `x" OR * OR "y` matched every event).
  field: { label: 'Splunk field names', bare: /^[\w.]+$/u, reserved: ['and', 'or', 'not', 'in'], quote: SPL_QUOTED },
  string: {
    quote: '"',
    quoteWhen: 'always',
    escapeChar: '\\',
    // The single-character wildcard is written `*` (SPL has no `?` wildcard), so a literal `?` needs no escape.
    wildcardMulti: '*',
    wildcardSingle: '*',
    escaped: '\\',
  },
  bool: { true: 'true', false: 'false' },
  regex: { template: '{regex}', escape: ['"'], escapeChar: '\\', escapeEscapeChar: true },
  cidr: '{field}="{value}"',
  compare: '{field}{operator}{value}',
  isNull: 'NOT {field}=*',
  exists: '{field}=*',
  notExists: 'NOT {field}=*',
  inList: { template: '{field} {op} ({list})', operator: 'IN', separator: ', ', wildcards: true },
  expansionsAsList: false,
  keywordString: '{value}',
  keywordNumber: '{value}',
  deferred: {
    separator: '\n| ',
    onlyQuery: '*',
    // The regex and rex commands take the field as a plain argument: names that are not words (dashes
    // allowed, as in `c-uri`) are refused.
    commandField: { label: "Splunk's regex and rex commands", bare: /^[\w.][\w.-]*$/u, reserved: ['and', 'or', 'not', 'in'] },
    regex: { template: 'regex {field}{op}"{regex}"', operators: ['=', '!='] },
    regexCondition: { template: 'rex field={field} "(?<{match}>{regex})"\n| eval {condition}=if(isnotnull({match}), "true", "false")', maxNameLength: 32 },
    fieldReference: {
      template: 'where {op}{field1}={field2}',
      // An eval expression names a field in single quotes, which have no escape.
      field: { label: "Splunk's where command", quote: { open: "'", close: "'", escapes: {} }, unquotable: /['\\]/u },
      operators: ['', 'NOT '],
      notConjunct: { errorClass: 'SigmaFeatureNotSupportedByBackendError', message: 'ORing FieldRef matching is not yet supported by Splunk backend' },
    },
  },
  query: '{query}',
};

/** One condition of a rule as SPL: the search, and what follows it. */
interface SplunkQuery {
  /** The search expression, `*` when everything was deferred. */
  readonly search: string;
  /** With condition fields: the conjuncts that can be searched before the extractions (or null). */
  readonly before: string | null;
  /** `rex …`, `eval …` commands. */
  readonly conditions: readonly string[];
  /** The search after the extractions (the query without `before`). */
  readonly after: string | null;
  readonly deferred: readonly string[];
  readonly state: PipelineState;
}

const NEWLINE_PIPE = '\n| ';

/**
 * pySigma's SPL text: extractions and `| search` when needed, deferred commands at the end. `hoist`: the
 * leading `field=value` conjuncts are searched before the extractions (the default format does so, the
 * savedsearches format does not).
 */
function plainText(query: SplunkQuery, hoist: boolean): string {
  let text: string;
  if (query.conditions.length) {
    const [before, after] = hoist ? [query.before ?? '', query.after ?? '*'] : ['', query.search];
    text = before + NEWLINE_PIPE + query.conditions.join(NEWLINE_PIPE) + NEWLINE_PIPE + 'search ' + after;
  } else {
    text = query.search;
  }
  return query.deferred.length ? text + NEWLINE_PIPE + query.deferred.join(NEWLINE_PIPE) : text;
}

function tableFields(rule: SigmaRule, prefix: string): string {
  const fields = rule.document.fields;
  return Array.isArray(fields) && fields.length ? prefix + fields.map((field) => fieldName(String(field), SPLUNK_TABLE_FIELD)).join(',') : '';
}

interface SplunkFormat {
  query(query: SplunkQuery, rule: SigmaRule): string;
  /** Joins the queries of a file into the outputs (default: one output per query). */
  output?(queries: readonly string[]): string[];
}

const FORMATS: Readonly<Record<string, SplunkFormat>> = {
  default: { query: (query, rule) => plainText(query, true) + tableFields(rule, ' | table ') },
  // A savedsearches.conf stanza per query, one file per rule file.
  savedsearches: {
    query: (query, rule) =>
      `\n[${confStanzaName(rule.title)}]` +
      confSettings([
        ['description', confDescription(rule.description?.trim() ?? '')],
        ['search', plainText(query, false) + tableFields(rule, '\n| table ')],
      ]),
    output: (queries) => [
      '\n[default]' +
        confSettings([
          ['dispatch.earliest_time', '-30d'],
          ['dispatch.latest_time', 'now'],
        ]) +
        '\n' +
        queries.join('\n'),
    ],
  },
  // tstats over the data model the pipeline chose (splunk_cim).
  data_model: {
    query: (query) => {
      const dataModel = query.state['data_model_set'];
      if (typeof dataModel !== 'string') throw new ConversionError('SigmaFeatureNotSupportedByBackendError', 'No data model specified by processing pipeline', 'logsource');
      const fields = query.state['fields'];
      if (!Array.isArray(fields)) throw new ConversionError('SigmaFeatureNotSupportedByBackendError', 'No fields specified by processing pipeline', 'logsource');
      const dataSet = dataModel.includes('.') ? dataModel.split('.')[1]! : dataModel;
      // The where clause of tstats can only test data model fields: with condition fields (regular
      // expressions inside an OR) it holds the conjuncts without them, and the full search follows the
      // extractions (deviation S2).
      let where = query.search;
      let after = '';
      if (query.conditions.length) {
        where = query.before ?? '*';
        after = NEWLINE_PIPE + query.conditions.join(NEWLINE_PIPE) + NEWLINE_PIPE + 'search ' + query.search;
      }
      if (query.deferred.length) after += NEWLINE_PIPE + query.deferred.join(NEWLINE_PIPE);
      return (
        `| tstats summariesonly=false allow_old_summaries=true fillnull_value="null" count min(_time) as firstTime max(_time) as lastTime from datamodel=${dataModel} where ${where} by ${(fields as readonly string[]).join(' ')}${after}\n` +
        `| \`drop_dm_object_name(${dataSet})\`\n| convert timeformat="%Y-%m-%dT%H:%M:%S" ctime(firstTime)\n| convert timeformat="%Y-%m-%dT%H:%M:%S" ctime(lastTime)\n`
      ).replaceAll('\n', ' ');
    },
  },
};

/** Top-level conjuncts (ANDs flattened, as SPL writes them without parentheses). */
function conjuncts(node: QueryNode): QueryNode[] {
  return node.kind === 'and' ? node.args.flatMap(conjuncts) : [node];
}

const PLAIN_FIELD = /^[\w.]+$/u;

/** A conjunct written `field=value` (what pySigma-backend-splunk moves in front of the extractions). */
function searchableFirst(node: QueryNode): boolean {
  if (node.kind !== 'match' || !PLAIN_FIELD.test(node.field)) return false;
  const value = node.value;
  return (value.kind === 'string' && !value.cased) || value.kind === 'number' || value.kind === 'bool' || value.kind === 'cidr' || (value.kind === 'exists' && value.exists);
}

function renderSplunk(tree: QueryNode, state: PipelineState): SplunkQuery {
  const rendered = renderTextQueryParts(tree, SPLUNK_SYNTAX);
  const search = rendered.query ?? (rendered.conditions.length || rendered.deferred.length ? SPLUNK_SYNTAX.deferred!.onlyQuery : '');
  if (!rendered.conditions.length) return { search, before: null, conditions: [], after: null, deferred: rendered.deferred, state };
  // Leading `field=value` conjuncts are searched before the extractions (pySigma-backend-splunk 2.1.0
  // did so on the query text, also taking the first operand of an OR: deviation S1).
  const parts = conjuncts(tree);
  let first = 0;
  while (first < parts.length - 1 && searchableFirst(parts[first]!)) first++;
  if (first === 0) return { search, before: null, conditions: rendered.conditions, after: search, deferred: rendered.deferred, state };
  const and = (nodes: QueryNode[]): QueryNode => (nodes.length === 1 ? nodes[0]! : { kind: 'and', args: nodes });
  const before = renderTextQueryParts(and(parts.slice(0, first)), SPLUNK_SYNTAX).query;
  const rest = renderTextQueryParts(and(parts.slice(first)), SPLUNK_SYNTAX);
  return { search, before, conditions: rest.conditions, after: rest.query, deferred: rendered.deferred, state };
}

export const SPLUNK_TARGET: Target = {
  id: 'splunk',
  title: 'Splunk',
  pipelines: ['splunk_windows', 'splunk_cim'],
  formats: Object.keys(FORMATS).filter((name) => name !== 'default'),
  convert(rules: readonly SigmaRule[], spec: TargetSpec, pipeline): ConversionResult {
    const format = FORMATS[spec.format ?? 'default']!;
    const queries: string[] = [];
    try {
      for (const rule of rules) {
        for (const tree of toQueryTrees(rule)) {
          if (tree === null) continue;
          const applied = pipeline ? applyPipelineWithState(pipeline, rule.logsource, tree) : { tree, state: {} };
          queries.push(format.query(renderSplunk(applied.tree, applied.state), rule));
        }
      }
    } catch (error) {
      if (error instanceof ConversionError) return { ok: false, reason: error.reason, category: error.category };
      throw error;
    }
    return { ok: true, queries: format.output ? format.output(queries) : queries };
  },
};
