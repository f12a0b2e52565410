import { ES_QS_TARGET, GRAYLOG_TARGET, XPACK_WATCHER_TARGET } from './backends/legacy-targets.ts';
import { EQL_TARGET, ESQL_TARGET, LUCENE_TARGET } from './backends/modern-targets.ts';
import type { ConversionResult, Target, TargetSpec } from './backends/target.ts';
import type { SigmaRule } from './sigma-rule.ts';

export type { ConversionResult, TargetSpec } from './backends/target.ts';

const TARGETS: readonly Target[] = [ES_QS_TARGET, XPACK_WATCHER_TARGET, GRAYLOG_TARGET, LUCENE_TARGET, EQL_TARGET, ESQL_TARGET];
const BY_ID: ReadonlyMap<string, Target> = new Map(TARGETS.map((target) => [target.id, target]));

export interface TargetInfo {
  readonly id: string;
  readonly title: string;
  readonly pipelines: readonly string[];
  readonly formats: readonly string[];
}

export function listTargets(): TargetInfo[] {
  return TARGETS.map(({ id, title, pipelines, formats }) => ({ id, title, pipelines, formats }));
}

/** `target[+pipeline][@format]`, checked against the registry; a string is an error message. */
export function parseTargetSpec(text: string): TargetSpec | string {
  const match = /^([\w-]+)(?:\+([\w-]+))?(?:@([\w-]+))?$/.exec(text.trim());
  if (!match) return `"${text}" is not a target (expected target[+pipeline][@format], e.g. lucene+ecs_windows@dsl_lucene)`;
  const [, id, pipeline, format] = match;
  return checkTargetSpec({ target: id!, ...(pipeline && { pipeline }), ...(format && { format }) });
}

export function checkTargetSpec(spec: TargetSpec): TargetSpec | string {
  const target = BY_ID.get(spec.target);
  if (!target) return `unknown target "${spec.target}" (known: ${TARGETS.map((t) => t.id).join(', ')})`;
  if (spec.pipeline !== undefined && !target.pipelines.includes(spec.pipeline)) {
    return `target "${spec.target}" has no pipeline "${spec.pipeline}"${target.pipelines.length ? ` (known: ${target.pipelines.join(', ')})` : ''}`;
  }
  if (spec.format !== undefined && !target.formats.includes(spec.format)) {
    return `target "${spec.target}" has no output format "${spec.format}"${target.formats.length ? ` (known: ${target.formats.join(', ')})` : ''}`;
  }
  return spec;
}

/**
 * Converts the rules of one file for one target: one query per condition of each rule, in order, or
 * one short reason when any rule uses something the target cannot express.
 */
export function convertCollection(rules: readonly SigmaRule[], spec: TargetSpec): ConversionResult {
  const checked = checkTargetSpec(spec);
  if (typeof checked === 'string') return { ok: false, reason: checked };
  return BY_ID.get(spec.target)!.convert(rules, checked);
}
