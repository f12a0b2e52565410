/**
 * Turns STIX 2.1 objects (MITRE's enterprise-attack bundle, or mitre/cti's one-object-per-file tree) into the
 * compact snapshot the catalog is built from. Pure: src/load/load-attack.ts reads the files, and
 * scripts/update-attack.ts writes the committed snapshot. Output is deterministic: the same objects always
 * give the same bytes, whatever order they come in, so a regenerated snapshot is reviewable as a diff.
 */
import {
  CITATION_MARKER,
  compareTechniqueIds,
  parentTechniqueId,
  type AttackActor,
  type AttackActorKind,
  type AttackCitation,
  type AttackDetectionStrategy,
  type AttackMitigation,
  type AttackSnapshot,
  type AttackTactic,
  type AttackTechnique,
} from './attack-catalog.ts';
// Code-point order, so the snapshot's bytes do not depend on the machine's locale.
import { compareText } from '../model/compare-text.ts';

const SUPPORTED_DOMAIN = 'enterprise-attack';
const KILL_CHAIN_NAME = 'mitre-attack';
// MITRE publishes each release as enterprise-attack-<version>.json (attack-stix-data's index.json lists them).
const RELEASE_FILE_NAME = /^enterprise-attack-(\d+(?:\.\d+)*)\.json$/;

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
  /** Overrides the version found in the x-mitre-collection object or the file name. */
  readonly version?: string;
  /**
   * Path or URL the input came from. MITRE's release files are named enterprise-attack-18.1.json, and some
   * (18.1 among them) carry no x-mitre-collection object, so the name is the only place left that says the release.
   */
  readonly sourceName?: string;
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
  const ofType = (...types: string[]): LoadedObject[] =>
    [...byStixId.values()].filter((entry) => types.includes(entry.object.type));

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
  const attackVersion = resolveVersion(ofType('x-mitre-collection'), options, notes);
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

  const relationships = ofType('relationship');
  const revokedBy = revokedByTargets(relationships, byStixId);
  const techniqueIdByStixId = new Map([...techniques.values()].map(({ entry, technique }) => [entry.object.id, technique.id]));
  const links = liveLinks(relationships, byStixId);
  const hasRelationships = relationships.length > 0;
  if (!hasRelationships) {
    notes.push('the input has no relationship objects: techniques carry no mitigations or detection strategies, and groups, software and campaigns no techniques');
  }
  const knowledge = techniqueKnowledge(links, {
    withMitigations: hasRelationships && ofType('course-of-action').length > 0,
    withDetectionStrategies: hasRelationships && ofType('x-mitre-detection-strategy').length > 0,
  });

  let unresolved = 0;
  const resolved = [...techniques.values()].map(({ entry, technique }) => {
    if (!technique.revoked) return { ...technique, ...knowledge(entry) };
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

  const context: ActorContext = { links, techniqueIdByStixId };
  const groups = actorsOf(ofType('intrusion-set'), 'group', context);
  const software = actorsOf(ofType('malware', 'tool'), 'software', context);
  const campaigns = actorsOf(ofType('campaign'), 'campaign', context);
  const mitigations = mitigationsOf(ofType('course-of-action'));
  const detectionStrategies = detectionStrategiesOf(ofType('x-mitre-detection-strategy'), byStixId);

  return {
    snapshot: {
      attackVersion,
      domain,
      tactics,
      techniques: resolved,
      ...(groups === undefined ? {} : { groups }),
      ...(software === undefined ? {} : { software }),
      ...(campaigns === undefined ? {} : { campaigns }),
      ...(mitigations === undefined ? {} : { mitigations }),
      ...(detectionStrategies === undefined ? {} : { detectionStrategies }),
    },
    notes,
  };
}

interface ActorContext {
  readonly links: LiveLinks;
  /** The objects that won for each technique id, so a duplicate's relationships do not count twice. */
  readonly techniqueIdByStixId: ReadonlyMap<string, string>;
}

/** Live groups, software or campaigns sorted by id; undefined when the input has none of their types at all. */
function actorsOf(entries: readonly LoadedObject[], kind: AttackActorKind, context: ActorContext): AttackActor[] | undefined {
  if (entries.length === 0) return undefined;
  return entries
    .filter((entry) => isLive(entry.object))
    .flatMap((entry) => {
      const actor = toActor(entry, kind, context);
      return actor === undefined ? [] : [actor];
    })
    .sort((a, b) => compareText(a.id, b.id));
}

function toActor(entry: LoadedObject, kind: AttackActorKind, { links, techniqueIdByStixId }: ActorContext): AttackActor | undefined {
  const id = attackId(entry);
  if (id === undefined) return undefined;
  const { object } = entry;
  const name = expectField(entry, 'name');
  // Groups and campaigns use STIX's aliases; ATT&CK puts software's in its own field.
  const aliases = stringList(entry, kind === 'software' ? 'x_mitre_aliases' : 'aliases').filter((alias) => alias !== name);
  const platforms = stringList(entry, 'x_mitre_platforms');
  const uses = links.targetsOf('uses', object.id);
  const used = (...types: string[]): LoadedObject[] => uses.filter((target) => types.includes(target.object.type));
  return {
    kind,
    id,
    name,
    aliases: [...new Set(aliases)].sort(compareText),
    ...(kind === 'software' ? { softwareType: object.type === 'tool' ? ('tool' as const) : ('malware' as const) } : {}),
    ...(platforms.length === 0 ? {} : { platforms: [...platforms].sort(compareText) }),
    ...describe(entry),
    techniques: attackIdsOf(used('attack-pattern').filter((target) => techniqueIdByStixId.has(target.object.id)), compareTechniqueIds),
    ...(kind === 'software' ? {} : { software: attackIdsOf(used('malware', 'tool')) }),
    ...(kind === 'campaign' ? { groups: attackIdsOf(links.targetsOf('attributed-to', object.id).filter((target) => target.object.type === 'intrusion-set')) } : {}),
  };
}

/** The ATT&CK ids of the objects, once each, sorted. */
function attackIdsOf(entries: readonly LoadedObject[], compare: (a: string, b: string) => number = compareText): string[] {
  return [...new Set(entries.map(attackId).filter((id): id is string => id !== undefined))].sort(compare);
}

/** Revoked objects point elsewhere and deprecated ones are withdrawn: neither is knowledge to show. */
function isLive(object: StixObject): boolean {
  return object.revoked !== true && object.x_mitre_deprecated !== true;
}

/** The live relationships between live objects, so a withdrawn group or mitigation never reaches a page. */
interface LiveLinks {
  /** Objects the relationships of this type lead to from `stixId`, in input order. */
  targetsOf(type: string, stixId: string): readonly LoadedObject[];
  /** Objects the relationships of this type come from into `stixId`, in input order. */
  sourcesOf(type: string, stixId: string): readonly LoadedObject[];
}

function liveLinks(relationships: readonly LoadedObject[], byStixId: ReadonlyMap<string, LoadedObject>): LiveLinks {
  const forward = new Map<string, LoadedObject[]>();
  const backward = new Map<string, LoadedObject[]>();
  const add = (index: Map<string, LoadedObject[]>, key: string, entry: LoadedObject): void => {
    const list = index.get(key);
    if (list === undefined) index.set(key, [entry]);
    else list.push(entry);
  };
  for (const { object } of relationships) {
    // revoked-by joins a revoked object to its successor by design; revokedByTargets reads it.
    if (object.relationship_type === 'revoked-by' || !isLive(object)) continue;
    const { relationship_type: type, source_ref: sourceRef, target_ref: targetRef } = object;
    if (typeof type !== 'string' || typeof sourceRef !== 'string' || typeof targetRef !== 'string') continue;
    const source = byStixId.get(sourceRef);
    const target = byStixId.get(targetRef);
    if (source === undefined || target === undefined || !isLive(source.object) || !isLive(target.object)) continue;
    add(forward, `${type} ${sourceRef}`, target);
    add(backward, `${type} ${targetRef}`, source);
  }
  return {
    targetsOf: (type, stixId) => forward.get(`${type} ${stixId}`) ?? [],
    sourcesOf: (type, stixId) => backward.get(`${type} ${stixId}`) ?? [],
  };
}

/**
 * What a technique's page shows beyond its place in the matrix. The mitigation and detection-strategy lists
 * are present only when the input has such objects and relationships, so "none" is never confused with
 * "this data does not say" (older releases have no detection strategies).
 */
function techniqueKnowledge(
  links: LiveLinks,
  { withMitigations, withDetectionStrategies }: { readonly withMitigations: boolean; readonly withDetectionStrategies: boolean },
): (entry: LoadedObject) => Partial<AttackTechnique> {
  const idsOf = (entries: readonly LoadedObject[], type: string): string[] => attackIdsOf(entries.filter((source) => source.object.type === type));
  return (entry) => ({
    ...(withDetectionStrategies ? { detectionStrategies: idsOf(links.sourcesOf('detects', entry.object.id), 'x-mitre-detection-strategy') } : {}),
    ...(withMitigations ? { mitigations: idsOf(links.sourcesOf('mitigates', entry.object.id), 'course-of-action') } : {}),
    ...describe(entry),
  });
}

/** The object's description and the references it cites, in ATT&CK's order, without ATT&CK's own entry. */
function describe(entry: LoadedObject): { description?: string; citations?: AttackCitation[] } {
  const description = entry.object.description;
  if (typeof description !== 'string' || description === '') return {};
  const cited = new Set([...description.matchAll(CITATION_MARKER)].map((match) => match[1]!));
  const references = Array.isArray(entry.object.external_references) ? entry.object.external_references : [];
  const citations: AttackCitation[] = [];
  for (const reference of references) {
    if (!isRecord(reference) || typeof reference.source_name !== 'string' || reference.source_name === 'mitre-attack') continue;
    // Deleting keeps the first of two references with one name, as the markers can only mean one.
    if (!cited.delete(reference.source_name)) continue;
    citations.push({
      name: reference.source_name,
      ...(typeof reference.description === 'string' ? { description: reference.description } : {}),
      ...(typeof reference.url === 'string' ? { url: reference.url } : {}),
    });
  }
  return citations.length === 0 ? { description } : { description, citations };
}

/** Live mitigations; undefined when the input has no course-of-action objects at all. */
function mitigationsOf(entries: readonly LoadedObject[]): AttackMitigation[] | undefined {
  if (entries.length === 0) return undefined;
  return entries
    .filter((entry) => isLive(entry.object))
    .flatMap((entry) => {
      const id = attackId(entry);
      return id === undefined ? [] : [{ id, name: expectField(entry, 'name') }];
    })
    .sort((a, b) => compareText(a.id, b.id));
}

/**
 * Live detection strategies with what their analytics need: the data components their log sources name and
 * their platforms. Undefined when the input has none (ATT&CK before 18).
 */
function detectionStrategiesOf(entries: readonly LoadedObject[], byStixId: ReadonlyMap<string, LoadedObject>): AttackDetectionStrategy[] | undefined {
  if (entries.length === 0) return undefined;
  const live = (ref: unknown, type: string): LoadedObject | undefined => {
    const found = typeof ref === 'string' ? byStixId.get(ref) : undefined;
    return found !== undefined && found.object.type === type && isLive(found.object) ? found : undefined;
  };
  return entries
    .filter((entry) => isLive(entry.object))
    .flatMap((entry): AttackDetectionStrategy[] => {
      const id = attackId(entry);
      if (id === undefined) return [];
      const analytics = stringList(entry, 'x_mitre_analytic_refs')
        .map((ref) => live(ref, 'x-mitre-analytic'))
        .filter((analytic): analytic is LoadedObject => analytic !== undefined);
      const dataComponents = new Set<string>();
      const platforms = new Set<string>();
      for (const analytic of analytics) {
        for (const platform of stringList(analytic, 'x_mitre_platforms')) platforms.add(platform);
        const sources = analytic.object.x_mitre_log_source_references;
        for (const source of Array.isArray(sources) ? sources : []) {
          const component = isRecord(source) ? live(source.x_mitre_data_component_ref, 'x-mitre-data-component') : undefined;
          if (component !== undefined) dataComponents.add(expectField(component, 'name'));
        }
      }
      return [{ id, name: expectField(entry, 'name'), dataComponents: [...dataComponents].sort(compareText), platforms: [...platforms].sort(compareText) }];
    })
    .sort((a, b) => compareText(a.id, b.id));
}

/** An optional list of strings; anything else in the field is an input error worth one line. */
function stringList(entry: LoadedObject, field: string): string[] {
  const value = entry.object[field];
  if (value === undefined) return [];
  if (!Array.isArray(value) || value.some((item) => typeof item !== 'string')) {
    throw new UpdateAttackError(`${entry.origin}: ${field} must be an array of strings`);
  }
  return value as string[];
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
    const description = entry.object.description;
    return {
      id,
      name: expectField(entry, 'name'),
      shortname: expectField(entry, 'x_mitre_shortname'),
      ...(typeof description === 'string' && description !== '' ? { description } : {}),
    };
  });
}

