/**
 * Regenerates the committed ATT&CK snapshot (src/attack/enterprise-attack.json) the build resolves tags
 * against, so that builds need no network and name the ATT&CK version they used.
 *
 *   npm run update-attack -- [<bundle.json | stix-folder | https URL>] [--file PATH | --url URL]
 *                            [--out FILE] [--version X.Y] [--max-size-mib N] [--timeout SECONDS]
 *
 * Input is MITRE's bundle (`{"type":"bundle","objects":[...]}`), a directory tree of STIX JSON files
 * (mitre/cti's layout, one object or one-object bundle per file), or a URL serving a bundle; with no input
 * it downloads MITRE's current Enterprise bundle. The conversion is src/attack/stix-snapshot.ts. Downloading
 * lives here and only here: a build never touches the network.
 */
import { renameSync, writeFileSync } from 'node:fs';
import { relative, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { buildSnapshot, serializeSnapshot, stixObjectsOfText, UpdateAttackError, type LoadedObject } from '../src/attack/stix-snapshot.ts';
import { loadStixObjects } from '../src/load/load-attack.ts';

export { buildSnapshot, serializeSnapshot, UpdateAttackError } from '../src/attack/stix-snapshot.ts';
export { loadStixObjects } from '../src/load/load-attack.ts';

/** MITRE's STIX 2.1 release of the latest Enterprise ATT&CK, the one a run without input downloads. */
export const DEFAULT_BUNDLE_URL = 'https://raw.githubusercontent.com/mitre-attack/attack-stix-data/master/enterprise-attack/enterprise-attack.json';
const DEFAULT_OUT = fileURLToPath(new URL('../src/attack/enterprise-attack.json', import.meta.url));
// The 18.1 bundle is 33 MiB; the cap leaves room for growth while refusing a server that never stops sending.
const DEFAULT_MAX_SIZE_MIB = 200;
const DEFAULT_TIMEOUT_SECONDS = 300;
const USAGE =
  'usage: npm run update-attack -- [<bundle.json | stix-folder | https URL>] [--file PATH | --url URL] [--out FILE] [--version X.Y] [--max-size-mib N] [--timeout SECONDS]\n' +
  `  with no input, downloads ${DEFAULT_BUNDLE_URL}`;

type Source = { readonly kind: 'path'; readonly path: string } | { readonly kind: 'url'; readonly url: URL };

interface CommandLine {
  readonly source: Source;
  readonly out: string;
  readonly version?: string;
  readonly maxBytes: number;
  readonly timeoutMs: number;
}

function parseCommandLine(argv: readonly string[]): CommandLine | 'help' {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      allowPositionals: true,
      options: {
        file: { type: 'string' },
        url: { type: 'string' },
        out: { type: 'string' },
        version: { type: 'string' },
        'max-size-mib': { type: 'string' },
        timeout: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (error) {
    throw new UpdateAttackError(`${error instanceof Error ? error.message : String(error)}\n${USAGE}`);
  }
  const { values, positionals } = parsed;
  if (values.help === true) return 'help';
  const given = [...positionals, ...(values.file === undefined ? [] : [values.file]), ...(values.url === undefined ? [] : [values.url])];
  if (given.length > 1) throw new UpdateAttackError(`expected at most one input (a path, --file or --url), got ${given.length}\n${USAGE}`);
  const positional = positionals[0];
  const source: Source =
    values.url !== undefined
      ? { kind: 'url', url: parseUrl(values.url) }
      : values.file !== undefined
        ? { kind: 'path', path: resolve(values.file) }
        : positional === undefined
          ? { kind: 'url', url: new URL(DEFAULT_BUNDLE_URL) }
          : /^https?:\/\//i.test(positional)
            ? { kind: 'url', url: parseUrl(positional) }
            : { kind: 'path', path: resolve(positional) };
  return {
    source,
    out: values.out === undefined ? DEFAULT_OUT : resolve(values.out),
    ...(values.version === undefined ? {} : { version: values.version }),
    maxBytes: positiveNumber(values['max-size-mib'], '--max-size-mib', DEFAULT_MAX_SIZE_MIB) * 1024 * 1024,
    timeoutMs: positiveNumber(values.timeout, '--timeout', DEFAULT_TIMEOUT_SECONDS) * 1000,
  };
}

function parseUrl(text: string): URL {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new UpdateAttackError(`--url: not a URL: ${JSON.stringify(text)}`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new UpdateAttackError(`--url: only http and https URLs can be downloaded, got ${url.protocol}`);
  return url;
}

function positiveNumber(text: string | undefined, option: string, fallback: number): number {
  if (text === undefined) return fallback;
  const value = Number(text);
  if (!/^\d+(?:\.\d+)?$/.test(text) || !(value > 0)) throw new UpdateAttackError(`${option} must be a positive number, got ${JSON.stringify(text)}`);
  return value;
}

/**
 * The bundle at `url`, refused whole when it is larger than `maxBytes` or takes longer than `timeoutMs`, so a
 * broken download can only end in an error line, never in a snapshot built from part of a bundle.
 */
async function downloadStixObjects(url: URL, maxBytes: number, timeoutMs: number): Promise<LoadedObject[]> {
  const label = url.href;
  const tooLarge = (): UpdateAttackError =>
    new UpdateAttackError(`${label}: larger than ${maxBytes / 1024 / 1024} MiB; raise --max-size-mib if that is expected`);
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
    if (!response.ok) throw new UpdateAttackError(`${label}: HTTP ${response.status}${response.statusText === '' ? '' : ` ${response.statusText}`}`);
    if (Number(response.headers.get('content-length') ?? 0) > maxBytes) throw tooLarge();
    const chunks: Uint8Array[] = [];
    let size = 0;
    for await (const chunk of response.body ?? []) {
      size += chunk.byteLength;
      // Leaving the loop cancels the stream, so an endless answer stops here.
      if (size > maxBytes) throw tooLarge();
      chunks.push(chunk);
    }
    let text: string;
    try {
      text = new TextDecoder('utf-8', { fatal: true }).decode(Buffer.concat(chunks));
    } catch {
      throw new UpdateAttackError(`${label}: the answer is not UTF-8 text`);
    }
    return stixObjectsOfText(text, label);
  } catch (error) {
    if (error instanceof UpdateAttackError) throw error;
    if (error instanceof Error && error.name === 'TimeoutError') throw new UpdateAttackError(`${label}: no complete answer within ${timeoutMs / 1000} s (--timeout)`);
    // fetch reports network failures as "fetch failed" and keeps the reason (ECONNREFUSED, ENOTFOUND) in cause.
    const cause = error instanceof Error && error.cause instanceof Error ? `: ${error.cause.message}` : '';
    throw new UpdateAttackError(`${label}: cannot download (${error instanceof Error ? error.message : String(error)}${cause})`);
  }
}

async function main(argv: readonly string[]): Promise<number> {
  try {
    const commandLine = parseCommandLine(argv);
    if (commandLine === 'help') {
      process.stdout.write(`${USAGE}\n`);
      return 0;
    }
    const { source, out, version, maxBytes, timeoutMs } = commandLine;
    const objects = source.kind === 'url' ? await downloadStixObjects(source.url, maxBytes, timeoutMs) : loadStixObjects(source.path);
    const sourceName = source.kind === 'url' ? source.url.pathname : source.path;
    const { snapshot, notes } = buildSnapshot(objects, { sourceName, ...(version === undefined ? {} : { version }) });
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
        `(${subTechniques} sub-techniques, ${revoked} revoked, ${deprecated} deprecated), ` +
        `${snapshot.groups?.length ?? 0} groups, ${snapshot.software?.length ?? 0} software, ${snapshot.campaigns?.length ?? 0} campaigns, ` +
        `${Buffer.byteLength(text)} bytes\n`,
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
  process.exitCode = await main(process.argv.slice(2));
}
