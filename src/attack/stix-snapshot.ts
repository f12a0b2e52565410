/**
 * Turns STIX 2.1 objects (MITRE's enterprise-attack bundle, or mitre/cti's one-object-per-file tree) into the
 * compact snapshot the catalog is built from. Pure: src/load/load-attack.ts reads the files, and
 * scripts/update-attack.ts writes the committed snapshot. Output is deterministic: the same objects always
 * give the same bytes, whatever order they come in, so a regenerated snapshot is reviewable as a diff.
 */
import {
  compareTechniqueIds,
  type AttackSnapshot,
  type AttackTactic,
  type AttackTechnique,
} from './attack-catalog.ts';

const SUPPORTED_DOMAIN = 'enterprise-attack';
const KILL_CHAIN_NAME = 'mitre-attack';


/** A problem with the input or the command line: reported as one line, never as a stack trace. */
export class UpdateAttackError extends Error {
  override name = 'UpdateAttackError';
}

export interface StixObject {
  readonly type: string;
  readonly id: string;
  readonly [field: string]: unknown;
}

export interface LoadedObject {
  readonly object: StixObject;
  /** File (and position inside a bundle) for error messages. */
  readonly origin: string;
}

export interface BuildOptions {
  /** Overrides the version found in the x-mitre-collection object; required when the input has none. */
  readonly version?: string;
}

export interface BuildResult {
  readonly snapshot: AttackSnapshot;
  /** Things worth telling the person updating, e.g. that revokedBy could not be resolved. */
  readonly notes: readonly string[];
}

/** The objects of one JSON file: a bundle's objects, or the file's single object. `label` names the file in errors. */
export function stixObjectsOfText(text: string, label: string): LoadedObject[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new UpdateAttackError(`${label}: not valid JSON (${error instanceof Error ? error.message : String(error)})`);
  }
  if (isRecord(parsed) && parsed.type === 'bundle') {
    if (!Array.isArray(parsed.objects)) throw new UpdateAttackError(`${label}: bundle has no "objects" array`);
    return parsed.objects.map((object, index) => ({
      object: expectStixObject(object, `${label}: objects[${index}]`),
      origin: `${label}: objects[${index}]`,
    }));
  }
  return [{ object: expectStixObject(parsed, label), origin: label }];
}

function expectStixObject(value: unknown, origin: string): StixObject {
  if (!isRecord(value) || typeof value.type !== 'string' || typeof value.id !== 'string') {
    throw new UpdateAttackError(`${origin}: not a STIX object (needs string "type" and "id")`);
  }
  return value as StixObject;
}

export function buildSnapshot(loaded: readonly LoadedObject[], options: BuildOptions = {}): BuildResult {
  const notes: string[] = [];
  const byStixId = latestVersions(loaded);
  const ofType = (type: string): LoadedObject[] =>
    [...byStixId.values()].filter((entry) => entry.object.type === type);

  const matrices = ofType('x-mitre-matrix').filter((entry) => entry.object.revoked !== true);
  if (matrices.length !== 1) {
    throw new UpdateAttackError(`expected exactly one x-mitre-matrix object, found ${matrices.length}`);
  }
  const matrix = matrices[0]!;
  const domain = attackId(matrix);
  if (domain !== SUPPORTED_DOMAIN) {
    throw new UpdateAttackError(`${matrix.origin}: matrix is ${JSON.stringify(domain)}; only ${SUPPORTED_DOMAIN} is supported`);
  }

  const tactics = matrixTactics(matrix, byStixId);
  const attackVersion = resolveVersion(ofType('x-mitre-collection'), options.version, notes);
  const tacticOrder = new Map(tactics.map((tactic, index) => [tactic.shortname, index]));

  const techniques = new Map<string, { entry: LoadedObject; technique: AttackTechnique }>();
  let withoutId = 0;
  for (const entry of ofType('attack-pattern')) {
    const id = attackId(entry);
    if (id === undefined) {
      withoutId++;
      continue;
    }
    const technique = toTechnique(entry, id, tacticOrder);
    const existing = techniques.get(id);
    if (existing !== undefined) {
      notes.push(`${id} appears in two objects (${existing.entry.object.id}, ${entry.object.id}); keeping the active one`);
      if (rankForDuplicate(existing.technique) <= rankForDuplicate(technique)) continue;
    }
    techniques.set(id, { entry, technique });
  }
  if (withoutId > 0) notes.push(`skipped ${withoutId} attack-pattern objects without a mitre-attack external id`);

  const revokedBy = revokedByTargets(ofType('relationship'), byStixId);
  const techniqueIdByStixId = new Map([...techniques.values()].map(({ entry, technique }) => [entry.object.id, technique.id]));
  let unresolved = 0;
  const resolved = [...techniques.values()].map(({ entry, technique }) => {
    if (!technique.revoked) return technique;
    const target = revokedBy.get(entry.object.id);
    const targetId = target === undefined ? undefined : techniqueIdByStixId.get(target);
    if (targetId === undefined) unresolved++;
    return { ...technique, revokedBy: targetId ?? null };
  });
  if (unresolved > 0) {
    notes.push(
      `${unresolved} revoked techniques have no revoked-by relationship in the input; their revokedBy is null` +
        (revokedBy.size === 0 ? ' (the input has no relationship objects at all)' : ''),
    );
  }

  resolved.sort((a, b) => compareTechniqueIds(a.id, b.id));
  return { snapshot: { attackVersion, domain, tactics, techniques: resolved }, notes };
}

