import { modelKnowledgeBase, renderKnowledgeBase, type BuildStage } from '../build.ts';
import { cacheFolderFor } from '../cache/build-cache.ts';
import { buildRecordKey, openBuildRecords } from '../cache/build-record.ts';
import { buildSummaryLines, formatBuildSummary, formatTimeLine, issuesToList, StageProgress } from '../check/build-report.ts';
import { inputsUnchanged } from '../load/inputs-unchanged.ts';
import { CONFIG_FILE_NAME, loadConfig } from '../load/load-config.ts';
import { commandLineProblem, parseKnowledgeBaseArguments, takeOptions } from './command-options.ts';
import { formatIssue, hasErrors, type Issue } from '../model/issue.ts';
import { prepareSite, publishSite } from '../site/build-site.ts';
import { closeSearchIndexer } from '../site/search-index.ts';
import { oldLeftoversBeside } from '../site/write-output.ts';
import { intactOutputDigest, manifestDigest } from '../site/output-manifest.ts';
import { displayPath, OutputFolderError } from '../site/output-folder-error.ts';
import { refuseForeignFolder, refuseUnsafeOutput } from '../site/output-guard.ts';
import { terminalLine } from '../terminal-text.ts';

const USAGE = `usage: atc build [--config FILE] [--rules DIR]... [--data-needed DIR]... [--logging-policies DIR]...
                 [--enrichments DIR]... [--triggers DIR]... [--profiles DIR]... [--use-cases DIR]...
                 [--response-actions DIR]... [--response-playbooks DIR]... [--response-stages DIR]...
                 [--out DIR] [--targets SPEC,...] [--quiet]
                 [--force] [--wait SECONDS] [--no-cache]

Builds the knowledge base into the output folder (default _site/). Every problem is printed as
file:line:col severity code message (notes are counted, not listed: atc check lists them); on any error
nothing is written and the previous output stays. --quiet lists errors only.
A target spec is target[+pipeline][@format], e.g. es-qs,xpack-watcher,graylog or lucene+ecs_windows.

The output folder holds .atc-manifest.json, the files the build wrote; a rebuild replaces and deletes
only those. Refused: an output that is a symbolic link, is, contains or lies inside an input folder, is
or contains the configuration's folder or the home folder, or a non-empty folder without a manifest
(--force adds the site to it, never deleting or overwriting a file atc did not write). Staging and the
previous output are kept in .atc-cache/ in the configuration's folder. A second build into the same
output waits for the first, up to --wait SECONDS (default 300).

A build reuses what the previous one computed from the same files (conversions, the search index), kept
in node_modules/.cache/atc-kb/ of the configuration's folder (.atc-cache/kb/ without node_modules/);
a cache written by another version of atc, or damaged, is ignored. --no-cache computes everything
afresh (and writes a new cache).

Exit codes: 0 built; 1 errors in the knowledge base, the output could not be written, or another
build kept it busy; 2 bad arguments or a refused output folder.
`;

