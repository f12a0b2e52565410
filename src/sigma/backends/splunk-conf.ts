import { ConversionError } from '../conversion-error.ts';

/*
 * savedsearches.conf syntax: a `[name]` line starts a stanza, `key = value` lines are its settings, and a
 * line ending in `\` continues the value on the next line. Rule text must not change that structure. The
 * Splunk backend's savedsearches format and the bulk export (src/export/splunk-saved-searches.ts) both
 * write through these.
 */

/** pySigma's stanza name (the title without `[` and `]`), with line breaks as spaces: one line, one stanza. */
export function confStanzaName(title: string): string {
  return title.replace(/[[\]]/g, '').replace(/[\r\n]+/g, ' ');
}

/** Description text as a setting value: a trailing backslash would continue it into the next setting. */
export function confDescription(description: string): string {
  let end = description.length;
  while (end > 0 && description[end - 1] === '\\') end--;
  return description.slice(0, end);
}

/**
 * Setting lines. Each line break of a value (CR, LF or CRLF) becomes pySigma's continuation ` \` (the
 * space keeps a line that itself ends in a backslash from reading as an escaped one); a value ending in a
 * backslash cannot be written (it would swallow the next line).
 */
export function confSettings(entries: readonly (readonly [string, string])[]): string {
  return entries
    .map(([key, value]) => {
      if (value.endsWith('\\')) throw new ConversionError('SigmaFeatureNotSupportedByBackendError', `the ${key} setting of a savedsearches.conf stanza cannot end with a backslash`);
      return `\n${key} = ${value.split(/\r\n?|\n/).join(' \\\n')}`;
    })
    .join('');
}
