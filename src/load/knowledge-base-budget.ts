import { makeIssue, type Issue } from '../model/issue.ts';
import type { InputFile } from './find-input-files.ts';

/**
 * Limits over a whole knowledge base, across every entity folder. Per-file limits (read-yaml-file.ts) stop
 * one hostile file; these stop a hostile or mistaken checkout as a whole (a million tiny files, a folder
 * option pointing at a home directory) with one clear error instead of a heap exhaustion minutes later.
 * 50,000 files is over ten times SigmaHQ's 4,039 rules (`npm run bench -- scale` builds 40,390 with every
 * target); 256 MiB is thirty times SigmaHQ's 8.6 MB of YAML.
 */
export const KNOWLEDGE_BASE_LIMITS = { files: 50_000, bytes: 256 * 1024 * 1024 } as const;

export interface KnowledgeBaseLimits {
  readonly files: number;
  readonly bytes: number;
}

/**
 * One budget per build, shared by the loaders of every entity kind. Files past a limit are left out
 * unread; the first of them carries the one `kb-size-limit` error, so the build fails and says why.
 */
export class KnowledgeBaseBudget {
  private readonly limits: KnowledgeBaseLimits;
  private files = 0;
  private bytes = 0;
  private refused = false;

  constructor(limits: KnowledgeBaseLimits = KNOWLEDGE_BASE_LIMITS) {
    this.limits = limits;
  }

  /** Whether `file` may be read; false (with an issue for the first file refused) once the file limit is reached. */
  admitFile(file: InputFile, issues: Issue[]): boolean {
    if (this.refused) return false;
    if (this.files < this.limits.files) {
      this.files += 1;
      return true;
    }
    return this.refuse(file, issues, `the knowledge base holds more than ${this.limits.files} files; this file and every file after it are left out`);
  }

  /** Counts a file's text once read; false (and the file is dropped) when it takes the knowledge base past the byte limit. */
  admitText(file: InputFile, text: string, issues: Issue[]): boolean {
    if (this.refused) return false;
    this.bytes += Buffer.byteLength(text);
    if (this.bytes <= this.limits.bytes) return true;
    return this.refuse(file, issues, `the knowledge base's YAML exceeds ${this.limits.bytes} bytes; this file and every file after it are left out`);
  }

  private refuse(file: InputFile, issues: Issue[], message: string): false {
    this.refused = true;
    issues.push(makeIssue(file.displayPath, undefined, 'kb-size-limit', message));
    return false;
  }
}
