import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { DEFAULT_CONFIG, normalizePathPrefix, parseQuerySectionSpec, type AttackDataConfig, type BuildConfig, type ConfiguredFile, type InputFolders, type QuerySection } from '../config.ts';
import { makeIssue, type Issue, type SourcePosition } from '../model/issue.ts';
import { checkTargetSpec, type UserPipelines } from '../sigma/convert-collection.ts';
import { loadPipelines, userPipelineMap, type LoadedPipeline } from './load-pipelines.ts';
import { readYamlFile } from './read-yaml-file.ts';
import { describe, FieldReader, isRecord } from './read-fields.ts';
import { readRuleRepositorySettings, resolveRuleRepository, type RuleRepositorySettings } from './read-rule-repository.ts';

export const CONFIG_FILE_NAME = 'atc.config.yml';

const CONFIG_KEYS = new Set(['rules', 'data_needed', 'logging_policies', 'enrichments', 'triggers', 'profiles', 'use_cases', 'response_actions', 'response_playbooks', 'response_stages', 'output', 'site', 'queries', 'pipelines', 'attack']);
const ATTACK_KEYS = new Set(['bundle', 'version', 'overlay']);
const PIPELINE_ENTRY_KEYS = new Set(['name', 'file']);
const SITE_KEYS = new Set(['title', 'base_url', 'path_prefix', 'repo_url', 'repo_branch', 'repo_path']);
const QUERY_KEYS = new Set(['target', 'pipeline', 'format', 'title']);

/** Command-line overrides: each given list replaces the file's value for that key. */
export interface ConfigOverrides {
  readonly configFile?: string;
  readonly rules?: readonly string[];
  readonly dataNeeded?: readonly string[];
  readonly loggingPolicies?: readonly string[];
  readonly enrichments?: readonly string[];
  readonly triggers?: readonly string[];
  readonly profiles?: readonly string[];
  readonly useCases?: readonly string[];
  readonly responseActions?: readonly string[];
  readonly responsePlaybooks?: readonly string[];
  readonly responseStages?: readonly string[];
  readonly outDir?: string;
  readonly querySections?: readonly QuerySection[];
}

/**
 * Reads `atc.config.yml` (every key optional) and applies command-line overrides. Paths in the file are
 * relative to the file's folder; paths on the command line are relative to the working directory.
 */
export function loadConfig(overrides: ConfigOverrides = {}, cwd: string = process.cwd()): { config: BuildConfig; issues: Issue[] } {
  const issues: Issue[] = [];
  const configPath = overrides.configFile ? path.resolve(cwd, overrides.configFile) : path.resolve(cwd, CONFIG_FILE_NAME);
  let config: BuildConfig = withFoldersResolved(DEFAULT_CONFIG, cwd);
  let repository: RuleRepositorySettings | undefined;
  if (overrides.configFile && !existsSync(configPath)) {
    issues.push(makeIssue(overrides.configFile, undefined, 'config-invalid', 'configuration file not found'));
  } else if (existsSync(configPath)) {
    ({ config, repository } = readConfigFile(configPath, path.relative(cwd, configPath) || configPath, cwd, issues));
  }
  const fromCli = (list: readonly string[] | undefined): string[] | undefined => list?.map((folder) => path.resolve(cwd, folder));
  const inputs: InputFolders = {
    rules: fromCli(overrides.rules) ?? config.inputs.rules,
    dataNeeded: fromCli(overrides.dataNeeded) ?? config.inputs.dataNeeded,
    loggingPolicies: fromCli(overrides.loggingPolicies) ?? config.inputs.loggingPolicies,
    enrichments: fromCli(overrides.enrichments) ?? config.inputs.enrichments,
    triggers: fromCli(overrides.triggers) ?? config.inputs.triggers,
    profiles: fromCli(overrides.profiles) ?? config.inputs.profiles,
    useCases: fromCli(overrides.useCases) ?? config.inputs.useCases,
    responseActions: fromCli(overrides.responseActions) ?? config.inputs.responseActions,
    responsePlaybooks: fromCli(overrides.responsePlaybooks) ?? config.inputs.responsePlaybooks,
    responseStages: fromCli(overrides.responseStages) ?? config.inputs.responseStages,
  };
  // Settled with the final rules folders: --rules moves them.
  const resolvedRepository = repository && resolveRuleRepository(repository, inputs.rules, config.rootDir, issues);
  return {
    config: {
      ...config,
      ...(resolvedRepository && { site: { ...config.site, repository: resolvedRepository } }),
      inputs,
      outDir: overrides.outDir ? path.resolve(cwd, overrides.outDir) : config.outDir,
      querySections: overrides.querySections ?? config.querySections,
    },
    issues,
  };
}

