import { compareText } from '../model/compare-text.ts';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { findYamlFiles, type InputFile } from '../load/find-input-files.ts';
import { readYamlFile } from '../load/read-yaml-file.ts';
import { formatIssue, issueText, type Issue } from '../model/issue.ts';
import { terminalLine } from '../terminal-text.ts';
import { loadPipelineFile, userPipelineMap } from '../load/load-pipelines.ts';
import { checkTargetSpec, convertCollection, listTargets, parseTargetSpec, type ConversionResult, type TargetSpec, type UserPipelines } from '../sigma/convert-collection.ts';
import { parseSigmaCollection } from '../sigma/parse-sigma-collection.ts';
import type { SigmaRule } from '../sigma/sigma-rule.ts';

const USAGE = `usage: atc convert --target <id> [--pipeline <name> | --pipeline-file FILE] [--output-format <fmt>] [--jsonl] [--root DIR] <file|dir>...

Converts Sigma rule files into queries for one target and prints them, one query per line
(or, with --jsonl, one JSON object per rule file, in the shape of the reference conversion files).
The target may also be written as id+pipeline@format.

options:
  --target, -t <id>        ${listTargets().map((t) => t.id).join(', ')}
  --pipeline, -p <name>    field-mapping pipeline of the target (${listTargets().filter((t) => t.pipelines.length).map((t) => `${t.id}: ${t.pipelines.join(', ')}`).join('; ')})
  --pipeline-file <file>   a user field-mapping pipeline (YAML, see README "Custom field mappings")
  --output-format, -f <f>  output format of the target (${listTargets().filter((t) => t.formats.length).map((t) => `${t.id}: ${t.formats.join(', ')}`).join('; ')})
  --jsonl                  one JSON line per file: {"rule", "id", "target", "ok", "queries" | "error"}
  --root <dir>             folder the "rule" paths are relative to (default: the current folder)

Exit status: 0 when every file was loaded (a rule the target cannot express is reported on standard
error and does not fail the command), 1 when a file could not be loaded (its issue lines are printed on
standard error), 2 when the command line is wrong.
`;

export interface ConvertedFile {
  readonly relativePath: string;
  readonly id: string | null;
  readonly result: ConversionResult;
}

/** A rule file read and parsed once, ready to be converted for any number of targets. */
export interface LoadedRuleFile {
  readonly id: string | null;
  readonly rules: readonly SigmaRule[];
  /** Why the file cannot be converted at all (load or parse errors, no rule). */
  readonly failure?: string;
  /** The load and parse errors, when there are any: the file is broken, not merely out of a target's reach. */
  readonly errors?: readonly Issue[];
}

export function loadRuleFile(file: InputFile): LoadedRuleFile {
  const yaml = readYamlFile(file.absolutePath, file.displayPath);
  const parsed = parseSigmaCollection(yaml.documents);
  const errors = [...yaml.issues, ...parsed.issues].filter((issue) => issue.severity === 'error');
  const id = parsed.rules[0]?.id ?? parsed.correlations[0]?.id ?? null;
  if (errors.length > 0) return { id, rules: [], failure: errors.map(issueText).join('; '), errors };
  if (parsed.rules.length === 0) {
    return { id, rules: [], failure: parsed.correlations.length ? 'correlation rules are not supported by this target' : 'no Sigma rule in this file' };
  }
  return { id, rules: parsed.rules };
}

export function convertLoadedRuleFile(loaded: LoadedRuleFile, spec: TargetSpec, userPipelines?: UserPipelines): ConversionResult {
  return loaded.failure !== undefined ? { ok: false, reason: loaded.failure, category: 'feature' } : convertCollection(loaded.rules, spec, userPipelines);
}

/** Loads, parses and converts one rule file; load and parse errors become a failed result. */
export function convertRuleFile(file: InputFile, spec: TargetSpec, userPipelines?: UserPipelines): Omit<ConvertedFile, 'relativePath'> {
  const loaded = loadRuleFile(file);
  return { id: loaded.id, result: convertLoadedRuleFile(loaded, spec, userPipelines) };
}

