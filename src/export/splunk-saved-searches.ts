import type { SigmaLevel } from '../sigma/rule-metadata.ts';
import { ConversionError } from '../sigma/conversion-error.ts';
import { confDescription, confSettings, confStanzaName } from '../sigma/backends/splunk-conf.ts';
import type { ExportedQuery } from './exported-query.ts';

/**
 * Every query of a Splunk target as one savedsearches.conf, to drop into an app's local/ folder: a stanza
 * per query, disabled and unscheduled, so that a search runs only once someone enables it. Titles and
 * descriptions are rule text: the stanza name loses what could end the `[name]` line or be read as an
 * escape, and values go through the shared setting writer (src/sigma/backends/splunk-conf.ts).
 */

/** Splunk's alert.severity (1 debug … 6 fatal) for each Sigma level. */
export const SPLUNK_ALERT_SEVERITY = { informational: 2, low: 3, medium: 4, high: 5, critical: 6 } as const satisfies Record<SigmaLevel, number>;

/** Long enough for every SigmaHQ title; Splunk's UI lists names, not paragraphs. */
export const MAX_STANZA_NAME = 160;

// C0 and C1 controls (line breaks, NUL, NEL) and the backslash: none may reach a stanza or comment line.
const LINE_BREAKERS = /[\u0000-\u001f\u007f-\u009f\\]+/g;
// A query may hold tabs and line breaks (continued); any other control character has no written form.
const UNWRITABLE_IN_QUERY = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/;
const DESCRIPTION_CONTROLS = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/g;

/** A query that could not be written into the file, and why. */
export interface LeftOutQuery {
  readonly entry: ExportedQuery;
  readonly reason: string;
}

/** Writes the file to `write`, a stanza at a time; returns the queries it could not hold. */
export function writeSplunkSavedSearches(entries: readonly ExportedQuery[], write: (text: string) => void): LeftOutQuery[] {
  write('# Saved searches converted from Sigma rules by atc-kb; every search is disabled until enabled here or in Splunk.\n');
  const names = new Set(['default']);
  const leftOut: { entry: ExportedQuery; reason: string }[] = [];
  for (const entry of entries) {
    if (UNWRITABLE_IN_QUERY.test(entry.query)) {
      leftOut.push({ entry, reason: 'the query holds a control character that savedsearches.conf cannot hold' });
      continue;
    }
    const { rule } = entry;
    let settings: string;
    try {
      settings = confSettings([
        ['description', confDescription((rule.description?.trim() || rule.title).replace(DESCRIPTION_CONTROLS, ' '))],
        ['search', entry.query],
        ['disabled', '1'],
        ['enableSched', '0'],
        ['dispatch.earliest_time', '-24h'],
        ['dispatch.latest_time', 'now'],
        ['alert.severity', String(SPLUNK_ALERT_SEVERITY[rule.level ?? 'low'])],
      ]);
    } catch (error) {
      if (!(error instanceof ConversionError)) throw error;
      leftOut.push({ entry, reason: error.message });
      continue;
    }
    const name = uniqueName(stanzaName(entry.name), entry.id, names);
    write(`\n# Sigma rule ${oneLine(entry.id)}: ${oneLine(rule.relativePath)}\n[${name}]${settings}\n`);
  }
  return leftOut;
}

function oneLine(text: string): string {
  return text.replace(LINE_BREAKERS, ' ').replace(/\s+/g, ' ').trim();
}

/** The title as one `[name]` line: no brackets, controls or backslashes, whitespace collapsed, length capped. */
export function stanzaName(title: string): string {
  const name = oneLine(confStanzaName(title));
  if (name === '') return 'Untitled rule';
  return name.length <= MAX_STANZA_NAME ? name : `${name.slice(0, MAX_STANZA_NAME - 1).trimEnd()}…`;
}

/**
 * Stanzas with one name are merged by Splunk, and `[default]` sets every other stanza: a name taken
 * already (compared without case) gets the rule's id, then a counter.
 */
function uniqueName(name: string, id: string, taken: Set<string>): string {
  let candidate = name;
  for (let attempt = 1; taken.has(candidate.toLowerCase()); attempt++) candidate = `${name} (${oneLine(id)}${attempt > 1 ? ` ${attempt}` : ''})`;
  taken.add(candidate.toLowerCase());
  return candidate;
}
