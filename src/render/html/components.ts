import { techniqueUrl, type AttackOriginNote, type AttackTactic } from '../../attack/attack-catalog.ts';
import { originSentence, tacticLabel } from '../../present/attack-labels.ts';
import type { DetectionRule } from '../../model/detection-rule.ts';
import { html, join, SafeHtml, type HtmlValue } from './escape-html.ts';
import { isWebUrl } from '../web-url.ts';
import type { SiteContext } from './site-context.ts';
import { sectionAnchor, type RuleListFilter } from '../../present/site-urls.ts';
import { lastChanged, newestFirst } from '../../present/rule-list-index.ts';
import { SIGMA_LEVELS, SIGMA_STATUSES } from '../../sigma/rule-metadata.ts';

/** Small building blocks shared by the page renderers. All text goes through the `html` tag. */

export function link(href: string, text: HtmlValue, attributes: { rel?: string; className?: string } = {}): SafeHtml {
  return html`<a href="${href}"${attributes.className ? html` class="${attributes.className}"` : ''}${attributes.rel ? html` rel="${attributes.rel}"` : ''}>${text}</a>`;
}

/** A link out of the site (ATT&CK, references): marked, and never sending the referrer. */
export function externalLink(href: string, text: HtmlValue): SafeHtml {
  return html`<a class="external" href="${href}" rel="noopener noreferrer">${text}</a>`;
}

/** A reference as written by a rule or entry: a link when it is an http(s) URL, plain text otherwise (javascript: stays text). */
export function reference(text: string): SafeHtml {
  const trimmed = text.trim();
  return isWebUrl(trimmed) ? externalLink(trimmed, trimmed) : html`<span class="reference-text">${trimmed}</span>`;
}

/** A heading with an id derived from its title and a self-link, so every section can be linked from a runbook. */
export function heading(level: 2 | 3 | 4, title: string, id = sectionAnchor(title), extra: HtmlValue = ''): SafeHtml {
  return new SafeHtml(
    `<h${level} id="${html`${id}`}">${html`${title}`}${html`${extra}`} <a class="anchor" href="#${html`${id}`}" aria-label="${html`Link to ${title}`}">#</a></h${level}>`,
  );
}

export function section(title: string, content: HtmlValue, options: { id?: string; level?: 2 | 3; className?: string } = {}): SafeHtml {
  const id = options.id ?? sectionAnchor(title);
  return html`<section class="${options.className ?? 'block'}" aria-labelledby="${id}">${heading(options.level ?? 2, title, id)}${content}</section>`;
}

/** The seed's two-column table: label, value. */
export function keyValueTable(rows: ReadonlyArray<readonly [string, HtmlValue]>, caption?: string): SafeHtml {
  return html`<div class="table-wrap"><table class="kv">${caption ? html`<caption class="visually-hidden">${caption}</caption>` : ''}<tbody>${rows.map(
    ([label, value]) => html`<tr><th scope="row">${label}</th><td>${value}</td></tr>`,
  )}</tbody></table></div>`;
}

/** Lists longer than this show their first LONG_LIST_SHOWN items and a control that shows the rest. */
const LONG_LIST_ITEMS = 30;
const LONG_LIST_SHOWN = 20;

/**
 * A list; a long one (hash lists, a log source's rules) shows its first items until the reader opens
 * "show all". Every item stays in the one list, so the page reads whole without CSS; site.css hides the
 * items marked `beyond` while the control is closed, which needs no JavaScript.
 */
export function list(items: readonly HtmlValue[], empty: string, className = 'plain-list', noun = 'value'): SafeHtml {
  if (items.length === 0) return html`<span class="empty">${empty}</span>`;
  if (items.length <= LONG_LIST_ITEMS) return html`<ul class="${className}">${items.map((item) => html`<li>${item}</li>`)}</ul>`;
  return html`<div class="collapsible-list"><ul class="${className}">${items.map((item, index) => (index < LONG_LIST_SHOWN ? html`<li>${item}</li>` : html`<li class="beyond">${item}</li>`))}</ul>${showAllControl(`Show all ${count(items.length, noun)}`)}</div>`;
}

/**
 * The "show all" control of a collapsed list or code block: a `<details>` with only its summary, so it
 * works without JavaScript; site.css reads its open state to reveal the rest of the element before it.
 */
function showAllControl(label: string): SafeHtml {
  return html`<details class="show-all"><summary><span class="when-closed">${label}</span><span class="when-open">Show less</span></summary></details>`;
}

/** Multi-line prose from YAML: kept as text, line breaks preserved by CSS. */
export function prose(text: string | undefined, empty = ''): SafeHtml {
  const trimmed = (text ?? '').trim();
  return trimmed === '' ? html`<span class="empty">${empty}</span>` : html`<p class="prose">${trimmed}</p>`;
}

/** Code blocks of more lines, or more characters (one long wrapped line), start collapsed to their first lines. */
const LONG_CODE_LINES = 30;
const LONG_CODE_CHARACTERS = 3000;

/**
 * A code block; its text is escaped, so commands and queries show literally and never run. A long one
 * (a rule's hash list, a converted query) shows its beginning until the reader opens "show all"; the
 * element keeps the whole text, so its copy button copies all of it.
 */
