/**
 * The invalid-input fixtures (tests/fixtures/invalid/<issue-code>.yml, or a folder with a fixture.yml):
 * each starts with a header naming the loader to use and where the issue must be reported.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { FIXTURES } from './knowledge-base.ts';

export const INVALID = path.join(FIXTURES, 'invalid');

export const KINDS = ['rule', 'data-needed', 'logging-policy', 'enrichment', 'trigger', 'config', 'kb'] as const;
export type Kind = (typeof KINDS)[number];

export interface Fixture {
  readonly code: string;
  readonly path: string;
  readonly isFolder: boolean;
  readonly kind: Kind;
  readonly line: number;
  readonly column?: number;
  /** The file as the loader shows it. */
  readonly file: string;
  readonly message?: string;
  readonly todo?: string;
}

function readHeader(file: string): Record<string, string> {
  const header: Record<string, string> = {};
  // latin1: the header is ASCII, and file-not-utf8 holds a byte that is not UTF-8 further down.
  for (const line of readFileSync(file, 'latin1').split('\n')) {
    if (!line.startsWith('#')) break;
    const match = /^#\s*([a-z]+):\s*(.*?)\s*$/.exec(line);
    if (match && !(match[1]! in header)) header[match[1]!] = match[2]!;
  }
  return header;
}

export function readFixtures(): Fixture[] {
  return readdirSync(INVALID)
    .sort()
    .map((name): Fixture => {
      const fixturePath = path.join(INVALID, name);
      const isFolder = statSync(fixturePath).isDirectory();
      const code = isFolder ? name : name.replace(/\.ya?ml$/, '');
      const header = readHeader(isFolder ? path.join(fixturePath, 'fixture.yml') : fixturePath);
      const kind = header.kind as Kind;
      assert.ok(KINDS.includes(kind), `${name}: header "# kind:" must be one of ${KINDS.join(', ')}, found ${String(header.kind)}`);
      assert.match(header.line ?? '', /^\d+$/, `${name}: header "# line:" must give the line of the issue`);
      if (isFolder) assert.ok(header.file, `${name}: a folder fixture names the file of the issue in "# file:"`);
      return {
        code,
        path: fixturePath,
        isFolder,
        kind,
        line: Number(header.line),
        ...(header.column !== undefined && { column: Number(header.column) }),
        file: isFolder ? header.file! : name,
        ...(header.message !== undefined && { message: header.message }),
        ...(header.todo !== undefined && { todo: header.todo }),
      };
    });
}

