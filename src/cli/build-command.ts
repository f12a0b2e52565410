import path from 'node:path';
import { buildKnowledgeBase } from '../build.ts';
import { formatBuildSummary, issuesToList, StageProgress } from '../check/build-report.ts';
import { CONFIG_FILE_NAME, loadConfig } from '../load/load-config.ts';
import { parseKnowledgeBaseArguments } from './command-options.ts';
import { formatIssue, hasErrors } from '../model/issue.ts';
import { prepareSite, publishSite } from '../site/build-site.ts';

const USAGE = `usage: atc build [--config FILE] [--rules DIR]... [--data-needed DIR]... [--logging-policies DIR]...
                 [--enrichments DIR]... [--triggers DIR]... [--out DIR] [--targets SPEC,...] [--quiet]

Builds the knowledge base into the output folder (default _site/). Every problem is printed as
file:line:col severity code message (notes are counted, not listed: atc check lists them); on any error
nothing is written and the previous output stays. --quiet lists errors only.
A target spec is target[+pipeline][@format], e.g. es-qs,xpack-watcher,graylog or lucene+ecs_windows.
`;

export async function runBuild(args: string[]): Promise<number> {
  const parsed = parseKnowledgeBaseArguments(args);
  if (typeof parsed === 'string') {
    process.stderr.write(`atc build: ${parsed}\n${USAGE}`);
    return 2;
  }
  if (parsed.help) {
    process.stdout.write(USAGE);
    return 0;
  }
  const started = performance.now();
  // Errors and warnings, then a one-screen summary; on a terminal (not in CI) a status line per stage.
  const progress = new StageProgress(process.stderr, process.env);
  const { config, issues: configIssues } = loadConfig(parsed.overrides);
  const build = buildKnowledgeBase(config, { configFile: parsed.overrides.configFile ?? CONFIG_FILE_NAME, onStage: (stage) => progress.stage(stage) });
  const issues = [...configIssues, ...build.issues];
  progress.clear();
  const listed = issuesToList(issues, parsed.quiet);
  if (listed.length > 0) process.stderr.write(`${listed.map(formatIssue).join('\n')}\n\n`);
  const shownOutDir = path.relative(process.cwd(), config.outDir) || config.outDir;
  if (hasErrors(issues)) {
    process.stderr.write(formatBuildSummary({ build, issues, totalSeconds: (performance.now() - started) / 1000 }));
    process.stderr.write(`atc build: errors found; nothing written, ${shownOutDir} left as it was\n`);
    return 1;
  }
  progress.stage('site');
  const siteStarted = performance.now();
  // The search index starts now, in Pagefind's process, and is built while the pages are rendered and written.
  const site = await publishSite(build, config.outDir, { prepared: prepareSite(build) });
  progress.clear();
  const html = `${site.htmlPages} HTML pages, ${site.redirects} redirects, ${site.indexedPages} pages indexed for search`;
  process.stderr.write(formatBuildSummary({ build, issues, outDir: shownOutDir, site: html, siteSeconds: (performance.now() - siteStarted) / 1000, totalSeconds: (performance.now() - started) / 1000 }));
  return 0;
}
