// "Fly to" shows the change, end to end in Chromium against `voxwatch serve`: a one-storey extension built on the
// north side of a 24 m block is looked at from the north, over the open street, not from the south through the block
// (the view the analyst got before: the block's south face, the label over its roof, the extension out of sight).
// The scene is written here as two small LAS surveys (a flat site, the block, two lower neighbours; the extension in
// the second), so the block's place and height are known to the test. Screenshot in test-results/.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureRendererBuilt } from '../../cli/serve/renderer-build';
import type { ChangeRecord } from '../../core/api';
import { createLasWriter } from '../../core/io/las/writer';
import { LocalProject } from '../../core/store/project';
import { SCREENSHOTS, serve, type Served, openBrowser, loadUi, settled } from './browser';

/** The site's lower-left corner (EPSG:4547, Luohu) and its ground height. */
const ORIGIN: [number, number] = [513_200, 2_494_300];
const GROUND_Z = 12;
const SIZE = 140;

/** A flat-roofed box in site coordinates, its roof `top` metres above the ground. */
interface Block {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
  top: number;
  colour: [number, number, number];
}

const HOST: Block = { x0: 55, y0: 45, x1: 75, y1: 61, top: 24, colour: [200, 196, 186] };
const EXTENSION: Block = { x0: 60, y0: 61, x1: 70, y1: 66, top: 3.5, colour: [170, 80, 60] };
const NEIGHBOURS: Block[] = [
  { x0: 18, y0: 40, x1: 36, y1: 64, top: 12, colour: [180, 175, 170] },
  { x0: 95, y0: 42, x1: 112, y1: 60, top: 9, colour: [190, 185, 160] },
];

const inside = (b: Block, x: number, y: number) => x >= b.x0 && x < b.x1 && y >= b.y0 && y < b.y1;

/** One survey: the ground and the roofs from above, and the walls, with a little noise; deterministic. */
async function writeSurvey(path: string, blocks: Block[], seed: number, date: string): Promise<void> {
  let s = seed;
  const rand = () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32;
  const [x, y, z, rgb]: number[][] = [[], [], [], []];
  const add = (px: number, py: number, pz: number, colour: [number, number, number]) => {
    x.push(ORIGIN[0] + px + (rand() - 0.5) * 0.04);
    y.push(ORIGIN[1] + py + (rand() - 0.5) * 0.04);
    z.push(GROUND_Z + pz + (rand() - 0.5) * 0.04);
    rgb.push(...colour.map((c) => Math.round(Math.min(255, Math.max(0, c + (rand() - 0.5) * 30)) * 257)));
  };
  for (let i = 0; i < SIZE * SIZE * 10; i++) {
    const [px, py] = [rand() * SIZE, rand() * SIZE];
    const roof = blocks.filter((b) => inside(b, px, py)).sort((a, b) => b.top - a.top)[0];
    const street = Math.abs(py - 80) < 5 || Math.abs(px - 88) < 4;
    add(px, py, roof?.top ?? 0, roof?.colour ?? (street ? [95, 95, 100] : [165, 150, 125]));
  }
  for (const b of blocks) {
    const corners = [
      [b.x0, b.y0],
      [b.x1, b.y0],
      [b.x1, b.y1],
      [b.x0, b.y1],
    ];
    const walls = corners.map((from, k) => [from, corners[(k + 1) % 4]]);
    const shade = b.colour.map((c) => c * 0.8) as [number, number, number];
    for (const [[ax, ay], [bx, by]] of walls)
      for (let i = 0; i < Math.hypot(bx - ax, by - ay) * b.top * 4; i++) {
        const t = rand();
        add(ax + (bx - ax) * t, ay + (by - ay) * t, rand() * b.top, shade);
      }
  }
  const writer = createLasWriter(path, {
    version: '1.2',
    epsg: 4547,
    offset: [513_000, 2_494_000, 0],
    creationDate: new Date(`${date}T00:00:00Z`),
  });
  try {
    await writer.write({
      count: x.length,
      x: Float64Array.from(x),
      y: Float64Array.from(y),
      z: Float64Array.from(z),
      rgb: Uint16Array.from(rgb),
    });
  } finally {
    await writer.close();
  }
}

let served: Served;
let context: BrowserContext;
let page: Page;
const pageErrors: string[] = [];
let extension: ChangeRecord;

const xyz = async (attribute: string) => ((await page.locator('#view').getAttribute(attribute)) ?? '').split(',').map(Number);

