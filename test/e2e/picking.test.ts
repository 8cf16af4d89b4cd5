// One click in the 3D view chooses one thing, end to end in Chromium against `voxwatch serve`: where a change's box
// and a "not flagged" candidate's patch lie under the same pixel, only the nearer along the ray is chosen (the
// change, standing over the patch on the ground); where only the patch lies, the candidate is. The generated district
// has no such overlap, so the test lays one candidate on the ground around a change (written into the run's record).
import Database from 'better-sqlite3';
import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureRendererBuilt } from '../../cli/serve/renderer-build';
import type { ChangeRecord } from '../../core/api';
import type { PolygonCoords, SuppressedCandidate } from '../../core/changes/types';
import { LocalProject } from '../../core/store/project';
import { makeReviewProject } from '../helpers/review-project';
import { SCREENSHOTS, serve, type Served, openBrowser, loadUi, settled } from './browser';

/** Metres the laid candidate reaches beyond its change's box on every side. */
const MARGIN_M = 5;

let served: Served;
let context: BrowserContext;
let page: Page;
const pageErrors: string[] = [];
let change: ChangeRecord;
/** The laid candidate's index in the run's list. */
let laid: number;

interface Rect {
  minX: number;
  minY: number;
  maxX: number;
  maxY: number;
}

function rectOf(footprint: PolygonCoords[], margin = 0): Rect {
  const xy = footprint.flatMap((polygon) => polygon[0]);
  const xs = xy.map(([x]) => x);
  const ys = xy.map(([, y]) => y);
  return { minX: Math.min(...xs) - margin, minY: Math.min(...ys) - margin, maxX: Math.max(...xs) + margin, maxY: Math.max(...ys) + margin };
}

const meets = (a: Rect, b: Rect) => a.minX < b.maxX && b.minX < a.maxX && a.minY < b.maxY && b.minY < a.maxY;

/** The key of the change chosen in the list, or null. */
const selectedChange = async () =>
  (await page.locator('.change-list li[aria-selected="true"]').evaluateAll((lis) => lis.map((li) => li.getAttribute('data-key'))))[0] ??
  null;
const selectedCandidate = () => page.locator('#view').getAttribute('data-suppressed-selected');

beforeAll(async () => {
  const [project] = await Promise.all([makeReviewProject({ size: 120, seed: 2 }), ensureRendererBuilt()]);
  const p = LocalProject.open(project.path, 'e2e');
  let run: number;
  let candidates: SuppressedCandidate[];
  try {
    run = (await p.info()).runs[0].id;
    const changes = (await p.listChanges({ runId: run, limit: 1000 })).items;
    candidates = await p.suppressedCandidates(run);
    // A change whose surroundings hold no other change nor candidate, so that the laid patch is the only thing around
    // it; the lowest such (a box standing on the ground, over the patch).
    const alone = changes.filter((c) => {
      const around = rectOf(c.footprint, MARGIN_M);
      return [...changes.filter((o) => o !== c), ...candidates].every((o) => !meets(around, rectOf(o.footprint)));
    });
    expect(alone.length).toBeGreaterThan(0);
    change = alone.reduce((a, b) => (Math.min(b.before_top_z, b.after_top_z) < Math.min(a.before_top_z, a.after_top_z) ? b : a));
  } finally {
    await p.close();
  }
  const r = rectOf(change.footprint, MARGIN_M);
  const ring: [number, number][] = [
    [r.minX, r.minY],
    [r.maxX, r.minY],
    [r.maxX, r.maxY],
    [r.minX, r.maxY],
    [r.minX, r.minY],
  ];
  const area = (r.maxX - r.minX) * (r.maxY - r.minY);
  laid = candidates.length;
  candidates.push({
    reason: 'vegetation',
    footprint: [[ring]],
    centroid: [(r.minX + r.maxX) / 2, (r.minY + r.maxY) / 2],
    area_m2: area,
    volume_m3: area * 0.2,
    height_change_mean_m: 0.2,
    detail: 'laid by the test around a change',
  });
  const db = new Database(project.path);
  db.prepare('UPDATE runs SET suppressed = ? WHERE id = ?').run(JSON.stringify(candidates), run);
  db.close();

  served = await serve(project.path);
  ({ context, page } = await openBrowser(pageErrors));
  await loadUi(page, `${served.url}#run=${run}`);
}, 150_000);

afterAll(async () => {
  await context?.close();
  await served?.stop();
});

describe('a click in the 3D view', () => {
  it('chooses only the nearest of a change and a not-flagged candidate under it, and the candidate where it lies alone', async () => {
    await page.click('#suppressed-toggle');
    const panel = page.locator('#suppressed-panel');
    // Flown to the candidate from its row: it lies in the middle of the view, its change with it, neither chosen after
    // the card is closed.
    await panel.locator(`li[data-index="${laid}"]`).click();
    await panel.locator('.suppressed-card .close').click();
    expect(await selectedCandidate()).toBe('');
    expect(await selectedChange()).toBe(null);
    await settled(page);
    await page.screenshot({ path: join(SCREENSHOTS, 'e2e-picking-overlap.png') });

    // The middle of the view: the change's box, and behind it on the ground the candidate's patch (drawn over it).
    const view = (await page.locator('#view').boundingBox())!;
    await page.mouse.click(view.x + view.width / 2, view.y + view.height / 2);
    await expect.poll(selectedChange).toBe(String(change.key));
    await settled(page);
    expect(await selectedCandidate()).toBe(''); // the farther one is not chosen too

    // Just in front of the change's box (below it on the screen): the patch alone.
    const raw = await page.locator('#view').getAttribute('data-selected-box');
    expect(raw).toMatch(/^-?\d+,-?\d+,-?\d+,-?\d+$/);
    const [left, , right, bottom] = raw!.split(',').map(Number);
    await page.mouse.click(view.x + (left + right) / 2, view.y + bottom + 20);
    await expect.poll(selectedCandidate).toBe(String(laid));
    expect(await panel.locator('.suppressed-card').getAttribute('data-index')).toBe(String(laid));
    expect(await selectedChange()).toBe(String(change.key)); // left as it was
    expect(pageErrors).toEqual([]);
  });
});
