// Helpers of the end-to-end tests: `voxwatch serve` as a child process, Debian's Chromium through playwright-core
// (WebGL2 on SwiftShader, no GPU).
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { LocalProject } from '../../core/store/project';

// In page functions only (the test tsconfig has no DOM library).
declare const document: { getElementById(id: string): { dataset: Record<string, string | undefined> } | null };
declare const localStorage: { setItem(key: string, value: string): void };
declare const location: { protocol: string };

/** The UI's languages, as the page stores the analyst's choice (localStorage 'voxwatch.lang'). */
export type UiLang = 'zh-CN' | 'en';

export const SCREENSHOTS = resolve('test-results');

export interface Served {
  url: string;
  process: ChildProcess;
  stop: () => Promise<void>;
}

/** Starts `voxwatch serve` on a free port and resolves with the URL it prints. */
export function serve(project: string, extra: string[] = []): Promise<Served> {
  const child = spawn(process.execPath, ['bin/voxwatch.mjs', 'serve', project, '--port', '0', ...extra], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  return new Promise((resolvePromise, reject) => {
    const onData = (d: Buffer) => {
      output += d.toString();
      const m = / at (http:\/\/\S+)/.exec(output);
      if (m) {
        child.stdout!.off('data', onData);
        const stop = () =>
          new Promise<void>((done) => {
            if (child.exitCode !== null) return done();
            child.once('exit', () => done());
            child.kill('SIGTERM');
          });
        resolvePromise({ url: m[1], process: child, stop });
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', (d: Buffer) => (output += d.toString()));
    child.once('exit', (code) => reject(new Error(`voxwatch serve exited (${code}):\n${output}`)));
  });
}

export async function launch(viewport = { width: 1400, height: 850 }): Promise<BrowserContext> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  return chromium.launchPersistentContext(mkdtempSync(join(tmpdir(), 'voxwatch-chromium-')), {
    executablePath: '/usr/bin/chromium',
    headless: true,
    viewport,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      '--use-angle=swiftshader',
      '--enable-unsafe-swiftshader',
    ],
  });
}

export interface BrowserOptions {
  /** The page's size in CSS pixels; 1400 × 850 unless given. */
  viewport?: { width: number; height: number };
  /** The page's default time limit for its waits and actions, ms; 60 s unless given. */
  timeout?: number;
  /** The UI opens in this language at every load of the page (stored before its scripts run), whatever was chosen. */
  lang?: UiLang;
}

/** Chromium and its first page, with the page's uncaught errors pushed into `errors`. */
export async function openBrowser(errors: string[], options: BrowserOptions = {}): Promise<{ context: BrowserContext; page: Page }> {
  const context = await launch(options.viewport);
  const page = context.pages()[0] ?? (await context.newPage());
  page.setDefaultTimeout(options.timeout ?? 60_000);
  page.on('pageerror', (e) => errors.push(e.message));
  if (options.lang)
    await page.addInitScript((lang) => {
      if (location.protocol === 'http:') localStorage.setItem('voxwatch.lang', lang); // not on about:blank
    }, options.lang);
  return { context, page };
}

/**
 * Loads the UI at `url` afresh (a URL differing only in its hash would not reload) and waits for its points. With
 * `lang`, the UI is loaded once, the language stored as the analyst's choice, and loaded again in it.
 */
export async function loadUi(page: Page, url: string, options: { lang?: UiLang } = {}): Promise<void> {
  await page.goto('about:blank');
  await page.goto(url);
  if (options.lang) {
    await page.evaluate((lang) => localStorage.setItem('voxwatch.lang', lang), options.lang);
    await page.reload();
  }
  await page.waitForSelector('body[data-ready="true"]');
  await page.waitForFunction(() => /^\d+$/.test(document.getElementById('view')!.dataset.points ?? ''));
}

/** The frames the 3D view has drawn so far (its data-frames). */
export const framesDrawn = async (page: Page): Promise<number> => Number((await page.locator('#view').getAttribute('data-frames')) ?? 0);

/** Waits until the view stops redrawing (camera flights and point loads done), at most about 16 s. */
export async function settled(page: Page): Promise<void> {
  let last = -1;
  for (let i = 0; i < 40; i++) {
    const now = await framesDrawn(page);
    if (now === last && now > 0) return;
    last = now;
    await page.waitForTimeout(400);
  }
}

/** Reads (or writes) the project at `path` as another process would, beside the server, and closes it again. */
export async function inProject<T>(path: string, use: (p: LocalProject) => Promise<T>): Promise<T> {
  const p = LocalProject.open(path, 'e2e');
  try {
    return await use(p);
  } finally {
    await p.close();
  }
}
