import type { CoverageProfile, UseCase } from '../model/coverage-profile.ts';
import type { TitleReference } from '../model/entities.ts';
import { SIGMA_LEVELS, type SigmaLevel } from '../sigma/rule-metadata.ts';
import type { KnowledgeBaseBudget } from './knowledge-base-budget.ts';
import type { LoadMemo } from './load-memo.ts';
import { loadEntityFiles, singleDocument, type LoadedFiles } from './load-entities.ts';

/** atc-kb's own profile format (README.md, "Coverage profiles"). */
const PROFILE_KEYS = new Set(['title', 'description', 'author', 'data_needed', 'logging_policies', 'queries', 'levels', 'status', 'include_tags', 'exclude_tags', 'include_rules', 'exclude_rules', 'use_cases']);
/** The older tool's customer files, read unchanged. */
const CUSTOMER_KEYS = new Set(['title', 'customer_name', 'description', 'author', 'dataneeded', 'loggingpolicy', 'detectionrule', 'usecase']);
const USE_CASE_KEYS = new Set(['title', 'usecase_name', 'description', 'author', 'dataneeded', 'loggingpolicy', 'detectionrule']);

/** Keys only a customer file has: their presence says which format a file is in. */
const CUSTOMER_ONLY = ['customer_name', 'dataneeded', 'loggingpolicy', 'detectionrule', 'usecase'];

/** Profiles (`profiles/*.yml`) and customers (`customers/CU_*.yml`): any folder may hold either format. */
export function loadProfiles(folders: readonly string[], cwd?: string, budget?: KnowledgeBaseBudget, memo?: LoadMemo): LoadedFiles<CoverageProfile> {
  return loadEntityFiles(folders, (file, _text, documents, issues) => singleDocument(file, documents, issues, 'profile', (reader, document) => {
    const customer = CUSTOMER_ONLY.some((key) => reader.has(key));
    reader.warnUnknownKeys(customer ? CUSTOMER_KEYS : PROFILE_KEYS, customer ? 'a customer' : 'a profile');
    const title = customer ? (reader.string('customer_name') ?? reader.string('title', { required: true })) : reader.string('title', { required: true });
    if (!title) return undefined;
    const base = { kind: 'profile' as const, file: file.displayPath, relativePath: file.relativePath, position: document.position, title: title.trim(), description: reader.string('description')?.trim() ?? '' };
    if (customer) {
      return {
        ...base,
        format: 'customer',
        dataNeeded: reader.references('dataneeded'),
        loggingPolicies: reader.references('loggingpolicy'),
        // A customer lists the rules it runs, by title; no list means it considers every rule.
        filters: { levels: [], statuses: [], includeTags: [], excludeTags: [], includeRules: reader.references('detectionrule'), excludeRules: [] },
        useCases: reader.references('usecase'),
      } satisfies CoverageProfile;
    }
    const levels = reader.stringList('levels').filter((level, index): level is SigmaLevel => {
      if ((SIGMA_LEVELS as readonly string[]).includes(level)) return true;
      reader.reportItem('levels', index, 'field-value', `"levels" must list Sigma levels (${SIGMA_LEVELS.join(', ')}), found "${level}"`);
      return false;
    });
    const queries = reader.string('queries');
    return {
      ...base,
      format: 'profile',
      dataNeeded: reader.references('data_needed'),
      loggingPolicies: reader.references('logging_policies'),
      ...(queries !== undefined && { queries: { spec: queries.trim(), position: reader.position('queries') } }),
      filters: {
        levels,
        statuses: reader.stringList('status').map((status) => status.trim().toLowerCase()),
        includeTags: reader.stringList('include_tags').map((tag) => tag.trim().toLowerCase()),
        excludeTags: reader.stringList('exclude_tags').map((tag) => tag.trim().toLowerCase()),
        includeRules: reader.references('include_rules'),
        excludeRules: reader.references('exclude_rules'),
      },
      useCases: reader.references('use_cases'),
    } satisfies CoverageProfile;
  }), cwd, budget, undefined, memo && { memo, kind: 'profiles' });
}

/** The older tool's use cases (`use_cases/UC_*.yml`). */
export function loadUseCases(folders: readonly string[], cwd?: string, budget?: KnowledgeBaseBudget, memo?: LoadMemo): LoadedFiles<UseCase> {
  return loadEntityFiles(folders, (file, _text, documents, issues) => singleDocument(file, documents, issues, 'use case', (reader, document) => {
    reader.warnUnknownKeys(USE_CASE_KEYS, 'a use case');
    const title = reader.string('title', { required: true })?.trim();
    if (!title) return undefined;
    const references = (key: string): TitleReference[] => reader.references(key);
    return {
      kind: 'use-case',
      file: file.displayPath,
      relativePath: file.relativePath,
      position: document.position,
      title,
      name: reader.string('usecase_name')?.trim() || title,
      description: reader.string('description')?.trim() ?? '',
      dataNeeded: references('dataneeded'),
      loggingPolicies: references('loggingpolicy'),
      rules: references('detectionrule'),
    } satisfies UseCase;
  }), cwd, budget, undefined, memo && { memo, kind: 'use-cases' });
}
