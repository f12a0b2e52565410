import { statSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { loadConfig } from '../load/load-config.ts';
import { checkLinks } from '../site/check-links.ts';
import { escapeControlCharacters, terminalLine } from '../terminal-text.ts';

const USAGE = `usage: atc check-links [DIR] [--path-prefix PREFIX] [--config FILE]

Checks every internal link and anchor of a built site (default: the configured output folder, _site):
each must name a file that exists and, with a #fragment, an id on that page. Links must stay under the
path prefix (default: site.path_prefix of the configuration). Prints one line per problem; exits 1 when
there is any, 2 when the command line is wrong or the folder does not exist.
`;

export async function runCheckLinks(args: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({ args, allowPositionals: true, options: { 'path-prefix': { type: 'string' }, config: { type: 'string' }, help: { type: 'boolean', short: 'h' } } });
  } catch (error) {
    process.stderr.write(`${terminalLine(`atc check-links: ${(error as Error).message}`)}\n${USAGE}`);
    return 2;
  }
  if (parsed.values.help) {
    process.stdout.write(USAGE);
    return 0;
  }
  if (parsed.positionals.length > 1) {
    process.stderr.write(`atc check-links: one folder at most\n${USAGE}`);
    return 2;
  }
  const { config } = loadConfig({ configFile: parsed.values.config });
  const folder = parsed.positionals[0] ?? config.outDir;
  if (!isFolder(folder)) {
    process.stderr.write(`${terminalLine(`atc check-links: ${path.relative(process.cwd(), folder) || folder}: no such folder (build the site first, or name its folder)`)}\n`);
    return 2;
  }
  const started = performance.now();
  const report = checkLinks(folder, { pathPrefix: parsed.values['path-prefix'] ?? config.site.pathPrefix });
  for (const problem of report.problems) process.stdout.write(`${terminalLine(`${problem.page}: ${problem.url}: ${problem.problem}`)}\n`);
  const seconds = ((performance.now() - started) / 1000).toFixed(2);
  process.stderr.write(`atc check-links: ${report.pages} pages, ${report.links} links checked in ${escapeControlCharacters(path.relative(process.cwd(), folder) || folder)}; ${report.problems.length} problems (${seconds} s)\n`);
  return report.problems.length > 0 ? 1 : 0;
}

function isFolder(candidate: string): boolean {
  try {
    return statSync(candidate).isDirectory();
  } catch {
    return false;
  }
}