/** A directory tree may hold several versions of one STIX object; STIX says the latest `modified` wins. */
function latestVersions(loaded: readonly LoadedObject[]): Map<string, LoadedObject> {
  const byId = new Map<string, LoadedObject>();
  for (const entry of loaded) {
    const existing = byId.get(entry.object.id);
    if (existing === undefined || String(entry.object.modified ?? '') > String(existing.object.modified ?? '')) {
      byId.set(entry.object.id, entry);
    }
  }
  return byId;
}

function matrixTactics(matrix: LoadedObject, byStixId: ReadonlyMap<string, LoadedObject>): AttackTactic[] {
  const refs = matrix.object.tactic_refs;
  if (!Array.isArray(refs) || refs.some((ref) => typeof ref !== 'string')) {
    throw new UpdateAttackError(`${matrix.origin}: tactic_refs must be an array of STIX ids`);
  }
  return (refs as string[]).map((ref) => {
    const entry = byStixId.get(ref);
    if (entry === undefined || entry.object.type !== 'x-mitre-tactic') {
      throw new UpdateAttackError(`${matrix.origin}: tactic_refs names ${ref}, which is not an x-mitre-tactic in the input`);
    }
    const id = attackId(entry);
    if (id === undefined) throw new UpdateAttackError(`${entry.origin}: tactic has no mitre-attack external id`);
    return {
      id,
      name: expectField(entry, 'name'),
      shortname: expectField(entry, 'x_mitre_shortname'),
    };
  });
}

/**
 * ATT&CK's release number lives only on the x-mitre-collection object (x_mitre_version, e.g. "18.1"): the
 * x_mitre_version of other objects is that object's own revision and x_mitre_attack_spec_version is the data
 * model's version. mitre/cti's bundles carry the collection; directory trees may not, hence --version.
 */
function resolveVersion(collections: readonly LoadedObject[], override: string | undefined, notes: string[]): string {
  const found = [...new Set(collections.map((entry) => entry.object.x_mitre_version).filter((v) => typeof v === 'string'))];
  if (override !== undefined) {
    if (!/^\d+(?:\.\d+)*$/.test(override)) throw new UpdateAttackError(`--version must look like 18.1, got ${JSON.stringify(override)}`);
    if (found.length > 0 && !found.includes(override)) {
      notes.push(`--version ${override} overrides the collection's version ${found.join(', ')}`);
    }
    return override;
  }
  if (found.length === 1) return found[0] as string;
  if (found.length > 1) {
    throw new UpdateAttackError(`x-mitre-collection objects disagree on the version (${found.join(', ')}); pass --version`);
  }
  throw new UpdateAttackError(
    'cannot tell the ATT&CK version: the input has no x-mitre-collection object with x_mitre_version; pass --version (e.g. --version 18.1)',
  );
}

