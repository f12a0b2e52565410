import { UNSUPPORTED_CATEGORIES, type UnsupportedCategory } from '../../sigma/convert-collection.ts';
import { conversionStatus, summarizeConversions, type QuerySectionResult } from '../../convert/convert-knowledge-base.ts';
import { code, count, link, pageHeader, section } from './components.ts';
import { html, type SafeHtml } from './escape-html.ts';
import type { SiteContext, SitePage } from './site-context.ts';

/** The reason categories of an unsupported conversion, in the order the site lists them. */
const CATEGORIES = UNSUPPORTED_CATEGORIES;

/** What each category means, in one line (README.md, "Every rule × query section has a conversion status"). */
export const CATEGORY_TEXT: Readonly<Record<UnsupportedCategory, string>> = {
  feature: 'the target language cannot express something the rule uses',
  field: 'the pipeline has no mapping for a field the rule uses',
  logsource: 'the pipeline has no table, data model or index for the rule’s log source',
};

export const CONVERSIONS_PATH = '/conversions/';

/** The status line of one query panel of a rule page: converted, or unsupported with its category and reason. */
export function conversionStatusLine(query: QuerySectionResult, key: string, context: SiteContext): SafeHtml {
  const status = conversionStatus(query.result);
  if (status.status === 'converted') {
    return html`<p class="conversion-status converted"><span class="status-mark" aria-hidden="true">✓</span> Converted for ${code(key)}${status.queries > 1 ? html` (${status.queries} queries)` : ''}.</p>`;
  }
  const matrix = context.urls.href(`${CONVERSIONS_PATH}?target=${encodeURIComponent(key)}&status=unsupported&category=${status.category}`);
  return html`<div class="conversion-note conversion-status unsupported" role="note"><p><span class="status-mark" aria-hidden="true">✗</span> <strong>Not available for ${query.title}</strong> <span class="badge category category-${status.category}">${status.category}</span>: ${CATEGORY_TEXT[status.category]}.</p><p class="reason">${status.reason}</p><p class="muted">The Sigma rule above is complete; this target cannot express part of it. ${link(matrix, `Other rules ${query.title} cannot convert for this reason category`)}.</p></div>`;
}

/** A sentence summing up a rule's conversions, above its query tabs. */
export function conversionSummary(queries: readonly QuerySectionResult[], context: SiteContext): SafeHtml {
  const failed = queries.filter((query) => !query.result.ok);
  const matrix = link(context.urls.href(CONVERSIONS_PATH), 'conversion matrix');
  if (failed.length === 0) return html`<p class="conversion-summary">Converts for every configured target (${queries.length}). See the ${matrix}.</p>`;
  return html`<p class="conversion-summary">Converts for ${queries.length - failed.length} of ${queries.length} targets; not for ${failed.map(
    (query, index) => html`${index > 0 ? ', ' : ''}${query.title} <span class="muted">(${query.result.ok ? '' : query.result.category})</span>`,
  )}. See the ${matrix}.</p>`;
}

interface Reason {
  readonly number: number;
  readonly category: UnsupportedCategory;
  readonly text: string;
  cells: number;
  readonly targets: Set<number>;
}

/**
 * The conversion matrix: every rule × configured query target, one small cell each (✓, or ✗ with the
 * reason category and the number of the reason, listed under the table), with counts per target and per
 * category at the top. Reasons repeat a lot (a few dozen distinct ones over thousands of cells), so
 * each is written once and the cells link to it: the page stays about 200 bytes per rule. Without
 * JavaScript the whole table is shown; the script filters it by target, status, category, reason and
 * title, with the filter in the query string (`/conversions/?target=eql&status=unsupported`).
 */
