/**
 * A Splunk .conf reader for the tests of everything that writes savedsearches.conf (the Splunk backend's
 * savedsearches format, the bulk export), written from Splunk's description of the format and
 * independent of the writers.
 */

export interface Stanza {
  readonly name: string;
  readonly settings: [string, string][];
}

/**
 * A .conf file as Splunk reads it: `[name]` starts a stanza, `key = value` is a setting of the current
 * one, a line ending in `\` continues the value on the next line, `#` lines are comments. Any of CR,
 * LF or CRLF ends a line, as a lenient reader would take them. Other lines are returned as stray.
 */
export function readConf(text: string): { stanzas: Stanza[]; stray: string[] } {
  const lines = text.split(/\r\n|\r|\n/);
  const stanzas: Stanza[] = [];
  const stray: string[] = [];
  for (let index = 0; index < lines.length; index++) {
    const line = lines[index]!;
    const trimmed = line.trim();
    if (trimmed === '' || trimmed.startsWith('#')) continue;
    if (trimmed.startsWith('[') && trimmed.endsWith(']')) {
      stanzas.push({ name: trimmed.slice(1, -1), settings: [] });
      continue;
    }
    const equals = line.indexOf('=');
    const key = equals < 0 ? '' : line.slice(0, equals).trim();
    if (!/^[\w.]+$/.test(key) || stanzas.length === 0) {
      stray.push(line);
      continue;
    }
    let value = line.slice(equals + 1).trimStart();
    while (value.endsWith('\\') && index + 1 < lines.length) value = value.slice(0, -1) + '\n' + lines[++index];
    stanzas.at(-1)!.settings.push([key, value.trim()]);
  }
  return { stanzas, stray };
}

/** What a continued value reads back as: pySigma writes each line break as ` \` + newline. */
export function asContinued(text: string): string {
  return text.split(/\r\n|\r|\n/).join(' \n');
}
