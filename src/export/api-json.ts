import { compareText } from '../model/compare-text.ts';
import { attackObjectUrl, attackSummary, compareTechniqueIds, techniqueUrl, type AttackActor, type AttackOriginNote, type AttackTactic, type AttackTechnique } from '../attack/attack-catalog.ts';
import { attackTacticUrl } from '../present/attack-labels.ts';
import { formatQuerySectionSpec } from '../config.ts';
import type { QuerySectionResult } from '../convert/convert-knowledge-base.ts';
import type { KnowledgeBase } from '../link/knowledge-base.ts';
import type { DataNeededReason } from '../link/match-data-needed.ts';
import type { DetectionRule } from '../model/detection-rule.ts';
import type { DataNeeded, Enrichment, LoggingPolicy, TriggerTechnique } from '../model/entities.ts';
import { MARKDOWN_ROOT } from '../present/page-addresses.ts';
import { atomicTestAnchor } from '../present/site-urls.ts';
import { hasResponseContent, playbooksForTechnique } from '../present/response-view.ts';
import { responseApiDocuments, responseLinks } from './api-response-json.ts';
import type { SiteUrls } from '../present/site-urls.ts';

/**
 * The `api/` JSON documents: one per entity and bulk files, every link between entities resolved to
 * `{key, title, url, api}` (the entity's key, its title, its page URL and its own api/ document, relative
 * to the site root). Field names are snake_case and documented in README.md ("api/ JSON"); keys are
 * sorted when written. Optional values that are absent are left out rather than null.
 */

export const API_FORMAT_VERSION = 1;

type Json = string | number | boolean | null | Json[] | { [key: string]: Json | undefined };
export type JsonObject = { [key: string]: Json | undefined };

/** Folder of each entity kind under api/. */
export const API_FOLDER = {
  rule: 'rules',
  'data-needed': 'data-needed',
  'logging-policy': 'logging-policies',
  enrichment: 'enrichments',
  trigger: 'triggers',
  technique: 'techniques',
  profile: 'profiles',
  'response-action': 'response-actions',
  'response-playbook': 'response-playbooks',
  'response-stage': 'response-stages',
} as const;

export function apiPath(kind: keyof typeof API_FOLDER, key: string): string {
  return `api/${API_FOLDER[kind]}/${key}.json`;
}

/** How every api/ document refers to a rule (keys in sorted order, so that stableJson need not copy the object). */
export function ruleLinkJson(kb: Pick<KnowledgeBase, 'addresses'>, urls: SiteUrls, rule: DetectionRule): JsonObject {
  const key = kb.addresses.ruleSegment(rule);
  return { api: apiPath('rule', key), id: rule.id, key, title: rule.title, url: urls.rule(rule) };
}

export function dataNeededLinkJson(kb: Pick<KnowledgeBase, 'addresses'>, urls: SiteUrls, entry: DataNeeded): JsonObject {
  const key = kb.addresses.pageName(entry);
  return { api: apiPath('data-needed', key), key, title: entry.title, url: urls.dataNeeded(entry) };
}

export function loggingPolicyLinkJson(kb: Pick<KnowledgeBase, 'addresses'>, urls: SiteUrls, policy: LoggingPolicy): JsonObject {
  const key = kb.addresses.pageName(policy);
  return { api: apiPath('logging-policy', key), key, title: policy.title, url: urls.loggingPolicy(policy) };
}

export interface ApiDocuments {
  /** Path (relative to the site root) → document, in a deterministic order. */
  readonly entities: ReadonlyMap<string, JsonObject>;
  readonly bulk: ReadonlyMap<string, JsonObject>;
}