export async function runConvert(args: string[]): Promise<number> {
  let values: { target?: string; pipeline?: string; 'pipeline-file'?: string; 'output-format'?: string; jsonl?: boolean; root?: string; help?: boolean };
  let positionals: string[];
  try {
    ({ values, positionals } = parseArgs({
      args,
      allowPositionals: true,
      options: {
        target: { type: 'string', short: 't' },
        pipeline: { type: 'string', short: 'p' },
        'pipeline-file': { type: 'string' },
        'output-format': { type: 'string', short: 'f' },
        jsonl: { type: 'boolean' },
        root: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (error) {
    process.stderr.write(`${terminalLine(`atc convert: ${(error as Error).message}`)}\n${USAGE}`);
    return 2;
  }
  if (values.help) {
    process.stdout.write(USAGE);
    return 0;
  }
  if (!values.target || positionals.length === 0) {
    process.stderr.write(`atc convert: ${!values.target ? '--target is required' : 'no rule file or folder given'}\n${USAGE}`);
    return 2;
  }
  let text = values.target;
  if (values.pipeline && !values['pipeline-file']) text += `+${values.pipeline}`;
  if (values['output-format']) text += `@${values['output-format']}`;
  let spec = parseTargetSpec(text);
  let userPipelines: UserPipelines | undefined;
  const pipelineFile = values['pipeline-file'];
  if (pipelineFile !== undefined && typeof spec !== 'string') {
    const name = path.basename(pipelineFile).replace(/\.ya?ml$/i, '');
    const loaded = loadPipelineFile(path.resolve(pipelineFile), pipelineFile, name);
    for (const issue of loaded.issues) process.stderr.write(`${formatIssue(issue)}\n`);
    if (!loaded.pipeline) return 2;
    userPipelines = userPipelineMap([loaded.pipeline]);
    spec = checkTargetSpec({ ...spec, pipeline: name }, userPipelines);
  }
  if (typeof spec === 'string') {
    process.stderr.write(`${terminalLine(`atc convert: ${spec}`)}\n${USAGE}`);
    return 2;
  }
  const root = path.resolve(values.root ?? '.');
  const files = new Map<string, InputFile>();
  for (const input of positionals) {
    const found = findYamlFiles(input);
    if (found.length === 0) {
      process.stderr.write(`${terminalLine(`atc convert: no .yml/.yaml file at "${input}"`)}\n`);
      return 2;
    }
    for (const file of found) files.set(toPosix(path.relative(root, file.absolutePath)), file);
  }
  const targetName = spec.target + (spec.pipeline ? `+${spec.pipeline}` : '') + (spec.format ? `@${spec.format}` : '');
  const out: string[] = [];
  const flush = (): void => {
    if (out.length) process.stdout.write(out.join(''));
    out.length = 0;
  };
  let brokenFiles = 0;
  for (const relativePath of [...files.keys()].sort(compareText)) {
    const loaded = loadRuleFile(files.get(relativePath)!);
    const { id } = loaded;
    const result = convertLoadedRuleFile(loaded, spec, userPipelines);
    if (loaded.errors) {
      brokenFiles += 1;
      // The issue lines on standard error in every format, so that a broken file is seen even under --jsonl.
      process.stderr.write(`${loaded.errors.map(formatIssue).join('\n')}\n`);
    }
    if (values.jsonl) {
      // Key order and `, ` / `: ` spacing as in the reference files (Python's json.dumps).
      const head = `{"rule": ${JSON.stringify(relativePath)}, "id": ${JSON.stringify(id)}, "target": ${JSON.stringify(targetName)}`;
      out.push(result.ok ? `${head}, "ok": true, "queries": [${result.queries.map((q) => jsonQuery(q, spec)).join(', ')}]}\n` : `${head}, "ok": false, "error": ${JSON.stringify(result.reason)}}\n`);
    } else if (result.ok) {
      for (const query of result.queries) {
        // Escaping would change what the query matches, so a query that cannot be printed as it is is not printed.
        if (isPrintable(query)) out.push(query.endsWith('\n') ? query : query + '\n');
        else process.stderr.write(`${terminalLine(`${relativePath}: not printed: the query holds a control character or a line that would start a GitHub Actions workflow command; --jsonl prints it escaped`)}\n`);
      }
    } else if (!loaded.errors) {
      process.stderr.write(`${terminalLine(`${relativePath}: ${result.reason}`)}\n`);
    }
    if (out.length > 256) flush();
  }
  flush();
  if (brokenFiles > 0) process.stderr.write(`atc convert: ${brokenFiles} ${brokenFiles === 1 ? 'file' : 'files'} could not be loaded\n`);
  return brokenFiles > 0 ? 1 : 0;
}

/** True when every line of a query prints as it is: no control character, no workflow command (see terminal-text.ts). */
function isPrintable(query: string): boolean {
  return query.split('\n').every((line) => terminalLine(line) === line);
}

/** JSON output formats carry objects in the reference files, text formats strings. */
function jsonQuery(query: string, spec: TargetSpec): string {
  if (spec.format && (query.startsWith('{') || query.startsWith('['))) {
    try {
      return compactJson(JSON.parse(query));
    } catch {
      // not JSON after all: keep it as a string
    }
  }
  return JSON.stringify(query);
}

function compactJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(compactJson).join(', ')}]`;
  if (value && typeof value === 'object') return `{${Object.entries(value).map(([k, v]) => `${JSON.stringify(k)}: ${compactJson(v)}`).join(', ')}}`;
  return JSON.stringify(value);
}

function toPosix(p: string): string {
  return p.split(path.sep).join('/');
}
