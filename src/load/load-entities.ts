import { makeIssue, type Issue } from '../model/issue.ts';
import type { SourceDocument } from '../model/source-document.ts';
import { findInputFiles, type InputFile } from './find-input-files.ts';
import { KnowledgeBaseBudget } from './knowledge-base-budget.ts';
import { fileStamp, type LoadMemo } from './load-memo.ts';
import { readYamlFile } from './read-yaml-file.ts';
import { FieldReader } from './read-fields.ts';

export interface LoadedFiles<T> {
  readonly items: T[];
  readonly issues: Issue[];
  /** How many files were read, loaded or not. */
  readonly fileCount: number;
}

/**
 * Reads every YAML file under the folders and turns each into entities with `readFile`. A folder that
 * does not exist is not an error here: an empty knowledge base section is legitimate. `budget` is shared
 * by the loaders of one build, so its limits hold for the knowledge base as a whole. Files `isContent`
 * rejects (generated files an upstream layout keeps beside the content) are neither read nor counted.
 * With a `memo` (the dev server's), a file unchanged since the previous build yields what it yielded then.
 */
export function loadEntityFiles<T>(
  folders: readonly string[],
  readFile: (file: InputFile, text: string, documents: readonly SourceDocument[], issues: Issue[]) => T[],
  cwd?: string,
  budget: KnowledgeBaseBudget = new KnowledgeBaseBudget(),
  isContent: (file: InputFile) => boolean = () => true,
  memo?: { readonly memo: LoadMemo; readonly kind: string },
): LoadedFiles<T> {
  const items: T[] = [];
  const found = findInputFiles(folders, cwd);
  const issues: Issue[] = [...found.issues];
  let fileCount = 0;
  const met = new Set<string>();
  for (const file of found.files) {
    if (!isContent(file)) continue;
    fileCount += 1;
    if (!budget.admitFile(file, issues)) continue;
    met.add(file.absolutePath);
    const known = memo?.memo.lookup(memo.kind, file.absolutePath);
    if (known) {
      if (known.text !== '' && !budget.admitText(file, known.text, issues)) continue;
      items.push(...(known.items as T[]));
      issues.push(...known.issues);
      continue;
    }
    const stamp = memo && fileStamp(file.absolutePath);
    const before = issues.length;
    const read = readEntityFile(file, readFile, budget, issues);
    items.push(...read.items);
    // Not remembered when the byte budget refused it: that depends on the files read before it.
    if (memo && !issues.slice(before).some((issue) => issue.code === 'kb-size-limit')) {
      memo.memo.remember(memo.kind, file.absolutePath, stamp, { text: read.admittedText, items: read.items, issues: issues.slice(before) });
    }
  }
  memo?.memo.retain(memo.kind, met);
  return { items, issues, fileCount };
}

/** One file: read, parsed, counted against the budget, and made into entities. `admittedText` is '' when it was not counted. */
function readEntityFile<T>(
  file: InputFile,
  readFile: (file: InputFile, text: string, documents: readonly SourceDocument[], issues: Issue[]) => T[],
  budget: KnowledgeBaseBudget,
  issues: Issue[],
): { items: T[]; admittedText: string } {
  const yaml = readYamlFile(file.absolutePath, file.displayPath);
  issues.push(...yaml.issues);
  if (yaml.issues.some((issue) => issue.severity === 'error')) return { items: [], admittedText: '' };
  if (!budget.admitText(file, yaml.text, issues)) return { items: [], admittedText: '' };
  return { items: readFile(file, yaml.text, yaml.documents, issues), admittedText: yaml.text };
}

/** atc-data entities are one document per file; more is a mistake worth reporting rather than guessing. */
export function singleDocument<T>(
  file: InputFile,
  documents: readonly SourceDocument[],
  issues: Issue[],
  what: string,
  read: (reader: FieldReader, document: SourceDocument) => T | undefined,
): T[] {
  if (documents.length === 0) {
    issues.push(makeIssue(file.displayPath, undefined, 'yaml-empty', `empty file; expected a ${what}`));
    return [];
  }
  if (documents.length > 1) {
    issues.push(makeIssue(file.displayPath, documents[1]!.position, 'field-value', `a ${what} file holds one YAML document; found ${documents.length}`));
  }
  const document = documents[0]!;
  const reader = FieldReader.forDocument(document, issues, what);
  if (!reader) return [];
  const entity = read(reader, document);
  return entity === undefined ? [] : [entity];
}
