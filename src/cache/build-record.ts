import path from 'node:path';
import type { BuildConfig } from '../config.ts';
import { isInputLog } from '../load/inputs-unchanged.ts';
import type { InputRead } from '../load/input-log.ts';
import type { Issue } from '../model/issue.ts';
import { CacheShelf, cacheKey, type CacheSettings } from './build-cache.ts';

/**
 * What the last successful `atc build` of a configuration read and wrote, so that the next one can stop
 * at once when nothing changed: the reads of its load (replayed to see that every input reads the same),
 * its issues and summary (printed again), and the hash of the manifest it left in the output (the output
 * must still be exactly that). One shelf per output folder (a build into another folder keeps its own
 * record), holding the record under buildRecordKey.
 */
export interface BuildRecord {
  readonly inputs: readonly InputRead[];
  readonly issues: readonly Issue[];
  /** The summary's lines but its time, as the build printed them, stating that nothing was written. */
  readonly summary: readonly string[];
  readonly manifest: string;
}

export function openBuildRecords(cache: CacheSettings, outDir: string): CacheShelf<BuildRecord> {
  return CacheShelf.open(cache, `build-${cacheKey(path.resolve(outDir)).slice(0, 16)}`, isBuildRecord);
}

/**
 * Everything besides the logged reads that a build's output depends on: the configuration as loaded
 * (paths, targets, site settings; a user pipeline by its text's hash), the working folder (issues name
 * files relative to it), and Node's version. atc's own version is the shelf's (build-cache.ts).
 */
export function buildRecordKey(config: BuildConfig, cwd: string): string {
  const { pipelines, ...rest } = config;
  return cacheKey(JSON.stringify(rest), JSON.stringify((pipelines ?? []).map((pipeline) => [pipeline.name, pipeline.fingerprint])), cwd, process.version);
}

function isBuildRecord(value: unknown): value is BuildRecord {
  if (typeof value !== 'object' || value === null) return false;
  const record = value as Record<string, unknown>;
  return (
    isInputLog(record.inputs) &&
    Array.isArray(record.issues) &&
    record.issues.every(isIssueShaped) &&
    Array.isArray(record.summary) &&
    record.summary.every((line) => typeof line === 'string') &&
    typeof record.manifest === 'string'
  );
}

function isIssueShaped(value: unknown): boolean {
  if (typeof value !== 'object' || value === null) return false;
  const issue = value as Record<string, unknown>;
  return typeof issue.file === 'string' && typeof issue.code === 'string' && typeof issue.message === 'string' && (issue.severity === 'error' || issue.severity === 'warning' || issue.severity === 'info');
}
