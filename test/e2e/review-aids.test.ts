// What helps an analyst read the review UI, end to end in Chromium against `voxwatch serve` at a laptop's 1366 × 768:
// the colour legend of the 3D view, the change history, the uncertain areas and the candidates detection did not flag.
// The project has been through the review loop (test/helpers/ledger-project.ts), so changes carry verdicts.
// Screenshots in English and Chinese go to test-results/.
import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { ensureRendererBuilt } from '../../cli/serve/renderer-build';
import { suppressionZh } from '../../core/review/ledger-zh';
import { LocalProject } from '../../core/store/project';
import { makeLedgerProject } from '../helpers/ledger-project';
import { SCREENSHOTS, serve, type Served, openBrowser, loadUi, settled, inProject } from './browser';
import { decodePng } from './png';

vi.setConfig({ testTimeout: 120_000 });

let projectPath: string;
let served: Served;
let context: BrowserContext;
let page: Page;
const pageErrors: string[] = [];

const stored = <T>(read: (p: LocalProject) => Promise<T>): Promise<T> => inProject(projectPath, read);

const shot = (name: string) => page.screenshot({ path: join(SCREENSHOTS, `e2e-aids-${name}.png`) });

async function openUi(hash = ''): Promise<void> {
  await loadUi(page, served.url + hash);
}

interface Box {
  left: number;
  top: number;
  right: number;
  bottom: number;
}

const intersects = (a: Box, b: Box) => a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom;

/** The selected change's box on the screen, from the view's top-left (the page writes it after each frame). */
async function selectedBox(): Promise<Box> {
  const raw = await page.locator('#view').getAttribute('data-selected-box');
  expect(raw).toMatch(/^-?\d+,-?\d+,-?\d+,-?\d+$/);
  const [left, top, right, bottom] = raw!.split(',').map(Number);
  return { left, top, right, bottom };
}

/** An element's box from the view's top-left. */
async function boxInView(selector: string): Promise<Box> {
  const [view, el] = await Promise.all([page.locator('#view').boundingBox(), page.locator(selector).boundingBox()]);
  return { left: el!.x - view!.x, top: el!.y - view!.y, right: el!.x - view!.x + el!.width, bottom: el!.y - view!.y + el!.height };
}

beforeAll(async () => {
  const [project] = await Promise.all([makeLedgerProject({ size: 120, seed: 2 }), ensureRendererBuilt()]);
  projectPath = project.path;
  served = await serve(projectPath);
  ({ context, page } = await openBrowser(pageErrors, { viewport: { width: 1366, height: 768 } }));
}, 150_000);

afterAll(async () => {
  await context?.close();
  await served?.stop();
});

