import type { SourcePosition } from './issue.ts';

export type PathSegment = string | number;

/**
 * One YAML document of an input file, as plain data plus a way back to its source position.
 * It keeps the YAML library out of every stage after loading: the Sigma engine and the entity
 * readers report problems at `locate(path)` without knowing how the text was parsed.
 */
export interface SourceDocument {
  /** The file as shown in issues (relative to the working directory when possible). */
  readonly file: string;
  /** Position of the document within a multi-document file, from 0. */
  readonly index: number;
  /** Plain data: maps are objects with string keys, sequences arrays, scalars per YAML 1.1 (dates stay strings). */
  readonly value: unknown;
  /** Where the document starts. */
  readonly position: SourcePosition;
  /**
   * Position of the node at `path` (keys of maps, indexes of sequences). With `part: 'key'` the position of
   * the map key itself. A path that does not exist resolves to its deepest existing ancestor, so a
   * "missing field" issue points at the map that lacks it.
   */
  locate(path: readonly PathSegment[], part?: 'key' | 'value'): SourcePosition;
}
