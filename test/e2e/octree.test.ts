// Level of detail end to end: `voxwatch serve` on a generated project whose epochs have no octree yet; the page
// shows the plain samples while the server builds the octrees, then potree-core loads their nodes and the view is
// drawn from them, in each colouring. Screenshots go to test-results/ (e2e-octree-*.png).
import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureRendererBuilt } from '../../cli/serve/renderer-build';
import { readOctree } from '../../core/octree/reader';
import { LocalProject } from '../../core/store/project';
import { makeReviewProject } from '../helpers/review-project';
import { SCREENSHOTS, serve, type Served, openBrowser, loadUi } from './browser';
import { decodePng, imageStats, type Pixels } from './png';

declare const document: { getElementById(id: string): { dataset: Record<string, string | undefined>; textContent: string | null } | null };

const CLEAR_COLOUR: [number, number, number] = [0x15, 0x17, 0x1a];

let projectPath: string;
let served: Served;
let context: BrowserContext;
let page: Page;
const pageErrors: string[] = [];

const view = () => page.locator('#view').evaluate((el) => ({ ...(el as unknown as { dataset: Record<string, string> }).dataset }));

/** Waits until potree-core has drawn nodes and has nothing left to load, and the frames stop. */
async function octreeSettled(): Promise<Record<string, string>> {
  await page.waitForFunction(() => Number(document.getElementById('view')!.dataset.octreePoints ?? 0) > 0, undefined, { timeout: 60_000 });
  let last = '';
  for (let i = 0; i < 60; i++) {
    const d = await view();
    if (d.octreeLoading === 'false' && d.frames === last) return d;
    last = d.frames;
    await page.waitForTimeout(500);
  }
  return view();
}

const shot = async (name: string): Promise<Pixels> => {
  await octreeSettled();
  return decodePng(await page.locator('#view canvas').screenshot({ path: join(SCREENSHOTS, `e2e-octree-${name}.png`) }));
};

/**
 * Share of pixels that are clearly red (the changed volumes in "change" colouring), and of mid greys (the unchanged
 * points), with the share of those greys within ±3 of the commonest brightness (1: one flat grey).
 */
function tones(img: Pixels): { red: number; grey: number; flatGrey: number } {
  let red = 0;
  const levels = new Array<number>(256).fill(0);
  let greys = 0;
  for (let i = 0; i < img.width * img.height; i++) {
    const [r, g, b] = [img.data[i * 4], img.data[i * 4 + 1], img.data[i * 4 + 2]];
    if (r > 180 && g < 120 && b < 110) red++;
    const level = Math.round((r + g + b) / 3);
    if (Math.abs(r - g) < 10 && b - g >= -4 && b - g < 14 && level >= 55 && level <= 215) {
      levels[level]++;
      greys++;
    }
  }
  let flat = 0;
  for (let v = 0; v < 256; v++)
    flat = Math.max(
      flat,
      levels.slice(Math.max(0, v - 3), v + 4).reduce((a, c) => a + c, 0),
    );
  const n = img.width * img.height;
  return { red: red / n, grey: greys / n, flatGrey: flat / Math.max(1, greys) };
}

beforeAll(async () => {
  const [project] = await Promise.all([makeReviewProject({ size: 120, seed: 5 }), ensureRendererBuilt()]);
  projectPath = project.path;
  served = await serve(projectPath);
  ({ context, page } = await openBrowser(pageErrors, { timeout: 30_000 }));
}, 150_000);

afterAll(async () => {
  await context?.close();
  await served?.stop();
});

describe('level of detail in Chromium', () => {
  it('builds the octrees on first view, then draws the epochs from their nodes in RGB', async () => {
    await loadUi(page, served.url);
    await page.waitForSelector('#view[data-octree="ready"]', { timeout: 120_000 });
    // The build's progress in the status bar gives way once it is done (it stayed at "… 75 %").
    await page.waitForFunction(() =>
      ['Full point cloud loaded', '完整点云已加载'].includes(document.getElementById('status')?.textContent ?? ''),
    );
    const d = await octreeSettled();
    expect(Number(d.octreePoints)).toBeGreaterThan(10_000);
    const img = await shot('1-rgb');
    const stats = imageStats(img, CLEAR_COLOUR);
    expect(stats.drawn).toBeGreaterThan(0.15);
    expect(stats.colours).toBeGreaterThan(200); // the survey's own colours, not black, white or a flat fill
    // The octrees are beside the project file and hold every point of their epoch.
    const p = LocalProject.open(projectPath, 'e2e');
    try {
      for (const e of (await p.info()).epochs.slice(0, 2))
        expect(readOctree(`${projectPath}.octrees/${e.id}`).metadata.points).toBe(e.points);
    } finally {
      await p.close();
    }
  });

  it('opens straight from the octrees the next time, with no plain samples', async () => {
    await page.reload();
    await page.waitForSelector('body[data-ready="true"]');
    await page.waitForSelector('#view[data-octree="ready"]');
    const d = await octreeSettled();
    const p = LocalProject.open(projectPath, 'e2e');
    try {
      const info = await p.info();
      const run = info.runs.at(-1)!;
      const total = info.epochs.filter((e) => e.id === run.before.id || e.id === run.after.id).reduce((n, e) => n + e.points, 0);
      expect(Number(d.points)).toBe(total); // what the view says it shows: the epochs' whole point counts
    } finally {
      await p.close();
    }
    expect(imageStats(await shot('2-reopened'), CLEAR_COLOUR).drawn).toBeGreaterThan(0.15);
  });

  it('colours by height, class and change, and splits the epochs in the swipe', async () => {
    await page.click('[data-name="points"] [data-value="height"]');
    const height = imageStats(await shot('3-height'), CLEAR_COLOUR);
    expect(height.drawn).toBeGreaterThan(0.15);
    expect(height.colours).toBeGreaterThan(50); // a ramp, not one colour
    await page.click('[data-name="points"] [data-value="change"]');
    const change = tones(await shot('4-change'));
    expect(change.grey).toBeGreaterThan(0.05); // the unchanged city in grey
    // Shaded by height and their own brightness: buildings stand out from the streets, not one flat grey (a silhouette).
    expect(change.flatGrey).toBeLessThan(0.5);
    expect(change.red).toBeGreaterThan(0.0005); // the changed volumes in red
    await page.click('[data-name="points"] [data-value="class"]');
    expect(imageStats(await shot('5-class'), CLEAR_COLOUR).drawn).toBeGreaterThan(0.15);
    await page.click('[data-name="points"] [data-value="rgb"]');
    await page.click('[data-name="mode"] [data-value="swipe"]');
    expect(imageStats(await shot('6-swipe'), CLEAR_COLOUR).drawn).toBeGreaterThan(0.15);
    expect(pageErrors).toEqual([]);
  });
});
