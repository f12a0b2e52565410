/**
 * JSON for files that must be byte-identical from build to build and diff well: object keys sorted
 * (by UTF-16 code unit, independent of locale), two-space indentation (or none, for bulk files), a final
 * newline. Arrays keep their order, so every list the exports write is sorted by its producer.
 */
export function stableJson(value: unknown, options: { compact?: boolean } = {}): string {
  return stableJsonWriter()(value, options);
}

/**
 * A stableJson that remembers the objects it has sorted, for a batch of documents that share objects
 * (the bulk files repeat the per-entity documents): each object is sorted once. The objects must not
 * change while the writer is in use.
 */
export function stableJsonWriter(): (value: unknown, options?: { compact?: boolean }) => string {
  const sorted = new WeakMap<object, unknown>();
  // Objects whose keys are already in order (the exports build most of theirs so) are kept, not copied.
  const sortKeys = (value: unknown): unknown => {
    if (value === null || typeof value !== 'object') return value;
    const known = sorted.get(value);
    if (known !== undefined) return known;
    let result: unknown = value;
    if (Array.isArray(value)) {
      for (let index = 0; index < value.length; index++) {
        const item = sortKeys(value[index]);
        if (item !== value[index]) {
          if (result === value) result = value.slice();
          (result as unknown[])[index] = item;
        }
      }
    } else {
      const record = value as Record<string, unknown>;
      const keys = Object.keys(record);
      let inOrder = true;
      for (let index = 0; index < keys.length; index++) {
        const item = record[keys[index]!];
        if (item === undefined || (index > 0 && keys[index - 1]! > keys[index]!) || (item !== null && typeof item === 'object' && sortKeys(item) !== item)) {
          inOrder = false;
          break;
        }
      }
      if (!inOrder) {
        const copy: Record<string, unknown> = {};
        // The default sort compares UTF-16 code units, independent of locale.
        for (const key of keys.sort()) {
          const item = record[key];
          if (item !== undefined) copy[key] = sortKeys(item);
        }
        result = copy;
      }
    }
    sorted.set(value, result);
    return result;
  };
  return (value, options = {}) => `${JSON.stringify(sortKeys(value), null, options.compact ? undefined : 2)}\n`;
}