export function apiDocuments(kb: KnowledgeBase, queries: ReadonlyMap<DetectionRule, readonly QuerySectionResult[]>, urls: SiteUrls): ApiDocuments {
  const techniques = apiTechniques(kb);
  const hasDocument = new Set(techniques.map((technique) => technique.id));

  // Link objects are written with their keys in sorted order already, so that stableJson need not copy them.
  const ruleLinks = new Map<DetectionRule, JsonObject>();
  const ruleLink = (rule: DetectionRule): JsonObject => {
    let link = ruleLinks.get(rule);
    if (!link) {
      link = ruleLinkJson(kb, urls, rule);
      ruleLinks.set(rule, link);
    }
    return link;
  };
  const dataNeededLink = (entry: DataNeeded): JsonObject => dataNeededLinkJson(kb, urls, entry);
  const policyLink = (policy: LoggingPolicy): JsonObject => loggingPolicyLinkJson(kb, urls, policy);
  const enrichmentLink = (enrichment: Enrichment): JsonObject => ({ api: apiPath('enrichment', kb.addresses.pageName(enrichment)), key: kb.addresses.pageName(enrichment), title: enrichment.title, url: urls.enrichment(enrichment) });
  const triggerLink = (trigger: TriggerTechnique): JsonObject => ({ api: apiPath('trigger', kb.addresses.pageName(trigger)), key: kb.addresses.pageName(trigger), title: trigger.displayName, url: urls.trigger(trigger) });
  const tacticLink = (tactic: AttackTactic): JsonObject => {
    const attackUrl = attackTacticUrl(tactic);
    return { ...(attackUrl && { attack_url: attackUrl }), id: tactic.id, name: tactic.name, ...originJson(tactic.origin), shortname: tactic.shortname, url: urls.tactic(tactic.id) };
  };
  const actorLink = (actor: AttackActor): JsonObject => ({ attack_url: attackObjectUrl(actor.kind, actor.id), id: actor.id, name: actor.name, ...originJson(actor.origin) });
  const techniqueLinks = new Map<AttackTechnique, JsonObject>();
  const techniqueLink = (technique: AttackTechnique): JsonObject => {
    let link = techniqueLinks.get(technique);
    if (!link) {
      link = {
        ...(hasDocument.has(technique.id) && { api: apiPath('technique', technique.id) }),
        attack_url: techniqueUrl(technique.id),
        ...(technique.deprecated && { deprecated: true }),
        id: technique.id,
        key: technique.id,
        ...originJson(technique.origin),
        ...(technique.revoked && { revoked: true }),
        title: technique.name,
        url: urls.technique(technique.id),
      };
      techniqueLinks.set(technique, link);
    }
    return link;
  };
  const sortedRules = (rules: readonly DetectionRule[] | undefined): JsonObject[] => [...(rules ?? [])].sort((a, b) => compareText(a.title, b.title) || compareText(a.relativePath, b.relativePath)).map(ruleLink);
  // Rule and technique documents list playbooks only when the knowledge base has some, as their pages do.
  const withPlaybooks = kb.response.playbooks.length > 0;
  const playbookLink = responseLinks(kb, urls).playbook;

  const entities = new Map<string, JsonObject>();
  const bulkRules: JsonObject[] = [];
  for (const rule of kb.rules) {
    const links = kb.ruleLinks.get(rule)!;
    const results = queries.get(rule) ?? [];
    const document: JsonObject = {
      kind: 'rule',
      ...ruleLink(rule),
      status: rule.status,
      level: rule.level,
      description: rule.description,
      author: rule.author,
      date: rule.date,
      modified: rule.modified,
      references: [...rule.references],
      falsepositives: [...rule.falsepositives],
      tags: [...rule.tags],
      file: rule.relativePath,
      markdown: `${MARKDOWN_ROOT}/${kb.addresses.markdownPath(rule)}`,
      logsources: rule.logsources.map((logsource) => ({ category: logsource.category, definition: logsource.definition, product: logsource.product, service: logsource.service })),
      tactics: links.tactics.map(tacticLink),
      techniques: links.techniques.map(techniqueLink),
      groups: links.groups.map(actorLink),
      software: links.software.map(actorLink),
      other_tags: [...links.otherTags],
      data_needed: links.dataNeeded.map((match) => {
        const { api, key, title, url } = dataNeededLink(match.dataNeeded);
        return { api, key, reasons: match.reasons.map(reasonJson), title, url };
      }),
      enrichments: links.enrichments.map(enrichmentLink),
      triggers: links.triggers.map(triggerLink),
      playbooks: withPlaybooks ? links.playbooks.map(playbookLink) : undefined,
      correlated_rules: links.correlatedRules.map(ruleLink),
      correlated_by: links.correlatedBy.map(ruleLink),
      related: links.related.map((entry) => ({ type: entry.type, id: entry.id, ...(entry.rule && { rule: ruleLink(entry.rule) }) })),
      related_by: links.relatedBy.map((entry) => ({ type: entry.type, rule: ruleLink(entry.rule) })),
      conversions: results.map((result) => ({
        ok: result.result.ok,
        ...(result.result.ok ? {} : { reason: result.result.reason }),
        target: formatQuerySectionSpec(result.section),
        title: result.title,
      })),
    };
    bulkRules.push(document);
    entities.set(apiPath('rule', kb.addresses.ruleSegment(rule)), {
      ...document,
      conversions: results.map((result) => ({
        ok: result.result.ok,
        ...(result.result.ok ? { queries: [...result.result.queries] } : { reason: result.result.reason }),
        target: formatQuerySectionSpec(result.section),
        title: result.title,
      })),
    });
  }

  const bulkDataNeeded: JsonObject[] = [];
  for (const entry of kb.dataNeeded) {
    const rules = kb.rulesByDataNeeded.get(entry) ?? [];
    const techniqueSet = new Set<AttackTechnique>();
    for (const rule of rules) for (const technique of kb.ruleLinks.get(rule)!.techniques) techniqueSet.add(technique);
    const document: JsonObject = {
      kind: 'data-needed',
      ...dataNeededLink(entry),
      author: entry.author,
      description: entry.description,
      category: entry.category,
      platform: entry.platform,
      type: entry.type,
      channel: entry.channel,
      provider: entry.provider,
      event_id: entry.eventId,
      fields: [...entry.fields],
      references: [...entry.references],
      mitigation_policies: [...entry.mitigationPolicies],
      sample: entry.sample,
      enriched_sample: entry.enrichedSample,
      markdown: `${MARKDOWN_ROOT}/${kb.addresses.markdownPath(entry)}`,
      logging_policies: (kb.loggingPoliciesByDataNeeded.get(entry) ?? []).map(policyLink),
      enrichments: (kb.enrichmentsByDataNeeded.get(entry) ?? []).map(enrichmentLink),
      rules: sortedRules(rules),
      techniques: [...techniqueSet].sort((a, b) => compareTechniqueIds(a.id, b.id)).map(techniqueLink),
    };
    bulkDataNeeded.push(document);
    entities.set(apiPath('data-needed', kb.addresses.pageName(entry)), document);
  }

  for (const policy of kb.loggingPolicies) {
    entities.set(apiPath('logging-policy', kb.addresses.pageName(policy)), {
      kind: 'logging-policy',
      ...policyLink(policy),
      author: policy.author,
      description: policy.description,
      default: policy.default,
      volume: policy.volume,
      event_ids: [...policy.eventIds],
      references: [...policy.references],
      configuration: policy.configuration,
      sample: policy.sample,
      markdown: `${MARKDOWN_ROOT}/${kb.addresses.markdownPath(policy)}`,
      data_needed: (kb.dataNeededByLoggingPolicy.get(policy) ?? []).map(dataNeededLink),
    });
  }

  for (const enrichment of kb.enrichments) {
    const resolve = <T>(references: readonly { title: string }[], map: ReadonlyMap<string, T>): T[] =>
      [...new Set(references.map((reference) => map.get(reference.title)).filter((found): found is T => found !== undefined))];
    entities.set(apiPath('enrichment', kb.addresses.pageName(enrichment)), {
      kind: 'enrichment',
      ...enrichmentLink(enrichment),
      author: enrichment.author,
      description: enrichment.description,
      new_fields: [...enrichment.newFields],
      references: [...enrichment.references],
      config: enrichment.config,
      markdown: `${MARKDOWN_ROOT}/${kb.addresses.markdownPath(enrichment)}`,
      data_needed: resolve(enrichment.dataNeeded, kb.dataNeededByTitle).map(dataNeededLink),
      data_to_enrich: resolve(enrichment.dataToEnrich, kb.dataNeededByTitle).map(dataNeededLink),
      requirements: resolve(enrichment.requirements, kb.enrichmentsByTitle).map(enrichmentLink),
      required_by: (kb.enrichmentsRequiring.get(enrichment) ?? []).map(enrichmentLink),
      rules: sortedRules(kb.rulesByEnrichment.get(enrichment)),
    });
  }

  const bulkTriggers: JsonObject[] = [];
  for (const trigger of kb.triggers) {
    const technique = kb.attack.technique(trigger.techniqueId);
    const document: JsonObject = {
      kind: 'trigger',
      ...triggerLink(trigger),
      technique: technique ? techniqueLink(technique) : { id: trigger.techniqueId },
      markdown: `${MARKDOWN_ROOT}/${kb.addresses.markdownPath(trigger)}`,
      tests: trigger.tests.map((test, index) => ({
        description: test.description,
        elevation_required: test.executor.elevationRequired,
        executor: test.executor.name,
        guid: test.guid,
        name: test.name,
        supported_platforms: [...test.supportedPlatforms],
        url: `${urls.trigger(trigger)}#${atomicTestAnchor(test, index)}`,
      })),
      rules: sortedRules(kb.rulesByTechnique.get(trigger.techniqueId)),
    };
    bulkTriggers.push(document);
    entities.set(apiPath('trigger', kb.addresses.pageName(trigger)), document);
  }

  const bulkTechniques: JsonObject[] = [];
  for (const technique of techniques) {
    const coverage = kb.coverage.technique(technique.id);
    const rules = coverage.rules;
    const trigger = coverage.trigger;
    const parent = technique.parent === null ? undefined : kb.attack.technique(technique.parent);
    const document: JsonObject = {
      kind: 'technique',
      ...techniqueLink(technique),
      revoked: technique.revoked,
      deprecated: technique.deprecated,
      revoked_by: technique.revokedBy ?? undefined,
      platforms: technique.platforms ? [...technique.platforms] : undefined,
      tactics: technique.tactics.map((shortname) => kb.attack.tactic(shortname)).filter((tactic): tactic is AttackTactic => tactic !== undefined).map(tacticLink),
      parent: parent ? techniqueLink(parent) : undefined,
      sub_techniques: kb.attack.subTechniquesOf(technique.id).filter((sub) => hasDocument.has(sub.id)).map(techniqueLink),
      rules: sortedRules(rules),
      data_needed: (kb.dataNeededByTechnique.get(technique.id) ?? []).map(dataNeededLink),
      trigger: trigger ? triggerLink(trigger) : undefined,
      playbooks: withPlaybooks ? playbooksForTechnique(kb, technique.id).map(playbookLink) : undefined,
      coverage: {
        atomic_tests: coverage.rolledUpTests,
        covered: coverage.covered,
        covered_by: coverage.coveredBy,
        gap: coverage.gap,
        rules: coverage.rules.length,
        rules_with_sub_techniques: coverage.rolledUpRules.length,
      },
    };
    bulkTechniques.push(document);
    entities.set(apiPath('technique', technique.id), document);
  }

  const response = responseApiDocuments(kb, urls, { rules: sortedRules, tactic: tacticLink, technique: techniqueLink });
  for (const [kind, documents] of [
    ['response-action', response.actions],
    ['response-playbook', response.playbooks],
    ['response-stage', response.stages],
  ] as const) {
    for (const document of documents) entities.set(apiPath(kind, document.key as string), document);
  }

  const attack = attackSummaryJson(kb);
  const envelope = (key: string, items: JsonObject[], extra: JsonObject = {}): JsonObject => ({ format_version: API_FORMAT_VERSION, attack_version: kb.attack.version, attack, count: items.length, ...extra, [key]: items });
  const { counts } = kb.coverage;
  return {
    entities,
    bulk: new Map([
      ['api/rules.json', envelope('rules', bulkRules)],
      ['api/data-needed.json', envelope('data_needed', bulkDataNeeded)],
      ['api/techniques.json', envelope('techniques', bulkTechniques, { coverage: { covered: counts.covered, gaps: counts.gaps, sub_technique_gaps: counts.subTechniqueGaps, techniques: counts.techniques } })],
      ['api/triggers.json', envelope('triggers', bulkTriggers)],
      ...(hasResponseContent(kb)
        ? ([
            ['api/response-actions.json', envelope('response_actions', response.actions)],
            ['api/response-playbooks.json', envelope('response_playbooks', response.playbooks)],
            ['api/response-stages.json', envelope('response_stages', response.stages)],
          ] as const)
        : []),
    ]),
  };
}

