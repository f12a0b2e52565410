// Loads and links the whole ../shared corpus (SigmaHQ, atc-data, Atomic Red Team) and prints what it
// holds: entities, links, issues by code, and Data Needed coverage per log-source product.
// Usage: npm run corpus-report [-- --convert]
import { buildKnowledgeBase } from '../src/build.ts';
import { knowledgeBaseStatistics } from '../src/link/knowledge-base-statistics.ts';
import { formatIssue } from '../src/model/issue.ts';
import { summarizeIssues } from '../src/report-issues.ts';
import { SHARED_CORPUS, sharedCorpusConfig, sharedCorpusExists } from './shared-corpus.ts';

if (!sharedCorpusExists()) {
  console.log(`corpus-report: skipped, ${SHARED_CORPUS} is absent (it exists only beside a development checkout)`);
  process.exit(0);
}
const build = buildKnowledgeBase(sharedCorpusConfig(), { convert: process.argv.includes('--convert') });
const statistics = knowledgeBaseStatistics(build.kb);
console.log('files read:', Object.entries(build.fileCounts).map(([kind, count]) => `${kind} ${count}`).join(', '));
console.log('entities:', Object.entries(statistics.entities).map(([kind, count]) => `${kind} ${count}`).join(', '));
console.log('links:', Object.entries(statistics.links).map(([kind, count]) => `${kind} ${count}`).join(', '));
const { bySeverity, byCode } = summarizeIssues(build.issues);
console.log(`issues: ${bySeverity.error} errors, ${bySeverity.warning} warnings, ${bySeverity.info} notes`);
for (const [code, count] of byCode) console.log(`  ${String(count).padStart(6)}  ${code}`);
const errors = build.issues.filter((issue) => issue.severity === 'error');
for (const issue of errors) console.log(`  ${formatIssue(issue)}`);
console.log('Data Needed coverage by log-source product (rules with at least one entry):');
for (const entry of statistics.dataNeededCoverage) {
  console.log(`  ${entry.product.padEnd(20)} ${String(entry.matched).padStart(5)} / ${String(entry.rules).padEnd(5)} ${((100 * entry.matched) / entry.rules).toFixed(1)}%`);
}
console.log('most common log sources without a Data Needed entry:');
for (const [logSource, count] of statistics.unmatchedLogSources.slice(0, 20)) console.log(`  ${String(count).padStart(5)}  ${logSource}`);
const loadFailures = errors.filter((issue) => /\/(rules|rules-emerging-threats|rules-threat-hunting)\//.test(issue.file));
console.log(`rule files of rules/, rules-emerging-threats/, rules-threat-hunting/ that failed to load: ${loadFailures.length}`);
process.exitCode = loadFailures.length > 0 ? 1 : 0;