/**
 * ATT&CK's release number lives on the x-mitre-collection object (x_mitre_version, e.g. "18.1"): the
 * x_mitre_version of other objects is that object's own revision and x_mitre_attack_spec_version is the data
 * model's version. Inputs without a collection (MITRE's 18.1 bundle, mitre/cti's directory tree) fall back to
 * a release file name, then to --version.
 */
function resolveVersion(collections: readonly LoadedObject[], options: BuildOptions, notes: string[]): string {
  const found = [...new Set(collections.map((entry) => entry.object.x_mitre_version).filter((v) => typeof v === 'string'))];
  const { version: override, sourceName } = options;
  if (override !== undefined) {
    if (!/^\d+(?:\.\d+)*$/.test(override)) throw new UpdateAttackError(`--version must look like 18.1, got ${JSON.stringify(override)}`);
    if (found.length > 0 && !found.includes(override)) {
      notes.push(`--version ${override} overrides the collection's version ${found.join(', ')}`);
    }
    return override;
  }
  if (found.length === 1) return found[0] as string;
  if (found.length > 1) {
    throw new UpdateAttackError(`x-mitre-collection objects disagree on the version (${found.join(', ')}); pass --version (attack.version in atc.config.yml)`);
  }
  const fileName = sourceName?.split(/[/\\]/).pop() ?? '';
  const fromName = RELEASE_FILE_NAME.exec(fileName)?.[1];
  if (fromName !== undefined) {
    notes.push(`ATT&CK version ${fromName} taken from the file name ${fileName}: the input has no x-mitre-collection object`);
    return fromName;
  }
  throw new UpdateAttackError(
    'cannot tell the ATT&CK version: the input has no x-mitre-collection object with x_mitre_version and its file name is not enterprise-attack-<version>.json; pass --version (e.g. --version 18.1; in atc.config.yml, attack.version)',
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
  ].sort((a, b) => (tacticOrder.get(a) ?? Infinity) - (tacticOrder.get(b) ?? Infinity) || compareText(a, b));

  const technique: AttackTechnique = {
    id,
    name: expectField(entry, 'name'),
    tactics,
    parent: parentTechniqueId(id),
    deprecated: object.x_mitre_deprecated === true,
    revoked: object.revoked === true,
    revokedBy: null,
  };
  return object.x_mitre_platforms === undefined ? technique : { ...technique, platforms: [...stringList(entry, 'x_mitre_platforms')].sort(compareText) };
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
 * One tactic, technique, group, software, campaign, mitigation or detection strategy per line: a regeneration
 * diff shows exactly which entries changed. Keys are written in a fixed order rather than relying on how the
 * objects were built, with the long prose last so the line still starts with what identifies it.
 */
export function serializeSnapshot(snapshot: AttackSnapshot): string {
  const tactic = (t: AttackTactic): string =>
    JSON.stringify({ id: t.id, name: t.name, shortname: t.shortname, ...(t.description === undefined ? {} : { description: t.description }) });
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
      ...(t.detectionStrategies === undefined ? {} : { detectionStrategies: t.detectionStrategies }),
      ...(t.mitigations === undefined ? {} : { mitigations: t.mitigations }),
      ...prose(t),
    });
  const actor = (a: AttackActor): string =>
    JSON.stringify({
      id: a.id,
      name: a.name,
      ...(a.softwareType === undefined ? {} : { softwareType: a.softwareType }),
      aliases: a.aliases,
      ...(a.platforms === undefined ? {} : { platforms: a.platforms }),
      techniques: a.techniques,
      ...(a.software === undefined ? {} : { software: a.software }),
      ...(a.groups === undefined ? {} : { groups: a.groups }),
      ...prose(a),
    });
  const mitigation = (m: AttackMitigation): string => JSON.stringify({ id: m.id, name: m.name });
  const strategy = (d: AttackDetectionStrategy): string =>
    JSON.stringify({ id: d.id, name: d.name, dataComponents: d.dataComponents, platforms: d.platforms });
  const list = (items: readonly string[]): string =>
    items.length === 0 ? '[]' : `[\n${items.map((item) => `    ${item}`).join(',\n')}\n  ]`;
  const sections: [string, string][] = [
    ['attackVersion', JSON.stringify(snapshot.attackVersion)],
    ['domain', JSON.stringify(snapshot.domain)],
    ['tactics', list(snapshot.tactics.map(tactic))],
    ['techniques', list(snapshot.techniques.map(technique))],
  ];
  if (snapshot.groups !== undefined) sections.push(['groups', list(snapshot.groups.map(actor))]);
  if (snapshot.software !== undefined) sections.push(['software', list(snapshot.software.map(actor))]);
  if (snapshot.campaigns !== undefined) sections.push(['campaigns', list(snapshot.campaigns.map(actor))]);
  if (snapshot.mitigations !== undefined) sections.push(['mitigations', list(snapshot.mitigations.map(mitigation))]);
  if (snapshot.detectionStrategies !== undefined) sections.push(['detectionStrategies', list(snapshot.detectionStrategies.map(strategy))]);
  return `{\n${sections.map(([key, value]) => `  ${JSON.stringify(key)}: ${value}`).join(',\n')}\n}\n`;
}

function prose(item: { readonly description?: string; readonly citations?: readonly AttackCitation[] }): object {
  return {
    ...(item.description === undefined ? {} : { description: item.description }),
    ...(item.citations === undefined
      ? {}
      : { citations: item.citations.map((c) => ({ name: c.name, ...(c.description === undefined ? {} : { description: c.description }), ...(c.url === undefined ? {} : { url: c.url }) })) }),
  };
}