describe('the colour legend of the 3D view', () => {
  it('says what each colour means, with the run’s counts, in the colouring in use', async () => {
    const run = await stored(async (p) => (await p.info()).runs[0]);
    const changes = await stored(async (p) => (await p.listChanges({ runId: run.id, limit: 100_000 })).items);
    await openUi(`#run=${run.id}`);
    const legend = page.locator('#legend');
    await expect.poll(() => legend.isVisible()).toBe(true);
    expect(await legend.getAttribute('open')).not.toBeNull();
    expect(await legend.locator('summary').textContent()).toBe('Legend · verdict');
    const verdicts = ['unreviewed', 'confirmed', 'false_positive', 'permitted', 'needs_site_visit'];
    expect(await legend.locator('li').evaluateAll((lis) => lis.map((li) => li.getAttribute('data-entry')))).toEqual(verdicts);
    expect(await legend.locator('li[data-entry="confirmed"] .name').textContent()).toBe('Confirmed');
    for (const v of verdicts)
      expect(Number(await legend.locator(`li[data-entry="${v}"] .count`).textContent()), v).toBe(
        changes.filter((c) => c.verdict === v).length,
      );
    // The swatch is the colour the view draws that verdict in.
    expect(
      await legend
        .locator('li[data-entry="confirmed"] .swatch')
        .evaluate(
          (el) =>
            (globalThis as unknown as { getComputedStyle(e: unknown): { backgroundColor: string } }).getComputedStyle(el).backgroundColor,
        ),
    ).toBe('rgb(229, 72, 77)');

    await page.click('.toggle[data-name="colour-by"] button[data-value="type"]');
    await expect.poll(() => legend.getAttribute('data-colour-by')).toBe('type');
    expect(await legend.locator('summary').textContent()).toBe('Legend · change type');
    expect(await legend.locator('li').count()).toBe(7);
    const added = changes.filter((c) => c.type === 'new_building').length;
    expect(Number(await legend.locator('li[data-entry="new_building"] .count').textContent())).toBe(added);
    await settled(page);
    await shot('legend-en');

    await page.click('#lang');
    await expect.poll(() => legend.locator('summary').textContent()).toBe('图例 · 变化类型');
    expect(await legend.locator('li[data-entry="new_building"] .name').textContent()).toBe('新增建筑');
    await settled(page);
    await shot('legend-zh');
    await page.click('#lang');
    expect(pageErrors).toEqual([]);
  });

  it('stays off the selected change: moves to another corner when the change is panned under it', async () => {
    await page.keyboard.press('j');
    await page.waitForSelector('.change-label.selected');
    await settled(page);
    const legendBox = await boxInView('#legend');
    expect(intersects(legendBox, await selectedBox())).toBe(false);

    // Drag the map so that the selected change ends in the view's bottom-right corner, where the legend sits.
    const view = (await page.locator('#view').boundingBox())!;
    const from = await selectedBox();
    const [cx, cy] = [(from.left + from.right) / 2, (from.top + from.bottom) / 2];
    const [tx, ty] = [view.width - 70, view.height - 50];
    await page.mouse.move(view.x + cx, view.y + cy);
    await page.mouse.down();
    for (let i = 1; i <= 10; i++) await page.mouse.move(view.x + cx + ((tx - cx) * i) / 10, view.y + cy + ((ty - cy) * i) / 10);
    await page.mouse.up();
    await settled(page);
    const moved = await selectedBox();
    // The premise: the change now lies where the legend stood.
    expect(intersects(legendBox, moved)).toBe(true);
    await expect.poll(() => page.locator('#legend').getAttribute('data-corner')).not.toBe('bottom-right');
    expect(intersects(await boxInView('#legend'), moved)).toBe(false);
    await shot('legend-moved');
  });

  it('folds to one line and stays folded after a reload', async () => {
    await page.click('#legend summary');
    await expect.poll(() => page.locator('#legend ul').isVisible()).toBe(false);
    const folded = await page.locator('#legend').boundingBox();
    expect(folded!.height).toBeLessThan(30);
    await openUi();
    expect(await page.locator('#legend').getAttribute('open')).toBeNull();
    await page.click('#legend summary');
    await expect.poll(() => page.locator('#legend ul').isVisible()).toBe(true);
  });
});

