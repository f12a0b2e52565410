import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { siteChrome, type SiteChrome } from '../render/html/page-document.ts';
import type { SitePages } from '../render/html/site-pages.ts';
import { contentHash } from './output-manifest.ts';

/** The site's static assets (site.css, the scripts), written as /assets/<name>. */
const ASSETS_DIR = path.join(import.meta.dirname, 'assets');

/**
 * One file Eleventy writes: a page's whole document, a redirect stub, an asset, a markdown or export
 * file. `permalink` is unprefixed and starts with "/"; one ending in "/" is written as its index.html.
 * `text` returns exactly what is written.
 */
export interface SiteOutput {
  readonly permalink: string;
  text(): string;
}

/** Where Eleventy writes a permalink, relative to the output folder. */
export function outputPathOf(permalink: string): string {
  return permalink.endsWith('/') ? `${permalink.slice(1)}index.html` : permalink.slice(1);
}

/** A static asset of the site, by file name, with its text. */
export interface SiteAsset {
  readonly name: string;
  readonly text: string;
}

/** The static assets, read now: `--serve` reads them again for each build, so that edits show. */
export function siteAssets(): SiteAsset[] {
  return readdirSync(ASSETS_DIR)
    .sort()
    .map((name) => ({ name, text: readFileSync(path.join(ASSETS_DIR, name), 'utf8') }));
}

export function assetPermalink(asset: SiteAsset): string {
  return `/assets/${asset.name}`;
}

/** The chrome around every page: the assets' content hashes go into their URLs, so browsers fetch an edited one. */
export function siteChromeFor(site: SitePages, assets: readonly SiteAsset[]): SiteChrome {
  const versions = new Map(assets.map((asset) => [asset.name, contentHash([asset.text]).slice(0, 10)]));
  return siteChrome(site.context, versions, site.feed);
}