function toTechnique(entry: LoadedObject, id: string, tacticOrder: ReadonlyMap<string, number>): AttackTechnique {
  const { object } = entry;
  const phases = object.kill_chain_phases ?? [];
  if (!Array.isArray(phases)) throw new UpdateAttackError(`${entry.origin}: kill_chain_phases must be an array`);
  const tactics = [
    ...new Set(
      phases
        .filter((phase): phase is Record<string, unknown> => isRecord(phase) && phase.kill_chain_name === KILL_CHAIN_NAME)
        .map((phase) => phase.phase_name)
        .filter((name): name is string => typeof name === 'string'),
    ),
  ].sort((a, b) => (tacticOrder.get(a) ?? Infinity) - (tacticOrder.get(b) ?? Infinity) || (a < b ? -1 : a > b ? 1 : 0));

  const platforms = object.x_mitre_platforms;
  if (platforms !== undefined && (!Array.isArray(platforms) || platforms.some((p) => typeof p !== 'string'))) {
    throw new UpdateAttackError(`${entry.origin}: x_mitre_platforms must be an array of strings`);
  }
  const dot = id.indexOf('.');
  const technique: AttackTechnique = {
    id,
    name: expectField(entry, 'name'),
    tactics,
    parent: dot === -1 ? null : id.slice(0, dot),
    deprecated: object.x_mitre_deprecated === true,
    revoked: object.revoked === true,
    revokedBy: null,
  };
  return platforms === undefined ? technique : { ...technique, platforms: [...(platforms as string[])].sort() };
}

/** Lower is preferred: when two objects claim one ATT&CK id, the live one is the one users mean. */
function rankForDuplicate(technique: AttackTechnique): number {
  return (technique.revoked ? 2 : 0) + (technique.deprecated ? 1 : 0);
}

function revokedByTargets(relationships: readonly LoadedObject[], byStixId: ReadonlyMap<string, LoadedObject>): Map<string, string> {
  const targets = new Map<string, string>();
  for (const { object } of relationships) {
    if (object.relationship_type !== 'revoked-by') continue;
    const { source_ref: source, target_ref: target } = object;
    if (typeof source !== 'string' || typeof target !== 'string') continue;
    if (byStixId.get(target)?.object.type !== 'attack-pattern') continue;
    targets.set(source, target);
  }
  return targets;
}

function attackId(entry: LoadedObject): string | undefined {
  const references = entry.object.external_references;
  if (references === undefined) return undefined;
  if (!Array.isArray(references)) throw new UpdateAttackError(`${entry.origin}: external_references must be an array`);
  const reference = references.find((ref) => isRecord(ref) && ref.source_name === 'mitre-attack');
  return isRecord(reference) && typeof reference.external_id === 'string' ? reference.external_id : undefined;
}

function expectField(entry: LoadedObject, field: string): string {
  const value = entry.object[field];
  if (typeof value !== 'string' || value === '') {
    throw new UpdateAttackError(`${entry.origin}: ${entry.object.type} ${entry.object.id} has no string "${field}"`);
  }
  return value;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * One tactic or technique per line: small, and a regeneration diff shows exactly which techniques changed.
 * Keys are written in a fixed order rather than relying on how the objects were built.
 */
export function serializeSnapshot(snapshot: AttackSnapshot): string {
  const tactic = (t: AttackTactic): string => JSON.stringify({ id: t.id, name: t.name, shortname: t.shortname });
  const technique = (t: AttackTechnique): string =>
    JSON.stringify({
      id: t.id,
      name: t.name,
      tactics: t.tactics,
      parent: t.parent,
      deprecated: t.deprecated,
      revoked: t.revoked,
      revokedBy: t.revokedBy,
      ...(t.platforms === undefined ? {} : { platforms: t.platforms }),
    });
  const list = (items: readonly string[]): string =>
    items.length === 0 ? '[]' : `[\n${items.map((item) => `    ${item}`).join(',\n')}\n  ]`;
  return (
    '{\n' +
    `  "attackVersion": ${JSON.stringify(snapshot.attackVersion)},\n` +
    `  "domain": ${JSON.stringify(snapshot.domain)},\n` +
    `  "tactics": ${list(snapshot.tactics.map(tactic))},\n` +
    `  "techniques": ${list(snapshot.techniques.map(technique))}\n` +
    '}\n'
  );
}