export function renderConversionMatrixPage(context: SiteContext): SitePage {
  const { kb, urls, targets } = context;
  const summary = summarizeConversions(context.queries);
  const reasons = new Map<string, Reason>();
  const cellReasons: Array<Array<Reason | undefined>> = [];
  for (const rule of kb.rules) {
    const results = context.queries.get(rule) ?? [];
    cellReasons.push(
      results.map((query, index) => {
        if (query.result.ok) return undefined;
        const key = `${query.result.category}\u0000${query.result.reason}`;
        let reason = reasons.get(key);
        if (!reason) reasons.set(key, (reason = { number: 0, category: query.result.category, text: query.result.reason, cells: 0, targets: new Set() }));
        reason.cells += 1;
        reason.targets.add(index);
        return reason;
      }),
    );
  }
  // Most frequent first; the number is the reason's position in that list.
  const ordered = [...reasons.values()].sort((a, b) => b.cells - a.cells || CATEGORIES.indexOf(a.category) - CATEGORIES.indexOf(b.category) || (a.text < b.text ? -1 : a.text > b.text ? 1 : 0));
  ordered.forEach((reason, index) => ((reason as { number: number }).number = index + 1));
  const filterHref = (params: Record<string, string>): string => urls.href(`${CONVERSIONS_PATH}?${new URLSearchParams(params).toString()}`);
  const cellCount = (value: number, params: Record<string, string>): SafeHtml => (value === 0 ? html`<td class="num zero">0</td>` : html`<td class="num">${link(filterHref(params), value.toLocaleString('en-US'))}</td>`);

  const totals = { converted: 0, feature: 0, field: 0, logsource: 0 };
  const summaryRows = summary.map((entry, index) => {
    const key = targets[index]?.key ?? entry.section.target;
    const unsupported = CATEGORIES.reduce((total, category) => total + entry.unsupported[category], 0);
    const all = entry.converted + unsupported;
    totals.converted += entry.converted;
    for (const category of CATEGORIES) totals[category] += entry.unsupported[category];
    const percent = all === 0 ? 0 : Math.round((entry.converted / all) * 1000) / 10;
    return html`<tr><th scope="row">${entry.title} <code class="target-key">${key}</code></th>${cellCount(entry.converted, { target: key, status: 'converted' })}<td class="num">${percent}%</td>${cellCount(unsupported, { target: key, status: 'unsupported' })}${CATEGORIES.map((category) =>
      cellCount(entry.unsupported[category], { target: key, status: 'unsupported', category }),
    )}</tr>`;
  });
  const allCells = totals.converted + totals.feature + totals.field + totals.logsource;
  const categoryItems = CATEGORIES.map(
    (category) =>
      html`<li><span class="badge category category-${category}">${category}</span> ${totals[category] === 0 ? '0 cells' : link(filterHref({ status: 'unsupported', category }), count(totals[category], 'cell'))} <span class="muted">(${count(ordered.filter((reason) => reason.category === category).length, 'distinct reason')})</span>: ${CATEGORY_TEXT[category]}.</li>`,
  );

  const headerCells = targets.map((target, index) => html`<th scope="col" data-target="${target.key}" data-column="${index + 1}">${target.title}</th>`);
  const rows = kb.rules.map((rule, ruleIndex) => {
    const cells = cellReasons[ruleIndex]!.map((reason) =>
      reason ? html`<td class="no ${reason.category}"><a href="#reason-${reason.number}">✗ ${reason.category} <sup>${reason.number}</sup></a></td>` : html`<td>✓</td>`,
    );
    return html`<tr><th>${link(urls.rule(rule), rule.title)}</th>${cells}</tr>`;
  });
  const targetOptions = targets.map((target) => html`<option value="${target.key}">${target.title} (${target.key})</option>`);
  const reasonItems = ordered.map(
    (reason) =>
      html`<li id="reason-${reason.number}" data-category="${reason.category}"><span class="badge category category-${reason.category}">${reason.category}</span> <span class="reason-text">${reason.text}</span> <span class="muted">(${count(reason.cells, 'cell')}; ${[...reason.targets].sort((a, b) => a - b).map((index) => targets[index]?.title ?? '').join(', ')})</span> ${link(filterHref({ reason: String(reason.number) }), 'show these rules')}</li>`,
  );

  const body = html`<div class="conversion-page">
${pageHeader('Query conversion', 'Conversion matrix')}
<p>Every rule against every configured query target: <strong>✓</strong> the rule converts; <strong>✗</strong> it does not, with the reason’s category and a number that leads to ${link('#reasons', 'the reason')} under the table. ${count(kb.rules.length, 'rule')} × ${count(targets.length, 'target')}: ${totals.converted.toLocaleString('en-US')} of ${allCells.toLocaleString('en-US')} conversions succeed.</p>
${section(
  'Per target',
  html`<div class="table-wrap"><table class="grid conversion-summary-table"><caption class="visually-hidden">Conversions per query target</caption><thead><tr><th scope="col">Target</th><th scope="col">Converted</th><th scope="col">Share</th><th scope="col">Unsupported</th>${CATEGORIES.map((category) => html`<th scope="col">${category}</th>`)}</tr></thead><tbody>${summaryRows}</tbody></table></div>
<h3 id="categories">Per reason category</h3><ul class="plain-list">${categoryItems}</ul>`,
  { id: 'per-target' },
)}
${section(
  'Rules × targets',
  html`<form class="facets" id="conversion-filters" action="" method="get" role="search" aria-label="Filter the conversion matrix">
<div class="facet facet-text"><label for="conv-q">Rule title contains</label><input id="conv-q" name="q" type="search" autocomplete="off"></div>
<div class="facet"><label for="conv-target">Target</label><select id="conv-target" name="target"><option value="">every target</option>${targetOptions}</select></div>
<div class="facet"><label for="conv-status">Status</label><select id="conv-status" name="status"><option value="">any</option><option value="converted">converted</option><option value="unsupported">unsupported</option></select></div>
<div class="facet"><label for="conv-category">Reason category</label><select id="conv-category" name="category"><option value="">any</option>${CATEGORIES.map((category) => html`<option value="${category}">${category}</option>`)}</select></div>
<div class="facet"><label for="conv-reason">Reason</label><select id="conv-reason" name="reason"><option value="">any</option>${ordered.map((reason) => html`<option value="${String(reason.number)}">${reason.number}. ${reason.text.length > 70 ? `${reason.text.slice(0, 69)}…` : reason.text}</option>`)}</select></div>
<div class="facet-actions"><button type="submit" class="no-js-only">Apply</button><a href="${urls.href(CONVERSIONS_PATH)}" class="button" id="conv-reset">Clear filters</a></div>
</form>
<noscript><p>Filtering needs JavaScript; the whole matrix is shown below.</p></noscript>
<p id="conversion-count" aria-live="polite">${count(kb.rules.length, 'rule')}.</p>
<div class="table-wrap conversion-wrap"><table class="grid conversion-table" id="conversion-table"><caption class="visually-hidden">Conversion status of each rule for each query target</caption><thead><tr><th scope="col">Rule</th>${headerCells}</tr></thead><tbody>${rows}</tbody></table></div>`,
  { id: 'rules-by-target' },
)}
${section('Reasons', ordered.length === 0 ? html`<p class="empty">None: every rule converts for every target.</p>` : html`<ol class="reasons-list" id="reason-list">${reasonItems}</ol>`, { id: 'reasons' })}
</div>`;
  return {
    url: CONVERSIONS_PATH,
    title: 'Conversion matrix',
    section: 'conversions',
    description: `Which of the ${kb.rules.length} rules convert for each of the ${targets.length} query targets, and why the others do not`,
    body,
    searchable: false,
  };
}
