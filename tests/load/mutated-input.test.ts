/**
 * Bad input never crashes the pipeline or stalls it. Real files of each entity type (the embedded
 * sample, and a deterministic sample of ../shared/corpus when it is present) are mutated, in their text
 * and in their parsed structure (tests/helpers/yaml-mutations.ts), placed alone in a knowledge-base
 * folder, and run through what `atc build` runs (tests/helpers/fuzz-cases.ts): the configuration, load,
 * link, every configured conversion, the markdown pages and exports, the checks, the HTML page bodies
 * (the site's own renderer, without Eleventy's file writing) and the issue reports. Each case must end
 * in issues with a file, a position and a registered code, never an exception, within MAX_CASE_MS.
 *
 * FUZZ_RUNS (runs per property) and FUZZ_SEED widen the search locally; the defaults keep this file near
 * a minute on a loaded two-core machine. When this was written, seeds 1 to 8 ran about 700 to 1,300 cases
 * per input type; what they found is fixed, each with its own test (legacy optimizer, other tags, selection
 * lookup, key positions, Atom feed id, conditions added by a user pipeline).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { buildKnowledgeBase } from '../../src/build.ts';
import { DEFAULT_CONFIG, type BuildConfig } from '../../src/config.ts';
import { assertIssuesPlaced, checkMutatedFile, FOLDERS, KINDS, MAX_CASE_MS, runCase, textOf, yamlFiles, type InputKind } from '../helpers/fuzz-cases.ts';
import { CORPUS, PROJECT_ROOT, skipUnlessExists, standardFolders } from '../helpers/knowledge-base.ts';
import { mutateStructure, mutateText, parseForMutation, structureMutation, textMutation, type StructureMutation } from '../helpers/yaml-mutations.ts';

const RUNS = Number(process.env.FUZZ_RUNS ?? 20);
const SEED = Number(process.env.FUZZ_SEED ?? 20261203);

function fuzzFiles(kind: InputKind, files: readonly string[]): void {
  fc.assert(
    fc.property(fc.constantFrom(...files), fc.array(structureMutation, { minLength: 1, maxLength: 4 }), (source, mutations) => checkMutatedFile(kind, source, mutations)),
    { numRuns: RUNS, seed: SEED },
  );
}

// The first build compiles every module; it is not a case, so it must not count against the time bound.
test('warm-up: an unmutated sample rule builds without an exception', () => {
  const kind = KINDS[0]!;
  const source = kind.sample()[0]!;
  assertIssuesPlaced(runCase(kind, source, textOf(source), textOf(source)).issues);
});

test('the structural mutations reach the loader as written: a value nested 150 deep, a duplicated key', () => {
  const kind = KINDS[0]!;
  const source = kind.sample()[0]!;
  const codes = (mutations: readonly StructureMutation[]): Set<string> => new Set(runCase(kind, source, mutateStructure(textOf(source), mutations), textOf(source)).issues.map((issue) => issue.code));
  // Place 0 is the document itself, place 1 its first key.
  assert.ok(codes([{ kind: 'replace', at: 1, value: { kind: 'deep-list', depth: 150 } }]).has('yaml-depth-limit'));
  assert.ok(codes([{ kind: 'duplicate', at: 1 }]).has('yaml-duplicate-key'));
});

for (const kind of KINDS) {
  test(`${kind.name}: mutated sample files give placed issues, never an exception, each within ${MAX_CASE_MS} ms`, () => {
    const files = kind.sample();
    assert.ok(files.length > 0, `the embedded sample has no ${kind.name}`);
    assert.ok(files.every((file) => parseForMutation(textOf(file))), 'every sample file is YAML the mutator can read');
    fuzzFiles(kind, files);
  });

  const absent = skipUnlessExists(`fuzzing corpus files of type ${kind.name}`, CORPUS);
  const corpus = absent ? [] : kind.corpus();
  const skip = absent || (typeof corpus === 'string' ? corpus : corpus.length === 0 && `the corpus holds no ${kind.name}`);
  test(`${kind.name}: mutated corpus files give placed issues, never an exception, each within ${MAX_CASE_MS} ms`, { skip }, () => {
    fuzzFiles(kind, corpus as string[]);
  });
}

test('random text edits to the whole sample knowledge base give placed issues, never an exception', () => {
  const root = mkdtempSync(path.join(tmpdir(), 'atc-kb-mutated-'));
  for (const folder of FOLDERS) cpSync(path.join(PROJECT_ROOT, folder), path.join(root, folder), { recursive: true });
  const files = FOLDERS.flatMap((folder) => yamlFiles(path.join(root, folder)));
  const originals = new Map(files.map((file) => [file, readFileSync(file, 'utf8')]));
  const config: BuildConfig = {
    ...DEFAULT_CONFIG,
    inputs: standardFolders(root),
    querySections: [{ target: 'lucene' }, { target: 'es-qs' }, { target: 'splunk' }, { target: 'kusto', pipeline: 'microsoft_xdr' }],
  };
  try {
    fc.assert(
      fc.property(fc.nat(), fc.array(textMutation, { minLength: 1, maxLength: 3 }), (pick, changes) => {
        const file = files[pick % files.length]!;
        const original = originals.get(file)!;
        writeFileSync(file, changes.reduce(mutateText, original));
        try {
          const build = buildKnowledgeBase(config);
          assertIssuesPlaced(build.issues);
          assert.ok(build.files.length > 0);
        } finally {
          writeFileSync(file, original);
        }
      }),
      { numRuns: RUNS * 2, seed: SEED },
    );
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});
