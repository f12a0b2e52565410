// The few Eleventy 3 APIs this project uses (the package ships no type declarations).
declare module '@11ty/eleventy' {
  export interface EleventyResult {
    readonly url: string | false;
    readonly inputPath: string;
    readonly outputPath: string | false;
    readonly content: string;
  }
  export interface EleventyUserConfig {
    addTemplate(inputPath: string, content: unknown, data?: Record<string, unknown>): void;
    addGlobalData(name: string, value: unknown): void;
    addWatchTarget(target: string, options?: { resetConfig?: boolean }): void;
    setTemplateFormats(formats: string[]): void;
    setQuietMode(quiet: boolean): void;
    setServerOptions(options: Record<string, unknown>): void;
    setChokidarConfig(options: Record<string, unknown>): void;
    setNunjucksEnvironmentOptions(options: Record<string, unknown>): void;
    setUseGitIgnore(use: boolean): void;
    on(event: 'eleventy.after', callback: (event: { results: readonly EleventyResult[]; directories: { output: string } }) => Promise<void> | void): void;
    on(event: 'eleventy.before', callback: (event: { directories: { output: string } }) => Promise<void> | void): void;
    on(event: 'eleventy.beforeWatch', callback: (changedFiles: readonly string[]) => void): void;
    on(event: string, callback: (...args: never[]) => unknown): void;
    addPlugin<T>(plugin: (config: EleventyUserConfig, options: T) => void | Promise<void>, options: T): void;
    readonly pathPrefix?: string;
  }
  export default class Eleventy {
    constructor(input: string, output: string, options?: { quietMode?: boolean; configPath?: string | false; pathPrefix?: string; config?: (config: EleventyUserConfig) => void | Promise<void> });
    write(): Promise<unknown>;
    disableLogger(): void;
    toJSON(): Promise<EleventyResult[]>;
    init(): Promise<void>;
    /** Builds, then watches (after init()); the function returned runs a rebuild for a changed file, as a file event would. */
    watch(): Promise<(changedFile: string) => Promise<void>>;
    stopWatch(): Promise<void>;
  }
}
