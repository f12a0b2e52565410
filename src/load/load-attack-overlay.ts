import { isTacticId, normalizeTechniqueId, parentTechniqueId as parentOf, type AttackAdditions, type AttackCatalog, type AttackOriginNote, type AttackTactic, type AttackTechnique } from '../attack/attack-catalog.ts';
import { makeIssue, type Issue } from '../model/issue.ts';
import { FieldReader } from './read-fields.ts';
import { readYamlFile } from './read-yaml-file.ts';

/**
 * A team's ATT&CK overlay (`attack.overlay` in atc.config.yml): tactics and techniques newer than the ATT&CK
 * data of the build, or renamed and re-placed ones, so the matrix can show TA0112 before the bundled data
 * names it. The format is documented in README.md ("Your own ATT&CK data"):
 *
 *   tactics:
 *     - id: TA0112                       # a new id adds a column; a known one renames or moves it
 *       shortname: defense-impairment    # the form Sigma tags use
 *       name: Defense Impairment
 *       after: defense-evasion           # the column it follows (id or shortname); default: last
 *       description: …                   # optional
 *   techniques:
 *     - id: T1685
 *       name: Disable or Modify Tools
 *       tactics: [defense-impairment]    # ids or shortnames; a sub-technique defaults to its parent's
 *     - id: T1685.001                    # the parent comes from the id, from the data or this file
 *       name: …
 *
 * Every entry is checked against the data and the rest of the file; an entry with an error is left out.
 */

const OVERLAY_KEYS = new Set(['tactics', 'techniques']);
const TACTIC_KEYS = new Set(['id', 'shortname', 'name', 'after', 'description']);
const TECHNIQUE_KEYS = new Set(['id', 'name', 'tactics']);
/** Lower-case words joined by hyphens, as ATT&CK's own shortnames ("defense-evasion"). */
const SHORTNAME = /^[a-z]+(?:-[a-z]+)*$/;
const CONTROL_CHARACTER = /[\u0000-\u001f\u007f]/;

type OverlayTactic = AttackTactic & { readonly after?: string };

/**
 * Reads an overlay file into additions for `catalog.withAdditions`. `written` is the file as the
 * configuration names it: new entries say they were named there.
 */
export function readAttackOverlay(absolutePath: string, displayPath: string, written: string, catalog: AttackCatalog): { additions: AttackAdditions; issues: Issue[] } {
  const issues: Issue[] = [];
  const none = { additions: {}, issues };
  const yaml = readYamlFile(absolutePath, displayPath);
  issues.push(...yaml.issues);
  const document = yaml.documents[0];
  if (!document) {
    if (yaml.issues.length === 0) issues.push(makeIssue(displayPath, undefined, 'yaml-empty', 'empty overlay; expected a mapping with tactics and/or techniques'));
    return none;
  }
  if (yaml.documents.length > 1) issues.push(makeIssue(displayPath, yaml.documents[1]!.position, 'config-invalid', 'an overlay file holds one YAML document'));
  const reader = FieldReader.forDocument(document, issues, 'file of ATT&CK tactics and techniques');
  if (!reader) return none;
  reader.warnUnknownKeys(OVERLAY_KEYS, 'an ATT&CK overlay');
  const origin: AttackOriginNote = { origin: 'overlay', reason: `named in ${written} (not in ATT&CK ${catalog.version})` };
  const tactics = readTactics(reader, catalog, origin);
  const techniques = readTechniques(reader, catalog.withAdditions({ tactics }), origin);
  return { additions: { tactics, techniques }, issues };
}

function readTactics(reader: FieldReader, catalog: AttackCatalog, origin: AttackOriginNote): OverlayTactic[] {
  const tactics: OverlayTactic[] = [];
  // An earlier entry of this file, by id and by shortname, for `after` and for shortnames already taken.
  const earlier = (key: string): OverlayTactic | undefined => tactics.find((tactic) => tactic.id === key.toUpperCase() || tactic.shortname === key);
  const known = (key: string): AttackTactic | undefined => earlier(key) ?? catalog.tactic(key);
  const seen = new Set<string>();
  for (const entry of reader.children('tactics')) {
    entry.warnUnknownKeys(TACTIC_KEYS, 'an overlay tactic');
    const rawId = entry.string('id', { required: true });
    if (rawId === undefined) continue;
    const id = rawId.trim().toUpperCase();
    if (!isTacticId(id)) {
      entry.report('id', 'field-value', `tactic id ${JSON.stringify(rawId)} is not of the form TA0112`);
      continue;
    }
    if (seen.has(id)) {
      entry.report('id', 'duplicate-id', `tactic ${id} is listed twice in this overlay`);
      continue;
    }
    seen.add(id);
    const existing = catalog.tactics.find((tactic) => tactic.id.toUpperCase() === id);
    const shortname = entry.string('shortname', { required: existing === undefined });
    const name = readName(entry, existing === undefined);
    const description = entry.string('description');
    const after = entry.string('after');
    // A tactic the data has needs nothing but its id; a new one, its shortname and name.
    let valid = existing !== undefined || (shortname !== undefined && name !== undefined);
    if (shortname !== undefined) {
      const holder = known(shortname);
      if (!SHORTNAME.test(shortname)) {
        entry.report('shortname', 'field-value', `shortname ${JSON.stringify(shortname)} must be lower-case words joined by hyphens, e.g. defense-impairment`);
        valid = false;
      } else if (holder !== undefined && holder.id.toUpperCase() !== id) {
        entry.report('shortname', 'field-value', `shortname "${shortname}" is already tactic ${holder.id} (${holder.name})`);
        valid = false;
      }
    }
    let afterId: string | undefined;
    if (after !== undefined) {
      const anchor = known(after);
      if (anchor === undefined) entry.report('after', 'field-value', `after: no tactic "${after}" in ATT&CK ${catalog.version} or earlier in this file`);
      else if (anchor.id.toUpperCase() === id) entry.report('after', 'field-value', `after: tactic ${id} cannot follow itself`);
      else afterId = anchor.id;
      valid &&= afterId !== undefined;
    }
    if (!valid) continue;
    const base = existing ?? { id, name: name!, shortname: shortname!, origin };
    tactics.push({
      ...base,
      ...(shortname !== undefined && { shortname }),
      ...(name !== undefined && { name }),
      ...(description !== undefined && { description }),
      ...(afterId !== undefined && { after: afterId }),
    });
  }
  return tactics;
}

