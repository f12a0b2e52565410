/**
 * JSON text exactly as Python's `json.dumps(value, indent=2)` writes it (ensure_ascii: every character
 * outside printable ASCII as `\uXXXX`), for outputs copied from sigmac and pySigma.
 */
export function pythonJson(value: unknown, indent?: number): string {
  const text = indent === undefined ? pythonCompact(value) : JSON.stringify(value, null, indent);
  return text.replace(/[\u007f-\uffff]/g, (c) => '\\u' + c.charCodeAt(0).toString(16).padStart(4, '0'));
}

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
