import { unlinkSync } from 'node:fs';
import path from 'node:path';
import type { OutputFile } from '../present/output-file.ts';
import { renderPageDocument } from '../render/html/page-document.ts';
import { renderRedirectHtml } from '../render/html/redirect-page.ts';
import type { SitePages } from '../render/html/site-pages.ts';
import { contentHash } from './output-manifest.ts';
import { assetPermalink, outputPathOf, siteChromeFor, type SiteAsset, type SiteOutput } from './site-outputs.ts';
import { isOwnFile, removeFolderIfEmpty } from './write-output.ts';

/**
 * What the dev server has written into its output folder, so that each rebuild hands Eleventy only the
 * pages and files whose content changed. Every page is still rendered (a page's document depends on
 * much of the knowledge base: its links, counts, the navigation), but writing costs Eleventy far more
 * than rendering: an edited rule rewrites its own page and the few that show it.
 */
export class ServedOutput {
  /** The files this process wrote into the output folder, relative to it, by content hash. */
  private readonly written = new Map<string, string>();
  /** What the build under way writes, once it has succeeded. */
  private planned: ReadonlyMap<string, string> | undefined;

  /**
   * Renders and hashes every output of the site and returns those to write: new, or changed since the
   * last successful build. Files this process wrote that the site no longer has (a deleted or renamed
   * rule's pages) are removed from `outputDir`, a file only when it is still a regular file reached
   * through real folders; nothing else there is touched.
   */
  plan(site: SitePages, files: readonly OutputFile[], assets: readonly SiteAsset[], outputDir: string): SiteOutput[] {
    const chrome = siteChromeFor(site, assets);
    const next = new Map<string, string>();
    const changed: SiteOutput[] = [];
    const consider = (permalink: string, hash: string, text: () => string): void => {
      const file = outputPathOf(permalink);
      next.set(file, hash);
      if (this.written.get(file) !== hash) changed.push({ permalink, text });
    };
    for (const page of site.pages) {
      const document = renderPageDocument(page.render(), chrome);
      consider(page.url, contentHash([document]), () => document);
    }
    for (const redirect of site.redirects) {
      const stub = renderRedirectHtml(redirect, site.context).value;
      consider(redirect.url, contentHash([stub]), () => stub);
    }
    for (const asset of assets) consider(assetPermalink(asset), contentHash([asset.text]), () => asset.text);
    for (const file of [...site.files, ...files]) consider(`/${file.path}`, contentHash(file.encoded ?? [file.content]), () => file.content);
    for (const file of [...this.written.keys()]) {
      if (next.has(file)) continue;
      this.written.delete(file);
      if (!isOwnFile(outputDir, file)) continue;
      unlinkSync(path.join(outputDir, file));
      for (let folder = path.posix.dirname(file); folder !== '.'; folder = path.posix.dirname(folder)) removeFolderIfEmpty(path.join(outputDir, folder));
    }
    this.planned = next;
    return changed;
  }

  /** The build planned last has written its files. */
  commit(): void {
    for (const [file, hash] of this.planned ?? []) this.written.set(file, hash);
    this.planned = undefined;
  }
}
