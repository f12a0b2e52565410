import type { SigmaRule } from '../sigma-rule.ts';

/** A conversion request: `lucene+ecs_windows@dsl_lucene` is {target: lucene, pipeline: ecs_windows, format: dsl_lucene}. */
export interface TargetSpec {
  readonly target: string;
  readonly pipeline?: string;
  readonly format?: string;
}

/** The queries of one rule file, in rule order (one per condition), or why it cannot be converted. */
export type ConversionResult = { readonly ok: true; readonly queries: string[] } | { readonly ok: false; readonly reason: string };

export interface Target {
  readonly id: string;
  /** Heading of the query section on a rule page. */
  readonly title: string;
  readonly pipelines: readonly string[];
  readonly formats: readonly string[];
  convert(rules: readonly SigmaRule[], spec: TargetSpec): ConversionResult;
}

/** A feature the target cannot express; becomes a ConversionResult with ok: false. */
export class UnsupportedFeatureError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UnsupportedFeatureError';
  }
}
