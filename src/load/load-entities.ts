import type { Issue } from '../model/issue.ts';
import type { SourceDocument } from '../model/source-document.ts';
import { findYamlFiles, type InputFile } from './find-input-files.ts';
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
  const issues: Issue[] = [];
  let fileCount = 0;
  const seen = new Set<string>();
  for (const folder of folders) {
    for (const file of findYamlFiles(folder, cwd)) {
      if (seen.has(file.absolutePath)) continue;
      seen.add(file.absolutePath);
      fileCount += 1;
      const yaml = readYamlFile(file.absolutePath, file.displayPath);
      issues.push(...yaml.issues);
      if (yaml.issues.some((issue) => issue.severity === 'error')) continue;
      items.push(...readFile(file, yaml.text, yaml.documents, issues));
    }
  }
  return { items, issues, fileCount };
}