export function codeBlock(code: string, options: { id?: string; language?: string; highlighted?: SafeHtml } = {}): SafeHtml {
  const text = code.trimEnd();
  const pre = html`<pre class="code"${options.id ? html` id="${options.id}"` : ''}${options.language ? html` data-language="${options.language}"` : ''}><code>${options.highlighted ?? text}</code></pre>`;
  const lines = lineCount(text);
  if (lines <= LONG_CODE_LINES && text.length <= LONG_CODE_CHARACTERS) return pre;
  return html`<div class="collapsible-code">${pre}${showAllControl(lines > LONG_CODE_LINES ? `Show all ${count(lines, 'line')}` : `Show all ${count(text.length, 'character')}`)}</div>`;
}

function lineCount(text: string): number {
  let lines = 1;
  for (let index = text.indexOf('\n'); index >= 0; index = text.indexOf('\n', index + 1)) lines += 1;
  return lines;
}

/** A copy button for the element with id `target`; hidden until the site script can copy (it copies the element's text as shown). */
export function copyButton(target: string, label: string): SafeHtml {
  return html`<button type="button" class="copy" data-copy="${target}" aria-label="${label}" hidden>Copy</button>`;
}

const LEVELS: ReadonlySet<string> = new Set(SIGMA_LEVELS);
const STATUSES: ReadonlySet<string> = new Set(SIGMA_STATUSES);

export function levelBadge(level: string | undefined): SafeHtml {
  if (!level) return html``;
  const known = LEVELS.has(level) ? level : 'other';
  return html`<span class="badge level level-${known}" title="Severity level">${level}</span>`;
}

export function statusBadge(status: string | undefined): SafeHtml {
  if (!status) return html``;
  const known = STATUSES.has(status) ? status : 'other';
  return html`<span class="badge status status-${known}" title="Development status">${status}</span>`;
}

/** A rule in a list: its title linked, with its badges. */
export function ruleItem(rule: DetectionRule, context: SiteContext): SafeHtml {
  return html`${link(context.urls.rule(rule), rule.title)} ${levelBadge(rule.level)} ${statusBadge(rule.status)}`;
}

export function ruleList(rules: readonly DetectionRule[], context: SiteContext, empty: string): SafeHtml {
  return list(rules.map((rule) => ruleItem(rule, context)), empty, 'rule-list', 'rule');
}

/** How many rules an entity page lists before it sends the reader to the rule list. */
export const RULE_PREVIEW_SIZE = 20;

/**
 * An entity's rules as a page shows them: the RULE_PREVIEW_SIZE most recently modified, and a link to the
 * rule list filtered to all of them. `filter` must select exactly `rules` in the list (one facet value:
 * `{ dn: pageName }`, `{ technique: id }`…), so that the count in the link is the count the list shows.
 */
export function ruleListPreview(rules: readonly DetectionRule[], filter: RuleListFilter, context: SiteContext, empty: string): SafeHtml {
  if (rules.length === 0) return list([], empty);
  const shown = newestFirst(rules).slice(0, RULE_PREVIEW_SIZE);
  const items = shown.map((rule) => html`<span class="date">${lastChanged(rule) ?? 'undated'}</span> ${ruleItem(rule, context)}`);
  const more = rules.length > shown.length ? html`<p class="muted">The ${shown.length} most recently modified of ${count(rules.length, 'rule')}.</p>` : '';
  // The link also for a short list: there the reader can sort and narrow the same rules further.
  return html`${more}${list(items, empty, 'rule-list dated rule-preview', 'rule')}<p class="rule-list-link">${link(context.urls.ruleList(filter), `All ${count(rules.length, 'rule')} in the rule list →`)}</p>`;
}

export function attackTechniqueLink(id: string): SafeHtml {
  return externalLink(techniqueUrl(id), html`ATT&amp;CK ${id}`);
}

/** Technique id and name linked to its page on this site, marked when the ATT&CK data of the build lacks it. */
export function techniqueLabel(id: string, context: SiteContext): SafeHtml {
  const technique = context.kb.attack.technique(id);
  return html`${link(context.urls.technique(id), `${id}: ${technique?.name ?? 'unknown technique'}`)}${originBadge(technique?.origin)}`;
}

/** A tactic's name linked to its page on this site, marked like techniqueLabel. */
export function tacticLink(tactic: AttackTactic, context: SiteContext, text: string = tacticLabel(tactic)): SafeHtml {
  return html`${link(context.urls.tactic(tactic.id), text)}${originBadge(tactic.origin)}`;
}

/** " provisional" / " overlay" badge whose title gives the one-line reason; nothing for ATT&CK's own entities. */
export function originBadge(origin: AttackOriginNote | undefined): SafeHtml {
  return origin === undefined ? html`` : html` <span class="badge origin" title="${originSentence(origin)}">${origin.origin}</span>`;
}

export function count(value: number, singular: string, plural = `${singular}s`): string {
  return `${value.toLocaleString('en-US')} ${value === 1 ? singular : plural}`;
}

/** `<code>` for identifiers and field names. */
export function code(text: string): SafeHtml {
  return html`<code>${text}</code>`;
}

export function codeList(items: readonly string[], empty: string): SafeHtml {
  return items.length === 0 ? html`<span class="empty">${empty}</span>` : join(items.map(code), ', ');
}

/** The page header: a kicker (what kind of page), the h1 and optional badges. */
export function pageHeader(kicker: string, title: string, extra: HtmlValue = ''): SafeHtml {
  return html`<header class="page-head"><p class="kicker">${kicker}</p><h1>${title}</h1>${extra}</header>`;
}
