import { html, type SafeHtml } from './escape-html.ts';
import type { RedirectPage } from './site-context.ts';

/**
 * A complete redirect stub: rel=canonical and a meta refresh to the target, and a link for readers
 * whose browser does not follow it. Stubs have no site chrome, so they are rendered here in full
 * (the Eleventy layouts stay for real pages).
 */
export function renderRedirectHtml(redirect: RedirectPage, siteTitle: string): SafeHtml {
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>${redirect.title} · ${siteTitle}</title>
<meta name="robots" content="noindex">
<link rel="icon" href="data:,">
<link rel="canonical" href="${redirect.target}">
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