/** The default folders, made absolute against the folder they are relative to. */
function withFoldersResolved(config: BuildConfig, rootDir: string): BuildConfig {
  const resolveAll = (folders: readonly string[]): string[] => folders.map((folder) => path.resolve(rootDir, folder));
  return {
    ...config,
    rootDir,
    inputs: {
      rules: resolveAll(config.inputs.rules),
      dataNeeded: resolveAll(config.inputs.dataNeeded),
      loggingPolicies: resolveAll(config.inputs.loggingPolicies),
      enrichments: resolveAll(config.inputs.enrichments),
      triggers: resolveAll(config.inputs.triggers),
      profiles: resolveAll(config.inputs.profiles ?? []),
      useCases: resolveAll(config.inputs.useCases ?? []),
      responseActions: resolveAll(config.inputs.responseActions ?? []),
      responsePlaybooks: resolveAll(config.inputs.responsePlaybooks ?? []),
      responseStages: resolveAll(config.inputs.responseStages ?? []),
    },
    outDir: path.resolve(rootDir, config.outDir),
  };
}

function readConfigFile(absolutePath: string, displayPath: string, cwd: string, issues: Issue[]): { config: BuildConfig; repository?: RuleRepositorySettings } {
  const rootDir = path.dirname(absolutePath);
  const resolveAll = (folders: readonly string[]): string[] => folders.map((folder) => path.resolve(rootDir, folder));
  const defaults = withFoldersResolved(DEFAULT_CONFIG, rootDir);
  const yaml = readYamlFile(absolutePath, displayPath);
  issues.push(...yaml.issues);
  const document = yaml.documents[0];
  if (!document || document.value === null || document.value === undefined) return { config: defaults };
  const reader = FieldReader.forDocument(document, issues, 'configuration');
  if (!reader) return { config: defaults };
  reader.warnUnknownKeys(CONFIG_KEYS, 'atc.config.yml');
  const folders = (key: string, fallback: readonly string[]): readonly string[] => {
    if (!reader.has(key)) return fallback;
    const resolved = resolveAll(reader.stringList(key));
    // Only a folder the file names must exist: the defaults are optional, and an existing empty folder is
    // an empty section (the sample has no Enrichment of some kinds), but a missing one is a typo.
    resolved.forEach((folder, index) => {
      if (existsSync(folder)) return;
      const position = Array.isArray(reader.raw(key)) ? document.locate([key, index]) : reader.position(key);
      issues.push(makeIssue(displayPath, position, 'input-missing', `${key}: no folder "${path.relative(rootDir, folder) || folder}" beside the configuration file`));
    });
    return resolved;
  };
  const site = reader.child('site');
  site?.warnUnknownKeys(SITE_KEYS, 'the site settings');
  const pipelines = reader.has('pipelines') ? readPipelines(reader, issues, rootDir) : undefined;
  const querySections = reader.has('queries') ? readQuerySections(reader, issues, displayPath, userPipelineMap(pipelines?.loaded ?? []), pipelines?.declared ?? new Set()) : defaults.querySections;
  const pathPrefix = site?.string('path_prefix') ?? defaults.site.pathPrefix;
  const attack = readAttackSettings(reader, issues, rootDir, cwd);
  const config: BuildConfig = {
    rootDir,
    inputs: {
      rules: folders('rules', defaults.inputs.rules),
      dataNeeded: folders('data_needed', defaults.inputs.dataNeeded),
      loggingPolicies: folders('logging_policies', defaults.inputs.loggingPolicies),
      enrichments: folders('enrichments', defaults.inputs.enrichments),
      triggers: folders('triggers', defaults.inputs.triggers),
      profiles: folders('profiles', defaults.inputs.profiles ?? []),
      useCases: folders('use_cases', defaults.inputs.useCases ?? []),
      responseActions: folders('response_actions', defaults.inputs.responseActions ?? []),
      responsePlaybooks: folders('response_playbooks', defaults.inputs.responsePlaybooks ?? []),
      responseStages: folders('response_stages', defaults.inputs.responseStages ?? []),
    },
    outDir: path.resolve(rootDir, reader.string('output') ?? DEFAULT_CONFIG.outDir),
    site: {
      title: site?.string('title') ?? defaults.site.title,
      baseUrl: site?.string('base_url') ?? defaults.site.baseUrl,
      pathPrefix: normalizePathPrefix(pathPrefix),
    },
    querySections,
    ...(pipelines && { pipelines: pipelines.loaded }),
    ...(attack && { attack }),
  };
  const repository = site && readRuleRepositorySettings(site);
  return { config, ...(repository && { repository }) };
}

