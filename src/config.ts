import type { LoadedPipeline } from './load/load-pipelines.ts';
import type { SourcePosition } from './model/issue.ts';

/** One query section of a rule page: a conversion target, optionally with a field-mapping pipeline and output format. */
export interface QuerySection {
  readonly target: string;
  readonly pipeline?: string;
  readonly format?: string;
  /** The section heading; defaults to the target's own title (es-qs → "Kibana query"). */
  readonly title?: string;
}

export interface InputFolders {
  readonly rules: readonly string[];
  readonly dataNeeded: readonly string[];
  readonly loggingPolicies: readonly string[];
  readonly enrichments: readonly string[];
  readonly triggers: readonly string[];
  /** Coverage profiles (`profiles/*.yml`) and the older tool's customers (`customers/CU_*.yml`). */
  readonly profiles?: readonly string[];
  /** The older tool's use cases (`use_cases/UC_*.yml`). */
  readonly useCases?: readonly string[];
  /** RE&CT Response Actions (`RA_*.yml`), Response Playbooks (`RP_*.yml`) and Response Stages (`RS*.yml`). */
  readonly responseActions?: readonly string[];
  readonly responsePlaybooks?: readonly string[];
  readonly responseStages?: readonly string[];
}

/** A file the configuration names, with the place that names it: problems with the file as a whole are reported there. */
export interface ConfiguredFile {
  readonly path: string;
  /** As shown in issues: relative to the working directory when possible. */
  readonly shown: string;
  /** As written in the configuration (relative to its folder), for text that goes into the output. */
  readonly written: string;
  readonly namedAt: SourcePosition & { readonly file: string };
}

/** `attack:` in atc.config.yml: a team's own ATT&CK data instead of, or on top of, the committed snapshot. */
export interface AttackDataConfig {
  /** A STIX 2.1 bundle file or a mitre/cti folder, converted in-process instead of the committed snapshot. */
  readonly bundle?: ConfiguredFile;
  /** Overrides the version the bundle gives (its x-mitre-collection object's). */
  readonly version?: string;
  /** A YAML file of extra or renamed tactics and techniques (src/load/load-attack-overlay.ts). */
  readonly overlay?: ConfiguredFile;
}

/** The repository that holds the rules folder, for a "Source" link on each rule page. */
export interface RuleRepository {
  /** An https URL, without a trailing slash. */
  readonly url: string;
  readonly branch: string;
  /** The rules folder inside the repository, with forward slashes and no slash at either end; "" for its root. */
  readonly rulesPath: string;
}

export interface BuildConfig {
  /** Folder that relative paths are resolved against: the config file's folder, or the working directory. */
  readonly rootDir: string;
  readonly inputs: InputFolders;
  readonly outDir: string;
  readonly site: {
    readonly title: string;
    /** Absolute URL of the published site, for feeds and canonical links; empty when unknown. */
    readonly baseUrl: string;
    /** URL path the site is served under (Eleventy's pathPrefix), e.g. "/kb/". */
    readonly pathPrefix: string;
    /** Where the rule files live upstream (`site.repo_url`): each rule page links its file there. */
    readonly repository?: RuleRepository;
  };
  readonly querySections: readonly QuerySection[];
  /** User field-mapping pipelines (`pipelines:` in atc.config.yml), loaded; query sections name them. */
  readonly pipelines?: readonly LoadedPipeline[];
  readonly attack?: AttackDataConfig;
}

/**
 * The defaults are the embedded sample knowledge base's layout and the seed page's query sections
 * (Kibana, X-Pack Watcher, Graylog), so `npm run build` needs no configuration at all.
 */
export const DEFAULT_CONFIG: BuildConfig = {
  rootDir: '.',
  inputs: {
    rules: ['rules'],
    dataNeeded: ['data_needed'],
    loggingPolicies: ['logging_policies'],
    enrichments: ['enrichments'],
    triggers: ['triggers'],
    profiles: ['profiles', 'customers'],
    useCases: ['use_cases'],
    responseActions: ['response_actions'],
    responsePlaybooks: ['response_playbooks'],
    responseStages: ['response_stages'],
  },
  outDir: '_site',
  site: { title: 'ATT&CK detection knowledge base', baseUrl: '', pathPrefix: '/' },
  querySections: [{ target: 'es-qs' }, { target: 'xpack-watcher' }, { target: 'graylog' }],
};

/** `target[+pipeline][@format]`, the naming of the reference files in ../shared/oracle. */
export function parseQuerySectionSpec(spec: string): QuerySection | string {
  const match = /^([a-z0-9][a-z0-9_-]*)(?:\+([a-z0-9][a-z0-9_-]*))?(?:@([a-z0-9][a-z0-9_-]*))?$/i.exec(spec.trim());
  if (!match) return `"${spec}" is not a target spec; expected target[+pipeline][@format], e.g. lucene+ecs_windows@dsl_lucene`;
  const [, target, pipeline, format] = match;
  return { target: target!, ...(pipeline ? { pipeline } : {}), ...(format ? { format } : {}) };
}

export function formatQuerySectionSpec(section: QuerySection): string {
  return `${section.target}${section.pipeline ? `+${section.pipeline}` : ''}${section.format ? `@${section.format}` : ''}`;
}

/** A path prefix as every URL of the site uses it: one leading and one trailing slash ("/", "/kb/"). */
export function normalizePathPrefix(pathPrefix: string): string {
  const trimmed = pathPrefix.replace(/^\/+|\/+$/g, '');
  return trimmed === '' ? '/' : `/${trimmed}/`;
}
