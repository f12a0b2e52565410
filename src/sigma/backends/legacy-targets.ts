import { LegacyUnsupportedError, toLegacyTree } from '../legacy/to-legacy-tree.ts';
import { LegacyRenderError, renderLegacyQuery, type LegacySyntax } from '../legacy/render-legacy-query.ts';
import { ES_QS_SYNTAX } from './es-qs.ts';
import { GRAYLOG_SYNTAX } from './graylog.ts';
import type { ConversionResult, Target } from './target.ts';
import { renderWatcher, WatcherError, watchName } from './xpack-watcher.ts';

/** Targets reproducing sigmac 0.13, the converter of the seed page (conversion.md §6.4). */
function legacyTarget(id: string, title: string, syntax: LegacySyntax, watcher: boolean): Target {
  return {
    id,
    title,
    pipelines: [],
    formats: [],
    usesPipelines: false,
    convert(rules): ConversionResult {
      const state = { matchKeyword: true };
      const names = new Set<string>();
      const queries: string[] = [];
      try {
        for (const rule of rules) {
          for (const condition of rule.detection.conditions) {
            if (condition.aggregation && !watcher) return { ok: false, reason: 'aggregations (| count() …, | near …) are not supported by this target', category: 'feature' };
            const query = renderLegacyQuery(toLegacyTree(rule.detection, condition), syntax, state);
            queries.push(watcher ? renderWatcher(rule, query, condition.aggregation, watchName(String(rule.document.title ?? ''), names)) : query);
          }
        }
      } catch (error) {
        if (error instanceof LegacyUnsupportedError || error instanceof LegacyRenderError || error instanceof WatcherError) return { ok: false, reason: error.message, category: 'feature' };
        throw error;
      }
      return { ok: true, queries };
    },
  };
}

export const ES_QS_TARGET = legacyTarget('es-qs', 'Kibana query', ES_QS_SYNTAX, false);
export const XPACK_WATCHER_TARGET = legacyTarget('xpack-watcher', 'X-Pack Watcher', ES_QS_SYNTAX, true);
export const GRAYLOG_TARGET = legacyTarget('graylog', 'Graylog', GRAYLOG_SYNTAX, false);
