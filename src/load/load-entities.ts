import type { Issue } from '../model/issue.ts';
import type { SourceDocument } from '../model/source-document.ts';
import { findInputFiles, type InputFile } from './find-input-files.ts';
import { readYamlFile } from './read-yaml-file.ts';

export interface LoadedFiles<T> {
  readonly items: T[];
  readonly issues: Issue[];
  /** How many files were read, loaded or not. */
  readonly fileCount: number;
}

/**
 * Reads every YAML file under the folders and turns each into entities with `readFile`. A folder that
 * does not exist is not an error here: an empty knowledge base section is legitimate.
 */
export function loadEntityFiles<T>(
  folders: readonly string[],
  readFile: (file: InputFile, text: string, documents: readonly SourceDocument[], issues: Issue[]) => T[],
  cwd?: string,
): LoadedFiles<T> {
  const items: T[] = [];
  const found = findInputFiles(folders, cwd);
  const issues: Issue[] = [...found.issues];
  for (const file of found.files) {
    const yaml = readYamlFile(file.absolutePath, file.displayPath);
    issues.push(...yaml.issues);
    if (yaml.issues.some((issue) => issue.severity === 'error')) continue;
    items.push(...readFile(file, yaml.text, yaml.documents, issues));
  }
  const fileCount = found.files.length;
  return { items, issues, fileCount };
}
