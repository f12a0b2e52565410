/**
 * JSON text exactly as Python's `json.dumps(value, indent=2)` writes it (ensure_ascii: every character
 * outside printable ASCII as `\uXXXX`), for outputs copied from sigmac and pySigma.
 */
export function pythonJson(value: unknown, indent?: number): string {
  const text = indent === undefined ? pythonCompact(value) : JSON.stringify(value, null, indent);
  return NON_ASCII.test(text) ? text.replace(NON_ASCII_ALL, (c) => '\\u' + c.charCodeAt(0).toString(16).padStart(4, '0')) : text;
}

const NON_ASCII = /[\u007f-\uffff]/;
const NON_ASCII_ALL = /[\u007f-\uffff]/g;

/** `json.dumps(value)` without indent uses `, ` and `: ` separators. */
function pythonCompact(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(pythonCompact).join(', ')}]`;
  if (value && typeof value === 'object') {
    return `{${Object.entries(value)
      .filter(([, item]) => item !== undefined)
      .map(([key, item]) => `${JSON.stringify(key)}: ${pythonCompact(item)}`)
      .join(', ')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}
