/**
 * Bad input never crashes the pipeline: random edits to real knowledge-base files (the embedded sample)
 * go through every stage that `atc build` runs before the HTML site, and the result is always issues
 * with positions, never an exception. MUTATION_RUNS and MUTATION_SEED widen the search locally
 * (400 runs with seed 7 passed when this was written).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { buildKnowledgeBase } from '../../src/build.ts';
import { DEFAULT_CONFIG, type BuildConfig } from '../../src/config.ts';
import { PROJECT_ROOT, standardFolders } from '../helpers/knowledge-base.ts';

const FOLDERS = ['rules', 'data_needed', 'logging_policies', 'enrichments', 'triggers'] as const;

function yamlFiles(folder: string): string[] {
  return readdirSync(folder, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && /\.ya?ml$/.test(entry.name))
    .map((entry) => path.join(entry.parentPath, entry.name))
    .sort();
}

/** Text that YAML, Sigma conditions and markdown each give a meaning to. */
const FRAGMENTS = [':', '- ', '[', ']', '{', '}', '&a ', '*a', '|', '>', '#', '"', "'", '\t', '\n', '\n  ', '\u0000', '\uFEFF', '%', '!!binary ', '<<: *a', '|contains', '|re', ' and ', ' or not ', '1 of ', 'them', '{{ x }}', '---\n'];

type Mutation = { kind: 'insert' | 'delete' | 'replace-line' | 'truncate' | 'duplicate-line'; at: number; size: number; fragment: string };

const mutation: fc.Arbitrary<Mutation> = fc.record({
  kind: fc.constantFrom('insert', 'delete', 'replace-line', 'truncate', 'duplicate-line'),
  at: fc.nat(),
  size: fc.integer({ min: 1, max: 40 }),
  fragment: fc.oneof(fc.constantFrom(...FRAGMENTS), fc.string({ maxLength: 6 })),
});

function mutate(text: string, change: Mutation): string {
  const at = text.length === 0 ? 0 : change.at % text.length;
  const lines = text.split('\n');
  const line = lines.length === 0 ? 0 : change.at % lines.length;
  switch (change.kind) {
    case 'insert':
      return text.slice(0, at) + change.fragment + text.slice(at);
    case 'delete':
      return text.slice(0, at) + text.slice(at + change.size);
    case 'replace-line':
      lines[line] = change.fragment;
      return lines.join('\n');
    case 'truncate':
      return text.slice(0, at);
    case 'duplicate-line':
      lines.splice(line, 0, lines[line] ?? '');
      return lines.join('\n');
  }
}

test('random edits to knowledge-base files give issues with positions, never an exception', () => {
  const root = mkdtempSync(path.join(tmpdir(), 'atc-kb-mutated-'));
  for (const folder of FOLDERS) cpSync(path.join(PROJECT_ROOT, folder), path.join(root, folder), { recursive: true });
  const files = FOLDERS.flatMap((folder) => yamlFiles(path.join(root, folder)));
  const originals = new Map(files.map((file) => [file, readFileSync(file, 'utf8')]));
  const config: BuildConfig = {
    ...DEFAULT_CONFIG,
    inputs: standardFolders(root),
    querySections: [{ target: 'lucene' }, { target: 'es-qs' }, { target: 'splunk' }, { target: 'kusto', pipeline: 'microsoft_xdr' }],
  };
  fc.assert(
    fc.property(fc.nat(), fc.array(mutation, { minLength: 1, maxLength: 3 }), (pick, changes) => {
      const file = files[pick % files.length]!;
      const original = originals.get(file)!;
      writeFileSync(file, changes.reduce(mutate, original));
      try {
        const build = buildKnowledgeBase(config);
        for (const issue of build.issues) {
          assert.ok(Number.isInteger(issue.line) && issue.line >= 1, `${issue.file}: line ${issue.line}`);
          assert.ok(Number.isInteger(issue.column) && issue.column >= 1, `${issue.file}: column ${issue.column}`);
          assert.ok(issue.message.length > 0);
        }
        assert.ok(build.files.length > 0);
      } finally {
        writeFileSync(file, original);
      }
    }),
    { numRuns: Number(process.env.MUTATION_RUNS ?? 60), seed: Number(process.env.MUTATION_SEED ?? 20261126) },
  );
});
