import type { JsonObject } from './api-json.ts';
import type { ExportedQuery } from './exported-query.ts';

/**
 * Kibana saved searches (saved objects of type `search`), one JSON object per line: the file Stack
 * Management → Saved objects → Import reads. Each search points at one data view by reference; Kibana asks
 * on import which existing data view to use when none has this id.
 */

/** The data view the searches name; the import dialog maps it onto one of the user's. */
export const KIBANA_DATA_VIEW = 'logs-*';
const INDEX_REFERENCE = 'kibanaSavedObjectMeta.searchSourceJSON.index';

/** Writes one line per query to `write`. */
export function writeKibanaSavedSearches(entries: readonly ExportedQuery[], language: 'lucene' | 'kuery', write: (text: string) => void): void {
  for (const entry of entries) write(`${JSON.stringify(kibanaSavedSearch(entry, language))}\n`);
}

export function kibanaSavedSearch(entry: ExportedQuery, language: 'lucene' | 'kuery'): JsonObject {
  return {
    id: entry.id,
    type: 'search',
    attributes: {
      title: entry.name,
      description: entry.rule.description?.trim() ?? '',
      columns: [],
      sort: [['@timestamp', 'desc']],
      kibanaSavedObjectMeta: {
        // Kibana stores the search source as JSON text inside the object.
        searchSourceJSON: JSON.stringify({ query: { query: entry.query, language }, filter: [], indexRefName: INDEX_REFERENCE }),
      },
    },
    references: [{ id: KIBANA_DATA_VIEW, name: INDEX_REFERENCE, type: 'index-pattern' }],
  };
}
