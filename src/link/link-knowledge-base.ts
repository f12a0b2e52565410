import type { AttackActor, AttackCatalog, AttackTactic, AttackTechnique } from '../attack/attack-catalog.ts';
import type { DetectionRule } from '../model/detection-rule.ts';
import type { DataNeeded, Enrichment, LoggingPolicy, TitleReference, TriggerTechnique } from '../model/entities.ts';
import type { ResponsePlaybook } from '../model/response.ts';
import { makeIssue, type Issue, type IssueCode, type SourcePosition } from '../model/issue.ts';
import { PageAddresses } from '../present/page-addresses.ts';
import { detectionFieldNames, detectionItemsOf } from '../sigma/detection-facts.ts';
import type { SigmaCorrelation, SigmaRule } from '../sigma/sigma-rule.ts';
import { AttackCoverage } from './attack-coverage.ts';
import type { KnowledgeBase, RuleLinks } from './knowledge-base.ts';
import { compareText } from '../model/compare-text.ts';
import { DataNeededIndex, matchDataNeeded, type DataNeededMatch, type DataNeededReason, type DocumentRequirement, type RuleDocumentFacts } from './match-data-needed.ts';
import { findReferenceCycles } from './reference-cycles.ts';
import { withProvisionalAttack } from './provisional-attack.ts';
import { retiredTechniqueIssue } from './retired-technique.ts';
import { linkResponse, playbooksForTechniques, type LoadedResponse } from './link-response.ts';

/** Records an issue of the linking stage. */
export type Report = (file: string, position: SourcePosition, code: IssueCode, message: string) => void;

/** What the loaders produced: the graph's entity lists before linking (unsorted, duplicates included). */
export type LoadedEntities = Pick<KnowledgeBase, 'attack' | 'rules' | 'dataNeeded' | 'loggingPolicies' | 'enrichments' | 'triggers'> & {
  /** Response Actions, Playbooks and Stages; none when absent. */
  readonly response?: LoadedResponse;
};

