// Where the public corpora sit beside a development checkout, and the build configuration that reads
// all of them; shared by the benchmark, the corpus report and the corpus tests.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { DEFAULT_CONFIG, type BuildConfig, type QuerySection } from '../src/config.ts';

export const SHARED_CORPUS = path.resolve(import.meta.dirname, '../../shared/corpus');

export function sharedCorpusExists(): boolean {
  return existsSync(SHARED_CORPUS);
}

export function sharedCorpusConfig(querySections: readonly QuerySection[] = []): BuildConfig {
  return {
    ...DEFAULT_CONFIG,
    inputs: {
      rules: [`${SHARED_CORPUS}/sigma`],
      dataNeeded: [`${SHARED_CORPUS}/atc-data/data_needed`],
      loggingPolicies: [`${SHARED_CORPUS}/atc-data/logging_policies`],
      enrichments: [`${SHARED_CORPUS}/atc-data/enrichments`],
      triggers: [`${SHARED_CORPUS}/atomic-red-team/atomics`],
      responseActions: [`${SHARED_CORPUS}/atc-react/response_actions`],
      responsePlaybooks: [`${SHARED_CORPUS}/atc-react/response_playbooks`],
      responseStages: [`${SHARED_CORPUS}/atc-react/response_stages`],
    },
    querySections,
  };
}
