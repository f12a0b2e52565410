/**
 * Driving the search page (src/site/assets/search.js) from a browser test: a query in, the result cards
 * out as the page shows them. Not a test file itself.
 */
import type { Page } from 'playwright-core';

export interface ResultCard {
  readonly kind: string;
  readonly title: string;
  /** As written in the page (prefixed path, maybe a fragment). */
  readonly href: string;
  readonly level?: string;
  readonly techniques?: string;
  readonly logSource?: string;
  readonly excerpt?: string;
}

/** Opens the search page at `?q=…` (and filters) and returns the cards once the status line has counted them. */
export async function searchFor(page: Page, root: string, query: string, filters: Record<string, string> = {}): Promise<ResultCard[]> {
  const params = new URLSearchParams({ q: query, ...filters });
  await page.goto(`${root}search/?${params.toString()}`);
  await page.locator('#search-status-line').filter({ hasText: /results?\b|No results/ }).waitFor({ timeout: 60_000 });
  return resultCards(page);
}

export async function resultCards(page: Page): Promise<ResultCard[]> {
  // Plain expressions only: a named helper inside the callback would reach the page as tsx's `__name(...)`.
  const cards = await page.locator('#search-results > li').evaluateAll((items) =>
    items.map((item) => [
      item.querySelector('.result-kind')?.textContent,
      item.querySelector('a.result-title')?.textContent,
      item.querySelector('a.result-title')?.getAttribute('href'),
      item.querySelector('.level')?.textContent,
      item.querySelector('.result-techniques')?.textContent,
      item.querySelector('.result-logsource')?.textContent,
      item.querySelector('.result-excerpt')?.textContent,
    ]),
  );
  return cards.map(([kind, title, href, level, techniques, logSource, excerpt]) => ({
    kind: kind ?? '',
    title: title ?? '',
    href: href ?? '',
    ...(level == null ? {} : { level }),
    ...(techniques == null ? {} : { techniques }),
    ...(logSource == null ? {} : { logSource }),
    ...(excerpt == null ? {} : { excerpt }),
  }));
}

/**
 * Whether a result URL is the page of the entity with this id: a sub-technique is its parent page's
 * fragment (/techniques/T1003/#T1003.001); other pages are named by the id (/groups/G0016/, /rules/<Sigma
 * id>/) or by a title that starts with it (/data-needed/DN_0003_1_windows_sysmon_process_creation/).
 */
export function urlNamesId(href: string, id: string): boolean {
  const url = new URL(href, 'http://site.invalid/');
  if (url.hash) return decodeURIComponent(url.hash.slice(1)) === id;
  const last = url.pathname.split('/').filter((segment) => segment !== '').pop() ?? '';
  return last === id || last.startsWith(`${id}_`);
}
