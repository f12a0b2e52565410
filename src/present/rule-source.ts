import path from 'node:path';
import type { RuleRepository } from '../config.ts';
import type { DetectionRule } from '../model/detection-rule.ts';

/**
 * A rule's file as it was read, published beside its page (`/rules/<segment>/rule.yml`): a `.yml` name, so
 * that every web server sends it as YAML text, never as HTML, whatever the rule contains.
 */
export const RULE_SOURCE_FILE = 'rule.yml';

/** What knows where a rule's page is (SiteUrls): the source file sits in the page's folder. */
interface RulePagePaths {
  pathRule(rule: DetectionRule): string;
}

/** The unprefixed site path of a rule's source file ("/rules/<segment>/rule.yml"). */
export function ruleSourcePath(rule: DetectionRule, urls: RulePagePaths): string {
  return `${urls.pathRule(rule)}${RULE_SOURCE_FILE}`;
}

/** The name a download of the source file gets: the rule's own file name. */
export function ruleSourceFileName(rule: DetectionRule): string {
  return path.posix.basename(rule.relativePath);
}

/** Every rule's source file for the site's output folder: the text exactly as read (no YAML round trip). */
export function ruleSourceFiles(rules: readonly DetectionRule[], urls: RulePagePaths): Array<{ readonly path: string; readonly content: string }> {
  return rules.map((rule) => ({ path: ruleSourcePath(rule, urls).slice(1), content: rule.text }));
}

/**
 * The rule's file in its repository (GitHub's `/blob/<branch>/<path>` form, which GitLab and Gitea accept
 * too). Each path segment is URL-encoded, so a file name cannot add a query or leave the repository.
 */
export function upstreamRuleUrl(rule: DetectionRule, repository: RuleRepository): string {
  const segments = [...repository.branch.split('/'), ...repository.rulesPath.split('/'), ...rule.relativePath.split('/')].filter((segment) => segment !== '');
  return `${repository.url}/blob/${segments.map(encodeURIComponent).join('/')}`;
}
