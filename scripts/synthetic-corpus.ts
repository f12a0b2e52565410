// A larger Sigma corpus for the `scale` benchmark, made from the real one: at factor k each real rule file
// appears k times, as itself and k - 1 variants. A variant differs the way a second, similar rule would:
// another file name, fresh ids, its own title, and some of its detection strings changed, so converting it
// is real work and its pages are not copies. Deterministic: every choice derives from a hash of the seed,
// the file's path and the copy number, so two generations are byte-identical.
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/** Sigma rule files under `folder`, relative and sorted (the order fixes the output). */
function ruleFiles(folder: string): string[] {
  return (readdirSync(folder, { recursive: true, withFileTypes: true }) as Array<{ name: string; parentPath: string; isFile(): boolean }>)
    .filter((entry) => entry.isFile() && /\.ya?ml$/.test(entry.name))
    .map((entry) => path.relative(folder, path.join(entry.parentPath, entry.name)).split(path.sep).join('/'))
    .sort();
}

/** A stream of deterministic bytes for one copy of one file. */
function copyHash(seed: string, file: string, copy: number, purpose: string): Buffer {
  return createHash('sha256').update(`${seed}\0${file}\0${copy}\0${purpose}`).digest();
}

function uuidFrom(bytes: Buffer): string {
  const hex = bytes.subarray(0, 16).toString('hex');
  // Version 4 and RFC 4122 variant bits, so the id reads as the ids Sigma rules carry.
  const variant = ((parseInt(hex[16]!, 16) & 0x3) | 0x8).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

// Line shapes the variant rewrites; each is anchored and has no nested quantifier.
const TOP_LEVEL_ID = /^id:[ \t]*\S+[ \t]*$/;
const TOP_LEVEL_TITLE = /^title:[ \t]*(.+)$/;
const TOP_LEVEL_KEY = /^[A-Za-z_]/;
/** A quoted detection string in a list, e.g. `      - '\cmd.exe'`. */
const QUOTED_LIST_ITEM = /^([ \t]+- )'([^']*)'[ \t]*$/;
/** A field whose values are matched as text (no regex, CIDR, number, encoding or expansion modifier). */
const FIELD_KEY = /^[ \t]+([^\s:|]+)((?:\|[a-z0-9]+)*):[ \t]*$/;
const TEXT_MODIFIERS = new Set(['', '|contains', '|endswith', '|startswith', '|all', '|contains|all']);

/** The title with a variant marker, inside its quotes when it has them (a YAML scalar stays one). */
function variantTitle(title: string, copy: number): string {
  const quote = title[0];
  if ((quote === "'" || quote === '"') && title.length > 1 && title.endsWith(quote)) return `${title.slice(0, -1)} (variant ${copy})${quote}`;
  return `${title} (variant ${copy})`;
}

/**
 * One variant of a rule file's text. Every second quoted string under a text field gets a suffix; the
 * other lines (condition, log source, tags, references) stay, so the variant converts like its original.
 */
export function ruleVariant(text: string, file: string, copy: number, seed: string): string {
  let documentIndex = 0;
  let inDetection = false;
  let textField = false;
  let item = 0;
  const salt = copyHash(seed, file, copy, 'values');
  return text
    .split('\n')
    .map((line) => {
      if (line === '---') documentIndex += 1;
      if (TOP_LEVEL_KEY.test(line)) {
        inDetection = line.startsWith('detection:');
        textField = false;
      }
      if (TOP_LEVEL_ID.test(line)) return `id: ${uuidFrom(copyHash(seed, file, copy, `id ${documentIndex}`))}`;
      const title = TOP_LEVEL_TITLE.exec(line);
      if (title) return `title: ${variantTitle(title[1]!.trimEnd(), copy)}`;
      if (!inDetection) return line;
      const field = FIELD_KEY.exec(line);
      if (field) {
        textField = TEXT_MODIFIERS.has(field[2]!);
        return line;
      }
      const quoted = QUOTED_LIST_ITEM.exec(line);
      if (!quoted || !textField || quoted[2]!.length === 0) return line;
      item += 1;
      if ((item + salt[item % salt.length]!) % 2 === 0) return line;
      return `${quoted[1]}'${quoted[2]}-v${copy}'`;
    })
    .join('\n');
}

/**
 * Writes `factor` copies of every rule file under `source` into `target` (same folders; copy 0 is the file
 * itself, copy n is `<name>_v<n>.yml`) and returns the number of files written.
 */
export function writeSyntheticCorpus(source: string, target: string, factor: number, seed = 'atc-scale-1'): number {
  let written = 0;
  const made = new Set<string>();
  for (const file of ruleFiles(source)) {
    const text = readFileSync(path.join(source, file), 'utf8');
    const folder = path.join(target, path.dirname(file));
    if (!made.has(folder)) {
      mkdirSync(folder, { recursive: true });
      made.add(folder);
    }
    const extension = path.extname(file);
    const base = path.basename(file, extension);
    for (let copy = 0; copy < factor; copy += 1) {
      const name = copy === 0 ? `${base}${extension}` : `${base}_v${copy}${extension}`;
      writeFileSync(path.join(folder, name), copy === 0 ? text : ruleVariant(text, file, copy, seed));
      written += 1;
    }
  }
  return written;
}
