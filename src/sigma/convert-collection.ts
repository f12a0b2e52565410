import { ES_QS_TARGET, GRAYLOG_TARGET, XPACK_WATCHER_TARGET } from './backends/legacy-targets.ts';
import { EQL_TARGET, ESQL_TARGET, LUCENE_TARGET } from './backends/modern-targets.ts';
import { KUSTO_TARGET } from './backends/kusto.ts';
import { SPLUNK_TARGET } from './backends/splunk.ts';
import type { ConversionResult, Target, TargetSpec } from './backends/target.ts';
import { ECS_WINDOWS } from './pipelines/ecs-windows.ts';
import type { ProcessingPipeline } from './pipelines/processing-pipeline.ts';
import { MICROSOFT_XDR } from './pipelines/microsoft-xdr.ts';
import { SENTINEL_ASIM } from './pipelines/sentinel-asim.ts';
import { SPLUNK_CIM, SPLUNK_WINDOWS } from './pipelines/splunk.ts';
import type { SigmaRule } from './sigma-rule.ts';

export type { ConversionResult, TargetSpec, UnsupportedCategory } from './backends/target.ts';
export { UNSUPPORTED_CATEGORIES } from './backends/target.ts';

const TARGETS: readonly Target[] = [ES_QS_TARGET, XPACK_WATCHER_TARGET, GRAYLOG_TARGET, LUCENE_TARGET, EQL_TARGET, ESQL_TARGET, SPLUNK_TARGET, KUSTO_TARGET];
const BY_ID: ReadonlyMap<string, Target> = new Map(TARGETS.map((target) => [target.id, target]));

/** Built-in pipelines by name; each target lists the ones made for it. */
export const BUILTIN_PIPELINES: ReadonlyMap<string, ProcessingPipeline> = new Map([ECS_WINDOWS, SPLUNK_WINDOWS, SPLUNK_CIM, MICROSOFT_XDR, SENTINEL_ASIM].map((pipeline) => [pipeline.id, pipeline]));

/** The built-in targets' ids that accept the pipeline named `id`. */
export function targetsOfPipeline(id: string): string[] {
  return TARGETS.filter((target) => target.pipelines.includes(id)).map((target) => target.id);
}

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

/**
 * User pipelines (loaded from YAML, src/load/load-pipelines.ts) by name, with the targets each may be
 * used with (empty: every target that applies pipelines).
 */
/** A user's pipelines by name; `fingerprint` identifies a pipeline's definition for callers that cache conversions. */
export type UserPipelines = ReadonlyMap<string, { readonly pipeline: ProcessingPipeline; readonly targets: readonly string[]; readonly fingerprint?: string }>;

export function checkTargetSpec(spec: TargetSpec, userPipelines?: UserPipelines): TargetSpec | string {
  const target = BY_ID.get(spec.target);
  if (!target) return `unknown target "${spec.target}" (known: ${TARGETS.map((t) => t.id).join(', ')})`;
  const user = spec.pipeline === undefined ? undefined : userPipelines?.get(spec.pipeline);
  if (user) {
    if (user.targets.length ? !user.targets.includes(target.id) : target.usesPipelines === false) return `pipeline "${spec.pipeline}" cannot be used with target "${spec.target}"`;
  } else if (spec.pipeline !== undefined && !target.pipelines.includes(spec.pipeline)) {
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
export function convertCollection(rules: readonly SigmaRule[], spec: TargetSpec, userPipelines?: UserPipelines): ConversionResult {
  const checked = checkTargetSpec(spec, userPipelines);
  if (typeof checked === 'string') return { ok: false, reason: checked, category: 'feature' };
  const pipeline = spec.pipeline === undefined ? undefined : (userPipelines?.get(spec.pipeline)?.pipeline ?? BUILTIN_PIPELINES.get(spec.pipeline));
  return BY_ID.get(spec.target)!.convert(rules, checked, pipeline);
}
