/**
 * The ATT&CK catalog the knowledge base resolves tags against. It is built from the committed snapshot
 * (src/attack/enterprise-attack.json, written by scripts/update-attack.ts) so that a build never needs the
 * network and every page states which ATT&CK version it was checked against. The caller reads and parses
 * the snapshot; this module stays free of I/O so tests can hand it small hand-made snapshots.
 */

/**
 * Where a tactic or technique comes from. Absent: the ATT&CK data of this build (the committed snapshot, or
 * the STIX bundle `attack.bundle` names). "overlay": a team's overlay file named it before ATT&CK did.
 * "provisional": nothing named it but the content itself (a Sigma tag, an Atomic Red Team folder), so the
 * build made it up from the tag rather than drop the rules that use it.
 */
export type AttackOrigin = 'overlay' | 'provisional';

export interface AttackOriginNote {
  readonly origin: AttackOrigin;
  /** One line for the pages: which tags, files or overlay named the entity. */
  readonly reason: string;
}

export interface AttackTactic {
  /** "TA0005"; a provisional tactic has no ATT&CK id and uses its shortname ("defense-impairment"). */
  readonly id: string;
  readonly name: string;
  /** "defense-evasion": the form kill_chain_phases and Sigma tags use. */
  readonly shortname: string;
  /** ATT&CK's description (markdown with `(Citation: …)` markers). */
  readonly description?: string;
  readonly origin?: AttackOriginNote;
}

export interface AttackTechnique {
  /** "T1003" or "T1003.001" */
  readonly id: string;
  readonly name: string;
  /** Tactic shortnames in matrix order. */
  readonly tactics: readonly string[];
  /** "T1003" for "T1003.001"; null for a technique. */
  readonly parent: string | null;
  readonly deprecated: boolean;
  readonly revoked: boolean;
  /** Technique id named by a STIX revoked-by relationship, or null when the source had none. */
  readonly revokedBy: string | null;
  readonly platforms?: readonly string[];
  /** ATT&CK's description: markdown with `(Citation: <name>)` markers that `citations` resolves. */
  readonly description?: string;
  /** The external references the description cites, in ATT&CK's order. */
  readonly citations?: readonly AttackCitation[];
  /** Ids of the detection strategies (DET…) that detect the technique (ATT&CK 18 and later). */
  readonly detectionStrategies?: readonly string[];
  /** Ids of the mitigations (M…) that mitigate it. */
  readonly mitigations?: readonly string[];
  readonly origin?: AttackOriginNote;
}

export interface AttackCitation {
  /** The `source_name` the description's `(Citation: …)` markers use. */
  readonly name: string;
  /** The bibliographic line ("French, D. (2018, October 2). …"). */
  readonly description?: string;
  readonly url?: string;
}

export type AttackActorKind = 'group' | 'software' | 'campaign';

/** A group (intrusion-set), a piece of software (malware or tool) or a campaign, with the techniques it uses. */
export interface AttackActor {
  readonly kind: AttackActorKind;
  /** "G0016", "S0002", "C0024" */
  readonly id: string;
  readonly name: string;
  /** Other names, without the name itself. */
  readonly aliases: readonly string[];
  /** For software: "malware" or "tool". */
  readonly softwareType?: 'malware' | 'tool';
  readonly platforms?: readonly string[];
  readonly description?: string;
  readonly citations?: readonly AttackCitation[];
  /** Technique ids (sub-techniques included) the STIX `uses` relations name, sorted. */
  readonly techniques: readonly string[];
  /** For groups and campaigns: ids of the software they use, sorted. */
  readonly software?: readonly string[];
  /** For campaigns: the groups they are attributed to. */
  readonly groups?: readonly string[];
  /** Set for a group or software only a tag names (e.g. newer than the data): provisional. */
  readonly origin?: AttackOriginNote;
}

export interface AttackMitigation {
  /** "M1047" */
  readonly id: string;
  readonly name: string;
}

export interface AttackDetectionStrategy {
  /** "DET0103" */
  readonly id: string;
  readonly name: string;
  /** Names of the data components its analytics read (e.g. "Process Creation"), sorted. */
  readonly dataComponents: readonly string[];
  /** Platforms of its analytics, sorted. */
  readonly platforms: readonly string[];
}