/** Techniques with a document: every live one of the snapshot, and any retired one a rule or trigger refers to. */
function apiTechniques(kb: KnowledgeBase): AttackTechnique[] {
  const referenced = new Set([...kb.rulesByTechnique.keys(), ...kb.triggersByTechnique.keys()]);
  return kb.attack.techniques.filter((technique) => (!technique.revoked && !technique.deprecated) || referenced.has(technique.id)).sort((a, b) => compareTechniqueIds(a.id, b.id));
}

/** `origin` and `origin_reason` for an entity the ATT&CK data of the build does not have (keys in sorted order). */
function originJson(origin: AttackOriginNote | undefined): JsonObject {
  return origin === undefined ? {} : { origin: origin.origin, origin_reason: origin.reason };
}

/** The ATT&CK data a build used and what the overlay and the content added to it. */
export function attackSummaryJson(kb: KnowledgeBase): JsonObject {
  const summary = attackSummary(kb.attack);
  return { overlay_tactics: summary.overlay.tactics, overlay_techniques: summary.overlay.techniques, provisional_tactics: summary.provisional.tactics, provisional_techniques: summary.provisional.techniques, version: kb.attack.version };
}

function reasonJson(reason: DataNeededReason): JsonObject {
  switch (reason.via) {
    case 'log-source':
      return { document: reason.document, event: reason.event, log_source: reason.logSource, missing_fields: [...reason.missingFields], via: 'log-source' };
    case 'enrichment':
      return { enrichment: reason.enrichment, via: 'enrichment' };
    default:
      return { rule: reason.rule, via: reason.via };
  }
}

