import { formatQuerySectionSpec } from '../config.ts';
import type { QuerySectionResult } from '../convert/convert-knowledge-base.ts';
import type { KnowledgeBase } from '../link/knowledge-base.ts';
import type { DetectionRule } from '../model/detection-rule.ts';
import { makeIssue, type Issue, type SourcePosition } from '../model/issue.ts';
import type { Entity } from '../present/page-addresses.ts';
import { MARKDOWN_ROOT } from '../present/page-addresses.ts';
import type { OutputFile } from '../present/output-file.ts';
import { walkMarkdownLinks, type MarkdownPages } from './markdown-links.ts';

/**
 * The checks that need the whole knowledge base, its conversions and its generated pages; `atc check` and
 * `atc build` both get them from buildKnowledgeBase (src/build.ts). Loading and linking report the rest
 * (syntax, schemas, dangling references, ATT&CK tags, Data Needed matching).
 *
 *   duplicate-rule-title           warning  two rule files share a title (compared ignoring case and spacing)
 *   data-needed-no-logging-policy  warning  a Data Needed entry names no Logging Policy
 *   broken-link                    error    a generated markdown page links to a page or anchor that is not generated
 *   conversion-failed              info     a query target cannot express a rule (one per rule × target, with the reason)
 */
export function runChecks(kb: KnowledgeBase, queries: ReadonlyMap<DetectionRule, readonly QuerySectionResult[]>, files: readonly OutputFile[]): Issue[] {
  return [...duplicateRuleTitles(kb), ...dataNeededWithoutLoggingPolicy(kb), ...brokenLinks(kb, files), ...conversionFailures(kb, queries)];
}

function duplicateRuleTitles(kb: KnowledgeBase): Issue[] {
  const issues: Issue[] = [];
  const first = new Map<string, DetectionRule>();
  for (const rule of kb.rules) {
    const key = rule.title.trim().replace(/\s+/g, ' ').toLowerCase();
    if (key === '') continue;
    const earlier = first.get(key);
    if (earlier) issues.push(makeIssue(rule.file, rule.locate(['title']), 'duplicate-rule-title', `rule title "${rule.title}" is also used by ${earlier.file}`));
    else first.set(key, rule);
  }
  return issues;
}

function dataNeededWithoutLoggingPolicy(kb: KnowledgeBase): Issue[] {
  return kb.dataNeeded
    .filter((entry) => entry.loggingPolicies.length === 0)
    .map((entry) => makeIssue(entry.file, entry.position, 'data-needed-no-logging-policy', `Data Needed entry ${entry.title} names no Logging Policy (key "loggingpolicy"), so its page cannot say how to switch the log on`));
}

function brokenLinks(kb: KnowledgeBase, files: readonly OutputFile[]): Issue[] {
  const byPath = new Map(files.filter((file) => file.path.startsWith(`${MARKDOWN_ROOT}/`) && file.path.endsWith('.md')).map((file) => [file.path, file]));
  // Each page's text is read when the walk reaches it, and dropped after.
  const pages: MarkdownPages = {
    size: byPath.size,
    has: (page) => byPath.has(page),
    get: (page) => byPath.get(page)?.content,
    *[Symbol.iterator]() {
      for (const [page, file] of byPath) yield [page, file.content] as const;
    },
  };
  const walk = walkMarkdownLinks(pages);
  if (walk.broken.length === 0) return [];
  // A broken link is reported at the source of the page that holds it (the entity's file), so that CI
  // annotates a file of the pull request; the index page has no single source and is named as generated.
  const sources = new Map<string, { file: string; position: SourcePosition }>();
  const entities: Entity[] = [...kb.rules, ...kb.dataNeeded, ...kb.loggingPolicies, ...kb.enrichments, ...kb.triggers];
  for (const entity of entities) sources.set(`${MARKDOWN_ROOT}/${kb.addresses.markdownPath(entity)}`, { file: entity.file, position: entity.position });
  return walk.broken.map((link) => {
    const source = sources.get(link.page);
    const where = source ? `its page ${link.page}, line ${link.line}` : `line ${link.line}`;
    return makeIssue(source?.file ?? link.page, source?.position ?? { line: link.line, column: 1 }, 'broken-link', `${where} links to ${link.href}: ${link.problem}`);
  });
}

function conversionFailures(kb: KnowledgeBase, queries: ReadonlyMap<DetectionRule, readonly QuerySectionResult[]>): Issue[] {
  const issues: Issue[] = [];
  for (const rule of kb.rules) {
    // Correlation rules are never converted (their page points to the rules they correlate): not a failure.
    if (rule.rules.length === 0) continue;
    for (const { section, title, result } of queries.get(rule) ?? []) {
      if (!result.ok) issues.push(makeIssue(rule.file, rule.locate(['detection']), 'conversion-failed', `${formatQuerySectionSpec(section)} (${title}): ${result.reason}`));
    }
  }
  return issues;
}
