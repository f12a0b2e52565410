import { ConversionError } from '../conversion-error.ts';
import { applyPipeline } from '../pipelines/processing-pipeline.ts';
import { pythonJson } from '../python-json.ts';
import type { SigmaRule } from '../sigma-rule.ts';
import { toQueryTrees } from '../to-query-tree.ts';
import { EQL_SYNTAX } from './eql.ts';
import { ESQL_SYNTAX } from './esql.ts';
import { LUCENE_SYNTAX } from './lucene.ts';
import { fillTemplate, renderTextQuery } from './render-text-query.ts';
import type { ConversionResult, Target, TargetSpec } from './target.ts';
import type { TextQuerySyntax } from './text-query-syntax.ts';

/** An output format wraps each finished query (pySigma finalize_query_<format>); JSON formats return JSON text. */
type OutputFormat = (query: string, rule: SigmaRule) => string;

interface ModernTargetDefinition {
  readonly id: string;
  readonly title: string;
  readonly syntax: TextQuerySyntax;
  readonly pipelines: readonly string[];
  readonly formats: Readonly<Record<string, OutputFormat>>;
}

/** pySigma LuceneBackend finalize_query_dsl_lucene: the query inside a query DSL search body. */
function dslLucene(query: string): string {
  return JSON.stringify({ query: { bool: { must: [{ query_string: { query, analyze_wildcard: true } }] } } });
}

/** pySigma LuceneBackend finalize_query_kibana_ndjson: a Kibana saved search on `beats-*`. */
function kibanaNdjson(query: string, rule: SigmaRule): string {
  const index = 'beats-*';
  const searchSource = {
    index,
    filter: [],
    highlight: {
      pre_tags: ['@kibana-highlighted-field@'],
      post_tags: ['@/kibana-highlighted-field@'],
      fields: { '*': {} },
      require_field_match: false,
      fragment_size: 2147483647,
    },
    query: { query_string: { query, analyze_wildcard: true } },
  };
  return JSON.stringify({
    id: rule.id ?? 'None',
    type: 'search',
    attributes: {
      title: `SIGMA - ${rule.title}`,
      description: rule.description ?? null,
      hits: 0,
      columns: [],
      sort: ['@timestamp', 'desc'],
      version: 1,
      // Python's json.dumps (", " and ": " separators, non-ASCII as \uXXXX) inside the object.
      kibanaSavedObjectMeta: { searchSourceJSON: pythonJson(searchSource) },
    },
    references: [{ id: index, name: 'kibanaSavedObjectMeta.searchSourceJSON.index', type: 'index-pattern' }],
  });
}

function modernTarget(definition: ModernTargetDefinition): Target {
  const { syntax, formats } = definition;
  return {
    id: definition.id,
    title: definition.title,
    pipelines: definition.pipelines,
    formats: Object.keys(formats).filter((name) => name !== 'default'),
    convert(rules, spec: TargetSpec, pipeline): ConversionResult {
      const format = formats[spec.format ?? 'default']!;
      const queries: string[] = [];
      try {
        for (const rule of rules) {
          for (const tree of toQueryTrees(rule)) {
            if (tree === null) continue;
            const query = renderTextQuery(pipeline ? applyPipeline(pipeline, rule.logsource, tree) : tree, syntax);
            if (query !== null) queries.push(format(fillTemplate(syntax.query, { query }), rule));
          }
        }
      } catch (error) {
        if (error instanceof ConversionError) return { ok: false, reason: error.reason, category: error.category };
        throw error;
      }
      return { ok: true, queries };
    },
  };
}

const PLAIN: OutputFormat = (query) => query;

export const LUCENE_TARGET = modernTarget({
  id: 'lucene',
  title: 'Lucene',
  syntax: LUCENE_SYNTAX,
  pipelines: ['ecs_windows'],
  formats: { default: PLAIN, dsl_lucene: dslLucene, kibana_ndjson: kibanaNdjson },
});

export const EQL_TARGET = modernTarget({ id: 'eql', title: 'EQL', syntax: EQL_SYNTAX, pipelines: ['ecs_windows'], formats: { default: PLAIN } });

export const ESQL_TARGET = modernTarget({ id: 'esql', title: 'ES|QL', syntax: ESQL_SYNTAX, pipelines: ['ecs_windows'], formats: { default: PLAIN } });
