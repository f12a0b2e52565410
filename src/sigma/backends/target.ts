import type { ProcessingPipeline } from '../pipelines/processing-pipeline.ts';
import type { SigmaRule } from '../sigma-rule.ts';

/** A conversion request: `lucene+ecs_windows@dsl_lucene` is {target: lucene, pipeline: ecs_windows, format: dsl_lucene}. */
export interface TargetSpec {
  readonly target: string;
  readonly pipeline?: string;
  readonly format?: string;
}

/**
 * Why a rule cannot be converted, as data: `feature` — the target language cannot express something the
 * rule uses (a modifier, a field reference, keywords…); `field` — the pipeline has no mapping for a field
 * the rule uses; `logsource` — the pipeline has no table, data model or index for the rule's log source.
 */
export type UnsupportedCategory = 'feature' | 'field' | 'logsource';

/** Every UnsupportedCategory, in the order pages list them. */
export const UNSUPPORTED_CATEGORIES: readonly UnsupportedCategory[] = ['feature', 'field', 'logsource'];

/** The queries of one rule file, in rule order (one per condition), or why it cannot be converted. */
export type ConversionResult =
  | { readonly ok: true; readonly queries: string[] }
  | { readonly ok: false; readonly reason: string; readonly category: UnsupportedCategory };

export interface Target {
  readonly id: string;
  /** Heading of the query section on a rule page. */
  readonly title: string;
  /** Built-in pipelines made for this target. */
  readonly pipelines: readonly string[];
  readonly formats: readonly string[];
  /** False for targets that apply no pipeline at all (the sigmac ones): user pipelines cannot be used with them. */
  readonly usesPipelines?: boolean;
  /** `pipeline` is the one `spec.pipeline` names, resolved by the caller (built-in or a user's). */
  convert(rules: readonly SigmaRule[], spec: TargetSpec, pipeline?: ProcessingPipeline): ConversionResult;
}

