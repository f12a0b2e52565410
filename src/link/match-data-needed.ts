import { compareText } from '../model/compare-text.ts';
import type { DataNeeded } from '../model/entities.ts';
import { lookUpLogSource, type LogSourceEvent } from './log-source-table.ts';

/** What the matcher needs to know of one rule of a collection (one document). */
export interface RuleDocumentFacts {
  readonly logsource: { readonly product?: string; readonly category?: string; readonly service?: string };
  /** Field names the detection uses, modifiers stripped. */
  readonly fields: readonly string[];
  /** EventID values the detection selects (not those it excludes). */
  readonly eventIds: readonly number[];
}

/** Why a Data Needed entry is listed for a rule: shown on the HTML page, so analysts can check the reasoning. */
export type DataNeededReason =
  | {
      readonly via: 'log-source';
      /** Index of the rule within its collection. */
      readonly document: number;
      /** The row of the log-source table that applied, e.g. "product: windows, category: process_creation". */
      readonly logSource: string;
      /** The event the entry describes, e.g. "Windows / Security / EventID 4688". */
      readonly event: string;
      /** Fields the rule uses that the entry does not list (empty when it provides all). */
      readonly missingFields: readonly string[];
    }
  | { readonly via: 'enrichment'; readonly enrichment: string }
  /** A correlation rule needs what the rules it correlates need; `rule` is that rule's title. */
  | { readonly via: 'correlated-rule'; readonly rule: string };

export interface DataNeededMatch {
  readonly dataNeeded: DataNeeded;
  readonly reasons: readonly DataNeededReason[];
}

/**
 * What one document (rule of a collection) needs in order to run: every Data Needed entry describing one of
 * the events its log source maps to, each with the fields the document uses that the entry lacks. Any one
 * entry without missing fields lets it run; coverage profiles (profile-coverage.ts) read this, where the
 * matches above keep only the closest entries.
 */
export interface DocumentRequirement {
  readonly document: number;
  /** The document's log source, e.g. "product: windows, category: process_creation". */
  readonly logSource: string;
  readonly candidates: readonly { readonly dataNeeded: DataNeeded; readonly missingFields: readonly string[] }[];
}

export interface DocumentMatchProblem {
  readonly document: number;
  readonly kind: 'no-log-source-row' | 'no-entry' | 'missing-fields';
  readonly message: string;
}

/** Data Needed entries by normalised platform, built once per knowledge base. */
export class DataNeededIndex {
  private readonly byPlatform = new Map<string, DataNeeded[]>();
  private readonly fieldSets = new Map<DataNeeded, Set<string>>();

  constructor(entries: readonly DataNeeded[]) {
    for (const entry of entries) {
      const platform = normalise(entry.platform);
      if (!platform) continue;
      const list = this.byPlatform.get(platform) ?? [];
      list.push(entry);
      this.byPlatform.set(platform, list);
      this.fieldSets.set(entry, new Set(entry.fields.map(normalise)));
    }
  }

  candidates(event: LogSourceEvent, eventId: number | undefined): DataNeeded[] {
    const channel = normalise(event.channel);
    return (this.byPlatform.get(normalise(event.platform)) ?? []).filter(
      (entry) => (!channel || normalise(entry.channel) === channel) && (eventId === undefined || entry.eventId === eventId),
    );
  }

  missingFields(entry: DataNeeded, fields: readonly string[]): string[] {
    const provided = this.fieldSets.get(entry)!;
    return fields.filter((field) => !provided.has(normalise(field)));
  }
}

/**
 * Finds the Data Needed entries a rule needs. Per rule of a collection: the log-source table gives the
 * events the rule is evaluated on; for each event, the entries describing it are candidates, and among
 * them those that provide every field the rule uses are kept. When none does, the closest ones (fewest
 * missing fields) are kept and the gap is reported, because a partial log source still beats none.
 */
