import lucene from 'lucene';
import { parseYamlText } from '../../src/load/read-yaml-file.ts';
import type { SourceDocument } from '../../src/model/source-document.ts';
import { parseSigmaCollection, type SigmaCollection } from '../../src/sigma/parse-sigma-collection.ts';
import { convertCollection } from '../../src/sigma/convert-collection.ts';
import type { ConversionResult } from '../../src/sigma/backends/target.ts';
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PROJECT_ROOT } from '../helpers/knowledge-base.ts';

/** Parses rule YAML given inline in a test (several documents allowed). */
export function parseRules(yaml: string, file = 'test.yml'): SigmaCollection {
  const loaded = parseYamlText(yaml, file);
  if (loaded.issues.length) throw new Error(loaded.issues.map((i) => i.message).join('; '));
  return parseSigmaCollection(loaded.documents);
}

/**
 * Rule documents as plain data, past the loader's per-file entry limit (10,000), with every position at
 * 1:1: for tests of the engine's own algorithms at sizes the loader refuses, which merged collections
 * and future loaders could still hand it.
 */
export function parseRuleValues(...values: unknown[]): SigmaCollection {
  const documents: SourceDocument[] = values.map((value, index) => ({ file: 'test.yml', index, value, position: { line: 1, column: 1 }, locate: () => ({ line: 1, column: 1 }) }));
  return parseSigmaCollection(documents);
}

/** The queries for one target, or `ERROR reason`. */
export function convert(yaml: string, target: string): string[] | string {
  const parsed = parseRules(yaml);
  if (parsed.issues.length) throw new Error(parsed.issues.map((i) => i.message).join('; '));
  const [id, rest] = target.split('@');
  const [name, pipeline] = id!.split('+');
  const result: ConversionResult = convertCollection(parsed.rules, { target: name!, ...(pipeline && { pipeline }), ...(rest && { format: rest }) });
  return result.ok ? result.queries : `ERROR ${result.reason}`;
}

/** `atc convert <options> hostile.yml` on rule YAML written to a temporary file: what a user would copy. */
export function convertWithCli(ruleText: string, options: readonly string[]): SpawnSyncReturns<string> {
  const folder = mkdtempSync(path.join(tmpdir(), 'atc-convert-'));
  try {
    writeFileSync(path.join(folder, 'hostile.yml'), ruleText);
    return spawnSync(process.execPath, [path.join(PROJECT_ROOT, 'bin/atc.js'), 'convert', ...options, path.join(folder, 'hostile.yml')], { encoding: 'utf8' });
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
}

/** A rule around a detection block, for backend tests. */
export function rule(detection: string, extra = ''): string {
  return `title: t\nlogsource: {product: windows}\n${extra}detection:\n${detection.replace(/^/gm, '  ')}\n`;
}

/**
 * markdown-it style fixtures: a caption line, `.`, input lines, `.`, expected lines, `.`.
 */
export function readFixtures(text: string): { caption: string; input: string; expected: string }[] {
  const lines = text.split('\n');
  const result: { caption: string; input: string; expected: string }[] = [];
  for (let i = 0; i < lines.length; i++) {
    if (lines[i + 1] !== '.' || lines[i]!.trim() === '') continue;
    const caption = lines[i]!;
    let j = i + 2;
    const input: string[] = [];
    while (lines[j] !== '.') input.push(lines[j++]!);
    j++;
    const expected: string[] = [];
    while (lines[j] !== '.') expected.push(lines[j++]!);
    result.push({ caption, input: input.join('\n'), expected: expected.join('\n') });
    i = j;
  }
  return result;
}

// The npm parser accepts a backslash only before a fixed list of characters, where Lucene's grammar
// (`_ESCAPED_CHAR: "\\" ~[]`) accepts any; other escapes are mapped to `\+`, which keeps the token
// structure (an escaped character is always part of a term). It also wants at least one character in
// a regular expression, where Lucene accepts the empty `//` (values never hold an unescaped `/`).
const PARSER_ESCAPES = new Set('+-!(){}[]^"?:\\&|\'/~* ');

/**
 * A Lucene query string parsed by an independent parser, the `lucene` npm package (a PEG grammar of
 * Lucene's classic syntax). Throws on a syntax error.
 */
export function parseLucene(query: string): unknown {
  return lucene.parse(query.replace(/\\([\s\S])/g, (whole, c: string) => (PARSER_ESCAPES.has(c) ? whole : '\\+')).replaceAll('://', ':/(?:)/'));
}
