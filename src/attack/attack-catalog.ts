/**
 * The ATT&CK catalog the knowledge base resolves tags against. It is built from the committed snapshot
 * (src/attack/enterprise-attack.json, written by scripts/update-attack.ts) so that a build never needs the
 * network and every page states which ATT&CK version it was checked against. The caller reads and parses
 * the snapshot; this module stays free of I/O so tests can hand it small hand-made snapshots.
 */

export interface AttackTactic {
  /** "TA0005" */
  readonly id: string;
  readonly name: string;
  /** "defense-evasion": the form kill_chain_phases and Sigma tags use. */
  readonly shortname: string;
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
}

export interface AttackSnapshot {
  readonly attackVersion: string;
  readonly domain: string;
  /** In the order of the matrix's tactic_refs, which is the column order of the ATT&CK matrix. */
  readonly tactics: readonly AttackTactic[];
  /** Sorted by id. */
  readonly techniques: readonly AttackTechnique[];
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

/** Upper-cases and trims; returns undefined when the result is not a technique id. */
export function normalizeTechniqueId(id: string): string | undefined {
  const normalized = id.trim().toUpperCase();
  return TECHNIQUE_ID.test(normalized) ? normalized : undefined;
}

/** Sigma writes tactics as "defense_evasion" or "defense-evasion"; ATT&CK names them "Defense Evasion". */
function normalizeTacticName(name: string): string {
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

export class AttackCatalog {
  readonly version: string;
  readonly domain: string;
  readonly tactics: readonly AttackTactic[];
  readonly techniques: readonly AttackTechnique[];

  readonly #tacticsByKey = new Map<string, AttackTactic>();
  readonly #techniquesById = new Map<string, AttackTechnique>();
  readonly #subTechniques = new Map<string, AttackTechnique[]>();
  // Only names carried by exactly one live technique, so the same-name fallback never has to guess.
  readonly #liveTechniqueByName = new Map<string, AttackTechnique>();

  constructor(snapshot: AttackSnapshot) {
    this.version = snapshot.attackVersion;
    this.domain = snapshot.domain;
    this.tactics = snapshot.tactics;
    this.techniques = snapshot.techniques;

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
      if (!technique.revoked && !technique.deprecated) {
        const name = technique.name.toLowerCase();
        if (this.#liveTechniqueByName.has(name)) ambiguousNames.add(name);
        else this.#liveTechniqueByName.set(name, technique);
      }
    }
    for (const name of ambiguousNames) this.#liveTechniqueByName.delete(name);
    for (const siblings of this.#subTechniques.values()) siblings.sort((a, b) => compareTechniqueIds(a.id, b.id));
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
    };
  });
  const techniques = expectArray(root.techniques, 'techniques').map((value, index): AttackTechnique => {
    const path = `techniques[${index}]`;
    const technique = expectRecord(value, path);
    const parsed: AttackTechnique = {
      id: expectString(technique.id, `${path}.id`),
      name: expectString(technique.name, `${path}.name`),
      tactics: expectStringArray(technique.tactics, `${path}.tactics`),
      parent: expectStringOrNull(technique.parent, `${path}.parent`),
      deprecated: expectBoolean(technique.deprecated, `${path}.deprecated`),
      revoked: expectBoolean(technique.revoked, `${path}.revoked`),
      revokedBy: expectStringOrNull(technique.revokedBy, `${path}.revokedBy`),
    };
    return technique.platforms === undefined
      ? parsed
      : { ...parsed, platforms: expectStringArray(technique.platforms, `${path}.platforms`) };
  });
  return {
    attackVersion: expectString(root.attackVersion, 'attackVersion'),
    domain: expectString(root.domain, 'domain'),
    tactics,
    techniques,
  };
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
