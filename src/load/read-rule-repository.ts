import path from 'node:path';
import type { RuleRepository } from '../config.ts';
import { makeIssue, type Issue, type SourcePosition } from '../model/issue.ts';
import { describe, type FieldReader } from './read-fields.ts';

/** The repository settings as written; the rules folder's path is settled once the rules folders are final. */
export interface RuleRepositorySettings {
  readonly url: string;
  readonly branch: string;
  /** `site.repo_path`, when given; otherwise derived from the rules folder (resolveRuleRepository). */
  readonly rulesPath?: string;
  /** Where `site.repo_url` is written, for a problem found later. */
  readonly namedAt: SourcePosition & { readonly file: string };
}

/** A branch or tag name as git allows it, kept to characters that need no escaping in a URL path. */
const BRANCH = /^[A-Za-z0-9_][A-Za-z0-9._/-]*$/;
const DEFAULT_BRANCH = 'main';

/**
 * `site.repo_url`, `site.repo_branch` and `site.repo_path`. The URL becomes a link on every rule page, so
 * only a plain https address is accepted: no other scheme (javascript:, http:), no credentials, query or
 * fragment. Returns undefined, with an issue, for anything else.
 */
export function readRuleRepositorySettings(site: FieldReader): RuleRepositorySettings | undefined {
  if (!site.has('repo_url')) {
    for (const key of ['repo_branch', 'repo_path']) if (site.has(key)) site.report(key, 'config-invalid', `site.${key} has no effect without site.repo_url`);
    return undefined;
  }
  const written = site.raw('repo_url');
  const url = typeof written === 'string' ? httpsRepositoryUrl(written) : undefined;
  if (url === undefined) {
    site.report('repo_url', 'config-invalid', `site.repo_url must be an https URL such as https://github.com/SigmaHQ/sigma (no query, fragment or credentials), found ${describe(written)}`);
    return undefined;
  }
  const branch = site.string('repo_branch') ?? DEFAULT_BRANCH;
  if (!BRANCH.test(branch) || branch.split('/').some((part) => part === '' || part === '.' || part === '..')) {
    site.report('repo_branch', 'config-invalid', `site.repo_branch must be a branch or tag name (letters, digits, . _ - /), found ${describe(branch)}`);
    return undefined;
  }
  const namedAt = { file: site.document.file, ...site.position('repo_url') };
  if (!site.has('repo_path')) return { url, branch, namedAt };
  const rulesPath = repositoryPath(site.string('repo_path') ?? '');
  if (rulesPath === undefined) {
    site.report('repo_path', 'config-invalid', `site.repo_path must be a folder inside the repository ("rules", or "." for its root), found ${describe(site.raw('repo_path'))}`);
    return undefined;
  }
  return { url, branch, rulesPath, namedAt };
}

/**
 * The repository with the rules folder's path inside it: `site.repo_path`, or else the one rules folder's
 * path relative to the configuration file (the usual layout: atc.config.yml at the repository's root).
 */
export function resolveRuleRepository(settings: RuleRepositorySettings, rulesFolders: readonly string[], rootDir: string, issues: Issue[]): RuleRepository | undefined {
  const { url, branch } = settings;
  if (settings.rulesPath !== undefined) return { url, branch, rulesPath: settings.rulesPath };
  const derived = rulesFolders.length === 1 ? repositoryPath(path.relative(rootDir, rulesFolders[0]!).split(path.sep).join('/')) : undefined;
  if (derived === undefined) {
    const why = rulesFolders.length === 1 ? 'the rules folder is outside the configuration file\'s folder' : `there are ${rulesFolders.length} rules folders`;
    issues.push(makeIssue(settings.namedAt.file, settings.namedAt, 'config-invalid', `site.repo_url: ${why}, so set site.repo_path to the rules folder's path inside the repository`));
    return undefined;
  }
  return { url, branch, rulesPath: derived };
}

/** `https://host/path` without a trailing slash, or undefined for anything else. */
function httpsRepositoryUrl(text: string): string | undefined {
  let parsed: URL;
  try {
    parsed = new URL(text.trim());
  } catch {
    return undefined;
  }
  if (parsed.protocol !== 'https:' || parsed.hostname === '' || parsed.username !== '' || parsed.password !== '' || parsed.search !== '' || parsed.hash !== '' || /[?#]/.test(text)) return undefined;
  return parsed.href.replace(/\/+$/, '');
}

/** A relative folder path with forward slashes and no `..`: "rules", "detections/sigma"; "" for the root. */
function repositoryPath(text: string): string | undefined {
  const parts = text.trim().split('/').filter((part) => part !== '' && part !== '.');
  if (text.trim().startsWith('/') || parts.some((part) => part === '..' || part.includes('\\'))) return undefined;
  return parts.join('/');
}
