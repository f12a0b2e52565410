import type { Aggregation } from '../condition-ast.ts';
import { pythonJson } from '../python-json.ts';
import type { SigmaRule } from '../sigma-rule.ts';

export class WatcherError extends Error {}

/**
 * The X-Pack Watcher of sigmac 0.13 (`-t xpack-watcher`, default options): one `curl` command per query
 * that PUTs a watch running the es-qs query every `timeframe` (30m by default) over the last 30 minutes,
 * mailing root@localhost. Legacy aggregations become terms aggregations on `.keyword` fields. Unlike
 * sigmac, the command is safe to paste into a shell (quoted heredoc, quoted and percent-encoded URL).
 */
export function renderWatcher(rule: SigmaRule, query: string, aggregation: Aggregation | undefined, watchName: string): string {
  const document = rule.document;
  const detection = (document.detection ?? {}) as Record<string, unknown>;
  const title = document.title ?? '';
  const interval = detection.timeframe ?? '30m';
  let agg: Record<string, unknown> = {};
  let alertCondition: Record<string, number> = { not_eq: 0 };
  let alertLocation = '';
  const iterators: string[] = [];
  if (aggregation && aggregation.function !== 'near') {
    const threshold = Number.parseInt(aggregation.threshold ?? '', 10);
    if (!/^\s*[+-]?\d+\s*$/.test(aggregation.threshold ?? '')) throw new WatcherError(`aggregation threshold "${aggregation.threshold ?? ''}" is not an integer`);
    let order: string | undefined;
    let minDocCount: Record<string, number> = {};
    switch (aggregation.operator) {
      case '>':
        alertCondition = { gt: threshold };
        minDocCount = { min_doc_count: threshold + 1 };
        order = 'desc';
        break;
      case '>=':
        alertCondition = { gte: threshold };
        minDocCount = { min_doc_count: threshold };
        order = 'desc';
        break;
      case '<':
        alertCondition = { lt: threshold };
        order = 'asc';
        break;
      case '<=':
        alertCondition = { lte: threshold };
        order = 'asc';
        break;
      default:
        alertCondition = { not_eq: 0 };
    }
    const terms = (field: string): Record<string, unknown> => {
      if (order === undefined) throw new WatcherError(`aggregation operator "${aggregation.operator ?? ''}" is not supported by the watcher`);
      return { field: `${field}.keyword`, size: 10, order: { _count: order }, ...minDocCount };
    };
    if (aggregation.field !== undefined) {
      agg = { aggs: { agg: { terms: terms(aggregation.field), ...agg } } };
      alertLocation = 'agg.buckets.0.';
      iterators.push('agg.buckets');
    }
    if (aggregation.groupBy !== undefined) {
      agg = { aggs: { by: { terms: terms(aggregation.groupBy), ...agg } } };
      alertLocation = 'by.buckets.0.' + alertLocation;
      iterators.push('by.buckets');
    }
  }
  let body: string;
  if (Object.keys(agg).length > 0) {
    alertLocation = `ctx.payload.aggregations.${alertLocation}doc_count`;
    iterators[0] = `aggregations.${iterators[0]}`;
    body =
      'Hits:\n' +
      iterators.map((item, i) => `{{#${item}}}\n${'-'.repeat(2 * i)} {{key}} {{doc_count}}\n`).join('\n') +
      [...iterators].reverse().map((item) => `{{/${item}}}\n`).join('\n');
  } else {
    alertLocation = 'ctx.payload.hits.total';
    body = 'Hits:\n{{#ctx.payload.hits.hits}}';
    const fields = document.fields;
    if (Array.isArray(fields) && fields.length > 0) {
      // The e-mail body is a Mustache template: a brace in a field name could open or close a tag.
      const braced = fields.find((field) => /[{}]/.test(String(field)));
      if (braced !== undefined) throw new WatcherError(`field ${JSON.stringify(String(braced))} cannot be written in the watch's e-mail template (it contains a brace)`);
      const width = Math.max(...fields.map((field) => String(field).length));
      body += 'Hit on {{_source.@timestamp}}:\n' + fields.map((field) => `${String(field).padStart(width)} = {{_source.${String(field)}}}`).join('\n') + '='.repeat(80) + '\n';
    } else {
      body += '{{_source}}\n' + '='.repeat(80) + '\n';
    }
    body += '{{/ctx.payload.hits.hits}}';
  }
  const watch = {
    metadata: { title, description: document.description ?? '', tags: document.tags ?? '', query },
    trigger: { schedule: { interval } },
    input: {
      search: {
        request: {
          body: {
            size: 0,
            query: { bool: { must: [{ query_string: { query, analyze_wildcard: true } }], filter: { range: { timestamp: { gte: 'now-30m/m' } } } } },
            ...agg,
          },
          indices: [],
        },
      },
    },
    condition: { compare: { [alertLocation]: alertCondition } },
    actions: {
      send_email: {
        email: {
          to: 'root@localhost',
          subject: `Sigma Rule '${String(title)}'`,
          body,
          attachments: { 'data.json': { data: { format: 'json' } } },
        },
      },
    },
  };
  // The heredoc is quoted so that the shell expands nothing in the body: no `$(…)`, backtick or `${…}`
  // of a title runs, and every `\\` reaches Elasticsearch as written. The body cannot end it early:
  // indented JSON puts every line but the first `{` and the last `}` after spaces, and line breaks
  // inside strings are written `\n`.
  return `curl -s -XPUT -H 'Content-Type: application/json' --data-binary @- '${WATCH_URL}${percentEncode(watchName)}' <<'${HEREDOC_END}'\n${pythonJson(watch, 2)}\n${HEREDOC_END}\n`;
}

export const WATCH_URL = 'localhost:9200/_watcher/watch/';
export const HEREDOC_END = 'EOF';

const UNRESERVED = /^[A-Za-z0-9\-._~]$/;

/**
 * RFC 3986 percent-encoding of a URL path segment, stricter than encodeURIComponent (which keeps
 * `!'()*`): inside the single-quoted URL only unreserved characters remain, so no `'` can end the quote.
 */
export function percentEncode(text: string): string {
  let encoded = '';
  for (const byte of new TextEncoder().encode(text)) {
    const char = String.fromCharCode(byte);
    encoded += byte < 0x80 && UNRESERVED.test(char) ? char : '%' + byte.toString(16).toUpperCase().padStart(2, '0');
  }
  return encoded;
}

/** sigmac's MultiRuleOutputMixin.getRuleName: title with dashes for spaces, no parentheses, `-2`… on repeats. */
export function watchName(title: string, taken: Set<string>): string {
  const base = title.replaceAll(' ', '-').replaceAll('(', '').replaceAll(')', '');
  let name = base;
  for (let counter = 2; taken.has(name); counter++) name = `${base}-${counter}`;
  taken.add(name);
  return name;
}