/** Builds the cross-reference graph once, by key, and reports every reference that does not resolve. */
export function linkKnowledgeBase(loaded: LoadedEntities): { kb: KnowledgeBase; issues: Issue[] } {
  const issues: Issue[] = [];
  const report: Report = (file, position, code, message) => {
    issues.push(makeIssue(file, position, code, message));
  };

  const byTitle = <T extends { title: string; file: string; position: { line: number; column: number } }>(entities: readonly T[], what: string): Map<string, T> => {
    const map = new Map<string, T>();
    for (const entity of entities) {
      const first = map.get(entity.title);
      if (first) report(entity.file, entity.position, 'duplicate-title', `another ${what} has the title "${entity.title}" (${first.file}); references by title lead there, and this one gets a page of its own`);
      else map.set(entity.title, entity);
    }
    return map;
  };
  const sortByTitle = <T extends { title: string }>(entities: Iterable<T>): T[] => [...entities].sort((a, b) => compareText(a.title, b.title));

  // An entity whose title is taken is kept (unique page names tell the two apart); references by title
  // resolve to the first, which the warning names.
  const dataNeeded = sortByTitle(loaded.dataNeeded);
  const loggingPolicies = sortByTitle(loaded.loggingPolicies);
  const enrichments = sortByTitle(loaded.enrichments);
  const dataNeededByTitle = byTitle(dataNeeded, 'Data Needed entry');
  const loggingPoliciesByTitle = byTitle(loggingPolicies, 'Logging Policy');
  const enrichmentsByTitle = byTitle(enrichments, 'Enrichment');

  const triggersByTechnique = new Map<string, TriggerTechnique>();
  for (const trigger of [...loaded.triggers].sort((a, b) => compareText(a.techniqueId, b.techniqueId))) {
    const first = triggersByTechnique.get(trigger.techniqueId);
    if (first) report(trigger.file, trigger.position, 'duplicate-id', `another trigger file is for ${trigger.techniqueId} (${first.file}); this one is ignored`);
    else triggersByTechnique.set(trigger.techniqueId, trigger);
  }
  const triggers = [...triggersByTechnique.values()];
  reportReusedTestGuids(triggers, report);

  const resolve = <T>(references: readonly TitleReference[], map: ReadonlyMap<string, T>, file: string, code: IssueCode, what: string): T[] => {
    const found: T[] = [];
    for (const reference of references) {
      const target = map.get(reference.title);
      if (target) {
        if (!found.includes(target)) found.push(target);
      } else report(file, reference.position, code, `unknown ${what} "${reference.title}"`);
    }
    return found;
  };

  // Data Needed → Logging Policies, and back.
  const loggingPoliciesByDataNeeded = new Map<DataNeeded, LoggingPolicy[]>();
  const dataNeededByLoggingPolicy = new Map<LoggingPolicy, DataNeeded[]>();
  for (const entry of dataNeeded) {
    const policies = resolve(entry.loggingPolicies, loggingPoliciesByTitle, entry.file, 'unknown-logging-policy', 'Logging Policy');
    loggingPoliciesByDataNeeded.set(entry, policies);
    for (const policy of policies) push(dataNeededByLoggingPolicy, policy, entry);
  }

  // Enrichments → Data Needed and required Enrichments.
  const enrichmentsByDataNeeded = new Map<DataNeeded, Enrichment[]>();
  const enrichmentsRequiring = new Map<Enrichment, Enrichment[]>();
  const enrichmentInputs = new Map<Enrichment, DataNeeded[]>();
  for (const enrichment of enrichments) {
    const needed = resolve(enrichment.dataNeeded, dataNeededByTitle, enrichment.file, 'unknown-data-needed', 'Data Needed entry');
    const enriched = resolve(enrichment.dataToEnrich, dataNeededByTitle, enrichment.file, 'unknown-data-needed', 'Data Needed entry');
    enrichmentInputs.set(enrichment, needed);
    for (const entry of new Set([...needed, ...enriched])) push(enrichmentsByDataNeeded, entry, enrichment);
    for (const required of resolve(enrichment.requirements, enrichmentsByTitle, enrichment.file, 'unknown-enrichment', 'Enrichment')) {
      push(enrichmentsRequiring, required, enrichment);
    }
  }

  // A requirement cycle has no order in which the enrichments could run.
  const requiredEnrichments = (enrichment: Enrichment): Array<{ target: Enrichment; position: SourcePosition }> => {
    const references = new Map<Enrichment, { target: Enrichment; position: SourcePosition }>();
    for (const reference of enrichment.requirements) {
      const required = enrichmentsByTitle.get(reference.title);
      if (required && !references.has(required)) references.set(required, { target: required, position: reference.position });
    }
    return [...references.values()];
  };
  for (const cycle of findReferenceCycles(enrichments, requiredEnrichments)) {
    // Named from the enrichment whose requirement closes the cycle, where the issue points.
    const closer = cycle.nodes[cycle.nodes.length - 2]!;
    const path = [closer, ...cycle.nodes.slice(0, -1)];
    report(closer.file, cycle.closing.position, 'reference-cycle', `requirement cycle: ${path.map((enrichment) => enrichment.title).join(' → ')}`);
  }

  // Rules by id and by name, for correlations and `related`.
  const rules = [...loaded.rules].sort((a, b) => compareText(a.relativePath, b.relativePath));
  const rulesById = new Map<string, DetectionRule>();
  const rulesByName = new Map<string, DetectionRule>();
  const rulesBySigmaName = new Map<string, DetectionRule>();
  for (const rule of rules) {
    rulesByName.set(rule.name, rule);
    const ids = new Set([rule.id, ...rule.rules.map((sigma) => sigma.id), ...rule.correlations.map((correlation) => correlation.id)].filter((id): id is string => !!id));
    for (const id of ids) {
      const first = rulesById.get(id);
      if (first && first !== rule) report(rule.file, rule.locate(['id']), 'duplicate-id', `rule id ${id} is also used by ${first.file}`);
      else rulesById.set(id, rule);
    }
    for (const name of [...rule.rules.map((sigma) => sigma.name), ...rule.correlations.map((correlation) => correlation.name)]) {
      if (name && !rulesBySigmaName.has(name)) rulesBySigmaName.set(name, rule);
    }
  }

  reportCorrelationCycles(rules, rulesById, report);

  // Every ATT&CK tag is kept: what the data does not know becomes a provisional tactic or technique.
  const attack = withProvisionalAttack(loaded.attack, rules, triggers, report);
  const actors = new Map<string, AttackActor>();
  const response = linkResponse(loaded.response ?? { actions: [], playbooks: [], stages: [] }, attack, report);

  const index = new DataNeededIndex(dataNeeded);
  const ruleLinks = new Map<DetectionRule, RuleLinks>();
  const correlatedBy = new Map<DetectionRule, DetectionRule[]>();
  const relatedBy = new Map<DetectionRule, { type: string; rule: DetectionRule }[]>();
  const partialLinks = new Map<DetectionRule, Omit<RuleLinks, 'correlatedBy' | 'relatedBy' | 'requirements'>>();

  for (const rule of rules) {
    const { tactics, techniques, groups, software, otherTags } = classifyTags(rule, attack, actors, report);
    const countedTechniques = [...new Set(techniques.flatMap((technique) => (technique.revoked ? [technique, attack.replacementOf(technique.id)?.technique ?? technique] : [technique])))];
    const ruleEnrichments = resolve(rule.enrichments, enrichmentsByTitle, rule.file, 'unknown-enrichment', 'Enrichment');
    const correlatedRules: DetectionRule[] = [];
    rule.correlations.forEach((correlation) => {
      correlation.rules.forEach((reference, position) => {
        const target = rulesById.get(reference) ?? rulesBySigmaName.get(reference);
        if (!target) {
          report(rule.file, rule.locate(['correlation', 'rules', position], correlation.documentIndex), 'unknown-rule-reference', `correlation names rule "${reference}", which is not loaded`);
        } else if (!correlatedRules.includes(target)) {
          correlatedRules.push(target);
          push(correlatedBy, target, rule);
        }
      });
    });
    const related = rule.related.map((entry) => {
      const target = rulesById.get(entry.id);
      if (target && target !== rule) push(relatedBy, target, { type: entry.type, rule });
      return { type: entry.type, id: entry.id, ...(target ? { rule: target } : {}) };
    });
    partialLinks.set(rule, {
      tactics,
      techniques,
      groups,
      software,
      otherTags,
      dataNeeded: [],
      countedTechniques,
      triggers: countedTechniques.flatMap((technique) => triggersByTechnique.get(technique.id) ?? []),
      playbooks: playbooksForTechniques(response, countedTechniques.map((technique) => technique.id)),
      enrichments: ruleEnrichments,
      correlatedRules,
      related,
    });
  }

  // Data Needed needs the correlated rules' own matches, so it runs once every rule is indexed.
  const directMatches = new Map<DetectionRule, DataNeededMatch[]>();
  const requirements = new Map<DetectionRule, DocumentRequirement[]>();
  for (const rule of rules) {
    const facts = rule.rules.map(documentFacts);
    const { matches, problems, requirements: documentRequirements } = matchDataNeeded(facts, index);
    requirements.set(rule, documentRequirements);
    for (const problem of problems) {
      const sigma = rule.rules[problem.document]!;
      report(
        rule.file,
        rule.locate(['logsource'], sigma.documentIndex),
        problem.kind === 'missing-fields' ? 'data-needed-missing-fields' : 'data-needed-unmatched',
        rule.rules.length > 1 ? `rule ${problem.document + 1} of the collection: ${problem.message}` : problem.message,
      );
    }
    const viaEnrichment = partialLinks.get(rule)!.enrichments.flatMap((enrichment) =>
      (enrichmentInputs.get(enrichment) ?? []).map((entry) => ({ entry, reason: { via: 'enrichment', enrichment: enrichment.title } as DataNeededReason })),
    );
    directMatches.set(rule, mergeMatches(matches, viaEnrichment));
  }
  for (const rule of rules) {
    const links = partialLinks.get(rule)!;
    const inherited = links.correlatedRules.flatMap((target) =>
      (directMatches.get(target) ?? []).map((match) => ({ entry: match.dataNeeded, reason: { via: 'correlated-rule', rule: target.title } as DataNeededReason })),
    );
    ruleLinks.set(rule, {
      ...links,
      dataNeeded: mergeMatches(directMatches.get(rule)!, inherited),
      requirements: requirements.get(rule)!,
      correlatedBy: sortRules(correlatedBy.get(rule) ?? []),
      relatedBy: (relatedBy.get(rule) ?? []).sort((a, b) => compareText(a.rule.relativePath, b.rule.relativePath)),
    });
  }

  // Reverse links from rules.
  const rulesByDataNeeded = new Map<DataNeeded, DetectionRule[]>();
  const rulesByEnrichment = new Map<Enrichment, DetectionRule[]>();
  const rulesByPlaybook = new Map<ResponsePlaybook, DetectionRule[]>();
  const rulesByTechnique = new Map<string, DetectionRule[]>();
  const rulesByTactic = new Map<string, DetectionRule[]>();
  const rulesByActor = new Map<string, DetectionRule[]>();
  const dataNeededByTechnique = new Map<string, Set<DataNeeded>>();
  for (const rule of rules) {
    const links = ruleLinks.get(rule)!;
    for (const match of links.dataNeeded) push(rulesByDataNeeded, match.dataNeeded, rule);
    for (const enrichment of links.enrichments) push(rulesByEnrichment, enrichment, rule);
    for (const playbook of links.playbooks) push(rulesByPlaybook, playbook, rule);
    for (const tactic of links.tactics) push(rulesByTactic, tactic.id, rule);
    for (const actor of [...links.groups, ...links.software]) push(rulesByActor, actor.id, rule);
    for (const technique of links.countedTechniques) {
      push(rulesByTechnique, technique.id, rule);
      const set = dataNeededByTechnique.get(technique.id) ?? new Set<DataNeeded>();
      for (const match of links.dataNeeded) set.add(match.dataNeeded);
      dataNeededByTechnique.set(technique.id, set);
    }
  }

  // Page names are unique per kind only once every entity is known; both the markdown edition and the site use them.
  const pages = PageAddresses.assign({ rules, dataNeeded, loggingPolicies, enrichments, triggers, response });
  issues.push(...pages.issues);

  const sortedDataNeededByTechnique = new Map([...dataNeededByTechnique].map(([id, set]) => [id, [...set].sort((a, b) => compareText(a.title, b.title))]));
  const coverage = new AttackCoverage({ attack, rulesByTechnique, triggersByTechnique, dataNeededByTechnique: sortedDataNeededByTechnique, rulesByTactic });
  const kb: KnowledgeBase = {
    attack,
    rules,
    dataNeeded,
    loggingPolicies,
    enrichments,
    triggers,
    response,
    addresses: pages.addresses,
    ruleLinks,
    rulesById,
    rulesByName,
    dataNeededByTitle,
    loggingPoliciesByTitle,
    enrichmentsByTitle,
    triggersByTechnique,
    rulesByDataNeeded,
    enrichmentsByDataNeeded: sortValues(enrichmentsByDataNeeded, (a, b) => compareText(a.title, b.title)),
    dataNeededByLoggingPolicy: sortValues(dataNeededByLoggingPolicy, (a, b) => compareText(a.title, b.title)),
    loggingPoliciesByDataNeeded,
    rulesByEnrichment,
    rulesByPlaybook,
    enrichmentsRequiring: sortValues(enrichmentsRequiring, (a, b) => compareText(a.title, b.title)),
    rulesByTechnique,
    rulesByTactic,
    rulesByActor,
    dataNeededByTechnique: sortedDataNeededByTechnique,
    coverage,
  };
  return { kb, issues };
}

