import { parseArgs } from 'node:util';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { formatQuerySectionSpec, parseQuerySectionSpec, type BuildConfig, type QuerySection } from '../config.ts';
import { findYamlFiles } from '../load/find-input-files.ts';
import type { ConfigOverrides } from '../load/load-config.ts';
import { userPipelineMap } from '../load/load-pipelines.ts';
import { checkTargetSpec } from '../sigma/convert-collection.ts';

/**
 * Takes a command's own options out of an argument list and leaves the rest (the build options) for
 * parseKnowledgeBaseArguments. Accepts `--name value` and `--name=value`; a string option may repeat.
 */
export function takeOptions<const T extends Record<string, 'boolean' | 'string'>>(
  args: readonly string[],
  spec: T,
): { values: { [K in keyof T]?: T[K] extends 'boolean' ? boolean : string }; all: { [K in keyof T]?: string[] }; rest: string[] } | string {
  const values: Record<string, boolean | string> = {};
  const all: Record<string, string[]> = {};
  const rest: string[] = [];
  for (let index = 0; index < args.length; index++) {
    const arg = args[index]!;
    const match = /^--([a-z][a-z-]*)(?:=(.*))?$/s.exec(arg);
    const kind = match ? spec[match[1]!] : undefined;
    if (!match || kind === undefined) {
      rest.push(arg);
      if (arg === '--') rest.push(...args.slice(index + 1));
      if (arg === '--') break;
      continue;
    }
    const name = match[1]!;
    if (kind === 'boolean') {
      if (match[2] !== undefined) return `option --${name} takes no value`;
      values[name] = true;
      continue;
    }
    const value = match[2] ?? args[++index];
    if (value === undefined || (match[2] === undefined && value.startsWith('--'))) return `option --${name} needs a value`;
    values[name] = value;
    (all[name] ??= []).push(value);
  }
  return { values: values as never, all: all as never, rest };
}

/**
 * The options `atc build`, `atc check` and `atc layer` share (the input folders, the configuration file,
 * the query targets). It lives apart from build-command.ts so that check and layer do not load the HTML
 * site generator (Eleventy, Pagefind), which costs a quarter of a second of start-up.
 */
export function parseKnowledgeBaseArguments(args: string[]): { overrides: ConfigOverrides; quiet: boolean; help: boolean } | string {
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
        profiles: { type: 'string', multiple: true },
        'use-cases': { type: 'string', multiple: true },
        'response-actions': { type: 'string', multiple: true },
        'response-playbooks': { type: 'string', multiple: true },
        'response-stages': { type: 'string', multiple: true },
        // Accepted so that CI can pass check the options it passes build; check writes nothing.
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
      profiles: values.profiles,
      useCases: values['use-cases'],
      responseActions: values['response-actions'],
      responsePlaybooks: values['response-playbooks'],
      responseStages: values['response-stages'],
      outDir: values.out,
      querySections,
    },
    quiet: values.quiet ?? false,
    help: values.help ?? false,
  };
}

/** The folder options, by the name the command line spells them. */
const FOLDER_OPTIONS = [
  ['rules', 'rules'],
  ['data-needed', 'dataNeeded'],
  ['logging-policies', 'loggingPolicies'],
  ['enrichments', 'enrichments'],
  ['triggers', 'triggers'],
  ['profiles', 'profiles'],
  ['use-cases', 'useCases'],
  ['response-actions', 'responseActions'],
  ['response-playbooks', 'responsePlaybooks'],
  ['response-stages', 'responseStages'],
] as const satisfies readonly (readonly [string, keyof ConfigOverrides])[];

/**
 * What is wrong with the command line once the configuration is read, as a message naming the option, or
 * undefined. A folder the user typed must hold a YAML file: a typo in a CI path would otherwise build an
 * empty site and pass. Target specs are checked here rather than at conversion, because they may name the
 * configuration's own pipelines and because a bad one is the command line's fault, not atc.config.yml's.
 */
export function commandLineProblem(overrides: ConfigOverrides, config: BuildConfig, cwd: string = process.cwd()): string | undefined {
  for (const [option, key] of FOLDER_OPTIONS) {
    for (const folder of overrides[key] ?? []) {
      if (!existsSync(path.resolve(cwd, folder))) return `--${option} ${folder}: no such folder`;
      if (findYamlFiles(folder, cwd).length === 0) return `--${option} ${folder}: no .yml or .yaml file there`;
    }
  }
  const pipelines = userPipelineMap(config.pipelines ?? []);
  for (const section of overrides.querySections ?? []) {
    const checked = checkTargetSpec(section, pipelines);
    if (typeof checked === 'string') return `--targets ${formatQuerySectionSpec(section)}: ${checked}`;
  }
  return undefined;
}
