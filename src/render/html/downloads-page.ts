import type { DownloadEntry, DownloadSection, ListedFile } from '../../present/output-file.ts';
import type { BuildConfig } from '../../config.ts';
import { ATTACK_NAVIGATOR_URL, navigatorLayerLink } from '../../export/navigator-layer.ts';
import { MARKDOWN_ROOT } from '../../present/page-addresses.ts';
import { SiteUrls } from '../../present/site-urls.ts';
import { count, externalLink, link, pageHeader, section } from './components.ts';
import { html, type SafeHtml } from './escape-html.ts';
import type { SiteContext, SitePage } from './site-context.ts';

export const DOWNLOADS_PATH = '/downloads/';

/** "812 B", "12.3 kB", "4.5 MB" (powers of 1000, as file managers show them). */
export function formatSize(bytes: number): string {
  if (bytes < 1000) return `${bytes} B`;
  if (bytes < 1_000_000) return `${(bytes / 1000).toFixed(1)} kB`;
  return `${(bytes / 1_000_000).toFixed(1)} MB`;
}

/** Whether the layers open in the hosted Navigator from here, and why not. */
function navigatorNote(published: SiteUrls | undefined): SafeHtml {
  return published?.absolute
    ? html`<p>“Open in ATT&CK Navigator” loads a layer from this site into MITRE’s hosted Navigator.</p>`
    : html`<p class="muted">No “open in ATT&CK Navigator” links: the hosted Navigator loads a layer from a public, absolute URL, and this site was built without <code>site.base_url</code>. Download a layer and upload it instead.</p>`;
}

/**
 * The files one folder below `top` (api/rules/…, layers/groups/…), by folder, in output order; a file that
 * states its own entry (a profile's layer) gets its own row instead.
 */
function filesByFolder(files: readonly ListedFile[], top: string): Map<string, ListedFile[]> {
  const folders = new Map<string, ListedFile[]>();
  for (const file of files) {
    const slash = file.path.lastIndexOf('/');
    const folder = file.path.slice(0, slash);
    if (file.download || !file.path.endsWith('.json') || !folder.startsWith(`${top}/`) || folder.indexOf('/', top.length + 1) !== -1) continue;
    const list = folders.get(folder);
    if (list) list.push(file);
    else folders.set(folder, [file]);
  }
  return folders;
}

/**
 * The machine-readable files of the build (Navigator layers, JSON, CSV, the Atom feed), from the build's
 * own output files, so the page lists exactly what was written: each file with what it is and a count of
 * what it holds, as the export stated them (ListedFile.download), and its size.
 */
