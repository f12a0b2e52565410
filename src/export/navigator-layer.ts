import { attackSummary, compareTechniqueIds, type AttackTechnique } from '../attack/attack-catalog.ts';
import { originSentence } from '../present/attack-labels.ts';
import type { KnowledgeBase } from '../link/knowledge-base.ts';
import type { DetectionRule } from '../model/detection-rule.ts';
import type { SiteUrls } from '../present/site-urls.ts';
import { SIGMA_LEVELS } from '../sigma/rule-metadata.ts';

/**
 * ATT&CK Navigator layers (layer format 4.5, the current one; written from the format's documentation,
 * and checked against tests/export/navigator-layer.schema.json). One entry per technique × tactic, the
 * tactics being the technique's kill-chain phases in the snapshot (sub-techniques are entries of their
 * own); score = the number of rules tagged with exactly that technique. Revoked techniques are left out
 * (the Navigator does not show them; `atc check` warns about the tags).
 */

export const LAYER_FORMAT_VERSION = '4.5';
/** The Navigator release the layers are written for; the format requires at least 4.9.0. */
export const NAVIGATOR_VERSION = '5.2.0';
/** MITRE's hosted Navigator. */
export const ATTACK_NAVIGATOR_URL = 'https://mitre-attack.github.io/attack-navigator/';

/**
 * The hosted Navigator opening a layer: it fetches the layer itself, so `layerUrl` must be absolute and
 * public (a site built with `site.base_url`), and the layer must be served with CORS allowed.
 */
export function navigatorLayerLink(layerUrl: string): string {
  return `${ATTACK_NAVIGATOR_URL}#layerURL=${encodeURIComponent(layerUrl)}`;
}

/** Light to dark blue: few rules to many. */
export const GRADIENT_COLORS = ['#dbe9f6', '#6baed6', '#08306b'] as const;

export interface NavigatorMetadata {
  readonly name: string;
  readonly value: string;
}
export interface NavigatorLink {
  readonly label: string;
  readonly url: string;
}
export interface NavigatorTechnique {
  readonly techniqueID: string;
  readonly tactic?: string;
  readonly score: number;
  readonly comment: string;
  readonly enabled: boolean;
  readonly metadata: readonly NavigatorMetadata[];
  readonly links?: readonly NavigatorLink[];
  readonly showSubtechniques?: boolean;
  readonly color?: string;
}
export interface NavigatorLayer {
  readonly name: string;
  readonly description: string;
  readonly domain: 'enterprise-attack';
  readonly versions: { readonly attack: string; readonly navigator: string; readonly layer: string };
  readonly sorting: number;
  readonly layout: Readonly<Record<string, string | boolean>>;
  readonly hideDisabled: boolean;
  readonly techniques: readonly NavigatorTechnique[];
  readonly gradient: { readonly colors: readonly string[]; readonly minValue: number; readonly maxValue: number };
  readonly legendItems: readonly { readonly label: string; readonly color: string }[];
  readonly metadata: readonly NavigatorMetadata[];
  readonly links?: readonly NavigatorLink[];
  readonly selectTechniquesAcrossTactics: boolean;
  readonly selectSubtechniquesWithParent: boolean;
}

export interface LayerOptions {
  readonly name: string;
  readonly description: string;
  /** The filter that selected the rules, shown in the layer's metadata ("all rules" when none). */
  readonly filter: string;
  /** Only these tactic columns (shortnames), for a layer filtered by tactic. */
  readonly tactics?: ReadonlySet<string>;
  /**
   * For a layer of the whole knowledge base: mark the gaps of kb.coverage (techniques with Atomic tests and no
   * rule, score 0, in GAP_COLOR) and state its counts in the metadata, so the layer agrees with the site.
   */
  readonly withGaps?: boolean;
  /** Exactly these techniques (sorted by id), each with an entry even when no rule has it (score 0): an actor's layer; `rules` then only counts. */
  readonly techniques?: readonly AttackTechnique[];
  /** false: no per-rule metadata and links (the actor layers, ~950 of them, would repeat T1059's hundreds of rules in each). */
  readonly listRules?: boolean;
  /**
   * Rules that fall short of `rules` (a profile's partial rules): they add no score, but each technique
   * lists them in its comment and metadata, and a technique that has only such rules gets an entry of
   * score 0 in PARTIAL_COLOR, so the layer shows what one more log source would light up.
   */
  readonly partial?: readonly DetectionRule[];
}

/** Entries whose techniques have only partial rules. */
export const PARTIAL_COLOR = '#fdae6b';