/** What a technique's page shows about who uses it. */
export interface AttackUsers {
  readonly groups: readonly AttackActor[];
  readonly software: readonly AttackActor[];
  readonly campaigns: readonly AttackActor[];
}

export interface AttackSnapshot {
  readonly attackVersion: string;
  readonly domain: string;
  /** In the order of the matrix's tactic_refs, which is the column order of the ATT&CK matrix. */
  readonly tactics: readonly AttackTactic[];
  /** Sorted by id. */
  readonly techniques: readonly AttackTechnique[];
  /** Each sorted by id; absent in small hand-made snapshots. */
  readonly groups?: readonly AttackActor[];
  readonly software?: readonly AttackActor[];
  readonly campaigns?: readonly AttackActor[];
  readonly mitigations?: readonly AttackMitigation[];
  readonly detectionStrategies?: readonly AttackDetectionStrategy[];
}

/**
 * Tactics and techniques added to a catalog: by an overlay file or, provisionally, from tags the data does
 * not know. A tactic goes into the matrix after the tactic `after` names (id or shortname), else last; one
 * the catalog has keeps its column unless `after` moves it.
 */
export interface AttackAdditions {
  readonly tactics?: ReadonlyArray<AttackTactic & { readonly after?: string }>;
  readonly techniques?: readonly AttackTechnique[];
}

/**
 * How a replacement for a revoked technique was found. "revoked-by" comes from ATT&CK's own relationship
 * objects. "same-name" is a fallback for inputs that lack relationships (the one-object-per-file corpus
 * layout carries none): ATT&CK's 2020 move to sub-techniques revoked most old techniques in favour of a
 * sub-technique of exactly the same name, so a unique live technique with that name is very likely the
 * successor, but pages should present it as such rather than as ATT&CK's statement.
 */
export type ReplacementBasis = 'revoked-by' | 'same-name';

export interface AttackReplacement {
  readonly technique: AttackTechnique;
  readonly basis: ReplacementBasis;
}

export type AttackIdKind = 'group' | 'software' | 'mitigation' | 'data-source';

export type AttackTagClass =
  | { readonly kind: 'tactic'; readonly tactic: AttackTactic }
  /** A tactic-like tag this ATT&CK version does not know (e.g. "stealth", newer than v18.1); name is normalised to hyphens. */
  | { readonly kind: 'unknown-tactic'; readonly name: string }
  | { readonly kind: 'technique'; readonly technique: AttackTechnique }
  | { readonly kind: 'unknown-technique'; readonly id: string }
  | {
      readonly kind: 'revoked-technique';
      readonly technique: AttackTechnique;
      readonly replacement?: AttackTechnique;
      readonly replacementBasis?: ReplacementBasis;
    }
  | { readonly kind: 'deprecated-technique'; readonly technique: AttackTechnique }
  /** Ids of ATT&CK objects the snapshot does not carry; recognised so they are not reported as junk. */
  | { readonly kind: AttackIdKind; readonly id: string }
  | { readonly kind: 'other'; readonly tag: string };

const TECHNIQUE_ID = /^T\d{4}(?:\.\d{3})?$/;
const TACTIC_ID = /^TA\d{4}$/;
const ATTACK_BASE_URL = 'https://attack.mitre.org';

// Revocation chains in ATT&CK are one or two links long; the cap only guards against a cyclic snapshot.
const MAX_REVOCATION_HOPS = 16;

/**
 * ATT&CK descriptions cite their sources as "(Citation: <source_name>)". A name may hold one pair of
 * parentheses ("BlackEnergy (Group)"); the two alternatives start with different characters, so matching
 * stays linear.
 */
export const CITATION_MARKER = /\(Citation: ((?:[^()]|\([^()]*\))+)\)/g;

/**
 * The folder of each kind of object on attack.mitre.org; the site and its layers mirror the actors' folders
 * (/groups/G0016/, layers/software/S0002.json), so one table serves both.
 */
export const ATTACK_OBJECT_FOLDERS = { group: 'groups', software: 'software', campaign: 'campaigns', mitigation: 'mitigations', 'detection-strategy': 'detectionstrategies' } as const;

/** "TA0005", in any case: an ATT&CK tactic id (a provisional tactic's id is its shortname instead). */
export function isTacticId(id: string): boolean {
  return TACTIC_ID.test(id.trim().toUpperCase());
}

