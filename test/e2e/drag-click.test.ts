// A drag of the 3D view is not a click, end to end in Chromium against `voxwatch serve`: a press that pans the view
// and is released over a "not flagged" candidate's patch (or a change's box) chooses nothing, even when the pointer
// comes back to where it went down; a click that stays put on the same spot chooses it.
import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureRendererBuilt } from '../../cli/serve/renderer-build';
import { LocalProject } from '../../core/store/project';
import { makeReviewProject } from '../helpers/review-project';
import { SCREENSHOTS, serve, type Served, openBrowser, loadUi, settled, framesDrawn } from './browser';

let served: Served;
let context: BrowserContext;
let page: Page;
const pageErrors: string[] = [];

const selectedChange = async () =>
  (await page.locator('.change-list li[aria-selected="true"]').evaluateAll((lis) => lis.map((li) => li.getAttribute('data-key'))))[0] ??
  null;
const selectedCandidate = () => page.locator('#view').getAttribute('data-suppressed-selected');

beforeAll(async () => {
  const [project] = await Promise.all([makeReviewProject({ size: 120, seed: 2 }), ensureRendererBuilt()]);
  const p = LocalProject.open(project.path, 'e2e');
  const run = (await p.info()).runs[0].id;
  await p.close();
  served = await serve(project.path);
  ({ context, page } = await openBrowser(pageErrors));
  await loadUi(page, `${served.url}#run=${run}`);
}, 150_000);

afterAll(async () => {
  await context?.close();
  await served?.stop();
});

describe('a press in the 3D view', () => {
  it('that drags the view chooses nothing where it is released; one that stays put chooses what is under it', async () => {
    // Flown to the largest not-flagged candidate from its row: its patch lies in the middle of the view.
    await page.click('#suppressed-toggle');
    const panel = page.locator('#suppressed-panel');
    await panel.locator('.suppressed-list li').first().click();
    await panel.locator('.suppressed-card .close').click();
    expect(await selectedCandidate()).toBe('');
    expect(await selectedChange()).toBe(null);
    await settled(page);
    const view = (await page.locator('#view').boundingBox())!;
    const [cx, cy] = [view.x + view.width / 2, view.y + view.height / 2];

    // Pans away and back: released where it went down, but the view moved under it.
    const before = await framesDrawn(page);
    await page.mouse.move(cx, cy);
    await page.mouse.down();
    await page.mouse.move(cx + 80, cy + 30, { steps: 8 });
    await page.mouse.move(cx, cy, { steps: 8 });
    await page.mouse.up();
    await settled(page);
    expect(await framesDrawn(page)).toBeGreaterThan(before); // it did move the view
    expect(await selectedCandidate()).toBe('');
    expect(await selectedChange()).toBe(null);

    // A pan that ends over the spot.
    await page.mouse.move(cx - 60, cy);
    await page.mouse.down();
    await page.mouse.move(cx, cy, { steps: 8 });
    await page.mouse.up();
    await settled(page);
    expect(await selectedCandidate()).toBe('');
    expect(await selectedChange()).toBe(null);
    await page.screenshot({ path: join(SCREENSHOTS, 'e2e-drag-click-dragged.png') });

    // A hand's tremor (2 px) is still a click: something there is chosen.
    await page.mouse.move(cx, cy);
    await page.mouse.down();
    await page.mouse.move(cx + 2, cy + 1);
    await page.mouse.up();
    await expect.poll(async () => (await selectedCandidate()) !== '' || (await selectedChange()) !== null).toBe(true);
    expect(pageErrors).toEqual([]);
  });
});
