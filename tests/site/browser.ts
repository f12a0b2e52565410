/**
 * Helpers for the browser tests: a tiny static server for a built site (node:http, 127.0.0.1, any path
 * prefix) and a headless Debian Chromium driven by playwright-core. Not a test file itself.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
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

/** Runs the real `atc build` (bin/atc.js) and fails with its output when it does not succeed. */
export function atcBuild(args: string[], cwd: string): string {
  const result = spawnSync(process.execPath, [path.join(PROJECT, 'bin/atc.js'), 'build', ...args], { cwd, encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`atc build ${args.join(' ')} failed (${result.status}):\n${result.stderr}`);
  return result.stderr;
}

export const PROJECT = path.resolve(import.meta.dirname, '../..');
export const ARTIFACTS = path.join(PROJECT, 'test-artifacts');

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
