/**
 * A reader for Splunk .conf files, written from Splunk's description of the format ("About configuration
 * files", "Configuration file structure") and independent of the writer under test: `[name]` lines start
 * a stanza, `key = value` lines are its settings, a line ending in a backslash continues its value on the
 * next line (the backslash and line break are kept as a line break), `#` lines are comments, and a setting
 * before any stanza belongs to `[default]`. Anything else is an error, so a broken file fails the test.
 */

export interface ConfStanza {
  readonly name: string;
  readonly settings: Map<string, string>;
  /** 1-based line of the `[name]` line. */
  readonly line: number;
}

export function readConf(text: string): ConfStanza[] {
  const stanzas: ConfStanza[] = [];
  const lines = text.split('\n');
  let current: ConfStanza | undefined;
  for (let index = 0; index < lines.length; index++) {
    const line = lines[index]!;
    const trimmed = line.trim();
    if (trimmed === '' || trimmed.startsWith('#')) continue;
    if (trimmed.startsWith('[')) {
      if (!trimmed.endsWith(']')) throw new Error(`line ${index + 1}: a stanza line must end in ]: ${JSON.stringify(line)}`);
      current = { name: trimmed.slice(1, -1), settings: new Map(), line: index + 1 };
      stanzas.push(current);
      continue;
    }
    const equals = line.indexOf('=');
    if (equals === -1) throw new Error(`line ${index + 1}: neither a stanza, a setting nor a comment: ${JSON.stringify(line)}`);
    if (!current) throw new Error(`line ${index + 1}: a setting outside any stanza (it would set [default])`);
    const key = line.slice(0, equals).trim();
    let value = line.slice(equals + 1).replace(/^[ \t]+/, '');
    while (value.endsWith('\\') && index + 1 < lines.length) {
      index++;
      value = `${value.slice(0, -1)}\n${lines[index]!}`;
    }
    if (current.settings.has(key)) throw new Error(`line ${index + 1}: [${current.name}] sets ${key} twice`);
    current.settings.set(key, value.trimEnd());
  }
  return stanzas;
}

/** A value as the writer continues it: every line break preceded by a space (the continuation's ` \`). */
export function continued(value: string): string {
  return value.split(/\r\n?|\n/).join(' \n').trimEnd();
}
