import { parseArgs } from 'node:util';
import path from 'node:path';
import { buildKnowledgeBase } from '../build.ts';
import { parseQuerySectionSpec, type QuerySection } from '../config.ts';
import { loadConfig, type ConfigOverrides } from '../load/load-config.ts';
import { hasErrors } from '../model/issue.ts';
import { formatIssueReport } from '../report-issues.ts';
import { replaceOutputFolder } from '../site/write-output.ts';

const USAGE = `usage: atc build [--config FILE] [--rules DIR]... [--data-needed DIR]... [--logging-policies DIR]...
                 [--enrichments DIR]... [--triggers DIR]... [--out DIR] [--targets SPEC,...] [--quiet]

Builds the knowledge base into the output folder (default _site/). Every problem is printed as
file:line:col severity code message; on any error nothing is written and the previous output stays.
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
  const { config, issues: configIssues } = loadConfig(parsed.overrides);
  const build = buildKnowledgeBase(config, { configFile: parsed.overrides.configFile ?? 'atc.config.yml' });
  const issues = [...configIssues, ...build.issues];
  process.stderr.write(formatIssueReport(issues, { minimumSeverity: parsed.quiet ? 'warning' : 'info' }));
  const kb = build.kb;
  const summary = `${kb.rules.length} rules, ${kb.dataNeeded.length} Data Needed, ${kb.loggingPolicies.length} Logging Policies, ${kb.enrichments.length} Enrichments, ${kb.triggers.length} Triggers`;
  if (hasErrors(issues)) {
    process.stderr.write(`atc build: errors found; nothing written, ${path.relative(process.cwd(), config.outDir) || config.outDir} left as it was\n`);
    return 1;
  }
  await replaceOutputFolder(config.outDir, build.files);
  const seconds = ((performance.now() - started) / 1000).toFixed(2);
  process.stderr.write(`atc build: ${summary}; ${build.files.length} files written to ${path.relative(process.cwd(), config.outDir) || config.outDir} in ${seconds} s\n`);
  return 0;
}