/** EventID values are compared as numbers; Sigma rules write them both as `4688` and `'4688'`. */
function documentFacts(rule: SigmaRule): RuleDocumentFacts {
  const eventIds = new Set<number>();
  for (const item of detectionItemsOf(rule)) {
    if (item.field !== 'EventID' || item.negated || item.modifiers.length > 0) continue;
    for (const value of item.values) {
      const id = typeof value === 'number' ? value : typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : NaN;
      if (Number.isInteger(id)) eventIds.add(id);
    }
  }
  return { logsource: rule.logsource, fields: detectionFieldNames(rule), eventIds: [...eventIds].sort((a, b) => a - b) };
}

function mergeMatches(matches: readonly DataNeededMatch[], extra: readonly { entry: DataNeeded; reason: DataNeededReason }[]): DataNeededMatch[] {
  if (extra.length === 0) return [...matches];
  const reasons = new Map<DataNeeded, DataNeededReason[]>(matches.map((match) => [match.dataNeeded, [...match.reasons]]));
  for (const { entry, reason } of extra) push(reasons, entry, reason);
  return [...reasons].map(([dataNeeded, list]) => ({ dataNeeded, reasons: list })).sort((a, b) => compareText(a.dataNeeded.title, b.dataNeeded.title));
}

function classifyTags(
  rule: DetectionRule,
  attack: AttackCatalog,
  actors: Map<string, AttackActor>,
  report: Report,
): { tactics: AttackTactic[]; techniques: AttackTechnique[]; groups: AttackActor[]; software: AttackActor[]; otherTags: string[] } {
  const tactics: AttackTactic[] = [];
  const techniques: AttackTechnique[] = [];
  const groups: AttackActor[] = [];
  const software: AttackActor[] = [];
  const otherTags: string[] = [];
  // A set beside the list: a rule may carry thousands of tags, and a list search for each made that quadratic.
  const seenOtherTags = new Set<string>();
  rule.tags.forEach((tag, position) => {
    const where = rule.locate(['tags', position]);
    const found = attack.classifyAttackTag(tag);
    switch (found.kind) {
      case 'tactic':
        if (!tactics.includes(found.tactic)) tactics.push(found.tactic);
        return;
      case 'technique':
      case 'deprecated-technique':
      case 'revoked-technique':
        if (!techniques.includes(found.technique)) techniques.push(found.technique);
        const retired = retiredTechniqueIssue(found, attack.version);
        if (retired) report(rule.file, where, retired.code, retired.message);
        return;
      case 'group':
      case 'software': {
        let actor = attack.actor(found.id) ?? actors.get(found.id);
        if (actor === undefined) {
          actor = provisionalActor(found.kind, found.id, attack.version);
          actors.set(found.id, actor);
        }
        const list = found.kind === 'group' ? groups : software;
        if (!list.some((known) => known.id === actor.id)) list.push(actor);
        return;
      }
      default:
        if (!seenOtherTags.has(tag)) {
          seenOtherTags.add(tag);
          otherTags.push(tag);
        }
    }
  });
  return { tactics, techniques, groups, software, otherTags };
}

