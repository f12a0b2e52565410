import { html, type SafeHtml } from './escape-html.ts';
import type { RedirectPage, SiteContext } from './site-context.ts';

/** The stub's script (src/site/assets/): it carries the address's #fragment over, which a meta refresh drops. */
export const REDIRECT_SCRIPT = 'redirect-stub.js';

/**
 * A complete redirect stub: rel=canonical and a meta refresh to the target, and a link for readers
 * whose browser does not follow it. Stubs have no site chrome, so they are rendered here in full
 * (the Eleventy layouts stay for real pages). The script comes before the meta refresh, so that it
 * leaves first, with the fragment.
 */
export function renderRedirectHtml(redirect: RedirectPage, context: Pick<SiteContext, 'siteTitle' | 'urls'>): SafeHtml {
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>${redirect.title} · ${context.siteTitle}</title>
<meta name="robots" content="noindex">
<link rel="icon" href="data:,">
<link rel="canonical" href="${redirect.target}">
<script src="${context.urls.asset(REDIRECT_SCRIPT)}"></script>
<meta http-equiv="refresh" content="${`0; url=${redirect.target}`}">
</head>
<body>
<main>
<p>${redirect.reason} Continue to <a href="${redirect.target}">${redirect.title}</a>.</p>
</main>
</body>
</html>
`;
}
