import path from 'node:path';
import type { DetectionRule } from '../model/detection-rule.ts';
import type { TitleReference } from '../model/entities.ts';
import { makeIssue } from '../model/issue.ts';
import type { SourceDocument } from '../model/source-document.ts';
import { parseSigmaCollection } from '../sigma/parse-sigma-collection.ts';
import type { KnowledgeBaseBudget } from './knowledge-base-budget.ts';
import type { LoadMemo } from './load-memo.ts';
import { loadEntityFiles, type LoadedFiles } from './load-entities.ts';
import { isRecord } from './read-fields.ts';

/**
 * Sigma rule files. A file with an error is reported and left out (its queries and links would be
 * wrong); warnings keep it in.
 */
export function loadDetectionRules(folders: readonly string[], cwd?: string, budget?: KnowledgeBaseBudget, memo?: LoadMemo): LoadedFiles<DetectionRule> {
  return loadEntityFiles(folders, (file, text, documents, issues): DetectionRule[] => {
    const parsed = parseSigmaCollection(documents);
    issues.push(...parsed.issues);
    if (parsed.issues.some((issue) => issue.severity === 'error')) return [];
    const first = parsed.rules[0];
    const correlation = parsed.correlations[0];
    const primaryDocument = documents[first?.documentIndex ?? correlation?.documentIndex ?? 0];
    if (!primaryDocument || (!first && !correlation)) {
      issues.push(makeIssue(file.displayPath, undefined, 'yaml-empty', 'no Sigma rule in this file'));
      return [];
    }
    const metadata = first ?? correlation!;
    return [{
      kind: 'rule',
      file: file.displayPath,
      relativePath: file.relativePath,
      name: path.posix.basename(file.relativePath).replace(/\.ya?ml$/i, ''),
      text,
      get position() {
        return primaryDocument.position;
      },
      rules: parsed.rules,
      correlations: parsed.correlations,
      id: metadata.id,
      title: metadata.title,
      status: metadata.status,
      description: metadata.description,
      references: metadata.references,
      author: metadata.author,
      date: metadata.date,
      modified: metadata.modified,
      tags: metadata.tags,
      falsepositives: metadata.falsepositives,
      level: metadata.level,
      related: metadata.related,
      enrichments: enrichmentReferences(documents, first?.documentIndex ?? 0, first?.enrichment ?? []),
      logsources: parsed.rules.map((rule) => rule.logsource),
      locate: (keyPath, documentIndex) => {
        const holder =
          documentIndex !== undefined
            ? documents[documentIndex]
            : documents.find((document) => isRecord(document.value) && keyPath.length > 0 && String(keyPath[0]) in document.value);
        return (holder ?? primaryDocument).locate(keyPath);
      },
    }];
  }, cwd, budget, undefined, memo && { memo, kind: 'rules' });
}

function enrichmentReferences(documents: readonly SourceDocument[], documentIndex: number, titles: readonly string[]): TitleReference[] {
  // The key may sit in the global document or in the rule's own; point at whichever has it.
  const holder = documents.find((document) => typeof document.value === 'object' && document.value !== null && 'enrichment' in document.value) ?? documents[documentIndex]!;
  return titles.map((title, index) => ({ title, position: holder.locate(['enrichment', index]) }));
}
