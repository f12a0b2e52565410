import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { AttackCatalog } from '../attack/attack-catalog.ts';
import { stixObjectsOfText, UpdateAttackError, type LoadedObject } from '../attack/stix-snapshot.ts';

const SNAPSHOT_URL = new URL('../attack/enterprise-attack.json', import.meta.url);

/** The committed ATT&CK snapshot; regenerate it with `npm run update-attack`. */
export function loadAttackCatalog(): AttackCatalog {
  return AttackCatalog.fromJson(JSON.parse(readFileSync(SNAPSHOT_URL, 'utf8')));
}

/** STIX objects from a bundle file or from every `.json` file under a folder (mitre/cti's layout). */
export function loadStixObjects(inputPath: string): LoadedObject[] {
  let stats;
  try {
    stats = statSync(inputPath);
  } catch {
    throw new UpdateAttackError(`input not found: ${inputPath}`);
  }
  const files = stats.isDirectory() ? listJsonFiles(inputPath) : [inputPath];
  if (files.length === 0) throw new UpdateAttackError(`no .json files under ${inputPath}`);
  return files.flatMap((file) => stixObjectsOfText(readFileSync(file, 'utf8'), stats.isDirectory() ? relative(inputPath, file) : file));
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
