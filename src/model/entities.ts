import type { SourcePosition } from './issue.ts';

/** A reference by title from one entity to another, kept with its position so a dangling one can be reported there. */
export interface TitleReference {
  readonly title: string;
  readonly position: SourcePosition;
}

interface LoadedEntity {
  /** The file as shown in issues. */
  readonly file: string;
  /** Path under its input folder, with forward slashes: the same wherever atc runs from (page-name suffixes hash it). */
  readonly relativePath: string;
  /** Where the entity's document starts. */
  readonly position: SourcePosition;
}

/** A log source description ("Data Needed"), in the schema of atc-data. */
export interface DataNeeded extends LoadedEntity {
  readonly kind: 'data-needed';
  /** Also the page name and the key other entities use to refer to it, e.g. DN_0002_4688_windows_process_creation_with_commandline. */
  readonly title: string;
  readonly author?: string;
  readonly description: string;
  readonly loggingPolicies: readonly TitleReference[];
  readonly mitigationPolicies: readonly string[];
  readonly references: readonly string[];
  readonly category?: string;
  readonly platform?: string;
  readonly type?: string;
  readonly channel?: string;
  readonly provider?: string;
  /** The event id: the explicit `event_id` key, else the number that atc-data titles carry as their third token. */
  readonly eventId?: number;
  readonly eventIdSource?: 'event_id' | 'title';
  readonly fields: readonly string[];
  readonly sample?: string;
  readonly enrichedSample?: string;
}

export interface LoggingPolicy extends LoadedEntity {
  readonly kind: 'logging-policy';
  readonly title: string;
  readonly author?: string;
  readonly description: string;
  readonly default?: string;
  readonly volume?: string;
  readonly eventIds: readonly number[];
  readonly references: readonly string[];
  /** Markdown written by the knowledge-base authors (the policy's configuration steps). */
  readonly configuration?: string;
  readonly sample?: string;
}

export interface Enrichment extends LoadedEntity {
  readonly kind: 'enrichment';
  readonly title: string;
  readonly author?: string;
  readonly description: string;
  /** Data required to perform the enrichment. */
  readonly dataNeeded: readonly TitleReference[];
  /** Data that receives the new fields. */
  readonly dataToEnrich: readonly TitleReference[];
  readonly references: readonly string[];
  /** Enrichments that must run first. */
  readonly requirements: readonly TitleReference[];
  readonly newFields: readonly string[];
  /** Markdown written by the knowledge-base authors (e.g. a Logstash filter). */
  readonly config?: string;
}

export interface AtomicInputArgument {
  readonly name: string;
  readonly description: string;
  readonly type: string;
  readonly default: string;
}

export interface AtomicDependency {
  readonly description: string;
  readonly prereqCommand?: string;
  readonly getPrereqCommand?: string;
}

export interface AtomicExecutor {
  /** command_prompt, powershell, sh, bash or manual. */
  readonly name: string;
  readonly command?: string;
  /** Manual executors describe steps instead of a command. */
  readonly steps?: string;
  readonly cleanupCommand?: string;
  readonly elevationRequired: boolean;
}

export interface AtomicTest {
  /**
   * 1-based position in the file's `atomic_tests`, the number `Invoke-AtomicTest -TestNumbers` takes; a test
   * dropped for an error before it still counts, so the numbers of the tests after it stay right.
   */
  readonly number: number;
  readonly name: string;
  readonly guid?: string;
  /** Where the GUID is written, so a GUID used twice can be reported at the second use. */
  readonly guidPosition?: SourcePosition;
  readonly description: string;
  readonly supportedPlatforms: readonly string[];
  readonly inputArguments: readonly AtomicInputArgument[];
  readonly dependencyExecutorName?: string;
  readonly dependencies: readonly AtomicDependency[];
  readonly executor: AtomicExecutor;
}

/** An Atomic Red Team technique file ("Trigger"): the tests that make a technique's detections fire. */
export interface TriggerTechnique extends LoadedEntity {
  readonly kind: 'trigger';
  /** T1003 or T1003.001, upper case. */
  readonly techniqueId: string;
  readonly displayName: string;
  readonly tests: readonly AtomicTest[];
}
