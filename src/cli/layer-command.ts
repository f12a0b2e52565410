import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { buildKnowledgeBase } from '../build.ts';
import { commandLineProblem, parseKnowledgeBaseArguments, takeOptions } from './command-options.ts';
import { parseQuerySectionSpec } from '../config.ts';
import { filteredTactics, formatRuleFilters, parseRuleFilter, selectRules, FILTER_KEYS, type RuleFilter } from '../export/rule-filter.ts';
import { navigatorLayer } from '../export/navigator-layer.ts';
import { SiteUrls } from '../present/site-urls.ts';
import { stableJson } from '../export/stable-json.ts';
import { CONFIG_FILE_NAME, loadConfig } from '../load/load-config.ts';
import { userPipelineMap } from '../load/load-pipelines.ts';
import type { DetectionRule } from '../model/detection-rule.ts';
import { formatIssue } from '../model/issue.ts';
import { escapeControlCharacters, terminalLine } from '../terminal-text.ts';
import { checkTargetSpec, convertCollection } from '../sigma/convert-collection.ts';

const USAGE = `usage: atc layer [--filter KEY=VALUE[,VALUE...]]... [--out FILE] [--name NAME]
                 [--config FILE] [--rules DIR]... [--data-needed DIR]... [--logging-policies DIR]...
                 [--enrichments DIR]... [--triggers DIR]...

Writes an ATT&CK Navigator layer (format 4.5) of the rules that pass every filter, to FILE or to
standard output. Filter keys: ${FILTER_KEYS.join(', ')}.
A filter with several values passes a rule that matches any of them; different filters must all pass.
  --filter level=high,critical --filter product=windows
  --filter tactic=credential-access          (shortname, id TA0006 or name; only that tactic's column)
  --filter target=es-qs                      (rules that convert for the target spec)
  --filter data-needed=DN_0002_4688_windows_process_creation_with_commandline

Exit status: 0 layer written; 1 errors in the knowledge base (no layer written); 2 the command line is
wrong (unknown option or filter, unknown target spec, a folder option with no YAML file).
`;

export async function runLayer(args: string[]): Promise<number> {
  const taken = takeOptions(args, { filter: 'string', out: 'string', name: 'string' });
  if (typeof taken === 'string') return usageError(taken);
  const filters: RuleFilter[] = [];
  for (const text of taken.all.filter ?? []) {
    const filter = parseRuleFilter(text);
    if (typeof filter === 'string') return usageError(filter);
    filters.push(filter);
  }
  const parsed = parseKnowledgeBaseArguments(taken.rest);
  if (typeof parsed === 'string') return usageError(parsed);
  if (parsed.help) {
    process.stdout.write(USAGE);
    return 0;
  }

  const { config, issues: configIssues } = loadConfig(parsed.overrides);
  const problem = commandLineProblem(parsed.overrides, config);
  if (problem !== undefined) return usageError(problem);
  // Target specs may name the configuration's own pipelines, so they are checked once it is read.
  const pipelines = userPipelineMap(config.pipelines ?? []);
  for (const spec of filters.filter((filter) => filter.key === 'target').flatMap((filter) => filter.values)) {
    const section = parseQuerySectionSpec(spec);
    const checked = typeof section === 'string' ? section : checkTargetSpec(section, pipelines);
    if (typeof checked === 'string') return usageError(checked);
  }
  const build = buildKnowledgeBase(config, { convert: false, exports: false, configFile: parsed.overrides.configFile ?? CONFIG_FILE_NAME });
  const errors = [...configIssues, ...build.issues].filter((issue) => issue.severity === 'error');
  if (errors.length > 0) {
    process.stderr.write(`${errors.map(formatIssue).join('\n')}\natc layer: ${errors.length} errors; no layer written (atc check shows every issue)\n`);
    return 1;
  }
  const kb = build.kb;
  const converted = new Map<string, boolean>();
  const convertsFor = (rule: DetectionRule, spec: string): boolean => {
    const key = `${rule.relativePath}\u0000${spec}`;
    let ok = converted.get(key);
    if (ok === undefined) {
      const section = parseQuerySectionSpec(spec);
      ok = typeof section !== 'string' && rule.rules.length > 0 && convertCollection(rule.rules, section, pipelines).ok;
      converted.set(key, ok);
    }
    return ok;
  };
  const rules = selectRules(kb, filters, convertsFor);
  if (typeof rules === 'string') return usageError(rules);
  const filterText = formatRuleFilters(filters);
  const layer = navigatorLayer(kb, rules, SiteUrls.published(kb, config.site), {
    name: taken.values.name ?? (filterText ? `${config.site.title}: ${filterText}` : config.site.title),
    description: `${rules.length} rules${filterText ? ` with ${filterText}` : ''}; score = number of rules per technique.`,
    filter: filterText,
    ...(filteredTactics(kb, filters) && { tactics: filteredTactics(kb, filters) }),
  });
  const json = stableJson(layer);
  if (taken.values.out) {
    const file = path.resolve(taken.values.out);
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, json);
    process.stderr.write(`atc layer: ${rules.length} rules, ${new Set(layer.techniques.map((entry) => entry.techniqueID)).size} techniques written to ${escapeControlCharacters(taken.values.out)}\n`);
  } else {
    process.stdout.write(json);
  }
  return 0;
}

function usageError(message: string): number {
  process.stderr.write(`${terminalLine(`atc layer: ${message}`)}\n${USAGE}`);
  return 2;
}
