/**
 * Helpers for the browser tests: a tiny static server for a built site (node:http, 127.0.0.1, any path
 * prefix) and a headless Debian Chromium driven by playwright-core. Not a test file itself.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { createRequire } from 'node:module';

export const CHROMIUM = '/usr/bin/chromium';
export const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

/** `skip` option for node:test when the browser is not installed. */
export function skipWithoutChromium(): false | string {
  return existsSync(CHROMIUM) ? false : `${CHROMIUM} is missing (apt-get install -y chromium)`;
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.json': 'application/json',
  '.md': 'text/markdown; charset=utf-8',
  '.wasm': 'application/wasm',
  '.png': 'image/png',
  '.svg': 'image/svg+xml',
};

export interface StaticServer {
  readonly origin: string;
  /** origin + path prefix, ending in "/". */
  readonly root: string;
  close(): Promise<void>;
}

/** Serves `folder` under `prefix` ("/" or "/kb/"); anything outside the prefix is a 404, as on a real sub-path host. */
export async function serveFolder(folder: string, prefix = '/'): Promise<StaticServer> {
  const server: Server = createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://localhost');
    let pathname = decodeURIComponent(url.pathname);
    if (!pathname.startsWith(prefix)) {
      response.writeHead(404).end('outside the path prefix');
      return;
    }
    pathname = pathname.slice(prefix.length);
    let file = path.join(folder, pathname);
    if (!file.startsWith(folder)) {
      response.writeHead(403).end();
      return;
    }
    if (existsSync(file) && statSync(file).isDirectory()) file = path.join(file, 'index.html');
    if (!existsSync(file)) {
      response.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
      return;
    }
    response.writeHead(200, { 'content-type': TYPES[path.extname(file)] ?? 'application/octet-stream' });
    response.end(readFileSync(file));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const origin = `http://127.0.0.1:${port}`;
  return {
    origin,
    root: `${origin}${prefix}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

export async function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
}

/** A built site served on 127.0.0.1 with a Chromium to open it; `close()` stops both and removes the folder. */
export interface SiteInChromium {
  /** The site's folder (`<temporary folder>/_site`). */
  readonly site: string;
  readonly server: StaticServer;
  readonly browser: Browser;
  close(): Promise<void>;
}

/**
 * For a test file's `before`: a fresh temporary folder, in which `build` writes a site to `_site/` (and
 * anything it needs beside it), served and opened in Chromium.
 */
export async function siteInChromium(prefix: string, build: (folder: string) => unknown): Promise<SiteInChromium> {
  const folder = mkdtempSync(path.join(tmpdir(), prefix));
  const remove = (): void => rmSync(folder, { recursive: true, force: true });
  let server: StaticServer | undefined;
  try {
    await build(folder);
    server = await serveFolder(path.join(folder, '_site'));
    const browser = await launchChromium();
    const served = server;
    return {
      site: path.join(folder, '_site'),
      server: served,
      browser,
      close: async () => {
        await browser.close();
        await served.close();
        remove();
      },
    };
  } catch (error) {
    await server?.close();
    remove();
    throw error;
  }
}

/** Runs the real `atc build` (bin/atc.js) and fails with its output when it does not succeed. */
export function atcBuild(args: string[], cwd: string): string {
  const result = spawnSync(process.execPath, [path.join(PROJECT, 'bin/atc.js'), 'build', ...args], { cwd, encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`atc build ${args.join(' ')} failed (${result.status}):\n${result.stderr}`);
  return result.stderr;
}

export const PROJECT = path.resolve(import.meta.dirname, '../..');

/** One page of each type of the sample site (the browser tests add the states they need: a query tab, a filter, search results). */
export const SAMPLE_PAGE_TYPES: readonly string[] = [
  '',
  'rules/',
  'rules/c13720be-cded-4ca2-aa87-6f0ee89f04f8/',
  'matrix/',
  'techniques/',
  'techniques/T1003/',
  'tactics/TA0006/',
  'data-needed/',
  'data-needed/DN_0003_1_windows_sysmon_process_creation/',
  'logging-policies/',
  'logging-policies/LP_0002_windows_audit_process_creation_with_commandline/',
  'enrichments/',
  'enrichments/EN_0001_cache_sysmon_process_creation_by_guid/',
  'triggers/',
  'triggers/T1003.001/',
  'gaps/',
  'conversions/',
  'downloads/',
  'groups/',
  'groups/G0016/',
  'software/',
  'software/S0002/',
  'profiles/',
  'profiles/sysmon-everywhere/',
  'use-cases/',
  'use-cases/UC_0001_credential_dumping/',
  'response/',
  'response-playbooks/RP_0001_credential_dumping_from_lsass/',
  'response-actions/RA_2401_list_processes_that_accessed_lsass/',
  'response-stages/RS0002/',
];
export const ARTIFACTS = path.join(PROJECT, 'test-artifacts');

/** Opens a page that records console errors, page errors, dialogs and requests leaving 127.0.0.1. */
export async function watchedPage(context: BrowserContext): Promise<{ page: Page; problems: string[] }> {
  const page = await context.newPage();
  const problems: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(`console: ${message.text()}`);
  });
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  page.on('dialog', (dialog) => {
    problems.push(`dialog: ${dialog.message()}`);
    void dialog.dismiss();
  });
  page.on('request', (request) => {
    const url = new URL(request.url());
    if (url.protocol !== 'data:' && url.hostname !== '127.0.0.1') problems.push(`external request: ${request.url()}`);
  });
  return { page, problems };
}

/** The sample knowledge base built with the real `atc build`, served on 127.0.0.1, with a Chromium to open it (screenshots go to ARTIFACTS). */
export function openSampleSite(): Promise<SiteInChromium> {
  return siteInChromium('atc-site-', (folder) => {
    atcBuild(['--out', path.join(folder, '_site')], PROJECT);
    mkdirSync(ARTIFACTS, { recursive: true });
  });
}

/** A config file for the sample knowledge base with another path prefix, in a temp folder. */
export function sampleConfigWithPrefix(folder: string, prefix: string): string {
  const file = path.join(folder, 'atc.config.yml');
  const lines = [
    ...['rules', 'data_needed', 'logging_policies', 'enrichments', 'triggers'].map((key) => `${key}: ${JSON.stringify(path.join(PROJECT, key))}`),
    'site:',
    '  title: ATT&CK detection knowledge base (sample)',
    `  path_prefix: ${prefix}`,
  ];
  writeFileSync(file, `${lines.join('\n')}\n`);
  return file;
}

export interface AxeViolation {
  readonly id: string;
  readonly impact: string | null;
  readonly help: string;
  readonly nodes: ReadonlyArray<{ readonly target: readonly string[]; readonly failureSummary?: string }>;
}

const AXE_SCRIPT = createRequire(import.meta.url).resolve('axe-core/axe.min.js');

/** Runs axe-core inside the page (injected from node_modules: no network) and returns its violations. */
export async function axeViolations(page: Page): Promise<AxeViolation[]> {
  await page.addScriptTag({ path: AXE_SCRIPT });
  // A string, so that this file needs no DOM types: it runs in the page.
  return page.evaluate<AxeViolation[]>(`axe.run(document, { resultTypes: ['violations'] }).then((result) => result.violations.map((violation) => ({
    id: violation.id, impact: violation.impact, help: violation.help,
    nodes: violation.nodes.map((node) => ({ target: node.target, failureSummary: node.failureSummary })),
  })))`);
}