/** The camera north of the extension, nothing of the block in its line of sight, aimed at the extension on the screen. */
async function seesExtensionFromNorth(): Promise<void> {
  const [cx, cy] = extension.centroid.map((c, i) => c - ORIGIN[i]);
  const camera = (await xyz('data-camera')).map((c, i) => c - [...ORIGIN, GROUND_Z][i]);
  const target = (await xyz('data-camera-target')).map((c, i) => c - [...ORIGIN, GROUND_Z][i]);
  expect(camera).toHaveLength(3);
  expect(camera.every(Number.isFinite)).toBe(true);
  // From the north: the camera stands north of the extension, more north than east or west of it.
  expect(camera[1] - cy).toBeGreaterThan(Math.abs(camera[0] - cx));
  // Nothing of the block between the camera and the extension's centre.
  const centre = [cx, cy, EXTENSION.top / 2];
  for (let t = 0; t <= 1; t += 0.002) {
    const [x, y, z] = [0, 1, 2].map((i) => centre[i] + (camera[i] - centre[i]) * t);
    expect(inside(HOST, x, y) && z < HOST.top, `line of sight through the block at ${x}, ${y}, ${z}`).toBe(false);
  }
  // Aimed at the extension itself, half-way up it (not at the ground in front of the block).
  expect(Math.hypot(target[0] - cx, target[1] - cy)).toBeLessThan(2);
  expect(target[2]).toBeGreaterThan(0.5);
  expect(target[2]).toBeLessThan(EXTENSION.top);
  // And the extension on the screen, its box within the view.
  const [left, top, right, bottom] = ((await page.locator('#view').getAttribute('data-selected-box')) ?? '').split(',').map(Number);
  const view = (await page.locator('#view').boundingBox())!;
  const [mx, my] = [(left + right) / 2, (top + bottom) / 2];
  expect(mx).toBeGreaterThan(0);
  expect(mx).toBeLessThan(view.width);
  expect(my).toBeGreaterThan(0);
  expect(my).toBeLessThan(view.height);
}

beforeAll(async () => {
  const dir = mkdtempSync(join(tmpdir(), 'voxwatch-fly-to-'));
  const path = join(dir, 'fly-to.voxwatch');
  await Promise.all([
    writeSurvey(join(dir, 'epoch-1.las'), [HOST, ...NEIGHBOURS], 7, '2024-03-01'),
    writeSurvey(join(dir, 'epoch-2.las'), [HOST, EXTENSION, ...NEIGHBOURS], 11, '2025-03-01'),
    ensureRendererBuilt(),
  ]);
  const p = LocalProject.create(path, { name: 'fly-to', district: '罗湖区' }, 'test');
  try {
    await p.addEpoch({ label: 'e1', files: [join(dir, 'epoch-1.las')], date: '2024-03-01' });
    await p.addEpoch({ label: 'e2', files: [join(dir, 'epoch-2.las')], date: '2025-03-01' });
    await p.detect('e1', 'e2');
    const changes = (await p.listChanges({ limit: 100 })).items;
    const found = changes.find((c) => c.type === 'extension');
    if (!found) throw new Error(`no extension detected: ${changes.map((c) => `${c.id} ${c.type}`).join(', ')}`);
    extension = found;
  } finally {
    await p.close();
  }
  served = await serve(path);
  ({ context, page } = await openBrowser(pageErrors, { viewport: { width: 1600, height: 900 } }));
}, 150_000);

afterAll(async () => {
  await context?.close();
  await served?.stop();
});

describe('Fly to a change', () => {
  it('looks at an extension on the north side of a taller block from the north, with nothing in the way', async () => {
    // The detected extension is the one built: on the block's north wall.
    const [cx, cy] = extension.centroid.map((c, i) => c - ORIGIN[i]);
    expect(inside(EXTENSION, cx, cy)).toBe(true);

    await loadUi(page, served.url);
    await page.locator(`.change-list li[data-key="${extension.key}"]`).click();
    await expect.poll(() => page.locator('.detail').getAttribute('data-key')).toBe(String(extension.key));
    await settled(page);
    await page.screenshot({ path: join(SCREENSHOTS, 'e2e-fly-to-extension.png') });

    await seesExtensionFromNorth();
    expect(pageErrors).toEqual([]);
  });

  it('judges the side again once the points are drawn when a link opens the UI on the extension', async () => {
    // The first flight happens before any point is loaded: from the default side, until the points are there.
    await loadUi(page, `${served.url}#run=${extension.runId}&change=${extension.key}`);
    await expect.poll(() => page.locator('.detail').getAttribute('data-key')).toBe(String(extension.key));
    await settled(page);
    await page.screenshot({ path: join(SCREENSHOTS, 'e2e-fly-to-extension-link.png') });
    await seesExtensionFromNorth();
    expect(pageErrors).toEqual([]);
  });
});
