import { readFileSync } from 'node:fs';
import { AttackCatalog } from '../attack/attack-catalog.ts';

const SNAPSHOT_URL = new URL('../attack/enterprise-attack.json', import.meta.url);

/** The committed ATT&CK snapshot; regenerate it with `npm run update-attack`. */
export function loadAttackCatalog(): AttackCatalog {
  return AttackCatalog.fromJson(JSON.parse(readFileSync(SNAPSHOT_URL, 'utf8')));
}