/**
 * `attack: {bundle, version, overlay}`. Only the files' existence is checked here; their content is read with
 * the knowledge base (src/load/load-attack.ts), whose issues about a bundle point back at its key here.
 * Unknown keys are errors, not the usual warning: a misspelt `overlay` would silently build without it.
 */
function readAttackSettings(reader: FieldReader, issues: Issue[], rootDir: string, cwd: string): AttackDataConfig | undefined {
  if (!reader.has('attack')) return undefined;
  const raw = reader.raw('attack');
  if (!isRecord(raw)) {
    reader.report('attack', 'config-invalid', `"attack" must be a mapping with bundle, version and/or overlay, found ${describe(raw)}`);
    return undefined;
  }
  const attack = reader.child('attack')!;
  attack.warnUnknownKeys(ATTACK_KEYS, 'the attack settings', 'config-invalid');
  const configuredFile = (key: 'bundle' | 'overlay', folderAllowed: boolean): ConfiguredFile | undefined => {
    const value = attack.raw(key);
    if (value === undefined || value === null) return undefined;
    if (typeof value !== 'string' || value.trim() === '') {
      attack.report(key, 'config-invalid', `attack.${key} must be a path, found ${describe(value)}`);
      return undefined;
    }
    const absolute = path.resolve(rootDir, value);
    const namedAt = { file: reader.document.file, ...attack.position(key) };
    let isFile: boolean;
    let isFolder: boolean;
    try {
      const stats = statSync(absolute);
      isFile = stats.isFile();
      isFolder = stats.isDirectory();
    } catch {
      issues.push(makeIssue(namedAt.file, namedAt, 'input-missing', `attack.${key}: no file "${value}" beside the configuration file`));
      return undefined;
    }
    if (!isFile && !(folderAllowed && isFolder)) {
      issues.push(makeIssue(namedAt.file, namedAt, 'config-invalid', `attack.${key}: "${value}" is not a file${folderAllowed ? ' or folder' : ''}`));
      return undefined;
    }
    // Forward slashes, so that pages that name the file are the same whichever system built them.
    const written = path.relative(rootDir, absolute).split(path.sep).join('/') || absolute;
    return { path: absolute, shown: path.relative(cwd, absolute) || absolute, written, namedAt };
  };
  const bundle = configuredFile('bundle', true);
  const overlay = configuredFile('overlay', false);
  const version = readAttackVersion(attack);
  if (version !== undefined && !attack.has('bundle')) attack.report('version', 'config-invalid', 'attack.version overrides the version of attack.bundle, and there is none; the committed snapshot has its own');
  return { ...(bundle && { bundle }), ...(version !== undefined && attack.has('bundle') && { version }), ...(overlay && { overlay }) };
}

