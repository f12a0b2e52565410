/**
 * The conformance floor: for each reference file of ../shared/oracle, the most rules whose conversion
 * may disagree with it (differing or missing). The figures are the ones measured when the floor was set,
 * so any rule that stops agreeing fails `npm run conformance`, and with it CI.
 *
 * Lower a figure when a change makes more rules agree (the script says when it can be lowered). Raise
 * one only together with the deviation in docs/conversion-deviations.md that explains the new difference.
 */
export const MOST_DISAGREEING: Readonly<Record<string, number>> = {
  'legacy-sigmac-0.13/es-qs.jsonl': 0,
  'legacy-sigmac-0.13/graylog.jsonl': 0,
  'legacy-sigmac-0.13/xpack-watcher.jsonl': 0,
  'probes/legacy/es-qs.jsonl': 1,
  'probes/legacy/graylog.jsonl': 1,
  'probes/legacy/xpack-watcher.jsonl': 1,
  'pysigma-1.5.0/eql+ecs_windows.jsonl': 25,
  'pysigma-1.5.0/eql.jsonl': 182, // 91 of them deviation F2 (hyphenated names quoted, as EQL's syntax reference requires)
  'pysigma-1.5.0/esql+ecs_windows.jsonl': 25,
  'pysigma-1.5.0/esql.jsonl': 31,
  'pysigma-1.5.0/kusto+microsoft_xdr.jsonl': 77,
  'pysigma-1.5.0/kusto+sentinel_asim.jsonl': 547,
  'pysigma-1.5.0/kusto.jsonl': 178,
  'pysigma-1.5.0/lucene+ecs_windows.jsonl': 0,
  'pysigma-1.5.0/lucene.jsonl': 1,
  'pysigma-1.5.0/lucene@dsl_lucene.jsonl': 1,
  'pysigma-1.5.0/lucene@kibana_ndjson.jsonl': 1,
  'pysigma-1.5.0/splunk+splunk_cim.jsonl': 8,
  'pysigma-1.5.0/splunk+splunk_cim@data_model.jsonl': 18,
  'pysigma-1.5.0/splunk+splunk_windows.jsonl': 12,
  'pysigma-1.5.0/splunk.jsonl': 12,
  'pysigma-1.5.0/splunk@savedsearches.jsonl': 5, // one of them deviation S5 (a description ending in a backslash)
  'probes/modern/eql+ecs_windows.jsonl': 4,
  'probes/modern/eql.jsonl': 5,
  'probes/modern/esql+ecs_windows.jsonl': 3,
  'probes/modern/esql.jsonl': 3,
  'probes/modern/kusto+microsoft_xdr.jsonl': 1,
  'probes/modern/kusto+sentinel_asim.jsonl': 3,
  'probes/modern/kusto.jsonl': 1,
  'probes/modern/lucene+ecs_windows.jsonl': 2,
  'probes/modern/lucene.jsonl': 2,
  'probes/modern/splunk+splunk_cim.jsonl': 1,
  'probes/modern/splunk+splunk_cim@data_model.jsonl': 2,
  'probes/modern/splunk+splunk_windows.jsonl': 1,
  'probes/modern/splunk.jsonl': 1,
  'probes/modern/splunk@savedsearches.jsonl': 1,
};

export interface Agreement {
  readonly agree: number;
  readonly total: number;
  readonly differ: number;
  readonly missing: number;
}

// The summary line of ../shared/tools/oracle-compare.mjs: "<name>: A/T agree (P%), D differ, M missing".
const SUMMARY = /: (\d+)\/(\d+) agree \([0-9.]+%\), (\d+) differ, (\d+) missing$/;

export function parseAgreement(summary: string): Agreement | undefined {
  const match = SUMMARY.exec(summary);
  if (!match) return undefined;
  const [agree, total, differ, missing] = match.slice(1).map(Number) as [number, number, number, number];
  return { agree, total, differ, missing };
}

export type FloorVerdict =
  | { readonly kind: 'held'; readonly disagreeing: number; readonly most: number }
  | { readonly kind: 'fell'; readonly disagreeing: number; readonly most: number }
  | { readonly kind: 'unmeasured' };

/** Whether a reference file's comparison stays within its floor; a file without a figure has none yet. */
export function judgeAgreement(label: string, agreement: Agreement): FloorVerdict {
  if (!Object.hasOwn(MOST_DISAGREEING, label)) return { kind: 'unmeasured' };
  const most = MOST_DISAGREEING[label]!;
  const disagreeing = agreement.differ + agreement.missing;
  return { kind: disagreeing > most ? 'fell' : 'held', disagreeing, most };
}

/** The line to print for a verdict, or undefined when there is nothing to say. */
export function describeVerdict(label: string, verdict: FloorVerdict): string | undefined {
  switch (verdict.kind) {
    case 'unmeasured':
      return `${label}: BELOW THE FLOOR: no floor is set for this reference file; measure it and add it to MOST_DISAGREEING in scripts/conformance-floor.ts`;
    case 'fell':
      return `${label}: BELOW THE FLOOR: disagreeing rules ${verdict.disagreeing}, at most ${verdict.most} allowed (run with --show N to see them)`;
    case 'held':
      return verdict.disagreeing < verdict.most
        ? `${label}: ${verdict.most - verdict.disagreeing} fewer rules disagree than the floor allows; lower its figure in scripts/conformance-floor.ts to ${verdict.disagreeing}`
        : undefined;
  }
}

/** The comparison's summary line against the floor: whether it fell, and what to print. */
export function checkAgainstFloor(label: string, summary: string): { readonly fell: boolean; readonly message?: string } {
  const agreement = parseAgreement(summary);
  if (!agreement) return { fell: true, message: `${label}: BELOW THE FLOOR: the comparison printed no summary line ("${summary}")` };
  const verdict = judgeAgreement(label, agreement);
  const message = describeVerdict(label, verdict);
  return { fell: verdict.kind !== 'held', ...(message && { message }) };
}