/** "T1003" for "T1003.001"; null for a technique that is not a sub-technique. */
export function parentTechniqueId(id: string): string | null {
  const dot = id.indexOf('.');
  return dot === -1 ? null : id.slice(0, dot);
}

/** Upper-cases and trims; returns undefined when the result is not a technique id. */
export function normalizeTechniqueId(id: string): string | undefined {
  const normalized = id.trim().toUpperCase();
  return TECHNIQUE_ID.test(normalized) ? normalized : undefined;
}

/** Sigma writes tactics as "defense_evasion" or "defense-evasion"; ATT&CK names them "Defense Evasion". */
export function normalizeTacticName(name: string): string {
  return name.trim().toLowerCase().replace(/[\s_]+/g, '-');
}

export function techniqueUrl(id: string): string {
  const normalized = normalizeTechniqueId(id);
  if (normalized === undefined) throw new RangeError(`not an ATT&CK technique id: ${JSON.stringify(id)}`);
  return `${ATTACK_BASE_URL}/techniques/${normalized.replace('.', '/')}`;
}

export function tacticUrl(id: string): string {
  const normalized = id.trim().toUpperCase();
  if (!TACTIC_ID.test(normalized)) throw new RangeError(`not an ATT&CK tactic id: ${JSON.stringify(id)}`);
  return `${ATTACK_BASE_URL}/tactics/${normalized}`;
}

/**
 * ATT&CK's page of a group, software, campaign, mitigation or detection strategy ("G0016" → …/groups/G0016).
 * The id is encoded rather than checked: a team's own STIX bundle may hold odd ids, and a link that leads
 * to a missing ATT&CK page is better than a failed build.
 */
export function attackObjectUrl(kind: keyof typeof ATTACK_OBJECT_FOLDERS, id: string): string {
  return `${ATTACK_BASE_URL}/${ATTACK_OBJECT_FOLDERS[kind]}/${encodeURIComponent(id.trim().toUpperCase())}`;
}

export class AttackCatalog {
  readonly version: string;
  readonly domain: string;
  /** In matrix column order; overlay and provisional tactics where they were placed. */
  readonly tactics: readonly AttackTactic[];
  /** Sorted by id; includes overlay and provisional techniques. */
  readonly techniques: readonly AttackTechnique[];
  readonly groups: readonly AttackActor[];
  readonly software: readonly AttackActor[];
  readonly campaigns: readonly AttackActor[];
  readonly mitigations: readonly AttackMitigation[];
  readonly detectionStrategies: readonly AttackDetectionStrategy[];
  readonly #snapshot: AttackSnapshot;

  readonly #tacticsByKey = new Map<string, AttackTactic>();
  readonly #techniquesById = new Map<string, AttackTechnique>();
  readonly #subTechniques = new Map<string, AttackTechnique[]>();
  // Only names carried by exactly one live technique, so the same-name fallback never has to guess.
  readonly #liveTechniqueByName = new Map<string, AttackTechnique>();
  readonly #actors = new Map<string, AttackActor>();
  readonly #mitigationsById = new Map<string, AttackMitigation>();
  readonly #detectionStrategiesById = new Map<string, AttackDetectionStrategy>();
  #usersByTechnique: Map<string, { groups: AttackActor[]; software: AttackActor[]; campaigns: AttackActor[] }> | undefined;

