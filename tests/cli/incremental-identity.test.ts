// Guards the build cache (issue 16): whatever a build reuses from the one before, its output must be the
// output of a clean build, byte for byte. A seeded random walk of edits, additions, deletions and renames
// over a copy of the sample knowledge base; after each round, `atc build` with its warm cache and in its
// previous output folder is compared file by file with `atc build --no-cache` of a copy of the same input
// into an empty folder. Then the cache is damaged in each way a disk, a crash or another tool could damage
// it, and the warm build must still write the clean build's output (and rewrite the cache).
//   ATC_TEST_SEED=<n> repeats a run; the seed is printed by every run.
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { deserialize } from 'node:v8';
import { cacheFolderFor, CacheShelf } from '../../src/cache/build-cache.ts';
import { appendToDetectionValue, fieldValue, replaceLastCharacterOfDetectionValue, replaceTechniqueTag, setField, techniqueTags, type Choose } from '../../scripts/rule-edits.ts';
import { makeTempFolder } from '../helpers/temp-files.ts';
import { atc, differentFiles, PROJECT, SAMPLE_INPUTS, snapshot } from './cli-harness.ts';

const ROUNDS = 4;

/** mulberry32: small, fast, and the same sequence for a seed on every platform. */
function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let mixed = state;
    mixed = Math.imul(mixed ^ (mixed >>> 15), mixed | 1);
    mixed ^= mixed + Math.imul(mixed ^ (mixed >>> 7), mixed | 61);
    return ((mixed ^ (mixed >>> 14)) >>> 0) / 4294967296;
  };
}

/** The random choices of one run, all drawn from its seed so that a failing run can be repeated. */
class RandomWalk {
  private readonly next: () => number;
  constructor(seed: number) {
    this.next = seededRandom(seed);
  }
  integer(below: number): number {
    return Math.floor(this.next() * below);
  }
  readonly choose: Choose = (items) => items[this.integer(items.length)]!;
  chance(probability: number): boolean {
    return this.next() < probability;
  }
  word(): string {
    return Array.from({ length: 4 + this.integer(5) }, () => 'abcdefghijklmnopqrstuvwxyz'[this.integer(26)]).join('');
  }
  uuid(): string {
    const hex = Array.from({ length: 32 }, () => this.integer(16).toString(16));
    hex[12] = '4';
    hex[16] = '89ab'[this.integer(4)]!;
    const text = hex.join('');
    return `${text.slice(0, 8)}-${text.slice(8, 12)}-${text.slice(12, 16)}-${text.slice(16, 20)}-${text.slice(20)}`;
  }
}

