import { lstatSync, readdirSync, realpathSync } from 'node:fs';
import { homedir } from 'node:os';
import path from 'node:path';
import type { BuildConfig } from '../config.ts';
import { CACHE_FOLDER_NAME } from './output-cache.ts';
import { displayPath, OutputFolderError } from './output-folder-error.ts';
import { MANIFEST_NAME, readManifest } from './output-manifest.ts';

/** What the guard needs of the configuration: where the inputs are and which folder is the project's. */
export type OutputGuardConfig = Pick<BuildConfig, 'rootDir' | 'inputs' | 'pipelines'>;

/**
 * Throws OutputFolderError (exit 2) when `outDir` must never be an output folder, whatever the flags:
 * a symbolic link (a rebuild would work on the folder it points to, which the user never named), an
 * input folder or a folder that contains or lies inside one (the build would read its own output, and
 * replacing it would take the inputs along), the configuration's folder or a folder containing it (the
 * project: `--out .`), the home folder or a folder containing it, `/`, or atc's own cache.
 */
export function refuseUnsafeOutput(outDir: string, config: OutputGuardConfig, home: string = homedir()): void {
  const out = path.resolve(outDir);
  const shown = displayPath(out);
  const refuse = (why: string): never => {
    throw new OutputFolderError(`refusing to write the output into ${shown}: ${why}`, 2);
  };
  const stat = lstatOrUndefined(out);
  if (stat?.isSymbolicLink()) refuse('it is a symbolic link; name the folder itself');
  if (stat && !stat.isDirectory()) refuse('it is not a folder');
  if (out.split(path.sep).includes(CACHE_FOLDER_NAME)) refuse(`it is inside atc's cache folder ${CACHE_FOLDER_NAME}`);
  const real = realPathOf(out);
  if (path.dirname(real) === real) refuse('it is the root folder');
  const relation = (other: string): string | undefined => {
    const otherReal = realPathOf(other);
    if (otherReal === real) return 'is';
    if (isInside(otherReal, real)) return 'contains';
    if (isInside(real, otherReal)) return 'lies inside';
    return undefined;
  };
  const project = relation(config.rootDir);
  if (project === 'is' || project === 'contains') refuse(project === 'is' ? "it is the configuration's folder (the project)" : `it contains the configuration's folder ${displayPath(path.resolve(config.rootDir))}`);
  const inputs = [
    ...Object.values(config.inputs).flat(),
    ...(config.pipelines ?? []).map((pipeline) => path.resolve(config.rootDir, pipeline.file)),
  ];
  for (const input of inputs) {
    const how = relation(input);
    if (how) refuse(`it ${how} the input ${displayPath(input)}`);
  }
  const homeRelation = relation(home);
  if (homeRelation === 'is' || homeRelation === 'contains') refuse(`it ${homeRelation} the home folder`);
}

/**
 * Throws OutputFolderError (exit 2) when `outDir` is a non-empty folder that no build of atc wrote (it
 * has no manifest) and `force` is not given: the first build would otherwise mix the site into the
 * user's files. The message names a few of them so the user sees what was at stake.
 */
export function refuseForeignFolder(outDir: string, force: boolean): void {
  const out = path.resolve(outDir);
  let names: string[];
  try {
    names = readdirSync(out);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw error;
  }
  if (names.length === 0 || force) return;
  try {
    if (readManifest(out) !== undefined) return;
  } catch (error) {
    throw new OutputFolderError(`${displayPath(out)} has a broken ${MANIFEST_NAME} (${(error as Error).message}); remove it only if the folder holds nothing but an earlier build`, 2);
  }
  names.sort();
  const listed = names.slice(0, 3).map((name) => JSON.stringify(name)).join(', ');
  const more = names.length > 3 ? ` and ${names.length - 3} more` : '';
  throw new OutputFolderError(
    `refusing to write the output into ${displayPath(out)}: it holds files atc did not write (${listed}${more}); choose an empty or new folder, or pass --force to add the site to it (atc then never deletes or overwrites a file it did not write)`,
    2,
  );
}

function isInside(child: string, parent: string): boolean {
  const relative = path.relative(parent, child);
  return relative !== '' && !relative.startsWith(`..${path.sep}`) && relative !== '..' && !path.isAbsolute(relative);
}

/** The entry itself (a link is not followed), or undefined when nothing is there. */
export function lstatOrUndefined(target: string): ReturnType<typeof lstatSync> | undefined {
  try {
    return lstatSync(target);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

/**
 * The path with every symbolic link resolved, for the part of it that exists: two spellings of one
 * folder (a linked parent, `a/../b`) compare equal. The missing rest is appended as written.
 */
function realPathOf(target: string): string {
  const absolute = path.resolve(target);
  const missing: string[] = [];
  for (let current = absolute; ; current = path.dirname(current)) {
    try {
      return path.join(realpathSync(current), ...missing);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT' || path.dirname(current) === current) throw error;
      missing.unshift(path.basename(current));
    }
  }
}