  constructor(snapshot: AttackSnapshot, extraTacticKeys: ReadonlyMap<string, AttackTactic> = new Map()) {
    this.#snapshot = snapshot;
    this.version = snapshot.attackVersion;
    this.domain = snapshot.domain;
    this.tactics = snapshot.tactics;
    this.techniques = snapshot.techniques;
    this.groups = snapshot.groups ?? [];
    this.software = snapshot.software ?? [];
    this.campaigns = snapshot.campaigns ?? [];
    this.mitigations = snapshot.mitigations ?? [];
    this.detectionStrategies = snapshot.detectionStrategies ?? [];

    for (const [key, tactic] of extraTacticKeys) this.#tacticsByKey.set(key, tactic);
    for (const tactic of snapshot.tactics) {
      this.#tacticsByKey.set(tactic.id.toUpperCase(), tactic);
      this.#tacticsByKey.set(normalizeTacticName(tactic.shortname), tactic);
    }
    const ambiguousNames = new Set<string>();
    for (const technique of snapshot.techniques) {
      this.#techniquesById.set(technique.id.toUpperCase(), technique);
      if (technique.parent !== null) {
        const siblings = this.#subTechniques.get(technique.parent.toUpperCase()) ?? [];
        siblings.push(technique);
        this.#subTechniques.set(technique.parent.toUpperCase(), siblings);
      }
      if (!technique.revoked && !technique.deprecated && technique.origin === undefined) {
        const name = technique.name.toLowerCase();
        if (this.#liveTechniqueByName.has(name)) ambiguousNames.add(name);
        else this.#liveTechniqueByName.set(name, technique);
      }
    }
    for (const name of ambiguousNames) this.#liveTechniqueByName.delete(name);
    for (const siblings of this.#subTechniques.values()) siblings.sort((a, b) => compareTechniqueIds(a.id, b.id));
    for (const actor of [...this.groups, ...this.software, ...this.campaigns]) this.#actors.set(actor.id.toUpperCase(), actor);
    for (const mitigation of this.mitigations) this.#mitigationsById.set(mitigation.id.toUpperCase(), mitigation);
    for (const strategy of this.detectionStrategies) this.#detectionStrategiesById.set(strategy.id.toUpperCase(), strategy);
  }

  /**
   * A catalog with more tactics and techniques: an overlay's, or the provisional ones the linker made from
   * tags. An addition with an id the catalog has replaces that entry in place (keeping what it does not
   * restate, such as a technique's description), and a replaced tactic's old shortname still resolves to it.
   */
  withAdditions(additions: AttackAdditions): AttackCatalog {
    const tactics = [...this.tactics];
    const oldKeys = new Map<string, AttackTactic>();
    for (const { after, ...tactic } of additions.tactics ?? []) {
      const existing = tactics.findIndex((known) => known.id.toUpperCase() === tactic.id.toUpperCase());
      let placed: AttackTactic = tactic;
      if (existing !== -1) {
        const replaced = tactics[existing]!;
        placed = { ...replaced, ...tactic };
        oldKeys.set(normalizeTacticName(replaced.shortname), placed);
        // A replaced tactic keeps its column unless the addition places it (an overlay moving it).
        if (after === undefined) {
          tactics[existing] = placed;
          continue;
        }
        tactics.splice(existing, 1);
      }
      const anchor = after === undefined ? -1 : tactics.findIndex((known) => known.id.toUpperCase() === after.trim().toUpperCase() || normalizeTacticName(known.shortname) === normalizeTacticName(after));
      if (anchor === -1) tactics.push(placed);
      else tactics.splice(anchor + 1, 0, placed);
    }
    // A shortname kept as an alias must lead to the tactic's final form, not to the one it replaced.
    const finalById = new Map(tactics.map((tactic) => [tactic.id.toUpperCase(), tactic]));
    const extraKeys = new Map([...oldKeys].map(([key, tactic]) => [key, finalById.get(tactic.id.toUpperCase()) ?? tactic]));
    const techniques = new Map(this.techniques.map((technique) => [technique.id.toUpperCase(), technique]));
    for (const technique of additions.techniques ?? []) {
      const existing = techniques.get(technique.id.toUpperCase());
      techniques.set(technique.id.toUpperCase(), existing === undefined ? technique : { ...existing, ...technique });
    }
    return new AttackCatalog(
      { ...this.#snapshot, tactics, techniques: [...techniques.values()].sort((a, b) => compareTechniqueIds(a.id, b.id)) },
      extraKeys,
    );
  }

  /** Validates parsed JSON (e.g. the committed snapshot) before building the catalog. */
  static fromJson(data: unknown): AttackCatalog {
    return new AttackCatalog(parseAttackSnapshot(data));
  }

  /** Accepts "TA0005", "defense-evasion", "defense_evasion" or "Defense Evasion", in any case. */
  tactic(shortnameOrId: string): AttackTactic | undefined {
    const key = shortnameOrId.trim();
    return this.#tacticsByKey.get(key.toUpperCase()) ?? this.#tacticsByKey.get(normalizeTacticName(key));
  }

  technique(id: string): AttackTechnique | undefined {
    return this.#techniquesById.get(id.trim().toUpperCase());
  }

  /** Sorted by id; includes revoked and deprecated sub-techniques, which carry their flags. */
  subTechniquesOf(id: string): readonly AttackTechnique[] {
    return this.#subTechniques.get(id.trim().toUpperCase()) ?? [];
  }

  /** A group, software or campaign by its ATT&CK id ("G0016", "S0002", "C0024"). */
  actor(id: string): AttackActor | undefined {
    return this.#actors.get(id.trim().toUpperCase());
  }

  mitigation(id: string): AttackMitigation | undefined {
    return this.#mitigationsById.get(id.trim().toUpperCase());
  }

  detectionStrategy(id: string): AttackDetectionStrategy | undefined {
    return this.#detectionStrategiesById.get(id.trim().toUpperCase());
  }

  /** The groups, software and campaigns that use exactly this technique (sub-techniques are their own), each by id. */
  usersOf(techniqueId: string): AttackUsers {
    if (this.#usersByTechnique === undefined) {
      this.#usersByTechnique = new Map();
      for (const actor of [...this.groups, ...this.software, ...this.campaigns]) {
        for (const id of actor.techniques) {
          const key = id.toUpperCase();
          const users = this.#usersByTechnique.get(key) ?? { groups: [], software: [], campaigns: [] };
          (actor.kind === 'group' ? users.groups : actor.kind === 'software' ? users.software : users.campaigns).push(actor);
          this.#usersByTechnique.set(key, users);
        }
      }
    }
    return this.#usersByTechnique.get(techniqueId.trim().toUpperCase()) ?? { groups: [], software: [], campaigns: [] };
  }

  /**
   * The technique that took over from a revoked one. Follows revoked-by links to the end of the chain,
   * since a replacement can itself have been revoked later; falls back to a same-name match when the
   * snapshot has no revoked-by link (see ReplacementBasis).
   */
  replacementOf(id: string): AttackReplacement | undefined {
    const start = this.technique(id);
    if (start === undefined || !start.revoked) return undefined;
    if (start.revokedBy === null) {
      const sameName = this.#liveTechniqueByName.get(start.name.toLowerCase());
      return sameName === undefined ? undefined : { technique: sameName, basis: 'same-name' };
    }
    let current: AttackTechnique | undefined;
    let nextId: string | null = start.revokedBy;
    for (let hop = 0; nextId !== null && hop < MAX_REVOCATION_HOPS; hop++) {
      const next = this.technique(nextId);
      if (next === undefined) break;
      current = next;
      nextId = next.revoked ? next.revokedBy : null;
    }
    return current === undefined ? undefined : { technique: current, basis: 'revoked-by' };
  }

  classifyAttackTag(tag: string): AttackTagClass {
    const lowered = tag.trim().toLowerCase();
    if (!lowered.startsWith('attack.')) return { kind: 'other', tag };
    const rest = lowered.slice('attack.'.length);

    if (/^t\d{4}(?:\.\d{3})?$/.test(rest)) return this.#classifyTechnique(rest.toUpperCase());
    if (/^ta\d{4}$/.test(rest)) {
      const tactic = this.tactic(rest);
      return tactic === undefined ? { kind: 'unknown-tactic', name: rest.toUpperCase() } : { kind: 'tactic', tactic };
    }
    const idKind = attackIdKind(rest);
    if (idKind !== undefined) return { kind: idKind, id: rest.toUpperCase() };
    if (/^[a-z]+(?:[_-][a-z]+)*$/.test(rest)) {
      const tactic = this.tactic(rest);
      return tactic === undefined ? { kind: 'unknown-tactic', name: normalizeTacticName(rest) } : { kind: 'tactic', tactic };
    }
    return { kind: 'other', tag };
  }

  techniqueUrl(id: string): string {
    return techniqueUrl(id);
  }

  tacticUrl(id: string): string {
    return tacticUrl(id);
  }

  #classifyTechnique(id: string): AttackTagClass {
    const technique = this.technique(id);
    if (technique === undefined) return { kind: 'unknown-technique', id };
    // A revoked technique may also be flagged deprecated; revocation matters more because it names a successor.
    if (technique.revoked) {
      const replacement = this.replacementOf(id);
      return replacement === undefined
        ? { kind: 'revoked-technique', technique }
        : { kind: 'revoked-technique', technique, replacement: replacement.technique, replacementBasis: replacement.basis };
    }
    if (technique.deprecated) return { kind: 'deprecated-technique', technique };
    return { kind: 'technique', technique };
  }
}

export interface AttackSummary {
  readonly version: string;
  readonly overlay: { readonly tactics: number; readonly techniques: number };
  readonly provisional: { readonly tactics: number; readonly techniques: number };
}

/** What the build summary, the home page and api/ say about the ATT&CK data: its version and what was added to it. */
export function attackSummary(attack: AttackCatalog): AttackSummary {
  const added = (origin: AttackOrigin) => ({
    tactics: attack.tactics.filter((tactic) => tactic.origin?.origin === origin).length,
    techniques: attack.techniques.filter((technique) => technique.origin?.origin === origin).length,
  });
  return { version: attack.version, overlay: added('overlay'), provisional: added('provisional') };
}

function attackIdKind(rest: string): AttackIdKind | undefined {
  if (/^g\d{4}$/.test(rest)) return 'group';
  if (/^s\d{4}$/.test(rest)) return 'software';
  if (/^m\d{4}$/.test(rest)) return 'mitigation';
  if (/^ds\d{4}$/.test(rest)) return 'data-source';
  return undefined;
}

/** Orders "T1003" < "T1003.001" < "T1003.010" < "T1004" numerically, independent of locale. */
export function compareTechniqueIds(a: string, b: string): number {
  const [aMain = '', aSub] = a.toUpperCase().split('.');
  const [bMain = '', bSub] = b.toUpperCase().split('.');
  const byMain = Number(aMain.slice(1)) - Number(bMain.slice(1));
  if (byMain !== 0) return byMain;
  if (aSub === undefined || bSub === undefined) return (aSub === undefined ? 0 : 1) - (bSub === undefined ? 0 : 1);
  return Number(aSub) - Number(bSub);
}

/**
 * Checks the shape of parsed snapshot JSON and returns it typed. Errors name the offending path
 * (e.g. "techniques[12].name") because a hand-edited or truncated snapshot is the likely cause.
 */
export function parseAttackSnapshot(data: unknown): AttackSnapshot {
  const root = expectRecord(data, 'snapshot');
  const tactics = expectArray(root.tactics, 'tactics').map((value, index): AttackTactic => {
    const path = `tactics[${index}]`;
    const tactic = expectRecord(value, path);
    return {
      id: expectString(tactic.id, `${path}.id`),
      name: expectString(tactic.name, `${path}.name`),
      shortname: expectString(tactic.shortname, `${path}.shortname`),
      ...optional('description', tactic.description, `${path}.description`, expectString),
    };
  });
  const techniques = expectArray(root.techniques, 'techniques').map((value, index): AttackTechnique => {
    const path = `techniques[${index}]`;
    const technique = expectRecord(value, path);
    return {
      id: expectString(technique.id, `${path}.id`),
      name: expectString(technique.name, `${path}.name`),
      tactics: expectStringArray(technique.tactics, `${path}.tactics`),
      parent: expectStringOrNull(technique.parent, `${path}.parent`),
      deprecated: expectBoolean(technique.deprecated, `${path}.deprecated`),
      revoked: expectBoolean(technique.revoked, `${path}.revoked`),
      revokedBy: expectStringOrNull(technique.revokedBy, `${path}.revokedBy`),
      ...optional('platforms', technique.platforms, `${path}.platforms`, expectStringArray),
      ...optional('description', technique.description, `${path}.description`, expectString),
      ...optional('citations', technique.citations, `${path}.citations`, expectCitations),
      ...optional('detectionStrategies', technique.detectionStrategies, `${path}.detectionStrategies`, expectStringArray),
      ...optional('mitigations', technique.mitigations, `${path}.mitigations`, expectStringArray),
    };
  });
  return {
    attackVersion: expectString(root.attackVersion, 'attackVersion'),
    domain: expectString(root.domain, 'domain'),
    tactics,
    techniques,
    ...optional('groups', root.groups, 'groups', expectActors('group')),
    ...optional('software', root.software, 'software', expectActors('software')),
    ...optional('campaigns', root.campaigns, 'campaigns', expectActors('campaign')),
    ...optional('mitigations', root.mitigations, 'mitigations', expectMitigations),
    ...optional('detectionStrategies', root.detectionStrategies, 'detectionStrategies', expectDetectionStrategies),
  };
}

function expectActors(kind: AttackActorKind): (value: unknown, path: string) => AttackActor[] {
  return (value, listPath) =>
    expectArray(value, listPath).map((item, index): AttackActor => {
      const path = `${listPath}[${index}]`;
      const actor = expectRecord(item, path);
      const softwareType = actor.softwareType;
      if (softwareType !== undefined && softwareType !== 'malware' && softwareType !== 'tool') throw snapshotError(`${path}.softwareType`, '"malware" or "tool"');
      return {
        kind,
        id: expectString(actor.id, `${path}.id`),
        name: expectString(actor.name, `${path}.name`),
        aliases: expectStringArray(actor.aliases ?? [], `${path}.aliases`),
        ...(softwareType === undefined ? {} : { softwareType }),
        ...optional('platforms', actor.platforms, `${path}.platforms`, expectStringArray),
        ...optional('description', actor.description, `${path}.description`, expectString),
        ...optional('citations', actor.citations, `${path}.citations`, expectCitations),
        techniques: expectStringArray(actor.techniques ?? [], `${path}.techniques`),
        ...optional('software', actor.software, `${path}.software`, expectStringArray),
        ...optional('groups', actor.groups, `${path}.groups`, expectStringArray),
      };
    });
}

function expectMitigations(value: unknown, listPath: string): AttackMitigation[] {
  return expectArray(value, listPath).map((item, index) => {
    const path = `${listPath}[${index}]`;
    const mitigation = expectRecord(item, path);
    return { id: expectString(mitigation.id, `${path}.id`), name: expectString(mitigation.name, `${path}.name`) };
  });
}

function expectDetectionStrategies(value: unknown, listPath: string): AttackDetectionStrategy[] {
  return expectArray(value, listPath).map((item, index) => {
    const path = `${listPath}[${index}]`;
    const strategy = expectRecord(item, path);
    return {
      id: expectString(strategy.id, `${path}.id`),
      name: expectString(strategy.name, `${path}.name`),
      dataComponents: expectStringArray(strategy.dataComponents ?? [], `${path}.dataComponents`),
      platforms: expectStringArray(strategy.platforms ?? [], `${path}.platforms`),
    };
  });
}

/** `{key: parsed}` when the value is present, `{}` when it is absent, so optional keys stay absent. */
function optional<K extends string, T>(key: K, value: unknown, path: string, expect: (value: unknown, path: string) => T): { [P in K]?: T } {
  return value === undefined ? {} : ({ [key]: expect(value, path) } as { [P in K]?: T });
}

function expectCitations(value: unknown, path: string): AttackCitation[] {
  return expectArray(value, path).map((item, index) => {
    const citation = expectRecord(item, `${path}[${index}]`);
    return {
      name: expectString(citation.name, `${path}[${index}].name`),
      ...optional('description', citation.description, `${path}[${index}].description`, expectString),
      ...optional('url', citation.url, `${path}[${index}].url`, expectString),
    };
  });
}

function snapshotError(path: string, expected: string): TypeError {
  return new TypeError(`invalid ATT&CK snapshot: ${path}: expected ${expected}`);
}

function expectRecord(value: unknown, path: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw snapshotError(path, 'an object');
  return value as Record<string, unknown>;
}

function expectArray(value: unknown, path: string): unknown[] {
  if (!Array.isArray(value)) throw snapshotError(path, 'an array');
  return value;
}

function expectString(value: unknown, path: string): string {
  if (typeof value !== 'string') throw snapshotError(path, 'a string');
  return value;
}

function expectStringOrNull(value: unknown, path: string): string | null {
  if (value !== null && typeof value !== 'string') throw snapshotError(path, 'a string or null');
  return value;
}

function expectBoolean(value: unknown, path: string): boolean {
  if (typeof value !== 'boolean') throw snapshotError(path, 'a boolean');
  return value;
}

function expectStringArray(value: unknown, path: string): string[] {
  return expectArray(value, path).map((item, index) => expectString(item, `${path}[${index}]`));
}
