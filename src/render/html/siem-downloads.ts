import { QUERIES_JSONL, SIEM_EXPORTS_INDEX, type BulkFileKind } from '../../export/siem-exports.ts';
import type { OutputFile } from '../render-markdown-pages.ts';
import { code, count, section } from './components.ts';
import { html, type SafeHtml } from './escape-html.ts';

/** exports/index.json as src/export/siem-exports.ts writes it. */
interface SiemExportsIndex {
  readonly files: readonly {
    readonly path: string;
    readonly kind: BulkFileKind;
    readonly target: string;
    readonly title: string;
    readonly entries: number;
    readonly rules: number;
    readonly not_converted: number;
    readonly left_out: readonly { readonly id: string; readonly reason: string }[];
  }[];
  readonly queries: { readonly path: string; readonly rules: number; readonly targets: readonly string[] };
}

const KIND_WHAT: Readonly<Record<BulkFileKind, string>> = {
  'splunk-saved-searches': 'Splunk saved searches (an app’s local/savedsearches.conf), disabled',
  'kibana-saved-searches': 'Kibana saved searches (Stack Management → Saved objects → Import)',
  'elastic-detection-rules': 'Elastic Security detection rules (Rules → Import rules), disabled',
};

export interface DownloadsTableParts {
  readonly fileLink: (file: OutputFile) => SafeHtml;
  readonly size: (file: OutputFile) => number;
  readonly formatSize: (bytes: number) => string;
}

type DownloadsTable = (caption: string, headings: readonly string[], rows: readonly SafeHtml[]) => SafeHtml;

/**
 * The Downloads page's section on the bulk SIEM files, from the index the export wrote with them (the
 * counts are the export's own, not re-read from the files); `listed` are the files it covers.
 */
export function siemExportsSection(files: readonly OutputFile[], parts: DownloadsTableParts): { render: (table: DownloadsTable) => SafeHtml; listed: readonly OutputFile[] } | undefined {
  const indexFile = files.find((file) => file.path === SIEM_EXPORTS_INDEX);
  if (!indexFile) return undefined;
  const index = JSON.parse(indexFile.content) as SiemExportsIndex;
  const byPath = new Map(files.map((file) => [file.path, file]));
  const listed: OutputFile[] = [indexFile];
  const rows: SafeHtml[] = [];
  for (const entry of index.files) {
    const file = byPath.get(entry.path);
    if (!file) continue;
    listed.push(file);
    const missing = [
      entry.not_converted > 0 ? `${count(entry.not_converted, 'rule')} that do not convert for this target` : '',
      entry.left_out.length > 0 ? `${count(entry.left_out.length, 'query', 'queries')} the file cannot hold (${[...new Set(entry.left_out.map((left) => left.reason))].join('; ')})` : '',
    ].filter((text) => text !== '');
    rows.push(
      html`<tr><td>${parts.fileLink(file)}</td><td>${entry.title} (${code(entry.target)}): ${KIND_WHAT[entry.kind]}${missing.length > 0 ? html`<br><span class="muted">Leaves out ${missing.join(' and ')}.</span>` : ''}</td><td class="num">${entry.entries.toLocaleString('en-US')}</td><td class="num">${parts.formatSize(parts.size(file))}</td></tr>`,
    );
  }
  const jsonl = byPath.get(QUERIES_JSONL);
  if (jsonl) {
    listed.push(jsonl);
    rows.push(
      html`<tr><td>${parts.fileLink(jsonl)}</td><td>Every rule’s queries for every target (${index.queries.targets.map((target, position) => html`${position > 0 ? ', ' : ''}${code(target)}`)}), one JSON line per rule, with why a rule does not convert</td><td class="num">${index.queries.rules.toLocaleString('en-US')}</td><td class="num">${parts.formatSize(parts.size(jsonl))}</td></tr>`,
    );
  }
  rows.push(html`<tr><td>${parts.fileLink(indexFile)}</td><td>The list of these files, with the counts above, as JSON</td><td class="num">${index.files.length}</td><td class="num">${parts.formatSize(parts.size(indexFile))}</td></tr>`);
  const render = (table: DownloadsTable): SafeHtml =>
    section(
      'SIEM exports',
      html`<p>All rules of a query target in the file the SIEM imports, one entry per query (a rule with several conditions gives several). A rule that does not convert for a target is left out of that target’s files.</p>${table('SIEM files', ['File', 'What', 'Entries', 'Size'], rows)}`,
      { id: 'siem-exports' },
    );
  return { render, listed };
}
