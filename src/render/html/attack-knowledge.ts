import type { Token } from 'markdown-it';
import { attackObjectUrl, CITATION_MARKER, type AttackActor, type AttackCitation, type AttackTechnique } from '../../attack/attack-catalog.ts';
import { pageActors } from '../../present/attack-actors.ts';
import { isWebUrl } from '../web-url.ts';
import { createWebMarkdown } from './author-markdown.ts';
import { count, externalLink, link, list, section } from './components.ts';
import { escapeHtml, html, join, SafeHtml } from './escape-html.ts';
import type { SiteContext } from './site-context.ts';

/**
 * What ATT&CK says about a technique, group or software, on our pages: its description (third-party
 * markdown, read by the same parser and link policy as the authors' markdown: raw HTML off, web links
 * only), its `(Citation: …)` markers as numbered references, and for a technique its detection
 * strategies, mitigations and the groups, software and campaigns that use it. Provisional techniques
 * (ATT&CK does not know them) have none of this.
 */

/** ATT&CK's own link to a group or software, which a description uses for "APT29 used …". */
const ATTACK_ACTOR_LINK = /^https:\/\/attack\.mitre\.org\/(?:groups|software)\/([GS]\d{4,6})\/?$/i;

interface DescriptionState {
  /** Prefix of the reference anchors: the technique's or actor's id, so two descriptions on one page stay apart. */
  readonly scope: string;
  readonly citations: ReadonlyMap<string, AttackCitation>;
  /** Cited, in the order of their first marker: index + 1 is the number. */
  readonly cited: AttackCitation[];
  readonly ourActorPage: (id: string) => string | undefined;
  /** Inside a link's text a marker stays text: a link cannot hold another. */
  insideLink: boolean;
}

const markdown = createWebMarkdown();
markdown.renderer.rules.text = (tokens: Token[], index: number, _options, env: DescriptionState) => citedText(tokens[index]!.content, env);
const webLinkOpen = markdown.renderer.rules.link_open!;
markdown.renderer.rules.link_open = (tokens, index, options, env: DescriptionState, self) => {
  const token = tokens[index]!;
  const id = ATTACK_ACTOR_LINK.exec(token.attrGet('href') ?? '')?.[1];
  const ours = id === undefined ? undefined : env.ourActorPage(id);
  if (ours !== undefined) token.attrSet('href', ours);
  env.insideLink = true;
  return webLinkOpen(tokens, index, options, env, self);
};
markdown.renderer.rules.link_close = (tokens, index, options, env: DescriptionState, self) => {
  env.insideLink = false;
  return self.renderToken(tokens, index, options);
};

function referenceAnchor(scope: string, number: number): string {
  return `ref-${scope}-${number}`;
}

/** Text with its known citation markers as `[n]` links to the reference list; an unknown marker stays text. */
function citedText(text: string, state: DescriptionState): string {
  if (state.insideLink) return escapeHtml(text);
  let out = '';
  let copied = 0;
  for (const match of text.matchAll(CITATION_MARKER)) {
    const citation = state.citations.get(match[1]!.trim());
    if (citation === undefined) continue;
    let number = state.cited.indexOf(citation) + 1;
    if (number === 0) number = state.cited.push(citation);
    out += escapeHtml(text.slice(copied, match.index)) + html`<sup class="citation"><a href="#${referenceAnchor(state.scope, number)}">[${number}]</a></sup>`.value;
    copied = match.index + match[0].length;
  }
  return out + escapeHtml(text.slice(copied));
}

export interface RenderedDescription {
  readonly body: SafeHtml;
  /** The numbered list the markers link to; empty when nothing was cited. */
  readonly references: SafeHtml;
}

/** ATT&CK's markdown description rendered, with its citations numbered under `scope` (a technique or actor id). */
export function renderAttackDescription(text: string, citations: readonly AttackCitation[], scope: string, context: SiteContext): RenderedDescription {
  const actors = pageActors(context.kb);
  const state: DescriptionState = {
    scope,
    citations: new Map(citations.map((citation) => [citation.name, citation])),
    cited: [],
    insideLink: false,
    ourActorPage: (id) => {
      const actor = actors.get(id);
      return actor === undefined ? undefined : context.urls.actor(actor);
    },
  };
  const body = new SafeHtml(markdown.render(text, state));
  const references =
    state.cited.length === 0
      ? html``
      : html`<ol class="references">${state.cited.map((citation, index) => {
          const url = citation.url !== undefined && isWebUrl(citation.url) ? citation.url.trim() : undefined;
          return html`<li id="${referenceAnchor(scope, index + 1)}">${citation.description ?? citation.name}${url === undefined ? '' : html` ${externalLink(url, url)}`}</li>`;
        })}</ol>`;
  return { body, references };
}