/** Parents before their sub-techniques, so that a sub-technique can take its parent's tactics from this file. */
function readTechniques(reader: FieldReader, catalog: AttackCatalog, origin: AttackOriginNote): AttackTechnique[] {
  const entries: Array<{ entry: FieldReader; id: string }> = [];
  const seen = new Set<string>();
  for (const entry of reader.children('techniques')) {
    entry.warnUnknownKeys(TECHNIQUE_KEYS, 'an overlay technique');
    const rawId = entry.string('id', { required: true });
    if (rawId === undefined) continue;
    const id = normalizeTechniqueId(rawId);
    if (id === undefined) entry.report('id', 'field-value', `technique id ${JSON.stringify(rawId)} is not of the form T1685 or T1685.001`);
    else if (seen.has(id)) entry.report('id', 'duplicate-id', `technique ${id} is listed twice in this overlay`);
    else {
      seen.add(id);
      entries.push({ entry, id });
    }
  }
  const techniques = new Map<string, AttackTechnique>();
  const ordered = [...entries.filter(({ id }) => parentOf(id) === null), ...entries.filter(({ id }) => parentOf(id) !== null)];
  for (const { entry, id } of ordered) {
    const existing = catalog.technique(id);
    const parentId = parentOf(id);
    const parent = parentId === null ? undefined : (techniques.get(parentId) ?? catalog.technique(parentId));
    if (parentId !== null && parent === undefined) {
      entry.report('id', 'field-value', `${id} is a sub-technique of ${parentId}, which is neither in ATT&CK ${catalog.version} nor in this overlay`);
      continue;
    }
    const name = readName(entry, existing === undefined);
    const tactics = readTechniqueTactics(entry, catalog);
    if (tactics === null || (existing === undefined && name === undefined)) continue;
    if (existing === undefined && tactics === undefined && parent === undefined) {
      entry.report(undefined, 'field-missing', `missing required field "tactics": ${id} is new, and its column in the matrix comes from them`);
      continue;
    }
    const base: AttackTechnique = existing ?? { id, name: name!, tactics: parent?.tactics ?? [], parent: parentId, deprecated: false, revoked: false, revokedBy: null, origin };
    techniques.set(id, { ...base, ...(name !== undefined && { name }), ...(tactics !== undefined && { tactics }) });
  }
  return [...techniques.values()];
}

/** Shortnames in matrix order; undefined when the entry has none, null when one is wrong (reported). */
function readTechniqueTactics(entry: FieldReader, catalog: AttackCatalog): readonly string[] | undefined | null {
  if (!entry.has('tactics')) return undefined;
  const named = entry.stringList('tactics');
  const raw = entry.raw('tactics');
  // An item that is not text has been reported by stringList; the indexes below are the list's only without it.
  if (Array.isArray(raw) && raw.length !== named.length) return null;
  if (named.length === 0) {
    entry.report('tactics', 'field-value', '"tactics" must name at least one tactic');
    return null;
  }
  const found = new Set<AttackTactic>();
  let valid = true;
  named.forEach((key, index) => {
    const tactic = catalog.tactic(key);
    if (tactic !== undefined) found.add(tactic);
    else {
      entry.reportItem('tactics', index, 'field-value', `no tactic "${key}" in ATT&CK ${catalog.version} or this overlay`);
      valid = false;
    }
  });
  if (!valid) return null;
  return catalog.tactics.filter((tactic) => found.has(tactic)).map((tactic) => tactic.shortname);
}

/** A name is shown as a heading and a link text: one line. */
function readName(entry: FieldReader, required: boolean): string | undefined {
  const name = entry.string('name', { required })?.trim();
  if (name === undefined) return undefined;
  if (name === '' || CONTROL_CHARACTER.test(name)) {
    entry.report('name', 'field-value', '"name" must be one line of text');
    return undefined;
  }
  return name;
}
