/**
 * Code-unit order, independent of the machine's locale (localeCompare is not), so that every sorted list of
 * the output is the same on every machine: two builds of the same input must be byte-identical.
 */
export function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
