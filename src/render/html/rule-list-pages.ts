import { DEFAULT_RULE_LIST_SORT, type RuleListEntry, type RuleListIndex } from '../../present/rule-list-index.ts';
import { SIGMA_LEVELS, SIGMA_STATUSES } from '../../sigma/rule-metadata.ts';
import { encodedFile, type OutputFile } from '../../present/output-file.ts';
import { count, levelBadge, link, pageHeader, statusBadge } from './components.ts';
import { html, type SafeHtml } from './escape-html.ts';
import type { SiteContext, SitePage } from './site-context.ts';

/** Rows per static page (/rules/, /rules/page/2/, …). */
export const RULE_LIST_PAGE_SIZE = 100;
/**
 * Rows the browser renders at once, and adds per "Show more": laying out the table is most of an
 * interaction's time, and grows with its rows.
 */
export const RULE_LIST_RENDERED_ROWS = 50;
/** The browser's copy of the list (README, "URLs of the HTML site"). */
export const RULE_LIST_INDEX_FILE = 'rules/index.json';
export const RULE_LIST_SCRIPT = 'rule-list.js';

/** `/rules/` for the first page, `/rules/page/<n>/` for the others. */
export function ruleListPagePath(page: number): string {
  return page === 1 ? '/rules/' : `/rules/page/${page}/`;
}

/**
 * `rules/index.json`: what rule-list.js filters, sorts and renders, with short keys and every repeated
 * value stored once. `facets[i].values` are the URL values and `labels` the option texts; a rule's `f[i]`
 * indexes facet i's values. Rules come in the default order (most recently modified first); `n` is the
 * rule's place in title order, `s` indexes `sources` (log sources), `k` indexes the technique facet's
 * values, `u` is the page path without the prefix. With coverage profiles, `profiles` lists their keys and
 * `p` holds one status letter per profile in that order (RUNNABLE_VALUES: y, p, n; `-` where the profile's
 * filters leave the rule out): the script reads it to tie `runnable` to the chosen profiles.
 */
export function ruleListIndexFile(index: RuleListIndex, context: SiteContext): OutputFile {
  const sources = [...new Set(index.entries.map((entry) => entry.logSource))];
  const sourceIndex = new Map(sources.map((source, position) => [source, position]));
  const techniques = index.facets.find((facet) => facet.key === 'technique')!;
  const techniqueIndex = new Map(techniques.values.map((id, position) => [id, position]));
  const document = {
    v: 1,
    sort: DEFAULT_RULE_LIST_SORT,
    page: RULE_LIST_RENDERED_ROWS,
    known: { level: SIGMA_LEVELS, status: SIGMA_STATUSES },
    facets: index.facets,
    sources,
    ...(index.profiles.length > 0 && { profiles: index.profiles }),
    rules: index.entries.map((entry) => ({
      t: entry.rule.title,
      u: context.urls.pathRule(entry.rule).slice(1),
      n: entry.titleRank,
      ...(entry.date && { d: entry.date }),
      ...(entry.modified && { m: entry.modified }),
      s: sourceIndex.get(entry.logSource)!,
      k: entry.techniques.map((id) => techniqueIndex.get(id)!),
      f: entry.facetValues,
      ...(entry.profileStatuses !== undefined && { p: entry.profileStatuses }),
    })),
  };
  return encodedFile(RULE_LIST_INDEX_FILE, JSON.stringify(document));
}

function ruleRow(entry: RuleListEntry, context: SiteContext): SafeHtml {
  const { rule } = entry;
  return html`<tr><td>${link(context.urls.rule(rule), rule.title)}</td><td>${levelBadge(rule.level)}</td><td>${statusBadge(rule.status)}</td><td>${entry.logSource}</td><td>${entry.techniques.join(' ')}</td><td class="date">${entry.date ?? ''}</td><td class="date">${entry.modified ?? ''}</td></tr>`;
}

