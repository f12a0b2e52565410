import type { ConversionResult } from '../sigma/backends/target.ts';

/**
 * The text of one converted query section as a reader copies it, the same on the markdown and HTML rule
 * pages and in a long query's file: one query per rule of the collection, a line each; multi-line outputs
 * (watchers) end in their own newline, which is dropped so that none is doubled.
 */
export function queryText(result: ConversionResult & { readonly ok: true }): string {
  return result.queries.map((one) => one.replace(/\n$/, '')).join('\n');
}
