import { makeIssue, type Issue } from '../model/issue.ts';
import type { SourceDocument } from '../model/source-document.ts';
import { findInputFiles, type InputFile } from './find-input-files.ts';
import { KnowledgeBaseBudget } from './knowledge-base-budget.ts';
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
 */
export function loadEntityFiles<T>(
  folders: readonly string[],
  readFile: (file: InputFile, text: string, documents: readonly SourceDocument[], issues: Issue[]) => T[],
  cwd?: string,
  budget: KnowledgeBaseBudget = new KnowledgeBaseBudget(),
  isContent: (file: InputFile) => boolean = () => true,
): LoadedFiles<T> {
  const items: T[] = [];
  const found = findInputFiles(folders, cwd);
  const issues: Issue[] = [...found.issues];
  let fileCount = 0;
  for (const file of found.files) {
    if (!isContent(file)) continue;
    fileCount += 1;
    if (!budget.admitFile(file, issues)) continue;
    const yaml = readYamlFile(file.absolutePath, file.displayPath);
    issues.push(...yaml.issues);
    if (yaml.issues.some((issue) => issue.severity === 'error')) continue;
    if (!budget.admitText(file, yaml.text, issues)) continue;
    items.push(...readFile(file, yaml.text, yaml.documents, issues));
  }
  return { items, issues, fileCount };
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