describe('the history of the selected change', () => {
  it('shows its verdicts and its case’s events, newest first, with time and actor, and a note as soon as it is saved', async () => {
    const run = await stored(async (p) => (await p.info()).runs[0]);
    const changes = await stored(async (p) => (await p.listChanges({ runId: run.id, limit: 100_000 })).items);
    const judged = changes.find((c) => c.case && c.verdict === 'confirmed')!;
    const events = await stored((p) => p.changeHistory(judged.key));
    // The loop confirmed it, opened and notified its case, and the later run checked the case.
    expect(events.map((e) => e.kind)).toEqual(expect.arrayContaining(['verdict', 'case']));
    await openUi(`#run=${run.id}&change=${judged.key}`);
    const history = page.locator('#change-history');
    await page.waitForSelector(`#change-history[data-key="${judged.key}"][data-state="ready"]`);
    expect(await history.locator('summary').textContent()).toBe(`History (${events.length})`);
    const items = history.locator('li');
    expect(await items.count()).toBe(events.length);
    // Newest first: the top entry is the last event.
    expect(await items.first().getAttribute('data-kind')).toBe(events.at(-1)!.kind);
    const confirmation = items.filter({ hasText: 'Verdict: Unreviewed → Confirmed' });
    expect(await confirmation.count()).toBe(1);
    expect(await confirmation.locator('.actor').textContent()).toBe(events.find((e) => e.kind === 'verdict')!.actor);
    expect(await confirmation.locator('time').textContent()).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2} \(UTC[+−]\d{1,2}(:\d{2})?\)$/);
    const caseId = judged.case!.id;
    expect(await items.filter({ hasText: `Case #${caseId}: Open → Notified` }).count()).toBe(1);
    expect(
      await items
        .filter({ hasText: `Case #${caseId}: Open` })
        .filter({ hasText: 'confirmed as a violation' })
        .count(),
    ).toBe(1);

    await page.fill('.detail textarea', 'owner shown the notice');
    await page.press('.detail textarea', 'Enter');
    await expect.poll(() => items.first().getAttribute('data-kind')).toBe('note');
    expect(await items.first().locator('.text').textContent()).toBe('owner shown the notice');
    // One Enter is one note in the audit log (the field's blur as the panel is redrawn saved it a second time).
    expect((await stored((p) => p.changeHistory(judged.key))).filter((e) => e.kind === 'note')).toHaveLength(1);
    expect(await items.count()).toBe(events.length + 1);
    await history.scrollIntoViewIfNeeded();
    await shot('history-en');

    await page.click('#lang');
    await expect.poll(() => history.locator('summary').textContent()).toBe(`审核记录（${events.length + 1}）`);
    await page.waitForSelector('#change-history[data-state="ready"]');
    expect(await items.filter({ hasText: '审核结论：未审核 → 已确认' }).count()).toBe(1);
    expect(await items.filter({ hasText: `案件 #${caseId}：已立案 → 已下发通知` }).count()).toBe(1);
    await page.locator('#change-history').scrollIntoViewIfNeeded();
    await shot('history-zh');
    await page.click('#lang');
    expect(pageErrors).toEqual([]);
  });
});

describe('the uncertain areas of the run', () => {
  it('are counted in the toolbar and drawn on demand as grey hatching, listed in the legend, the choice remembered', async () => {
    const run = await stored(async (p) => (await p.info()).runs[0]);
    const areas = await stored((p) => p.uncertainAreas(run.id));
    expect(areas.length).toBeGreaterThan(0); // the generated district has places one survey did not see
    await openUi(`#run=${run.id}`);
    const toggle = page.locator('#uncertain-toggle');
    await expect.poll(() => toggle.textContent()).toBe(`Uncertain areas ${areas.length}`);
    expect(await toggle.getAttribute('aria-pressed')).toBe('false');
    expect(await page.locator('#legend li[data-entry="uncertain"]').count()).toBe(0);
    await settled(page);
    const canvas = page.locator('#view canvas');
    const without = decodePng(await canvas.screenshot());

    await toggle.click();
    expect(await toggle.getAttribute('aria-pressed')).toBe('true');
    await expect.poll(() => page.locator('#view').getAttribute('data-uncertain')).toBe(String(areas.length));
    expect(Number(await page.locator('#legend li[data-entry="uncertain"] .count').textContent())).toBe(areas.length);
    await settled(page);
    const withAreas = decodePng(await canvas.screenshot({ path: join(SCREENSHOTS, 'e2e-aids-uncertain-view.png') }));
    // The hatching is light grey over whatever lies there: pixels that turned grey, not just any change of colour.
    let greyer = 0;
    for (let i = 0; i < without.data.length; i += 4) {
      const [r, g, b] = withAreas.data.subarray(i, i + 3);
      const moved = Math.abs(r - without.data[i]) + Math.abs(g - without.data[i + 1]) + Math.abs(b - without.data[i + 2]);
      if (moved > 40 && Math.max(r, g, b) - Math.min(r, g, b) < 40 && r > 120) greyer++;
    }
    expect(greyer).toBeGreaterThan(200);
    await shot('uncertain-en');

    await openUi(`#run=${run.id}`); // remembered
    await expect.poll(() => page.locator('#view').getAttribute('data-uncertain')).toBe(String(areas.length));
    await page.click('#lang');
    await expect.poll(() => toggle.textContent()).toBe(`未观测区域 ${areas.length}`);
    expect(await page.locator('#legend li[data-entry="uncertain"] .name').textContent()).toBe('未观测区域');
    await settled(page);
    await shot('uncertain-zh');
    await page.click('#lang');
    await toggle.click();
    await expect.poll(() => page.locator('#view').getAttribute('data-uncertain')).toBe('hidden');
    expect(await page.locator('#legend li[data-entry="uncertain"]').count()).toBe(0);

    // Over HTTP, as any client sees them.
    const viaApi = await fetch(`${served.url}api/uncertainAreas`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify([run.id]),
    });
    expect(((await viaApi.json()) as unknown[]).length).toBe(areas.length);
    expect(pageErrors).toEqual([]);
  });
});

