import { parseArgs } from 'node:util';
import path from 'node:path';
import { buildKnowledgeBase } from '../build.ts';
import { formatBuildSummary, issuesToList, StageProgress } from '../check/build-report.ts';
import { parseQuerySectionSpec, type QuerySection } from '../config.ts';
import { loadConfig, type ConfigOverrides } from '../load/load-config.ts';
import { formatIssue, hasErrors } from '../model/issue.ts';
import { buildSite, prepareSite, type SiteTimings } from '../site/build-site.ts';
import { closeSearchIndexer } from '../site/search-index.ts';
import { replaceOutputFolder } from '../site/write-output.ts';

const USAGE = `usage: atc build [--config FILE] [--rules DIR]... [--data-needed DIR]... [--logging-policies DIR]...
                 [--enrichments DIR]... [--triggers DIR]... [--out DIR] [--targets SPEC,...] [--quiet]

Builds the knowledge base into the output folder (default _site/). Every problem is printed as
file:line:col severity code message (notes are counted, not listed: atc check lists them); on any error
nothing is written and the previous output stays. --quiet lists errors only.
A target spec is target[+pipeline][@format], e.g. es-qs,xpack-watcher,graylog or lucene+ecs_windows.
`;

/** Parses the options shared by the commands that build the knowledge base. */
export function parseBuildArguments(args: string[]): { overrides: ConfigOverrides; quiet: boolean; help: boolean } | string {
  let parsed;
  try {
    parsed = parseArgs({
      args,
      allowPositionals: false,
      options: {
        config: { type: 'string' },
        rules: { type: 'string', multiple: true },
        'data-needed': { type: 'string', multiple: true },
        'logging-policies': { type: 'string', multiple: true },
        enrichments: { type: 'string', multiple: true },
        triggers: { type: 'string', multiple: true },
        out: { type: 'string' },
        targets: { type: 'string' },
        quiet: { type: 'boolean', short: 'q' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (error) {
    return (error as Error).message;
  }
  const { values } = parsed;
  let querySections: QuerySection[] | undefined;
  if (values.targets !== undefined) {
    querySections = [];
    for (const spec of values.targets.split(',').filter((part) => part.trim() !== '')) {
      const section = parseQuerySectionSpec(spec);
      if (typeof section === 'string') return section;
      querySections.push(section);
    }
  }
  return {
    overrides: {
      configFile: values.config,
      rules: values.rules,
      dataNeeded: values['data-needed'],
      loggingPolicies: values['logging-policies'],
      enrichments: values.enrichments,
      triggers: values.triggers,
      outDir: values.out,
      querySections,
    },
    quiet: values.quiet ?? false,
    help: values.help ?? false,
  };
}

export async function runBuild(args: string[]): Promise<number> {
  const parsed = parseBuildArguments(args);
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
  const build = buildKnowledgeBase(config, { configFile: parsed.overrides.configFile ?? 'atc.config.yml', onStage: (stage) => progress.stage(stage) });
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
  let site: SiteTimings | undefined;
  progress.stage('site');
  const siteStarted = performance.now();
  // The search index starts now, in Pagefind's process, and overlaps the writing of the markdown pages.
  const prepared = prepareSite(build);
  try {
    await replaceOutputFolder(config.outDir, build.files, async (stagingDir) => {
      site = await buildSite(build, stagingDir, { prepared });
    });
  } finally {
    if (!site) await closeSearchIndexer();
  }
  progress.clear();
  const html = site ? `${site.htmlPages} HTML pages, ${site.redirects} redirects, ${site.indexedPages} pages indexed for search` : undefined;
  process.stderr.write(formatBuildSummary({ build, issues, outDir: shownOutDir, ...(html && { site: html }), siteSeconds: (performance.now() - siteStarted) / 1000, totalSeconds: (performance.now() - started) / 1000 }));
  return 0;
}