/** Text such as "19.0": it names the ATT&CK version on every page, and a layer's major version is read from it. */
function readAttackVersion(attack: FieldReader): string | undefined {
  const value = attack.raw('version');
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'number') {
    attack.report('version', 'config-invalid', 'attack.version must be text in quotes ("19.0", not 19.0): YAML reads an unquoted version as a number, and 19.0 as 19');
    return undefined;
  }
  if (typeof value !== 'string' || !/^\d{1,4}(?:\.\d{1,4}){0,2}$/.test(value.trim())) {
    attack.report('version', 'config-invalid', `attack.version must be a version number such as "19.0", found ${describe(value)}`);
    return undefined;
  }
  return value.trim();
}

/** `pipelines: [{name, file}]`: user field-mapping files, loaded now so their problems are reported with the config's. */
function readPipelines(reader: FieldReader, issues: Issue[], rootDir: string): { loaded: LoadedPipeline[]; declared: ReadonlySet<string> } {
  const entries: { name: string; file: string }[] = [];
  for (const entry of reader.children('pipelines')) {
    entry.warnUnknownKeys(PIPELINE_ENTRY_KEYS, 'a pipeline entry');
    const name = entry.string('name', { required: true });
    const file = entry.string('file', { required: true });
    if (!name || !file) continue;
    if (!/^[A-Za-z0-9][\w-]*$/.test(name)) entry.report('name', 'config-invalid', `pipeline name "${name}" must be letters, digits, _ and -`);
    else if (entries.some((other) => other.name === name)) entry.report('name', 'config-invalid', `pipeline "${name}" is defined twice`);
    else entries.push({ name, file });
  }
  const loaded = loadPipelines(entries, rootDir);
  issues.push(...loaded.issues);
  return { loaded: loaded.pipelines, declared: new Set(entries.map((entry) => entry.name)) };
}

/**
 * The `queries` list. A section no target knows is reported here, at its own line, and left out, so that
 * the conversion never meets it (it could only blame the file's first line).
 */
function readQuerySections(reader: FieldReader, issues: Issue[], displayPath: string, pipelines: UserPipelines, declaredPipelines: ReadonlySet<string>): QuerySection[] {
  // A section using a declared pipeline that failed to load is left out without a second error: the
  // pipeline's own issue says what is wrong.
  const check = (section: QuerySection, position: SourcePosition): boolean => {
    const checked = checkTargetSpec(section, pipelines);
    if (typeof checked !== 'string') return true;
    if (!(section.pipeline !== undefined && declaredPipelines.has(section.pipeline) && !pipelines.has(section.pipeline))) issues.push(makeIssue(displayPath, position, 'config-invalid', checked));
    return false;
  };
  const raw = reader.raw('queries');
  if (!Array.isArray(raw)) {
    reader.report('queries', 'config-invalid', '"queries" must be a list of target specs or of {target, pipeline, format, title}');
    return [...DEFAULT_CONFIG.querySections];
  }
  const sections: QuerySection[] = [];
  raw.forEach((item, index) => {
    const position = reader.document.locate(['queries', index]);
    if (typeof item === 'string') {
      const parsed = parseQuerySectionSpec(item);
      if (typeof parsed === 'string') issues.push(makeIssue(displayPath, position, 'config-invalid', parsed));
      else if (check(parsed, position)) sections.push(parsed);
      return;
    }
    if (!isRecord(item)) {
      issues.push(makeIssue(displayPath, position, 'config-invalid', 'a query section is a target spec or a mapping {target, pipeline, format, title}'));
      return;
    }
    const entry = new FieldReader(reader.document, issues, item, ['queries', index]);
    entry.warnUnknownKeys(QUERY_KEYS, 'a query section');
    const target = entry.string('target', { required: true });
    if (!target) return;
    const pipeline = entry.string('pipeline');
    const format = entry.string('format');
    const title = entry.string('title');
    if (!check({ target, ...(pipeline && { pipeline }), ...(format && { format }) }, position)) return;
    sections.push({ target, ...(pipeline ? { pipeline } : {}), ...(format ? { format } : {}), ...(title ? { title } : {}) });
  });
  return sections;
}
