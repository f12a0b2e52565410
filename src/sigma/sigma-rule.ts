import type { SourcePosition } from '../model/issue.ts';
import type { ParsedCondition } from './condition-ast.ts';
import type { SigmaLevel, SigmaRelationType, SigmaStatus } from './rule-metadata.ts';

/** A YAML scalar as it appears in a detection (numbers and booleans keep their YAML type). */
export type RawValue = string | number | boolean | null;

export interface LogSource {
  readonly category?: string;
  readonly product?: string;
  readonly service?: string;
  readonly definition?: string;
}

/** `Field|mod1|mod2: value(s)` inside a selection map. `field` is absent for `'|all': [...]` keyword items. */
export interface DetectionItem {
  readonly kind: 'item';
  readonly field?: string;
  /** Modifier names in the order written; validated against the registry at parse time. */
  readonly modifiers: readonly string[];
  /** Values as written. A scalar is a one-element list with `list: false`. */
  readonly values: readonly RawValue[];
  /** Whether the YAML value was a sequence; `Field: [a]` and `Field: a` render differently in sigmac. */
  readonly list: boolean;
  readonly position: SourcePosition;
}

/**
 * A named search identifier of the detection, keeping the YAML shape: a map is the AND of its items, a
 * list of maps the OR of them, a list of plain values (or a single value) a keyword search. sigmac also
 * accepted lists mixing maps and values, so `list` entries may be keywords.
 */
export type Selection =
  | { readonly kind: 'map'; readonly items: readonly DetectionItem[]; readonly position: SourcePosition }
  | { readonly kind: 'list'; readonly entries: readonly Selection[]; readonly position: SourcePosition }
  | { readonly kind: 'keywords'; readonly item: DetectionItem; readonly position: SourcePosition };

export interface NamedSelection {
  readonly name: string;
  readonly selection: Selection;
}

export interface Detection {
  /** In YAML order: `all of them` and `1 of sel*` expand in this order. */
  readonly selections: readonly NamedSelection[];
  /** One query is produced per condition. */
  readonly conditions: readonly ParsedCondition[];
  readonly timeframe?: string;
  readonly position: SourcePosition;
}

export interface RelatedRule {
  readonly id: string;
  readonly type: SigmaRelationType;
}

/**
 * The descriptive keys every Sigma rule document has, detection and correlation rules alike (the Sigma
 * specification's common metadata). Pages, feeds and exports read these.
 */
export interface SigmaRuleMetadata {
  readonly id?: string;
  readonly name?: string;
  readonly title: string;
  readonly status?: SigmaStatus;
  readonly description?: string;
  readonly references: readonly string[];
  readonly author?: string;
  readonly date?: string;
  readonly modified?: string;
  readonly tags: readonly string[];
  readonly falsepositives: readonly string[];
  readonly level?: SigmaLevel;
  readonly related: readonly RelatedRule[];
}

/** Where a rule of a file came from. */
interface SigmaRuleOrigin {
  /** 0-based among the rules of the file. */
  readonly index: number;
  /** 0-based YAML document the rule came from. */
  readonly documentIndex: number;
  readonly file: string;
  readonly position: SourcePosition;
}

/** One Sigma rule after `action: global` merging: one per resulting document of a file. */
export interface SigmaRule extends SigmaRuleMetadata, SigmaRuleOrigin {
  readonly logsource: LogSource;
  readonly fields: readonly string[];
  /** Our extension: titles of Enrichments that apply to the rule. */
  readonly enrichment: readonly string[];
  readonly detection: Detection;
  /**
   * The merged document as plain data. Converters that embed rule metadata verbatim (the X-Pack
   * watcher copies `description` and `tags` as written) read it here rather than from typed fields.
   */
  readonly document: Readonly<Record<string, unknown>>;
}

export type CorrelationType = 'event_count' | 'value_count' | 'temporal' | 'temporal_ordered';

/** A Sigma correlation rule; `rules` are ids or names, resolved by the caller against the loaded rules. */
export interface SigmaCorrelation extends SigmaRuleMetadata, SigmaRuleOrigin {
  readonly type: CorrelationType;
  readonly rules: readonly string[];
  readonly groupBy: readonly string[];
  readonly timespan?: string;
  /** e.g. `gte: 10` (and for value_count the counted `field`); absent for temporal types. */
  readonly condition?: CorrelationCondition;
  readonly generate: boolean;
  readonly aliases?: Readonly<Record<string, Readonly<Record<string, string>>>>;
}

export interface CorrelationCondition {
  readonly field?: string;
  readonly comparisons: readonly { readonly operator: 'gt' | 'gte' | 'lt' | 'lte' | 'eq' | 'neq'; readonly value: number }[];
}