/** Every YAML file under a folder, relative to `root`, sorted (the walk must not depend on the file system's order). */
function yamlFilesUnder(root: string, folder: string): string[] {
  const found: string[] = [];
  const walk = (directory: string): void => {
    for (const entry of readdirSync(directory, { withFileTypes: true })) {
      const full = path.join(directory, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (/\.ya?ml$/i.test(entry.name)) found.push(path.relative(root, full));
    }
  };
  if (existsSync(path.join(root, folder))) walk(path.join(root, folder));
  return found.sort();
}

/** Names and ids correlation rules refer to: deleting such a rule is an error of the knowledge base, not a case for the cache. */
function correlatedRuleReferences(root: string, rules: readonly string[]): Set<string> {
  const referenced = new Set<string>();
  for (const rule of rules) {
    const text = readFileSync(path.join(root, rule), 'utf8');
    for (let index = 0; ; index += 1) {
      const reference = fieldValue(text, ['correlation', 'rules', index]);
      if (reference === undefined) break;
      referenced.add(reference);
    }
  }
  return referenced;
}

const LEVELS = ['informational', 'low', 'medium', 'high', 'critical'];

/** Known techniques, a sub-technique, and one ATT&CK 18.1 lacks (a provisional technique). */
const EXTRA_TECHNIQUE_TAGS = ['attack.t1059.001', 'attack.t1110', 'attack.t1021.002', 'attack.t1190', 'attack.t1686'];

/** One random change to the knowledge base under `root`; returns what it did, for the failure message. */
type Operation = (root: string, random: RandomWalk, counter: number) => string | undefined;

function editRule(change: (text: string, random: RandomWalk, counter: number) => string | undefined, what: string): Operation {
  return (root, random, counter) => {
    const rule = random.choose(yamlFilesUnder(root, 'rules'));
    const file = path.join(root, rule);
    const edited = change(readFileSync(file, 'utf8'), random, counter);
    if (edited === undefined) return undefined;
    writeFileSync(file, edited);
    return `${what} of ${rule}`;
  };
}

const OPERATIONS: ReadonlyArray<{ weight: number; apply: Operation }> = [
  { weight: 3, apply: editRule((text, random, counter) => setField(text, 'title', `Edited title ${counter} ${random.word()}`), 'title') },
  { weight: 2, apply: editRule((text, random, counter) => setField(text, 'description', `Edited description ${counter}: ${random.word()} ${random.word()}.`), 'description') },
  { weight: 2, apply: editRule((text, random) => setField(text, 'level', random.choose(LEVELS.filter((level) => level !== fieldValue(text, 'level')))), 'level') },
  {
    weight: 2,
    apply: editRule((text, random) => {
      const own = new Set(techniqueTags(text).map((tag) => tag.toLowerCase()));
      return replaceTechniqueTag(text, random.choose, random.choose(EXTRA_TECHNIQUE_TAGS.filter((tag) => !own.has(tag))));
    }, 'technique tag'),
  },
  { weight: 3, apply: editRule((text, random, counter) => appendToDetectionValue(text, random.choose, `x${counter}${random.word()}`), 'detection value') },
  {
    // The same size and, put back, the same modification time: only the content says the file changed.
    weight: 1,
    apply(root, random) {
      const rule = random.choose(yamlFilesUnder(root, 'rules'));
      const file = path.join(root, rule);
      const before = statSync(file);
      const edited = replaceLastCharacterOfDetectionValue(readFileSync(file, 'utf8'), random.choose);
      if (edited === undefined) return undefined;
      writeFileSync(file, edited);
      utimesSync(file, before.atime, before.mtime);
      return `same-size edit, modification time kept, of ${rule}`;
    },
  },
  {
    weight: 2,
    apply(root, random, counter) {
      const rules = yamlFilesUnder(root, 'rules');
      // A rule with a name of its own would make a second rule of that name, an error of the knowledge base.
      const source = random.choose(rules.filter((rule) => fieldValue(readFileSync(path.join(root, rule), 'utf8'), 'name') === undefined));
      const other = random.choose(rules);
      const otherTitle = fieldValue(readFileSync(path.join(root, other), 'utf8'), 'title') ?? 'untitled';
      // Sometimes the title of another rule in other case (the same slug), sometimes a file name another rule's page already has.
      const title = random.chance(0.3) ? otherTitle.toUpperCase() : `Added rule ${counter} ${random.word()}`;
      const name = random.chance(0.3) ? path.basename(other) : `added_${counter}_${random.word()}.yml`;
      const folder = random.choose([...new Set(rules.map((rule) => path.dirname(rule)))]);
      let target = path.join(folder, name);
      if (existsSync(path.join(root, target))) target = path.join(folder, name.toUpperCase().replace(/\.YML$/, '.yml'));
      if (existsSync(path.join(root, target))) return undefined;
      const text = setField(setField(readFileSync(path.join(root, source), 'utf8'), 'id', random.uuid()) ?? '', 'title', title);
      if (text === undefined || fieldValue(text, 'id') === undefined) return undefined;
      writeFileSync(path.join(root, target), text);
      return `added ${target} (a copy of ${source} titled ${JSON.stringify(title)})`;
    },
  },
  {
    weight: 2,
    apply(root, random) {
      const rules = yamlFilesUnder(root, 'rules');
      if (rules.length < 10) return undefined;
      const referenced = correlatedRuleReferences(root, rules);
      const deletable = rules.filter((rule) => {
        const text = readFileSync(path.join(root, rule), 'utf8');
        return ![fieldValue(text, 'id'), fieldValue(text, 'name')].some((key) => key !== undefined && referenced.has(key));
      });
      const rule = random.choose(deletable);
      rmSync(path.join(root, rule));
      return `deleted ${rule}`;
    },
  },
  {
    weight: 2,
    apply(root, random, counter) {
      const rules = yamlFilesUnder(root, 'rules');
      const rule = random.choose(rules);
      const folder = random.chance(0.5) ? path.dirname(rule) : random.choose([...new Set(rules.map((other) => path.dirname(other)))]);
      const target = path.join(folder, `renamed_${counter}_${random.word()}.yml`);
      renameSync(path.join(root, rule), path.join(root, target));
      return `renamed ${rule} to ${target}`;
    },
  },
  {
    weight: 1,
    apply(root, random, counter) {
      const entry = random.choose(yamlFilesUnder(root, 'data_needed'));
      const file = path.join(root, entry);
      const edited = setField(readFileSync(file, 'utf8'), 'description', `Edited Data Needed description ${counter} ${random.word()}`);
      if (edited === undefined) return undefined;
      writeFileSync(file, edited);
      return `description of ${entry}`;
    },
  },
  {
    weight: 1,
    apply(root, random, counter) {
      const trigger = random.choose(yamlFilesUnder(root, 'triggers'));
      const file = path.join(root, trigger);
      const field = random.choose([['atomic_tests', 0, 'name'], ['atomic_tests', 0, 'description']]);
      const edited = setField(readFileSync(file, 'utf8'), field, `Edited test ${field.at(-1)} ${counter} ${random.word()}`);
      if (edited === undefined) return undefined;
      writeFileSync(file, edited);
      return `${field.join('.')} of ${trigger}`;
    },
  },
];

function randomOperation(random: RandomWalk): Operation {
  let ticket = random.integer(OPERATIONS.reduce((sum, operation) => sum + operation.weight, 0));
  for (const operation of OPERATIONS) {
    ticket -= operation.weight;
    if (ticket < 0) return operation.apply;
  }
  throw new Error('unreachable: the ticket is below the total weight');
}

/** The two projects of a run: the one built incrementally, and the copy built from scratch after each round. */
class IdentityRun {
  readonly warm: string;
  readonly clean: string;
  constructor(
    root: string,
    private readonly seed: number,
  ) {
    this.warm = path.join(root, 'warm');
    this.clean = path.join(root, 'clean');
    mkdirSync(this.warm);
    for (const name of SAMPLE_INPUTS) cpSync(path.join(PROJECT, name), path.join(this.warm, name), { recursive: true });
  }

  private build(project: string, extra: string[], context: string): void {
    const result = atc(['build', '--config', path.join(project, 'atc.config.yml'), '--out', path.join(project, '_site'), ...extra], project);
    const command = ['atc build', ...extra].join(' ');
    assert.equal(result.status, 0, `seed ${this.seed} (ATC_TEST_SEED=${this.seed} repeats it): ${command} of the ${path.basename(project)} project failed after ${context}:\n${result.stderr.slice(-3000)}`);
  }

  /** The warm build, in the same output folder and with the cache of the builds before. */
  buildWarm(context: string): void {
    this.build(this.warm, [], context);
  }

  /** A clean build of the same input, at the same place relative to its project: a new copy, no cache, no output. */
  buildClean(context: string): void {
    rmSync(this.clean, { recursive: true, force: true });
    cpSync(this.warm, this.clean, { recursive: true, filter: (source) => ![path.join(this.warm, '_site'), path.join(this.warm, '.atc-cache')].includes(source) });
    this.build(this.clean, ['--no-cache'], context);
    assert.ok(readdirSync(cacheFolderFor(this.clean)).length > 0, 'atc build --no-cache writes a fresh cache');
  }

  /** Fails naming the seed, the round's changes and the first differing files (with their first differing line). */
  assertSameOutput(context: string): void {
    const warm = snapshot(path.join(this.warm, '_site'));
    const clean = snapshot(path.join(this.clean, '_site'));
    const differences = differentFiles(warm, clean);
    if (differences.length === 0) return;
    const described = differences.slice(0, 8).map((file) => {
      if (!warm.has(file)) return `${file}: only in the clean build`;
      if (!clean.has(file)) return `${file}: only in the incremental build`;
      const warmLines = warm.get(file)!.toString('utf8').split('\n');
      const cleanLines = clean.get(file)!.toString('utf8').split('\n');
      const line = warmLines.findIndex((text, index) => text !== cleanLines[index]);
      const [warmLine, cleanLine] = [warmLines[line] ?? '', cleanLines[line] ?? ''];
      let column = 0;
      while (column < warmLine.length && warmLine[column] === cleanLine[column]) column += 1;
      // Lines of JSON and HTML run long: show each from a little before the first character that differs.
      const shown = (text: string): string => JSON.stringify(text.slice(Math.max(0, column - 40), column + 120));
      return `${file}: line ${line + 1}, column ${column + 1}: incremental ${shown(warmLine)}, clean ${shown(cleanLine)}`;
    });
    assert.fail(`seed ${this.seed} (ATC_TEST_SEED=${this.seed} repeats it): after ${context}, ${differences.length} files differ between the incremental build and a clean build:\n  ${described.join('\n  ')}`);
  }
}

/** The ways a cache file can be damaged; each is applied to every file of the cache folder in turn. */
const CORRUPTIONS: ReadonlyArray<{ name: string; corrupt: (files: readonly string[], random: RandomWalk, scratch: string) => void }> = [
  {
    name: 'truncated to half',
    corrupt: (files) => files.forEach((file) => writeFileSync(file, readFileSync(file).subarray(0, Math.floor(statSync(file).size / 2)))),
  },
  {
    // The header stays intact, so only a check of the content can tell.
    name: 'garbled after its first line',
    corrupt(files, random) {
      for (const file of files) {
        const bytes = readFileSync(file);
        const body = bytes.indexOf(10) + 1;
        for (let flip = 0; flip < 8 && body < bytes.length; flip += 1) {
          const at = body + random.integer(bytes.length - body);
          bytes[at] = bytes[at]! ^ 0xff;
        }
        writeFileSync(file, bytes);
      }
    },
  },
  {
    // Each shelf holds another one's bytes; with a single shelf, a valid shelf of another name.
    name: "replaced by another shelf's content",
    corrupt(files, _random, scratch) {
      const contents = files.map((file) => readFileSync(file));
      if (files.length > 1) {
        files.forEach((file, index) => writeFileSync(file, contents[(index + 1) % files.length]!));
        return;
      }
      const foreign = CacheShelf.open<string>({ folder: scratch, reuse: false }, 'foreign-shelf', (value): value is string => typeof value === 'string');
      for (const key of shelfKeys(files[0]!)) foreign.set(key, 'a value of another kind');
      foreign.save();
      writeFileSync(files[0]!, readFileSync(path.join(scratch, 'foreign-shelf.bin')));
    },
  },
  {
    // Written by this very atc, checksum right, keys right: only the check of each value's shape can tell.
    name: 'rewritten with values of the wrong shape under the right keys',
    corrupt(files) {
      for (const file of files.filter((shelf) => shelf.endsWith('.bin'))) {
        const name = path.basename(file).replace(/\.bin$/, '');
        const shelf = CacheShelf.open<unknown>({ folder: path.dirname(file), reuse: false }, name, (value): value is unknown => value !== undefined);
        for (const key of shelfKeys(file)) shelf.set(key, { wrong: 'shape', queries: 42 });
        shelf.save();
      }
    },
  },
];

/** The keys a shelf file holds: its payload after the header line is a v8-serialized Map (src/cache/build-cache.ts). */
function shelfKeys(file: string): string[] {
  const bytes = readFileSync(file);
  const entries: unknown = deserialize(bytes.subarray(bytes.indexOf(10) + 1));
  assert.ok(entries instanceof Map, `${file}: a shelf is a header line and a v8-serialized Map; update shelfKeys if the format changed`);
  return [...entries.keys()].map(String);
}

/** Every regular file under the cache folder. */
function cacheFiles(folder: string): string[] {
  return readdirSync(folder, { recursive: true, encoding: 'utf8' })
    .map((name) => path.join(folder, name))
    .filter((file) => lstatSync(file).isFile())
    .sort();
}

test('after random edits, additions, deletions and renames, atc build with its cache writes what a clean build writes, even from a damaged cache', { timeout: 300_000 }, (t: TestContext) => {
  const seed = process.env.ATC_TEST_SEED === undefined ? Math.floor(Math.random() * 2 ** 31) : Number(process.env.ATC_TEST_SEED);
  assert.ok(Number.isInteger(seed), `ATC_TEST_SEED must be an integer, not ${process.env.ATC_TEST_SEED}`);
  t.diagnostic(`seed ${seed} (ATC_TEST_SEED=${seed} repeats this run)`);
  console.log(`incremental identity: seed ${seed}`);
  const random = new RandomWalk(seed);
  const root = makeTempFolder(t, 'atc-identity-');
  const run = new IdentityRun(root, seed);

  run.buildWarm('no change');
  run.buildClean('no change');
  run.assertSameOutput('the first build');
  let counter = 0;
  for (let round = 1; round <= ROUNDS; round += 1) {
    const done: string[] = [];
    for (let wanted = 1 + random.integer(3); done.length < wanted; ) {
      const did = randomOperation(random)(run.warm, random, (counter += 1));
      if (did !== undefined) done.push(did);
    }
    t.diagnostic(`round ${round}: ${done.join('; ')}`);
    const context = `round ${round} (${done.join('; ')})`;
    run.buildWarm(context);
    run.buildClean(context);
    run.assertSameOutput(context);
  }

  // The input no longer changes: the last clean build is the reference for every damaged cache.
  const cacheFolder = cacheFolderFor(run.warm);
  const scratch = path.join(root, 'scratch');
  for (const { name, corrupt } of CORRUPTIONS) {
    const files = cacheFiles(cacheFolder);
    assert.ok(files.length > 0, `the incremental builds left a cache in ${cacheFolder}`);
    corrupt(files, random, scratch);
    const damaged = new Map(files.map((file) => [file, readFileSync(file)]));
    run.buildWarm(`the cache was ${name}`);
    run.assertSameOutput(`a build from a cache ${name}`);
    for (const [file, bytes] of damaged) {
      assert.ok(!existsSync(file) || !readFileSync(file).equals(bytes), `seed ${seed}: ${path.relative(cacheFolder, file)}, ${name}, was left as it was instead of being rewritten`);
    }
  }
});
