import type { SourcePosition } from './issue.ts';
import type { PathSegment } from './source-document.ts';
import type { TitleReference } from './entities.ts';
import type { LogSource, SigmaCorrelation, SigmaRule, SigmaRuleMetadata } from '../sigma/sigma-rule.ts';

/**
 * One Sigma rule file: the unit that gets a page. A file may hold a collection (several rules sharing
 * a global document) or a correlation rule; the page shows the metadata of its first rule.
 */
export interface DetectionRule extends Omit<SigmaRuleMetadata, 'name'> {
  readonly kind: 'rule';
  readonly file: string;
  /** Path under the rules folder, with forward slashes. */
  readonly relativePath: string;
  /** The file's basename without extension; its page name derives from it (src/present/page-addresses.ts). */
  readonly name: string;
  /** The file's text as written, shown on the page. */
  readonly text: string;
  readonly position: SourcePosition;
  readonly rules: readonly SigmaRule[];
  readonly correlations: readonly SigmaCorrelation[];
  readonly enrichments: readonly TitleReference[];
  readonly logsources: readonly LogSource[];
  /**
   * Position of a key in the file. Without a document index, the first document holding the path's first
   * key (in a collection, metadata usually sits in the global document).
   */
  locate(path: readonly PathSegment[], documentIndex?: number): SourcePosition;
}