/** A group or software id the ATT&CK data does not carry: kept, and said to be unknown to this version. */
function provisionalActor(kind: 'group' | 'software', id: string, version: string): AttackActor {
  return { kind, id, name: id, aliases: [], techniques: [], origin: { origin: 'provisional', reason: `not in ATT&CK ${version} bundled with this build; made from the tag attack.${id.toLowerCase()}` } };
}

/**
 * A test's GUID is its anchor on the trigger page and its identity in Atomic Red Team's own tooling, so it
 * must be unique within the knowledge base; the first use (by technique id, then test order) keeps it.
 */
function reportReusedTestGuids(
  triggers: readonly TriggerTechnique[],
  report: Report,
): void {
  const firstUse = new Map<string, { file: string; name: string; position: { line: number; column: number } }>();
  for (const trigger of triggers) {
    for (const test of trigger.tests) {
      if (test.guid === undefined || test.guidPosition === undefined) continue;
      const key = test.guid.trim().toLowerCase();
      const first = firstUse.get(key);
      if (first) {
        const where = `${first.file}:${first.position.line}:${first.position.column}`;
        report(trigger.file, test.guidPosition, 'duplicate-id', `test GUID ${test.guid.trim()} of "${test.name}" is also the GUID of "${first.name}" (${where})`);
      } else firstUse.set(key, { file: trigger.file, name: test.name, position: test.guidPosition });
    }
  }
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) {
    if (!list.includes(value)) list.push(value);
  } else map.set(key, [value]);
}