/** Gap entries: Atomic tests, no rule. */
export const GAP_COLOR = '#d62728';

/** The techniques the rules are tagged with and that the Navigator can show (known to the snapshot, not revoked), by id. */
export function layerTechniques(kb: KnowledgeBase, rules: readonly DetectionRule[]): Map<AttackTechnique, DetectionRule[]> {
  const byTechnique = new Map<AttackTechnique, DetectionRule[]>();
  for (const rule of rules) {
    // Where a rule counts (a revoked tag under its replacement); the Navigator does not show revoked techniques.
    for (const technique of kb.ruleLinks.get(rule)!.countedTechniques) {
      if (technique.revoked) continue;
      const list = byTechnique.get(technique);
      if (list) list.push(rule);
      else byTechnique.set(technique, [rule]);
    }
  }
  return new Map([...byTechnique].sort((a, b) => compareTechniqueIds(a[0].id, b[0].id)));
}

export function navigatorLayer(kb: KnowledgeBase, rules: readonly DetectionRule[], urls: SiteUrls, options: LayerOptions): NavigatorLayer {
  // Given techniques take their rules from kb.coverage (the same rules layerTechniques finds), not from a pass over the rules.
  const techniques = options.techniques === undefined ? layerTechniques(kb, rules) : new Map(options.techniques.map((technique) => [technique, kb.coverage.technique(technique.id).rules]));
  const partial = options.partial ? layerTechniques(kb, options.partial) : new Map<AttackTechnique, DetectionRule[]>();
  const withSubEntries = new Set([...techniques.keys(), ...partial.keys()].map((technique) => technique.parent).filter((parent): parent is string => parent !== null));
  const entries: NavigatorTechnique[] = [];
  let maxScore = 0;
  for (const [technique, tagged] of techniques) {
    const sorted = options.listRules === false ? tagged : [...tagged].sort(compareRules);
    const score = sorted.length;
    maxScore = Math.max(maxScore, score);
    const partialRules = [...(partial.get(technique) ?? [])].sort(compareRules);
    const base = {
      techniqueID: technique.id,
      score,
      comment: partialRules.length > 0 ? `${ruleSummary(sorted)}; partial: ${ruleSummary(partialRules)}` : ruleSummary(sorted),
      enabled: true,
      metadata: options.listRules === false ? [] : [...sorted.map((rule) => ruleMetadata('rule', rule)), ...partialRules.map((rule) => ruleMetadata('partial rule', rule))],
      ...(urls.absolute && options.listRules !== false && { links: sorted.map((rule) => ({ label: rule.title, url: urls.rule(rule) })) }),
      ...(withSubEntries.has(technique.id) && { showSubtechniques: true }),
    };
    pushEntries(entries, technique, technique.origin ? { ...base, comment: `${base.comment}; ${originSentence(technique.origin)}` } : base, options);
  }
  const partialOnly = [...partial].filter(([technique]) => !techniques.has(technique));
  for (const [technique, rules] of partialOnly) {
    const sorted = [...rules].sort(compareRules);
    const comment = `no runnable rule; partial: ${ruleSummary(sorted)}${technique.origin ? `; ${originSentence(technique.origin)}` : ''}`;
    pushEntries(entries, technique, {
      techniqueID: technique.id,
      score: 0,
      color: PARTIAL_COLOR,
      comment,
      enabled: true,
      metadata: sorted.map((rule) => ruleMetadata('partial rule', rule)),
      ...(withSubEntries.has(technique.id) && { showSubtechniques: true }),
    }, options);
  }
  const { coverage } = kb;
  const gapEntries = options.withGaps ? [...coverage.gaps(), ...coverage.subTechniqueGaps()] : [];
  for (const gap of gapEntries) {
    const comment = `gap: ${gap.rolledUpTests} Atomic Red Team test${gap.rolledUpTests === 1 ? '' : 's'} and no rule${gap.technique.parent === null ? ' on it or its sub-techniques' : ''}`;
    pushEntries(entries, gap.technique, { techniqueID: gap.technique.id, score: 0, color: GAP_COLOR, comment, enabled: true, metadata: [{ name: 'gap', value: 'yes' }] }, options);
  }
  // Stable: a technique's entries keep their matrix order of tactics.
  entries.sort((a, b) => compareTechniqueIds(a.techniqueID, b.techniqueID));
  const maxValue = Math.max(2, maxScore);
  return {
    name: options.name,
    description: options.description,
    domain: 'enterprise-attack',
    versions: { attack: kb.attack.version.split('.')[0]!, navigator: NAVIGATOR_VERSION, layer: LAYER_FORMAT_VERSION },
    sorting: 3,
    layout: { layout: 'side', showID: true, showName: true, showAggregateScores: false, expandedSubtechniques: 'annotated' },
    hideDisabled: false,
    techniques: entries,
    gradient: { colors: [...GRADIENT_COLORS], minValue: 1, maxValue },
    legendItems: [
      { label: '1 rule', color: GRADIENT_COLORS[0] },
      ...(maxScore > 1 ? [{ label: `${maxScore} rules`, color: GRADIENT_COLORS[GRADIENT_COLORS.length - 1]! }] : []),
      ...(gapEntries.length > 0 ? [{ label: 'gap: Atomic tests, no rule', color: GAP_COLOR }] : []),
      ...(partialOnly.length > 0 ? [{ label: 'partial rules only', color: PARTIAL_COLOR }] : []),
    ],
    metadata: [
      { name: 'generator', value: 'atc-kb' },
      { name: 'ATT&CK version', value: kb.attack.version },
      { name: 'filter', value: options.filter || 'all rules' },
      { name: 'rules', value: String(rules.length) },
      { name: 'techniques', value: String(techniques.size) },
      ...(options.partial ? [{ name: 'partial rules', value: `${options.partial.length}, on ${partialOnly.length} further techniques` }] : []),
      ...(options.withGaps
        ? [
            { name: 'covered techniques', value: `${coverage.counts.covered} of ${coverage.counts.techniques}` },
            { name: 'gaps', value: `${coverage.counts.gaps} techniques, ${coverage.counts.subTechniqueGaps} sub-techniques of covered techniques` },
          ]
        : []),
      ...attackAdditionsMetadata(kb),
    ],
    ...(urls.absolute && { links: [{ label: 'knowledge base', url: urls.href('/') }] }),
    selectTechniquesAcrossTactics: true,
    selectSubtechniquesWithParent: false,
  };
}