/** A group or software linked to its page here and to ATT&CK's; a campaign (no page here) to ATT&CK's only. */
export function actorLink(actor: AttackActor, context: SiteContext): SafeHtml {
  const attack = externalLink(attackObjectUrl(actor.kind, actor.id), actor.id);
  const page = pageActors(context.kb).get(actor.id);
  return page === undefined ? html`${actor.name} ${attack}` : html`${link(context.urls.actor(page), actor.name)} ${attack}`;
}

/** Inline, comma-separated: a technique used by 400 pieces of software should not be a 400-line list. */
export function inlineList(items: readonly SafeHtml[], empty: string): SafeHtml {
  return items.length === 0 ? html`<span class="empty">${empty}</span>` : html`<ul class="inline-list">${items.map((item) => html`<li>${item}</li>`)}</ul>`;
}

interface KnowledgePart {
  readonly title: string;
  /** Anchor of its section on a technique page. */
  readonly id: string;
  readonly content: SafeHtml;
}

/** `level`: the heading level of the parts, so that References sits one below. */
function knowledgeParts(technique: AttackTechnique, context: SiteContext, level: 2 | 4): KnowledgePart[] {
  const { attack } = context.kb;
  const parts: KnowledgePart[] = [];
  if (technique.description !== undefined && technique.description.trim() !== '') {
    const { body, references } = renderAttackDescription(technique.description, technique.citations ?? [], technique.id, context);
    parts.push({ title: 'ATT&CK description', id: 'attack-description', content: html`<div class="attack-description">${body}</div>${references.value === '' ? '' : html`${level === 2 ? html`<h3>References</h3>` : html`<h5>References</h5>`}${references}`}` });
  }
  const strategies = (technique.detectionStrategies ?? []).map((id) => ({ id, strategy: attack.detectionStrategy(id) }));
  if (strategies.length > 0) {
    parts.push({
      title: 'Detection strategies',
      id: 'attack-detection-strategies',
      content: list(
        strategies.map(({ id, strategy }) =>
          html`${externalLink(attackObjectUrl('detection-strategy', id), `${id}${strategy ? `: ${strategy.name}` : ''}`)}${
            strategy && strategy.dataComponents.length > 0 ? html` <span class="muted">(data components: ${strategy.dataComponents.join(', ')})</span>` : ''
          }`,
        ),
        '',
      ),
    });
  }
  const mitigations = (technique.mitigations ?? []).map((id) => ({ id, mitigation: attack.mitigation(id) }));
  if (mitigations.length > 0) {
    parts.push({
      title: 'Mitigations',
      id: 'attack-mitigations',
      content: list(mitigations.map(({ id, mitigation }) => externalLink(attackObjectUrl('mitigation', id), `${id}${mitigation ? `: ${mitigation.name}` : ''}`)), ''),
    });
  }
  const users = attack.usersOf(technique.id);
  const used = [...users.groups, ...users.software, ...users.campaigns];
  if (used.length > 0) {
    const kinds = [
      ['Groups', users.groups],
      ['Software', users.software],
      ['Campaigns', users.campaigns],
    ] as const;
    const lists = html`<dl class="used-by">${kinds
      .filter(([, actors]) => actors.length > 0)
      .map(([kind, actors]) => html`<dt>${kind} (${actors.length})</dt><dd>${inlineList(actors.map((actor) => actorLink(actor, context)), '')}</dd>`)}</dl>`;
    // Closed: a technique such as T1059 is used by hundreds, which would push everything else far down.
    const summary = [count(users.groups.length, 'group'), count(users.software.length, 'piece of software', 'pieces of software'), count(users.campaigns.length, 'campaign')].join(', ');
    parts.push({ title: 'Used by', id: 'attack-used-by', content: html`<details class="used-by"><summary>${summary}</summary>${lists}</details>` });
  }
  return parts;
}

/**
 * What ATT&CK says about a technique, for its page: sections under the page's own (`page`), or inside a
 * sub-technique's section its platforms and a closed <details> (`compact`). Empty for a provisional
 * technique, and for ATT&CK data without the knowledge (a small hand-made catalog).
 */
export function renderTechniqueKnowledge(technique: AttackTechnique, context: SiteContext, form: 'page' | 'compact'): SafeHtml {
  if (technique.origin !== undefined) return html``;
  const parts = knowledgeParts(technique, context, form === 'page' ? 2 : 4);
  if (form === 'page') return join(parts.map((part) => section(part.title, part.content, { id: part.id })));
  const platforms = (technique.platforms ?? []).length > 0 ? html`<p class="muted">Platforms: ${technique.platforms!.join(', ')}</p>` : '';
  if (parts.length === 0) return html`${platforms}`;
  const summary = parts.map((part) => part.title.replace('ATT&CK ', '').toLowerCase()).join(', ');
  return html`${platforms}<details class="attack-knowledge"><summary>From ATT&amp;CK: ${summary}</summary>${parts.map((part) => html`<h4>${part.title}</h4>${part.content}`)}</details>`;
}