function sortRules(rules: DetectionRule[]): DetectionRule[] {
  return rules.sort((a, b) => compareText(a.relativePath, b.relativePath));
}

function sortValues<K, V>(map: Map<K, V[]>, compare: (a: V, b: V) => number): Map<K, V[]> {
  for (const list of map.values()) list.sort(compare);
  return map;
}

interface CorrelationNode {
  readonly rule: DetectionRule;
  readonly correlation: SigmaCorrelation;
}

/**
 * A correlation that counts itself, directly or through other correlations, has no events to start
 * from: the cycle is an error at the reference that closes it. References resolve as the links do, by
 * id first and then by name; a reference to a detection rule ends the walk.
 */
function reportCorrelationCycles(
  rules: readonly DetectionRule[],
  rulesById: ReadonlyMap<string, DetectionRule>,
  report: Report,
): void {
  const nodes: CorrelationNode[] = rules.flatMap((rule) => rule.correlations.map((correlation) => ({ rule, correlation })));
  const byId = new Map<string, CorrelationNode>();
  const byName = new Map<string, CorrelationNode>();
  for (const node of nodes) {
    if (node.correlation.id !== undefined && !byId.has(node.correlation.id)) byId.set(node.correlation.id, node);
    if (node.correlation.name !== undefined && !byName.has(node.correlation.name)) byName.set(node.correlation.name, node);
  }
  const referencesOf = (node: CorrelationNode) =>
    node.correlation.rules.flatMap((reference, position) => {
      const target = byId.get(reference) ?? (rulesById.has(reference) ? undefined : byName.get(reference));
      return target ? [{ target, position }] : [];
    });
  const label = (node: CorrelationNode): string => node.correlation.name ?? node.correlation.id ?? node.correlation.title;
  for (const cycle of findReferenceCycles(nodes, referencesOf)) {
    const last = cycle.nodes[cycle.nodes.length - 2]!;
    report(
      last.rule.file,
      last.rule.locate(['correlation', 'rules', cycle.closing.position], last.correlation.documentIndex),
      'reference-cycle',
      `correlation rules reference each other in a cycle: ${cycle.nodes.map(label).join(' → ')}`,
    );
  }
}