/** One entry per tactic the technique is placed under (all of them when it has none), within the layer's tactics. */
function pushEntries(entries: NavigatorTechnique[], technique: AttackTechnique, base: NavigatorTechnique, options: LayerOptions): void {
  const tactics = technique.tactics.filter((tactic) => !options.tactics || options.tactics.has(tactic));
  // A technique without kill-chain phases in the snapshot still gets one entry, shown under every tactic.
  if (technique.tactics.length === 0 && !options.tactics) entries.push(base);
  for (const tactic of tactics) entries.push({ ...base, tactic });
}

/** The Navigator shows only the techniques its ATT&CK version has; the metadata says what else the layer holds. */
function attackAdditionsMetadata(kb: KnowledgeBase): NavigatorMetadata[] {
  const { provisional, overlay } = attackSummary(kb.attack);
  return [
    ...(provisional.tactics + provisional.techniques > 0
      ? [{ name: 'provisional', value: `${provisional.tactics} tactics and ${provisional.techniques} techniques not in ATT&CK ${kb.attack.version}, made from the content's tags` }]
      : []),
    ...(overlay.tactics + overlay.techniques > 0 ? [{ name: 'overlay', value: `${overlay.tactics} tactics and ${overlay.techniques} techniques from the ATT&CK overlay` }] : []),
  ];
}

function ruleMetadata(name: string, rule: DetectionRule): NavigatorMetadata {
  return { name, value: `${rule.title} (${rule.level ?? 'no level'})` };
}

/** "3 rules (high 2, medium 1)". */
function ruleSummary(rules: readonly DetectionRule[]): string {
  if (rules.length === 0) return 'no rule';
  const levels = new Map<string, number>();
  for (const rule of rules) levels.set(rule.level ?? 'no level', (levels.get(rule.level ?? 'no level') ?? 0) + 1);
  const order: readonly string[] = [...SIGMA_LEVELS].reverse();
  const rank = (level: string): number => (order.includes(level) ? order.indexOf(level) : order.length);
  const parts = [...levels].sort((a, b) => rank(a[0]) - rank(b[0]) || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0)).map(([level, count]) => `${level} ${count}`);
  return `${rules.length} rule${rules.length === 1 ? '' : 's'} (${parts.join(', ')})`;
}

/** Rules in a layer entry: by title, then path, so the order does not depend on folder layout. */
export function compareRules(a: DetectionRule, b: DetectionRule): number {
  return a.title < b.title ? -1 : a.title > b.title ? 1 : a.relativePath < b.relativePath ? -1 : a.relativePath > b.relativePath ? 1 : 0;
}
