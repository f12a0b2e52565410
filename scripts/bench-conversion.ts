/**
 * Conversion speed: Sigma parsing and each target over the SigmaHQ corpus, in process. Prints rules/s
 * per stage; `benchmarkTargets` is exported for scripts/bench.ts.
 *
 *   node --import tsx scripts/bench-conversion.ts [--repeat N] [corpus-dir]
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { pathToFileURL } from 'node:url';
import { findYamlFiles } from '../src/load/find-input-files.ts';
import { readYamlFile, type YamlFile } from '../src/load/read-yaml-file.ts';
import { convertCollection, type TargetSpec } from '../src/sigma/convert-collection.ts';
import { parseSigmaCollection } from '../src/sigma/parse-sigma-collection.ts';
import type { SigmaRule } from '../src/sigma/sigma-rule.ts';

export const BENCH_TARGETS: readonly TargetSpec[] = [
  { target: 'es-qs' },
  { target: 'xpack-watcher' },
  { target: 'graylog' },
  { target: 'lucene' },
  { target: 'eql' },
  { target: 'esql' },
  { target: 'splunk' },
  { target: 'splunk', pipeline: 'splunk_windows' },
  { target: 'splunk', pipeline: 'splunk_cim' },
  { target: 'splunk', pipeline: 'splunk_cim', format: 'data_model' },
  { target: 'splunk', format: 'savedsearches' },
  { target: 'kusto' },
  { target: 'kusto', pipeline: 'microsoft_xdr' },
  { target: 'kusto', pipeline: 'sentinel_asim' },
];

export interface StageTiming {
  readonly stage: string;
  readonly ms: number;
  readonly rulesPerSecond: number;
  /** Rule files converted without error (targets only). */
  readonly converted?: number;
}

export interface ConversionBenchmark {
  readonly files: number;
  readonly stages: StageTiming[];
  /** Parse plus every target. */
  readonly totalMs: number;
  readonly conversionsPerSecond: number;
  readonly peakRssMb: number;
}

/**
 * Parses the loaded YAML files into Sigma rules, then converts every file for each target, timing each
 * stage. The YAML loading itself is left to the caller (it belongs to the loader's benchmark).
 */
export function benchmarkTargets(yamlFiles: readonly YamlFile[], targets: readonly TargetSpec[] = BENCH_TARGETS): ConversionBenchmark {
  const stages: StageTiming[] = [];
  const timed = <T>(stage: string, run: () => T, converted?: (result: T) => number): T => {
    const started = performance.now();
    const result = run();
    const ms = performance.now() - started;
    stages.push({ stage, ms, rulesPerSecond: (yamlFiles.length / ms) * 1000, ...(converted && { converted: converted(result) }) });
    return result;
  };
  const collections: readonly (readonly SigmaRule[])[] = timed('parse', () => yamlFiles.map((file) => parseSigmaCollection(file.documents).rules));
  for (const spec of targets) {
    const label = spec.target + (spec.pipeline ? `+${spec.pipeline}` : '') + (spec.format ? `@${spec.format}` : '');
    timed(
      label,
      () => collections.map((rules) => convertCollection(rules, spec).ok),
      (results) => results.filter(Boolean).length,
    );
  }
  const totalMs = stages.reduce((sum, stage) => sum + stage.ms, 0);
  const conversionMs = totalMs - stages[0]!.ms;
  return {
    files: yamlFiles.length,
    stages,
    totalMs,
    conversionsPerSecond: ((yamlFiles.length * targets.length) / conversionMs) * 1000,
    peakRssMb: process.resourceUsage().maxRSS / 1024,
  };
}

export function loadCorpus(root: string, folders: readonly string[] = ['rules', 'rules-emerging-threats', 'rules-threat-hunting']): YamlFile[] {
  return folders.flatMap((folder) => findYamlFiles(path.join(root, folder)).map((file) => readYamlFile(file.absolutePath, file.displayPath)));
}

if (import.meta.url === pathToFileURL(process.argv[1]!).href) {
  const { values, positionals } = parseArgs({ allowPositionals: true, options: { repeat: { type: 'string', default: '1' } } });
  const root = path.resolve(positionals[0] ?? path.join(import.meta.dirname, '../../shared/corpus/sigma'));
  if (!existsSync(root)) {
    console.log(`bench-conversion: skipped, no corpus at ${root}`);
    process.exit(0);
  }
  const loadStarted = performance.now();
  const yamlFiles = loadCorpus(root);
  console.log(`loaded ${yamlFiles.length} rule files in ${(performance.now() - loadStarted).toFixed(0)} ms (YAML, not counted below)`);
  for (let run = 1; run <= Number(values.repeat); run++) {
    const result = benchmarkTargets(yamlFiles);
    console.log(`run ${run}:`);
    for (const stage of result.stages) {
      console.log(`  ${stage.stage.padEnd(28)} ${stage.ms.toFixed(0).padStart(6)} ms  ${stage.rulesPerSecond.toFixed(0).padStart(7)} rules/s${stage.converted === undefined ? '' : `  (${stage.converted} converted)`}`);
    }
    console.log(`  total          ${result.totalMs.toFixed(0).padStart(6)} ms  ${result.conversionsPerSecond.toFixed(0)} rule-conversions/s, peak RSS ${result.peakRssMb.toFixed(0)} MB`);
  }
}
