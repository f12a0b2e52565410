// Benchmark on the full ../shared corpus (never a timed test): each scenario runs in a fresh Node
// process, three times; the median time per stage and the peak resident memory are reported.
//   npm run bench [-- --runs 3] [-- scenario...]
import { execFileSync } from 'node:child_process';
import { parseArgs } from 'node:util';
import { buildKnowledgeBase } from '../src/build.ts';
import type { QuerySection } from '../src/config.ts';
import { listTargets } from '../src/sigma/convert-collection.ts';
import { SHARED_CORPUS, sharedCorpusConfig as corpusConfig, sharedCorpusExists } from './shared-corpus.ts';

const allTargets = (): QuerySection[] => listTargets().map((target) => ({ target: target.id }));

/** Each scenario returns named durations in milliseconds; it runs inside a child process. */
const SCENARIOS: Record<string, { describe: string; run: () => Record<string, number> }> = {
  kb: {
    describe: 'load + link + markdown, no conversion',
    run() {
      const build = buildKnowledgeBase(corpusConfig([]), { convert: false });
      return { ...build.timings, pages: build.files.length };
    },
  },
  'kb+convert': {
    describe: 'load + link + convert (every target) + markdown',
    run() {
      const build = buildKnowledgeBase(corpusConfig(allTargets()));
      return { ...build.timings, pages: build.files.length, targets: allTargets().length };
    },
  },
};

const { values, positionals } = parseArgs({ allowPositionals: true, options: { child: { type: 'string' }, runs: { type: 'string', default: '3' } } });

if (values.child) {
  const started = performance.now();
  const result = SCENARIOS[values.child]!.run();
  const total = performance.now() - started;
  process.stdout.write(JSON.stringify({ ...result, total, peakRssMb: process.resourceUsage().maxRSS / 1024 }));
} else if (!sharedCorpusExists()) {
  console.log(`bench: skipped, ${SHARED_CORPUS} is absent`);
} else {
  const runs = Number(values.runs);
  const chosen = positionals.length > 0 ? positionals : Object.keys(SCENARIOS);
  console.log(`bench: ${runs} runs per scenario, median shown; node ${process.version}`);
  for (const name of chosen) {
    const results: Array<Record<string, number>> = [];
    for (let run = 0; run < runs; run += 1) {
      const output = execFileSync(process.execPath, ['--import', 'tsx', import.meta.filename, '--child', name], { encoding: 'utf8', maxBuffer: 64 << 20 });
      results.push(JSON.parse(output));
    }
    const median = (key: string): number => results.map((result) => result[key]!).sort((a, b) => a - b)[Math.floor(results.length / 2)]!;
    const keys = Object.keys(results[0]!);
    const cells = keys.map((key) => `${key} ${key === 'pages' || key === 'targets' ? median(key) : key === 'peakRssMb' ? `${median(key).toFixed(0)} MB` : `${median(key).toFixed(0)} ms`}`);
    console.log(`${name.padEnd(12)} ${SCENARIOS[name]!.describe}\n             ${cells.join(', ')}`);
  }
}