/** The table's header; rule-list.js turns the sortable columns into buttons. */
const TABLE_HEAD = html`<thead><tr><th scope="col" data-sort="title">Rule</th><th scope="col" data-sort="level">Level</th><th scope="col">Status</th><th scope="col">Log source</th><th scope="col">Techniques</th><th scope="col" data-sort="date">Date</th><th scope="col" data-sort="modified" aria-sort="descending">Modified</th></tr></thead>`;

function pager(page: number, pages: number, context: SiteContext): SafeHtml {
  const at = (number: number, text: string, rel?: string) => link(context.urls.href(ruleListPagePath(number)), text, rel ? { rel } : {});
  return html`<nav class="pager" aria-label="Pages of the rule list">${page > 1 ? html`${at(1, '« First')} ${at(page - 1, '‹ Previous', 'prev')} ` : ''}<span>Page ${page} of ${pages}</span>${page < pages ? html` ${at(page + 1, 'Next ›', 'next')} ${at(pages, 'Last »')}` : ''}</nav>`;
}

/**
 * The rule list: `/rules/` with the filters (built by rule-list.js from rules/index.json, so the page stays
 * small whatever the number of rules) over the first page of rows, and `/rules/page/<n>/`, the rest of the
 * list in the same order, so every rule is reachable without JavaScript.
 */
export function renderRuleListPages(index: RuleListIndex, context: SiteContext, pageSize = RULE_LIST_PAGE_SIZE): SitePage[] {
  const { urls } = context;
  const total = index.entries.length;
  const pages = Math.max(1, Math.ceil(total / pageSize));
  return Array.from({ length: pages }, (_, position) => {
    const page = position + 1;
    const rows = index.entries.slice(position * pageSize, page * pageSize).map((entry) => ruleRow(entry, context));
    const first = position * pageSize + 1;
    const range = total === 0 ? 'No rules' : `Rules ${first.toLocaleString('en-US')}–${(first + rows.length - 1).toLocaleString('en-US')} of ${count(total, 'rule')}`;
    const table = html`<div class="table-wrap"><table class="grid rule-table" id="rule-table"${page === 1 ? html` data-index="${urls.href(`/${RULE_LIST_INDEX_FILE}`)}"` : ''}>${TABLE_HEAD}<tbody>${rows}</tbody></table></div>`;
    if (page > 1) {
      const body = html`${pageHeader('Detection rules', `Rules, page ${page}`)}
<p>${range}, most recently modified first. ${link(urls.href('/rules/'), 'The rule list')} filters and sorts them.</p>
${pager(page, pages, context)}
${table}
${pager(page, pages, context)}`;
      return { url: ruleListPagePath(page), title: `Detection rules, page ${page}`, section: 'rules', body, searchable: false };
    }
    const body = html`${pageHeader('Detection rules', 'Rules')}
<details class="filter-panel" id="rule-filter-panel" hidden><summary>Filters <span id="rule-filter-summary" class="muted"></span></summary>
<form class="facets" id="rule-facets" action="" method="get" role="search" aria-label="Filter rules">
<div class="facet facet-text"><label for="facet-q">Title contains</label><input id="facet-q" name="q" type="search" autocomplete="off"></div>
<div class="facet-groups" id="rule-facet-groups"></div>
<div class="facet-actions"><a href="${urls.href('/rules/')}" class="button" id="facet-reset">Clear filters</a></div>
</form>
</details>
<p id="rule-count" aria-live="polite">${range}, most recently modified first.<span class="no-js-only"> Filtering and sorting need JavaScript; the pages below list every rule.</span></p>
${table}
<p><button type="button" id="rule-more" hidden></button></p>
<div id="rule-pager">${pager(page, pages, context)}</div>`;
    return {
      url: '/rules/',
      title: 'Detection rules',
      section: 'rules',
      description: 'Every detection rule, sortable by title, level, date and modified, filterable by ATT&CK, level, status, log source, Data Needed, Logging Policy, Enrichment, trigger, query target and coverage profile',
      body,
      searchable: false,
      scripts: [RULE_LIST_SCRIPT],
    };
  });
}
