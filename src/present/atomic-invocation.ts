import type { AtomicInputArgument, AtomicTest, TriggerTechnique } from '../model/entities.ts';

/**
 * How an analyst runs an atomic test: the Invoke-AtomicTest lines (Invoke-AtomicRedTeam's PowerShell
 * module) and the test's commands cut at their input-argument placeholders. Pure text: the pages show it,
 * nothing here or in the browser ever runs it.
 */

/** One way to call Invoke-AtomicTest for a test. */
export interface InvokeAtomicLine {
  /** What the line does, as a short label ("Run", "Get prerequisites"). */
  readonly purpose: string;
  readonly command: string;
}

/** Invoke-AtomicTest matches -TestGuids against the whole GUID: only a GUID of that shape makes a line. */
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * The Invoke-AtomicTest lines of a test: run it by number (its place in the file) and by GUID, check and
 * get its prerequisites when it has any, and clean up when it has a cleanup command. A manual test has
 * none: Invoke-AtomicTest does not run manual tests.
 */
export function invokeAtomicTestLines(trigger: TriggerTechnique, test: AtomicTest): InvokeAtomicLine[] {
  if (test.executor.name === 'manual') return [];
  const byNumber = `Invoke-AtomicTest ${trigger.techniqueId} -TestNumbers ${test.number}`;
  const lines: InvokeAtomicLine[] = [{ purpose: 'Run', command: byNumber }];
  const guid = test.guid?.trim();
  if (guid !== undefined && GUID.test(guid)) lines.push({ purpose: 'Run by GUID', command: `Invoke-AtomicTest ${trigger.techniqueId} -TestGuids ${guid}` });
  if (test.dependencies.length > 0) {
    lines.push({ purpose: 'Check prerequisites', command: `${byNumber} -CheckPrereqs` }, { purpose: 'Get prerequisites', command: `${byNumber} -GetPrereqs` });
  }
  if (test.executor.cleanupCommand) lines.push({ purpose: 'Clean up', command: `${byNumber} -Cleanup` });
  return lines;
}

/** A piece of a command: text as written, or the place of an input argument (its index in the test's list). */
export type CommandPart = { readonly text: string } | { readonly argument: number; readonly placeholder: string };

/** `#{name}` as Atomic Red Team writes placeholders; no nesting, so one linear scan finds them all. */
const PLACEHOLDER = /#\{([^{}\r\n]*)\}/g;

/**
 * A command cut at its placeholders, as Invoke-AtomicTest fills them: `#{name}` where `name` is exactly an
 * input argument of the test becomes that argument's place; any other `#{…}` stays text. The browser puts a
 * value in each place once, so a value that itself holds `#{x}` is shown as typed and never expanded again.
 */
export function commandParts(command: string, inputArguments: readonly AtomicInputArgument[]): CommandPart[] {
  const indexes = new Map(inputArguments.map((argument, index) => [argument.name, index]));
  const parts: CommandPart[] = [];
  let from = 0;
  for (const match of command.matchAll(PLACEHOLDER)) {
    const argument = indexes.get(match[1]!);
    if (argument === undefined) continue;
    if (match.index > from) parts.push({ text: command.slice(from, match.index) });
    parts.push({ argument, placeholder: match[0] });
    from = match.index + match[0].length;
  }
  if (from < command.length) parts.push({ text: command.slice(from) });
  return parts;
}

