// The 3D snapshots a report exported from the UI carries, end to end in Chromium against `voxwatch serve`: they colour
// the changes as every other page of the report does (red = added, blue = removed, by the change's sign), not by the
// UI's verdict colours (confirmed = red, which painted a confirmed demolition red), and say so in a legend of their own.
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureRendererBuilt } from '../../cli/serve/renderer-build';
import type { ChangeRecord, RunRecord } from '../../core/api';
import { LocalProject } from '../../core/store/project';
import { makeLedgerProject } from '../helpers/ledger-project';
import { SCREENSHOTS, serve, type Served, openBrowser, loadUi } from './browser';
import { decodePng, type Pixels } from './png';

// In page functions only (the test tsconfig has no DOM library).
declare const localStorage: { setItem(key: string, value: string): void };
declare const location: { protocol: string };

let served: Served;
let context: BrowserContext;
let page: Page;
const pageErrors: string[] = [];
let run: RunRecord;
let removals: ChangeRecord[];
let additions: ChangeRecord[];

/** The report's colours of added and removed volume (core/report/oblique.ts), and the UI's for a confirmed change. */
const ADDED: [number, number, number] = [222, 75, 45];
const REMOVED: [number, number, number] = [58, 118, 206];
const CONFIRMED: [number, number, number] = [0xe5, 0x48, 0x4d];

/**
 * Pixels within `tolerance` of a colour in every channel (the snapshot is JPEG-compressed in the PDF), outside the
 * legend in the lower left corner (its swatches hold both colours).
 */
function count(img: Pixels, colour: [number, number, number], tolerance = 22): number {
  let n = 0;
  for (let y = 0; y < img.height; y++)
    for (let x = 0; x < img.width; x++) {
      if (x < 140 && y > img.height - 80) continue;
      const i = (y * img.width + x) * 4;
      if (colour.every((c, k) => Math.abs(img.data[i + k] - c) <= tolerance)) n++;
    }
  return n;
}

/** Exports the report of the list as filtered by `hash` and returns its 640 × 480 snapshots, in page order. */
async function exportSnapshots(hash: string, name: string, colourBy: 'verdict' | 'type' = 'verdict'): Promise<Pixels[]> {
  await loadUi(page, `${served.url}${hash}`);
  await page.click(`[data-name="colour-by"] [data-value="${colourBy}"]`);
  await page.click('#export-report');
  await page.waitForSelector('#report-dialog');
  await page.selectOption('#report-scope', 'filtered');
  const download = page.waitForEvent('download', { timeout: 120_000 });
  await page.click('#report-start');
  const dir = mkdtempSync(join(tmpdir(), 'voxwatch-e2e-snapshot-'));
  await (await download).saveAs(join(dir, 'report.pdf'));
  await page.waitForSelector('#report-dialog', { state: 'detached' });
  execFileSync('pdfimages', ['-png', join(dir, 'report.pdf'), join(dir, 'img')]);
  const files = readdirSync(dir)
    .filter((f) => f.endsWith('.png'))
    .sort()
    .map((f) => ({ f, png: decodePng(readFileSync(join(dir, f))) }))
    .filter(({ png }) => png.width === 640 && png.height === 480);
  const text = execFileSync('pdftotext', ['-layout', join(dir, 'report.pdf'), '-'], { encoding: 'utf8' });
  expect(text).toContain('三维视图（软件截图）');
  // The first snapshot and its page, to look at.
  copyFileSync(join(dir, files[0].f), join(SCREENSHOTS, `e2e-report-snapshot-${name}.png`));
  const viewPage = execFileSync('pdfimages', ['-list', join(dir, 'report.pdf')], { encoding: 'utf8' })
    .split('\n')
    .slice(2)
    .map((l) => l.trim().split(/\s+/))
    .find((c) => c[3] === '640' && c[4] === '480')![0];
  execFileSync('pdftoppm', [
    '-r',
    '80',
    '-png',
    '-f',
    viewPage,
    '-l',
    viewPage,
    join(dir, 'report.pdf'),
    join(SCREENSHOTS, `e2e-report-snapshot-${name}-page`),
  ]);
  return files.map(({ png }) => png);
}

beforeAll(async () => {
  const [project] = await Promise.all([makeLedgerProject({ size: 120, seed: 2 }), ensureRendererBuilt()]);
  const p = LocalProject.open(project.path, 'e2e');
  try {
    run = (await p.info()).runs[0];
    const changes = (await p.listChanges({ runId: run.id })).items;
    // The analyst confirmed the removals too: the UI paints them red (confirmed), as it does the added structures.
    removals = changes.filter((c) => c.volume_m3 < 0);
    additions = changes.filter((c) => c.volume_m3 > 0 && c.verdict === 'confirmed');
    expect(removals.length).toBeGreaterThan(0);
    expect(additions.length).toBeGreaterThan(0);
    await p.setVerdict(
      removals.map((c) => c.key),
      'confirmed',
    );
  } finally {
    await p.close();
  }
  served = await serve(project.path);
  ({ context, page } = await openBrowser(pageErrors));
  await page.addInitScript(() => {
    if (location.protocol === 'http:') localStorage.setItem('voxwatch.lang', 'zh-CN'); // not on about:blank
  });
}, 150_000);

afterAll(async () => {
  await context?.close();
  await served?.stop();
});

describe('the 3D snapshots of a report exported from the UI', () => {
  it('colour a confirmed removal blue and a confirmed addition red, as the rest of the report does', async () => {
    const removed = await exportSnapshots(`#run=${run.id}&type=demolished&verdict=confirmed`, 'removal');
    expect(removed).toHaveLength(removals.filter((c) => c.type === 'demolished').length);
    for (const [i, img] of removed.entries()) {
      expect(count(img, REMOVED), `removal ${i}: blue`).toBeGreaterThan(100);
      expect(count(img, CONFIRMED), `removal ${i}: the UI's confirmed red`).toBeLessThan(20);
    }
    const added = await exportSnapshots(`#run=${run.id}&type=new_building&verdict=confirmed`, 'addition');
    expect(added.length).toBeGreaterThan(0);
    // The points inside a new building's box hide most of its edges: fewer of them show.
    for (const [i, img] of added.entries()) {
      expect(count(img, ADDED), `addition ${i}: red`).toBeGreaterThan(10);
      expect(count(img, REMOVED), `addition ${i}: blue`).toBeLessThan(10);
    }
    // Whatever the UI colours by: the same snapshots, pixel for pixel, when it colours by type.
    const byType = await exportSnapshots(`#run=${run.id}&type=demolished&verdict=confirmed`, 'removal-by-type', 'type');
    expect(byType).toHaveLength(removed.length);
    byType.forEach((img, i) => expect(Buffer.compare(Buffer.from(img.data), Buffer.from(removed[i].data)), `snapshot ${i}`).toBe(0));
    expect(pageErrors).toEqual([]);
  }, 300_000);
});
