/**
 * Regenerates the committed ATT&CK snapshot (src/attack/enterprise-attack.json) the build resolves tags
 * against, so that builds need no network and name the ATT&CK version they used.
 *
 *   npm run update-attack -- <enterprise-attack.json | stix-directory> [--out FILE] [--version X.Y]
 *
 * Input is either MITRE's bundle (`{"type":"bundle","objects":[...]}`) or a directory tree of STIX JSON files
 * (mitre/cti's layout, one object or one-object bundle per file); the conversion is src/attack/stix-snapshot.ts.
 */
import { renameSync, writeFileSync } from 'node:fs';
import { relative, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { buildSnapshot, serializeSnapshot, UpdateAttackError } from '../src/attack/stix-snapshot.ts';
import { loadStixObjects } from '../src/load/load-attack.ts';

export { buildSnapshot, serializeSnapshot, UpdateAttackError } from '../src/attack/stix-snapshot.ts';
export { loadStixObjects } from '../src/load/load-attack.ts';

const DEFAULT_OUT = fileURLToPath(new URL('../src/attack/enterprise-attack.json', import.meta.url));
const USAGE = 'usage: npm run update-attack -- <enterprise-attack.json | stix-directory> [--out FILE] [--version X.Y]';

function parseCommandLine(argv: readonly string[]): { input: string; out: string; version?: string } {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      allowPositionals: true,
      options: { out: { type: 'string' }, version: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
    });
  } catch (error) {
    throw new UpdateAttackError(`${error instanceof Error ? error.message : String(error)}\n${USAGE}`);
  }
  const { values, positionals } = parsed;
  if (values.help === true) {
    process.stdout.write(`${USAGE}\n`);
    process.exit(0);
  }
  if (positionals.length !== 1) throw new UpdateAttackError(`expected one input path, got ${positionals.length}\n${USAGE}`);
  return {
    input: resolve(positionals[0]!),
    out: values.out === undefined ? DEFAULT_OUT : resolve(values.out),
    ...(values.version === undefined ? {} : { version: values.version }),
  };
}

function main(argv: readonly string[]): number {
  try {
    const { input, out, version } = parseCommandLine(argv);
    const { snapshot, notes } = buildSnapshot(loadStixObjects(input), { sourceName: input, ...(version === undefined ? {} : { version }) });
    const text = serializeSnapshot(snapshot);
    // Write then rename so an interrupted run never leaves a truncated committed snapshot.
    const temporary = `${out}.${process.pid}.tmp`;
    writeFileSync(temporary, text);
    renameSync(temporary, out);
    for (const note of notes) process.stderr.write(`update-attack: note: ${note}\n`);
    const subTechniques = snapshot.techniques.filter((t) => t.parent !== null).length;
    const revoked = snapshot.techniques.filter((t) => t.revoked).length;
    const deprecated = snapshot.techniques.filter((t) => t.deprecated).length;
    process.stdout.write(
      `wrote ${relative(process.cwd(), out) || out}: ATT&CK ${snapshot.attackVersion} ${snapshot.domain}, ` +
        `${snapshot.tactics.length} tactics, ${snapshot.techniques.length} techniques ` +
        `(${subTechniques} sub-techniques, ${revoked} revoked, ${deprecated} deprecated), ${Buffer.byteLength(text)} bytes\n`,
    );
    return 0;
  } catch (error) {
    // Anything unexpected (e.g. an unwritable --out) is still the user's to fix, so one line, no stack.
    const message = error instanceof Error ? error.message : String(error);
    process.stderr.write(`update-attack: ${message}\n`);
    return 1;
  }
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  process.exitCode = main(process.argv.slice(2));
}
