/**
 * CSV as RFC 4180 writes it: fields separated by commas, records by CRLF, a field quoted when it holds a
 * comma, a double quote, CR or LF, and quotes inside doubled. Spreadsheets execute cells that start with
 * `=`, `+`, `-` or `@` (and some also after a leading tab or carriage return) as formulas, and rule titles
 * and descriptions come from third parties, so such cells get a leading apostrophe (OWASP's advice for
 * CSV injection); the apostrophe is part of the value, which any CSV parser reads back unchanged.
 */

const FORMULA_START = /^[=+\-@\t\r]/;

/** Prefixes a cell that a spreadsheet would evaluate with `'`. */
export function neutralizeFormula(value: string): string {
  return FORMULA_START.test(value) ? `'${value}` : value;
}

export function csvField(value: string): string {
  const safe = neutralizeFormula(value);
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

/** A whole file: the header row, then the rows; every record ends in CRLF. */
export function toCsv(header: readonly string[], rows: ReadonlyArray<readonly string[]>): string {
  const lines = [header, ...rows].map((row) => row.map(csvField).join(','));
  return `${lines.join('\r\n')}\r\n`;
}
