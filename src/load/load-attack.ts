import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { AttackCatalog } from '../attack/attack-catalog.ts';
import { buildSnapshot, stixObjectsOfText, UpdateAttackError, type LoadedObject } from '../attack/stix-snapshot.ts';
import type { AttackDataConfig } from '../config.ts';
import { makeIssue, type Issue } from '../model/issue.ts';
import { readAttackOverlay } from './load-attack-overlay.ts';
import { cacheKey } from '../cache/build-cache.ts';
import { noteInputRead } from './input-log.ts';

const SNAPSHOT_URL = new URL('../attack/enterprise-attack.json', import.meta.url);

/**
 * The largest STIX input a build reads. MITRE's Enterprise bundle is 33 MB (18.1) and grows a few MB a
 * release; parsing holds several times the file in memory, so past this a file is a mistake, not ATT&CK.
 */
export const MAX_STIX_BYTES = 200 * 1024 * 1024;

/** The committed ATT&CK snapshot; regenerate it with `npm run update-attack`. */
export function loadAttackCatalog(): AttackCatalog {
  return AttackCatalog.fromJson(JSON.parse(readFileSync(SNAPSHOT_URL, 'utf8')));
}

/** Where a build's ATT&CK data came from, for its summary (the version is the catalog's). */
export interface AttackDataSource {
  /** The bundle file or folder as shown to the user; absent: the committed snapshot. */
  readonly bundle?: string;
  readonly overlay?: string;
}

/**
 * The catalog a build resolves tags against: the configured STIX bundle, else the committed snapshot, with
 * the overlay's tactics and techniques added. A bundle that cannot be used is an issue at its key in the
 * configuration, and the snapshot stands in for it so the rest of the knowledge base is still checked.
 */
export function loadAttackData(settings: AttackDataConfig = {}): { catalog: AttackCatalog; source: AttackDataSource; issues: Issue[] } {
  const issues: Issue[] = [];
  let catalog: AttackCatalog | undefined;
  const { bundle, overlay } = settings;
  if (bundle !== undefined) {
    try {
      const objects = loadStixObjects(bundle.path, { maxBytes: MAX_STIX_BYTES, label: bundle.shown });
      catalog = new AttackCatalog(buildSnapshot(objects, { sourceName: bundle.path, ...(settings.version === undefined ? {} : { version: settings.version }) }).snapshot);
    } catch (error) {
      if (!(error instanceof UpdateAttackError || isFileSystemError(error))) throw error;
      issues.push(makeIssue(bundle.namedAt.file, bundle.namedAt, 'config-invalid', `attack.bundle: ${error.message}`));
    }
  }
  const data = catalog ?? loadAttackCatalog();
  let withOverlay = data;
  if (overlay !== undefined) {
    const read = readAttackOverlay(overlay.path, overlay.shown, overlay.written, data);
    issues.push(...read.issues);
    withOverlay = data.withAdditions(read.additions);
  }
  return {
    catalog: withOverlay,
    source: { ...(catalog && bundle && { bundle: bundle.shown }), ...(overlay && { overlay: overlay.shown }) },
    issues,
  };
}

function isFileSystemError(error: unknown): error is NodeJS.ErrnoException {
  return error instanceof Error && typeof (error as NodeJS.ErrnoException).code === 'string';
}

/**
 * STIX objects from a bundle file or from every `.json` file under a folder (mitre/cti's layout). With
 * `maxBytes`, input larger than that in all is refused before it is read; `label` names the input in
 * errors (default: `inputPath`).
 */
export function loadStixObjects(inputPath: string, options: { maxBytes?: number; label?: string } = {}): LoadedObject[] {
  const label = options.label ?? inputPath;
  let stats;
  try {
    stats = statSync(inputPath);
  } catch {
    throw new UpdateAttackError(`input not found: ${label}`);
  }
  const files = stats.isDirectory() ? listJsonFiles(inputPath) : [inputPath];
  if (files.length === 0) throw new UpdateAttackError(`no .json files under ${label}`);
  if (options.maxBytes !== undefined) {
    const size = files.reduce((total, file) => total + statSync(file).size, 0);
    if (size > options.maxBytes) throw new UpdateAttackError(`${label} is ${size} bytes; the limit is ${options.maxBytes}`);
  }
  const texts = files.map((file) => readFileSync(file, 'utf8'));
  noteInputRead(() => ({ kind: 'stix', path: inputPath, digest: stixDigest(files, texts) }));
  return files.flatMap((file, index) => stixObjectsOfText(texts[index]!, stats.isDirectory() ? relative(inputPath, file) : label));
}

/** The .json files loadStixObjects reads from `inputPath` (a file, or a folder of them); undefined when there is nothing there. */
export function stixFiles(inputPath: string): string[] | undefined {
  try {
    return statSync(inputPath).isDirectory() ? listJsonFiles(inputPath) : [inputPath];
  } catch {
    return undefined;
  }
}

/** The input log's digest of a STIX input: its files and their texts. */
export function stixDigest(files: readonly string[], texts: readonly string[]): string {
  return cacheKey(...files.flatMap((file, index) => [file, texts[index]!]));
}

function listJsonFiles(dir: string): string[] {
  const found: string[] = [];
  const walk = (current: string): void => {
    for (const entry of readdirSync(current, { withFileTypes: true })) {
      const path = join(current, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.isFile() && entry.name.endsWith('.json')) found.push(path);
    }
  };
  walk(dir);
  return found.sort();
}