export function renderDownloadsPage(files: readonly ListedFile[], context: SiteContext, site?: Pick<BuildConfig['site'], 'baseUrl' | 'pathPrefix'>): SitePage {
  const { urls } = context;
  // The Navigator fetches a layer by URL: only a published site (site.base_url) has one it can reach.
  const published = site ? SiteUrls.published(context.kb, site) : undefined;
  const openInNavigator = (file: ListedFile): SafeHtml | '' => (published?.absolute ? html`<br>${externalLink(navigatorLayerLink(published.href(`/${file.path}`)), 'open in ATT&CK Navigator')}` : '');
  const fileLink = (file: ListedFile): SafeHtml => link(urls.href(`/${file.path}`), file.path);
  const markdown = files.filter((file) => file.path.startsWith(`${MARKDOWN_ROOT}/`));
  const exports = files.filter((file) => !file.path.startsWith(`${MARKDOWN_ROOT}/`));
  const listedIn = (section: DownloadSection) => exports.filter((file): file is ListedFile & { download: DownloadEntry } => file.download?.section === section);
  const layers = listedIn('layers');
  const bulk = listedIn('json');
  const entityFolders = filesByFolder(exports, 'api');
  const layerFolders = filesByFolder(exports, 'layers');
  const csv = listedIn('csv');
  const feed = listedIn('feed')[0];
  const siem = listedIn('siem');
  const caseTemplates = listedIn('thehive');
  const listed = new Set([...layers, ...[...layerFolders.values()].flat(), ...bulk, ...[...entityFolders.values()].flat(), ...csv, ...(feed ? [feed] : []), ...siem, ...caseTemplates]);
  const others = exports.filter((file) => !listed.has(file));

  const table = (caption: string, headings: readonly string[], rows: readonly SafeHtml[]): SafeHtml =>
    html`<div class="table-wrap"><table class="grid downloads"><caption class="visually-hidden">${caption}</caption><thead><tr>${headings.map((heading, index) => html`<th scope="col"${index >= 2 ? html` class="num"` : ''}>${heading}</th>`)}</tr></thead><tbody>${rows}</tbody></table></div>`;
  const parts: SafeHtml[] = [];
  const folderRow = (folder: string, documents: readonly ListedFile[], what: string, key = 'key'): SafeHtml =>
    html`<tr><td><code>${folder}/&lt;${key}&gt;.json</code>, e.g. ${fileLink(documents[0]!)}</td><td>${what}</td><td class="num">${count(documents.length, 'file')}</td><td class="num">${formatSize(documents.reduce((sum, file) => sum + file.size, 0))}</td></tr>`;
  if (layers.length > 0) {
    parts.push(
      section(
        'ATT&CK Navigator layers',
        html`<p>Layers for the ${externalLink(ATTACK_NAVIGATOR_URL, 'ATT&CK Navigator')} (“Open Existing Layer”, “Upload from local”): each technique scored by the number of rules tagged with it. <code>atc layer</code> writes one for any other filter.</p>${navigatorNote(published)}${table(
          'Navigator layers',
          ['File', 'Rules', 'Techniques', 'Size'],
          [
            ...layers.map((file) => html`<tr><td>${fileLink(file)}${openInNavigator(file)}</td><td>${file.download.what}</td><td class="num">${file.download.count ?? ''}</td><td class="num">${formatSize(file.size)}</td></tr>`),
            // One line per folder: a layer per ATT&CK group is a thousand files, not a thousand rows.
            ...[...layerFolders].map(([folder, documents]) => folderRow(folder, documents, `one layer per ${folder === 'layers/groups' ? 'ATT&CK group' : folder === 'layers/software' ? 'ATT&CK software' : 'entry'}: its techniques, scored by their rules`, 'id')),
          ],
        )}`,
        { id: 'navigator-layers' },
      ),
    );
  }
  if (bulk.length > 0 || entityFolders.size > 0) {
    const folderRows = [...entityFolders].map(([folder, documents]) => folderRow(folder, documents, 'one document per entity'));
    parts.push(
      section(
        'JSON',
        html`<p>One document per entity, and bulk files with every entity of a kind. Every link between entities has the page’s <code>url</code> and the document’s <code>api</code> path.</p>${table(
          'JSON files',
          ['File', 'What', 'Entities', 'Size'],
          [
            ...bulk.map((file) => html`<tr><td>${fileLink(file)}</td><td>${file.download.what}</td><td class="num">${file.download.count?.toLocaleString('en-US') ?? ''}</td><td class="num">${formatSize(file.size)}</td></tr>`),
            ...folderRows,
          ],
        )}`,
        { id: 'json' },
      ),
    );
  }
  if (siem.length > 0) {
    parts.push(
      section(
        'SIEM exports',
        html`<p>All rules of a query target in the file the SIEM imports, one entry per query (a rule with several conditions gives several). A rule that does not convert for a target is left out of that target’s files.</p>${table(
          'SIEM files',
          ['File', 'What', 'Entries', 'Size'],
          siem.map((file) => html`<tr><td>${fileLink(file)}</td><td>${file.download.what}${file.download.note ? html`<br><span class="muted">${file.download.note}</span>` : ''}</td><td class="num">${file.download.count?.toLocaleString('en-US') ?? ''}</td><td class="num">${formatSize(file.size)}</td></tr>`),
        )}`,
        { id: 'siem-exports' },
      ),
    );
  }
  if (caseTemplates.length > 0) {
    parts.push(
      section(
        'TheHive case templates',
        html`<p>One case template per Response Playbook, for TheHive’s “Import case template”: the playbook’s severity, TLP, PAP and tags, and a task per Response Action, grouped by stage.</p>${table(
          'TheHive case templates',
          ['File', 'What', 'Tasks', 'Size'],
          caseTemplates.map((file) => html`<tr><td>${fileLink(file)}</td><td>${file.download.what}</td><td class="num">${file.download.count ?? ''}</td><td class="num">${formatSize(file.size)}</td></tr>`),
        )}`,
        { id: 'thehive' },
      ),
    );
  }
  if (csv.length > 0) {
    parts.push(
      section(
        'CSV',
        html`<p>Spreadsheet-ready (RFC 4180, UTF-8, a header row; several values in a cell are separated by <code>; </code>).</p>${table(
          'CSV files',
          ['File', 'What', 'Rows', 'Size'],
          csv.map((file) => html`<tr><td>${fileLink(file)}</td><td>${file.download.what}<br><span class="muted">columns: ${(file.download.columns ?? []).join(', ')}</span></td><td class="num">${file.download.count?.toLocaleString('en-US') ?? ''}</td><td class="num">${formatSize(file.size)}</td></tr>`),
        )}`,
        { id: 'csv' },
      ),
    );
  }
  if (feed) {
    parts.push(
      section(
        'Feed',
        html`<p>An Atom feed of the most recently added or modified rules, newest first: subscribe to it in a feed reader to review new rules.</p>${table('Feed', ['File', 'What', 'Entries', 'Size'], [
          html`<tr><td>${fileLink(feed)}</td><td>${feed.download.what}</td><td class="num">${feed.download.count ?? ''}</td><td class="num">${formatSize(feed.size)}</td></tr>`,
        ])}`,
        { id: 'feed' },
      ),
    );
  }
  if (others.length > 0) {
    parts.push(section('Other files', table('Other files', ['File', 'What', 'Count', 'Size'], others.map((file) => html`<tr><td>${fileLink(file)}</td><td></td><td class="num"></td><td class="num">${formatSize(file.size)}</td></tr>`)), { id: 'other-files' }));
  }
  const readme = markdown.find((file) => file.path === `${MARKDOWN_ROOT}/README.md`);
  if (readme) {
    parts.push(
      section(
        'Markdown edition',
        html`<p>${link(urls.href(`/${readme.path}`), 'The markdown pages')} (${count(markdown.length, 'file')}, ${formatSize(markdown.reduce((sum, file) => sum + file.size, 0))}): one page per entity with relative links, to browse on GitHub.</p>`,
        { id: 'markdown' },
      ),
    );
  }
  const body = html`${pageHeader('Exports', 'Downloads')}
<p>Machine-readable copies of the knowledge base, written by the same build as these pages. Site URLs in them point to these pages.</p>
${parts.length > 0 ? parts : html`<p class="empty">This build wrote no export files.</p>`}`;
  return { url: DOWNLOADS_PATH, title: 'Downloads', section: 'downloads', description: 'Navigator layers, SIEM exports, JSON, CSV and the Atom feed of the knowledge base', body, searchable: false };
}
