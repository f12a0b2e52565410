import type { SigmaLevel } from '../sigma/rule-metadata.ts';
import type { TitleReference } from './entities.ts';
import type { SourcePosition } from './issue.ts';

/**
 * An environment a SOC runs its rules in: the logs it collects (Data Needed entries, or Logging Policies,
 * which make available every Data Needed entry that names them), optionally the SIEM target it runs
 * queries on and the rules it chooses to run. From this atc-kb derives which rules can run there
 * (src/link/profile-coverage.ts); nobody lists them by hand.
 *
 * Read from `profiles/*.yml`, and from the older tool's `customers/CU_*.yml` unchanged (`customer_name`,
 * `dataneeded`, `loggingpolicy`, `detectionrule` by title, `usecase`).
 */
export interface CoverageProfile {
  readonly kind: 'profile';
  readonly file: string;
  readonly relativePath: string;
  readonly position: SourcePosition;
  /** Which format it was read from. */
  readonly format: 'profile' | 'customer';
  /** The profile's name everywhere (pages, `atc coverage`, its JSON): `title`, or a customer's `customer_name`. */
  readonly title: string;
  readonly description: string;
  readonly dataNeeded: readonly TitleReference[];
  readonly loggingPolicies: readonly TitleReference[];
  /** The query target spec the environment runs (`splunk+splunk_windows`): a rule that does not convert to it does not run. */
  readonly queries?: { readonly spec: string; readonly position: SourcePosition };
  readonly filters: ProfileRuleFilters;
  readonly useCases: readonly TitleReference[];
}

/** Which rules of the knowledge base a profile considers at all; empty lists mean no restriction. */
export interface ProfileRuleFilters {
  readonly levels: readonly SigmaLevel[];
  readonly statuses: readonly string[];
  /** A rule is considered when it has at least one of these tags (lower case, e.g. `attack.t1003`). */
  readonly includeTags: readonly string[];
  readonly excludeTags: readonly string[];
  /** Rules by Sigma id or title: only these (a customer's `detectionrule`), and never these. */
  readonly includeRules: readonly TitleReference[];
  readonly excludeRules: readonly TitleReference[];
}

/**
 * A named subset of rules and Data Needed (the older tool's `use_cases/UC_*.yml`: `title`, `usecase_name`,
 * `description`, `dataneeded`, `loggingpolicy`, `detectionrule` by title), shown on its own page and per profile.
 */
export interface UseCase {
  readonly kind: 'use-case';
  readonly file: string;
  readonly relativePath: string;
  readonly position: SourcePosition;
  /** The file's `title` (UC_0001_...), the key profiles refer to it by. */
  readonly title: string;
  /** `usecase_name`, the name shown; the title when absent. */
  readonly name: string;
  readonly description: string;
  readonly dataNeeded: readonly TitleReference[];
  readonly loggingPolicies: readonly TitleReference[];
  readonly rules: readonly TitleReference[];
}