export async function runBuild(args: string[]): Promise<number> {
  const usageError = (problem: string): number => {
    process.stderr.write(`${terminalLine(`atc build: ${problem}`)}\n${USAGE}`);
    return 2;
  };
  // build's own options first; the rest are the options build shares with check and layer.
  const own = takeOptions(args, { force: 'boolean', wait: 'string', 'no-cache': 'boolean' });
  if (typeof own === 'string') return usageError(own);
  const parsed = parseKnowledgeBaseArguments(own.rest);
  if (typeof parsed === 'string') return usageError(parsed);
  const waitSeconds = Number(own.values.wait ?? 300);
  if (!Number.isFinite(waitSeconds) || waitSeconds < 0) return usageError('option --wait needs a number of seconds');
  if (parsed.help) {
    process.stdout.write(USAGE);
    return 0;
  }
  const started = performance.now();
  // Errors and warnings, then a one-screen summary; on a terminal (not in CI) a status line per stage.
  const progress = new StageProgress(process.stderr, process.env);
  const { config, issues: configIssues } = loadConfig(parsed.overrides);
  const problem = commandLineProblem(parsed.overrides, config);
  if (problem !== undefined) return usageError(problem);
  const force = own.values.force ?? false;
  try {
    // Before the knowledge base is loaded, so a refused folder costs nothing; checked again under the lock.
    refuseUnsafeOutput(config.outDir, config);
    refuseForeignFolder(config.outDir, force);
  } catch (error) {
    return reportOutputFailure(error);
  }
  const cache = { folder: cacheFolderFor(config.rootDir), reuse: !(own.values['no-cache'] ?? false) };
  // Nothing changed since the last successful build (its inputs read the same, its output is intact):
  // its issues and summary again, and nothing else.
  const records = openBuildRecords(cache, config.outDir);
  const recordKey = buildRecordKey(config, process.cwd());
  const record = records.get(recordKey);
  if (record && inputsUnchanged(record.inputs) && intactOutputDigest(config.outDir) === record.manifest) {
    printIssues([...configIssues, ...record.issues], parsed.quiet);
    printLeftovers(config.outDir);
    process.stderr.write(`${[...record.summary, formatTimeLine((performance.now() - started) / 1000, 'the inputs and the output are those of the last build')].join('\n')}\n`);
    return 0;
  }
  const options = { configFile: parsed.overrides.configFile ?? CONFIG_FILE_NAME, cache, onStage: (stage: BuildStage) => progress.stage(stage) };
  const modelled = modelKnowledgeBase(config, options);
  // Pagefind needs only the model: started now, it indexes on the other core while this one renders the
  // markdown pages, exports and HTML, instead of after them (its index is the longest single step of a
  // rebuild after a small edit).
  const prepared = hasErrors(modelled.issues) ? undefined : prepareSite(modelled, { cache });
  let build;
  try {
    build = renderKnowledgeBase(modelled, options);
  } catch (error) {
    await closeSearchIndexer(); // its worker would keep the process from exiting
    throw error;
  }
  const issues = [...configIssues, ...build.issues];
  progress.clear();
  printIssues(issues, parsed.quiet);
  const shownOutDir = displayPath(config.outDir);
  // No index was started when the model already had errors.
  if (hasErrors(issues) || !prepared) {
    if (prepared) await closeSearchIndexer();
    process.stderr.write(formatBuildSummary({ build, issues, totalSeconds: (performance.now() - started) / 1000 }));
    process.stderr.write(`${terminalLine(`atc build: errors found; nothing written, ${shownOutDir} left as it was`)}\n`);
    return 1;
  }
  progress.stage('site');
  const siteStarted = performance.now();
  const onWait = (pid: number): void => {
    progress.clear();
    process.stderr.write(`${terminalLine(`atc build: waiting for the build in process ${pid} to finish writing ${shownOutDir} (up to ${waitSeconds} s)`)}\n`);
  };
  let site;
  try {
    site = await publishSite(build, config.outDir, { prepared, force, waitMs: waitSeconds * 1000, onWait });
  } catch (error) {
    progress.clear();
    return reportOutputFailure(error);
  }
  progress.clear();
  printLeftovers(config.outDir);
  // What the build changed: a rebuild leaves every file whose content is the same as it was.
  const { written, reused, copied } = site.counts;
  const htmlWith = (search: string, files: string): string => `${site.htmlPages} HTML pages, ${site.redirects} redirects, ${site.indexedPages} pages indexed for search${search}; ${files}`;
  const html = htmlWith(site.searchReused ? ' (index unchanged)' : '', `${written} of ${written + reused + copied} files written`);
  process.stderr.write(formatBuildSummary({ build, issues, outDir: shownOutDir, site: html, siteSeconds: (performance.now() - siteStarted) / 1000, totalSeconds: (performance.now() - started) / 1000 }));
  const manifest = manifestDigest(config.outDir);
  if (build.inputs && manifest !== undefined) {
    const summary = buildSummaryLines({ build, issues, outDir: shownOutDir, site: htmlWith(' (index unchanged)', `0 of ${written + reused + copied} files written`) });
    records.set(recordKey, { inputs: build.inputs, issues: build.issues, summary, manifest });
    records.save();
  }
  return 0;
}

/** Errors and warnings (errors only, with --quiet), a line each, before the summary. */
function printIssues(issues: readonly Issue[], quiet: boolean): void {
  const listed = issuesToList(issues, quiet);
  if (listed.length > 0) process.stderr.write(`${listed.map(formatIssue).join('\n')}\n\n`);
}

function printLeftovers(outDir: string): void {
  const leftovers = oldLeftoversBeside(outDir);
  if (leftovers.length === 0) return;
  process.stderr.write(`${terminalLine(`atc build: note: ${leftovers.map(displayPath).join(', ')} ${leftovers.length === 1 ? 'was' : 'were'} left beside ${displayPath(outDir)} by an older atc, which moved the output folder's files there; check for files of yours, then delete ${leftovers.length === 1 ? 'it' : 'them'}`)}\n`);
}

/** A refused or unwritable output folder: one line naming the folder, no stack trace, and its exit code. */
function reportOutputFailure(error: unknown): number {
  if (!(error instanceof OutputFolderError)) throw error;
  process.stderr.write(`${terminalLine(`atc build: ${error.message}`)}\n`);
  return error.exitCode;
}