export function matchDataNeeded(
  documents: readonly RuleDocumentFacts[],
  index: DataNeededIndex,
): { matches: DataNeededMatch[]; problems: DocumentMatchProblem[]; requirements: DocumentRequirement[] } {
  const reasons = new Map<DataNeeded, DataNeededReason[]>();
  const problems: DocumentMatchProblem[] = [];
  const requirements: DocumentRequirement[] = [];
  documents.forEach((facts, document) => {
    const found = lookUpLogSource(facts.logsource);
    const logSourceText = describeLogSource(facts.logsource);
    const candidatesOfDocument = new Map<DataNeeded, readonly string[]>();
    if (!found) {
      requirements.push({ document, logSource: logSourceText, candidates: [] });
      problems.push({ document, kind: 'no-log-source-row', message: `no Data Needed mapping for log source ${logSourceText}` });
      return;
    }
    let matchedAny = false;
    for (const event of found.row.events) {
      const eventIds: readonly (number | undefined)[] = event.eventIds ?? (facts.eventIds.length > 0 ? facts.eventIds : [undefined]);
      for (const eventId of eventIds) {
        const candidates = index.candidates(event, eventId);
        if (candidates.length === 0) continue;
        const scored = candidates.map((entry) => ({ entry, missing: index.missingFields(entry, facts.fields) }));
        for (const { entry, missing } of scored) {
          const known = candidatesOfDocument.get(entry);
          if (!known || missing.length < known.length) candidatesOfDocument.set(entry, missing);
        }
        const fewest = Math.min(...scored.map((candidate) => candidate.missing.length));
        const kept = scored.filter((candidate) => candidate.missing.length === fewest);
        const eventText = describeEvent(event, eventId);
        for (const { entry, missing } of kept) {
          const list = reasons.get(entry) ?? [];
          list.push({ via: 'log-source', document, logSource: found.description, event: eventText, missingFields: missing });
          reasons.set(entry, list);
        }
        matchedAny = true;
        if (fewest > 0) {
          problems.push({
            document,
            kind: 'missing-fields',
            message: `no Data Needed entry for ${eventText} provides ${kept[0]!.missing.map((field) => `"${field}"`).join(', ')}; closest: ${kept
              .map((candidate) => candidate.entry.title)
              .join(', ')}`,
          });
        }
      }
    }
    requirements.push({
      document,
      logSource: logSourceText,
      candidates: [...candidatesOfDocument]
        .map(([dataNeeded, missingFields]) => ({ dataNeeded, missingFields }))
        .sort((a, b) => a.missingFields.length - b.missingFields.length || compareText(a.dataNeeded.title, b.dataNeeded.title)),
    });
    if (!matchedAny) {
      const events = found.row.events
        .flatMap((event) => (event.eventIds ?? (facts.eventIds.length > 0 ? facts.eventIds : [undefined])).map((eventId) => describeEvent(event, eventId)))
        .join('; ');
      problems.push({ document, kind: 'no-entry', message: `no Data Needed entry describes ${events} (log source ${logSourceText})` });
    }
  });
  const matches = [...reasons.entries()]
    .map(([dataNeeded, list]) => ({ dataNeeded, reasons: list }))
    .sort((a, b) => compareText(a.dataNeeded.title, b.dataNeeded.title));
  return { matches, problems, requirements };
}

export function describeLogSource(logsource: RuleDocumentFacts['logsource']): string {
  const parts = (['product', 'category', 'service'] as const).filter((key) => logsource[key]).map((key) => `${key}: ${logsource[key]}`);
  return parts.length > 0 ? parts.join(', ') : '(none)';
}

function describeEvent(event: LogSourceEvent, eventId: number | undefined): string {
  return [event.platform, event.channel, eventId === undefined ? undefined : `EventID ${eventId}`].filter(Boolean).join(' / ');
}

function normalise(value: string | undefined): string {
  return (value ?? '').trim().toLowerCase();
}