describe('the candidates detection did not flag', () => {
  it('are counted in the toolbar, drawn on demand as dotted outlines by reason, and tell why each was not flagged, in both languages', async () => {
    const run = await stored(async (p) => (await p.info()).runs[0]);
    const candidates = await stored((p) => p.suppressedCandidates(run.id));
    // The premise: the generated district has trees and cars that looked like change.
    const trees = candidates.filter((c) => c.reason === 'vegetation');
    expect(trees.length).toBeGreaterThan(0);
    expect(candidates.some((c) => c.reason === 'vehicle')).toBe(true);
    await openUi(`#run=${run.id}`);
    const toggle = page.locator('#suppressed-toggle');
    const panel = page.locator('#suppressed-panel');
    await expect.poll(() => toggle.textContent()).toBe(`Not flagged ${candidates.length}`);
    expect(await toggle.getAttribute('aria-pressed')).toBe('false'); // off by default
    expect(await panel.isVisible()).toBe(false);
    expect(await page.locator('#legend li[data-entry^="suppressed"]').count()).toBe(0);
    await settled(page);
    const canvas = page.locator('#view canvas');
    const without = decodePng(await canvas.screenshot());

    await toggle.click();
    expect(await toggle.getAttribute('aria-pressed')).toBe('true');
    await expect.poll(() => page.locator('#view').getAttribute('data-suppressed')).toBe(String(candidates.length));
    expect(await panel.isVisible()).toBe(true);
    expect(await panel.locator('li').count()).toBe(candidates.length);
    // The legend lists the run's reasons under the layer's name, with the count of each.
    expect(await page.locator('#legend li.group').textContent()).toBe('Not flagged');
    expect(await page.locator('#legend li[data-entry="suppressed-vegetation"] .name').textContent()).toBe('Vegetation');
    expect(Number(await page.locator('#legend li[data-entry="suppressed-vegetation"] .count').textContent())).toBe(trees.length);
    await settled(page);
    const withOutlines = decodePng(await canvas.screenshot({ path: join(SCREENSHOTS, 'e2e-aids-suppressed-view.png') }));
    // The outlines are the reasons' light green and light blue (renderer/suppressed.ts), over whatever lies there.
    const near = (i: number, [r, g, b]: number[]) =>
      Math.abs(withOutlines.data[i] - r) + Math.abs(withOutlines.data[i + 1] - g) + Math.abs(withOutlines.data[i + 2] - b) < 60;
    let outlined = 0;
    for (let i = 0; i < without.data.length; i += 4) {
      const moved =
        Math.abs(withOutlines.data[i] - without.data[i]) +
        Math.abs(withOutlines.data[i + 1] - without.data[i + 1]) +
        Math.abs(withOutlines.data[i + 2] - without.data[i + 2]);
      if (moved > 40 && (near(i, [0x8e, 0xe0, 0x7a]) || near(i, [0x7c, 0xc8, 0xff]))) outlined++;
    }
    expect(outlined).toBeGreaterThan(100);

    // The tallest tree from the list: its card says why, in the detector's words, and the camera goes there.
    const tallest = trees.reduce((a, b) => (Math.abs(b.volume_m3) > Math.abs(a.volume_m3) ? b : a));
    const index = candidates.indexOf(tallest);
    await panel.locator(`li[data-index="${index}"]`).click();
    const card = panel.locator('.suppressed-card');
    expect(await card.locator('.reason').textContent()).toBe('Reason: Vegetation');
    expect(await card.locator('.suppressed-detail').textContent()).toBe(tallest.detail);
    expect(await card.locator('dd').allTextContents()).toEqual([
      `${tallest.area_m2.toFixed(1)} m²`,
      `${tallest.height_change_mean_m >= 0 ? '+' : '−'}${Math.abs(tallest.height_change_mean_m).toFixed(1)} m`,
      `${tallest.volume_m3 >= 0 ? '+' : '−'}${Math.abs(tallest.volume_m3).toFixed(0)} m³`,
    ]);
    await settled(page);
    await shot('suppressed-en');

    // Closed, then chosen again by a click on its patch, which the flight left in the middle of the view.
    await card.locator('.close').click();
    expect(await card.count()).toBe(0);
    const view = (await page.locator('#view').boundingBox())!;
    await page.mouse.click(view.x + view.width / 2, view.y + view.height / 2);
    await expect.poll(() => page.locator('#view').getAttribute('data-suppressed-selected')).toBe(String(index));
    expect(await card.locator('.reason').textContent()).toBe('Reason: Vegetation');
    // A reason's patches are one geometry: the click finds the candidate by its triangles, the last car's too.
    const lastCar = candidates.findLastIndex((c) => c.reason === 'vehicle');
    expect(candidates.filter((c) => c.reason === 'vehicle').length).toBeGreaterThan(1); // not the geometry's first
    await panel.locator(`li[data-index="${lastCar}"]`).click();
    await settled(page);
    await card.locator('.close').click();
    await page.mouse.click(view.x + view.width / 2, view.y + view.height / 2);
    await expect.poll(() => page.locator('#view').getAttribute('data-suppressed-selected')).toBe(String(lastCar));
    expect(await card.locator('.reason').textContent()).toBe('Reason: Vehicle');
    await panel.locator(`li[data-index="${index}"]`).click(); // the tree again, for the Chinese card

    await page.click('#lang');
    await expect.poll(() => toggle.textContent()).toBe(`已排除的疑似变化 ${candidates.length}`);
    expect(await card.locator('.reason').textContent()).toBe('排除原因：植被');
    expect(await card.locator('.suppressed-detail').textContent()).toBe(suppressionZh(tallest.detail));
    expect(await card.locator('.suppressed-detail').textContent()).not.toMatch(/[a-z]{3}/); // no English clue left as it was
    expect(await page.locator('#legend li.group').textContent()).toBe('已排除的疑似变化');
    expect(await page.locator('#legend li[data-entry="suppressed-vehicle"] .name').textContent()).toBe('车辆');
    await settled(page);
    await shot('suppressed-zh');
    // Each row has a short id, N01… in the order the server lists the candidates; the chosen one's card names it.
    const pad = Math.max(2, String(candidates.length).length);
    const rows = await panel
      .locator('.suppressed-list li')
      .evaluateAll((lis) => lis.map((li) => [li.getAttribute('data-index'), li.querySelector('.id')?.textContent ?? null]));
    expect(rows).toHaveLength(candidates.length);
    for (const [index, id] of rows) expect(id).toBe(`N${String(Number(index) + 1).padStart(pad, '0')}`);
    expect(await card.locator('.id').textContent()).toBe(
      `N${String(Number(await card.getAttribute('data-index')) + 1).padStart(pad, '0')}`,
    );
    // Beside the 3D view, not over it: no change's label lies under it (at 1400 × 900, as the bureau's screens).
    await page.setViewportSize({ width: 1400, height: 900 });
    await settled(page);
    const [panelAt, viewAt] = [(await panel.boundingBox())!, (await page.locator('#view').boundingBox())!];
    expect(panelAt.x + panelAt.width).toBeLessThanOrEqual(viewAt.x + 0.5);
    for (const label of await page.locator('.change-label:visible').all()) {
      const b = (await label.boundingBox())!;
      if (b.x + b.width / 2 < viewAt.x || b.x + b.width / 2 > viewAt.x + viewAt.width) continue; // clipped off the view
      const under =
        b.x < panelAt.x + panelAt.width && b.x + b.width > panelAt.x && b.y < panelAt.y + panelAt.height && b.y + b.height > panelAt.y;
      expect(under, (await label.textContent()) ?? '').toBe(false);
    }
    await shot('suppressed-zh-1400');
    // Folded, it is a narrow strip of its title.
    await panel.locator('summary').click();
    await expect.poll(async () => (await panel.boundingBox())!.width).toBeLessThan(40);
    await shot('suppressed-zh-folded');
    await panel.locator('summary').click();
    await page.setViewportSize({ width: 1366, height: 768 });
    await page.click('#lang');

    // On a short window the list scrolls, and only the list: a row low in it keeps the card above it in sight.
    await page.setViewportSize({ width: 1366, height: 460 });
    const last = panel.locator('li').last();
    await last.click();
    const lastIndex = Number(await last.getAttribute('data-index'));
    await expect.poll(() => page.locator('#view').getAttribute('data-suppressed-selected')).toBe(String(lastIndex));
    const [panelBox, cardBox] = [await panel.boundingBox(), await card.boundingBox()];
    expect(cardBox!.y).toBeGreaterThanOrEqual(panelBox!.y);
    expect(await panel.locator('.suppressed-list').evaluate((el) => (el as unknown as { scrollTop: number }).scrollTop)).toBeGreaterThan(0);
    expect(await card.getAttribute('data-index')).toBe(String(lastIndex));
    await page.setViewportSize({ width: 1366, height: 768 });

    await openUi(`#run=${run.id}`); // remembered
    await expect.poll(() => page.locator('#view').getAttribute('data-suppressed')).toBe(String(candidates.length));
    await toggle.click();
    await expect.poll(() => page.locator('#view').getAttribute('data-suppressed')).toBe('hidden');
    expect(await panel.isVisible()).toBe(false);
    expect(await page.locator('#legend li[data-entry^="suppressed"]').count()).toBe(0);

    // Over HTTP, as any client sees them.
    const viaApi = await fetch(`${served.url}api/suppressedCandidates`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify([run.id]),
    });
    expect(await viaApi.json()).toEqual(candidates);
    expect(pageErrors).toEqual([]);
  });
});

