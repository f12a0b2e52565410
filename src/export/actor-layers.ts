import type { AttackActor } from '../attack/attack-catalog.ts';
import type { TechniqueCoverage } from '../link/attack-coverage.ts';
import type { KnowledgeBase } from '../link/knowledge-base.ts';
import { actorLayerFile, pageActors } from '../present/attack-actors.ts';
import { encodedFile, type OutputFile } from '../present/output-file.ts';
import { GAP_COLOR, GRADIENT_COLORS, navigatorLayer, type NavigatorLayer } from './navigator-layer.ts';
import type { SiteUrls } from '../present/site-urls.ts';
import { stableJson } from './stable-json.ts';

/**
 * A Navigator layer per group and per software ("can we detect APT29?"): every technique ATT&CK says the
 * actor uses, scored by the rules tagged with exactly it, like the other layers; a technique without a
 * rule stays in the layer at score 0, white (red when it is a gap: Atomic Red Team can make it happen),
 * with a comment saying whether its sub-techniques have rules.
 */

/** Score 0 gets white, so that "no rule" cannot be mistaken for the lightest blue of one rule. */
const NO_RULE_COLOR = '#ffffff';

export function actorLayers(kb: KnowledgeBase, urls: SiteUrls, siteTitle: string): OutputFile[] {
  const { groups, software } = pageActors(kb);
  return [...groups, ...software].map((actor) => encodedFile(actorLayerFile(actor), stableJson(actorLayer(kb, actor, urls, siteTitle))));
}

export function actorLayer(kb: KnowledgeBase, actor: AttackActor, urls: SiteUrls, siteTitle: string): NavigatorLayer {
  const coverage = kb.coverage.actor(actor);
  // Revoked techniques are left out, as in every layer (the Navigator does not show them).
  const entries = coverage.techniques.filter((entry) => !entry.technique.revoked);
  // Their order does not matter: without rule lists (listRules: false) a layer only counts them.
  const rules = [...new Set(entries.flatMap((entry) => entry.rules))];
  const byId = new Map(entries.map((entry) => [entry.technique.id, entry]));
  const layer = navigatorLayer(kb, rules, urls, {
    name: `${siteTitle}: ${actor.name} (${actor.id})`,
    description: `The techniques ATT&CK ${kb.attack.version} lists for the ${actor.kind} ${actor.name} (${actor.id}); score = number of rules tagged with the technique. ${coverage.covered} of ${coverage.techniques.length} have a rule (a technique counting its sub-techniques').`,
    filter: `${actor.kind}=${actor.id}`,
    techniques: entries.map((entry) => entry.technique),
    // Score and comment only: listing every rule per technique, as layers/all.json does, would repeat
    // T1059's hundreds of rules in each of ~950 actor layers (60 MB on SigmaHQ, seconds of build time).
    listRules: false,
  });
  return {
    ...layer,
    techniques: layer.techniques.map((entry) => {
      if (entry.score > 0) return entry;
      const coverage = byId.get(entry.techniqueID);
      // A gap is red here as in layers/all.json: one colour for one verdict of kb.coverage.
      return { ...entry, comment: noRuleComment(coverage), ...(coverage?.gap && { color: GAP_COLOR }) };
    }),
    gradient: { colors: [NO_RULE_COLOR, ...GRADIENT_COLORS], minValue: 0, maxValue: layer.gradient.maxValue },
    legendItems: [
      { label: 'no rule', color: NO_RULE_COLOR },
      ...layer.legendItems,
      ...(entries.some((entry) => entry.gap) ? [{ label: 'gap: Atomic tests, no rule', color: GAP_COLOR }] : []),
    ],
  };
}

function noRuleComment(entry: TechniqueCoverage | undefined): string {
  if (entry?.covered) return `no rule tagged with it; ${entry.rolledUpRules.length} with its sub-techniques`;
  if (entry?.gap) return `no rule; a gap: ${entry.rolledUpTests} Atomic Red Team test${entry.rolledUpTests === 1 ? '' : 's'}`;
  return 'no rule';
}