describe('the list filter, the project name and the change labels', () => {
  it('filters by minimum volume as it is typed, keeping the caret in the field, and on leaving it', async () => {
    const run = await stored(async (p) => (await p.info()).runs[0]);
    const changes = await stored(async (p) => (await p.listChanges({ runId: run.id, limit: 100_000 })).items);
    const atLeast = (v: number) => changes.filter((c) => Math.abs(c.volume_m3) >= v).length;
    const threshold = [...changes].map((c) => Math.abs(c.volume_m3)).sort((a, b) => a - b)[Math.floor(changes.length / 2)];
    const typed = String(Math.floor(threshold));
    expect(atLeast(Number(typed))).toBeLessThan(changes.length); // the premise: typing it filters some out
    await openUi(`#run=${run.id}`);
    const rows = page.locator('.change-list li');
    expect(await rows.count()).toBe(changes.length);

    await page.click('#min-volume');
    await page.keyboard.type(typed, { delay: 60 }); // no Enter
    await expect.poll(() => rows.count()).toBe(atLeast(Number(typed)));
    expect(
      await page.evaluate(() => (globalThis as unknown as { document: { activeElement: { id: string } } }).document.activeElement.id),
    ).toBe('min-volume');
    expect(await page.inputValue('#min-volume')).toBe(typed);
    expect(page.url()).toContain(`min=${typed}`);
    // Typing on after the list has filtered goes on in the same field.
    await page.keyboard.type('0', { delay: 60 });
    await expect.poll(() => rows.count()).toBe(atLeast(Number(`${typed}0`)));
    expect(await page.inputValue('#min-volume')).toBe(`${typed}0`);

    // Cleared and left at once (Tab, before the pause that applies it): leaving applies it.
    await page.keyboard.press('Control+A');
    await page.keyboard.press('Backspace');
    await page.keyboard.press('Tab');
    expect(await rows.count()).toBe(changes.length);
    await shot('min-volume');
  });

  it('names the project in the header, its file path one click away', async () => {
    const info = await stored((p) => p.info());
    await openUi();
    const project = page.locator('#project-info');
    expect(await project.locator('summary').getAttribute('title')).toBe(info.name);
    expect(await project.locator('summary').textContent()).toBe(info.name);
    expect(await project.locator('.path').isVisible()).toBe(false);
    await project.locator('summary').click();
    expect(await project.locator('.path').textContent()).toBe(info.path);
    expect(await project.locator('dd').first().textContent()).toBe(info.name);
    await shot('project-en');
    await page.click('#lang');
    await project.locator('summary').click();
    expect(await project.locator('dt').last().textContent()).toBe('项目文件');
    await shot('project-zh');
    await page.click('#view canvas', { position: { x: 5, y: 300 } }); // a click elsewhere closes it
    expect(await project.locator('.path').isVisible()).toBe(false);
    await page.click('#lang');
  });

  it('hides the labels that would overlap seen from afar, never the selected change’s', async () => {
    const run = await stored(async (p) => (await p.info()).runs[0]);
    const changes = await stored(async (p) => (await p.listChanges({ runId: run.id, limit: 100_000 })).items);
    const last = [...changes].sort((a, b) => Math.abs(a.volume_m3) - Math.abs(b.volume_m3))[0]; // the lowest rank
    await openUi(`#run=${run.id}&change=${last.key}`);
    await page.click('.overview');
    await settled(page);
    // Zoom far out: the district shrinks to a few pixels and its labels pile up.
    const view = (await page.locator('#view').boundingBox())!;
    await page.mouse.move(view.x + view.width / 2, view.y + view.height / 2);
    for (let i = 0; i < 12; i++) await page.mouse.wheel(0, 400);
    await settled(page);
    const boxes = await page.locator('.change-label:not([hidden])').evaluateAll((els) =>
      els.map((el) => {
        const r = (
          el as unknown as { getBoundingClientRect(): { left: number; top: number; right: number; bottom: number } }
        ).getBoundingClientRect();
        return {
          left: r.left,
          top: r.top,
          right: r.right,
          bottom: r.bottom,
          selected: (el as unknown as { className: string }).className.includes('selected'),
        };
      }),
    );
    expect(await page.locator('.change-label.cluttered').count()).toBeGreaterThan(0);
    expect(boxes.length).toBeGreaterThan(0);
    expect(boxes.some((b) => b.selected)).toBe(true);
    for (let i = 0; i < boxes.length; i++)
      for (let j = i + 1; j < boxes.length; j++) expect(intersects(boxes[i], boxes[j]), `labels ${i} and ${j}`).toBe(false);
    await shot('labels-far');
    expect(pageErrors).toEqual([]);
  });
});
