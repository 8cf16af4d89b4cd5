// The review workflow beyond the list, end to end in Chromium against `voxwatch serve`: exporting the PDF report
// with the viewer's 3D snapshots, orthophoto crops in the detail panel, the case ledger (台账) and complaint leads
// (投诉举报线索) panels, measuring in the 3D view and the orthophoto under the clouds. The project has been through
// the review loop (tests/helpers/ledger-project.ts). Screenshots go to test-results/.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureRendererBuilt } from '../../cli/serve/renderer-build';
import { LocalProject } from '../../core/store/project';
import { makeLedgerProject } from '../helpers/ledger-project';
import { pdfText } from '../report/pdf-tools';
import { launch, SCREENSHOTS, serve, type Served } from './browser';
import { decodePng } from './png';

// In page functions only (the test tsconfig has no DOM library).
declare const document: { getElementById(id: string): { dataset: Record<string, string | undefined> } | null };
declare const localStorage: { setItem(key: string, value: string): void };

let projectPath: string;
let served: Served;
let context: BrowserContext;
let page: Page;
const pageErrors: string[] = [];

async function stored<T>(read: (p: LocalProject) => Promise<T>): Promise<T> {
  const p = LocalProject.open(projectPath, 'e2e');
  try {
    return await read(p);
  } finally {
    await p.close();
  }
}

const shot = (name: string) => page.screenshot({ path: join(SCREENSHOTS, `e2e-panels-${name}.png`) });

async function openUi(hash = ''): Promise<void> {
  await page.goto(served.url + hash);
  await page.waitForSelector('body[data-ready="true"]');
  await page.waitForFunction(() => /^\d+$/.test(document.getElementById('view')!.dataset.points ?? ''));
}

/** The images `pdfimages -list` reports: page, width, height, encoding. */
function pdfImages(file: string): { page: number; width: number; height: number; enc: string }[] {
  const lines = execFileSync('pdfimages', ['-list', file], { encoding: 'utf8' }).split('\n').slice(2).filter(Boolean);
  return lines.map((l) => {
    const c = l.trim().split(/\s+/);
    return { page: Number(c[0]), width: Number(c[3]), height: Number(c[4]), enc: c[8] };
  });
}

beforeAll(async () => {
  const [project] = await Promise.all([makeLedgerProject({ size: 120, seed: 2 }), ensureRendererBuilt()]);
  projectPath = project.path;
  served = await serve(projectPath);
  context = await launch();
  page = context.pages()[0] ?? (await context.newPage());
  page.setDefaultTimeout(30_000);
  page.on('pageerror', (e) => pageErrors.push(e.message));
  await page.addInitScript(() => localStorage.setItem('voxwatch.lang', 'zh-CN'));
}, 150_000);

afterAll(async () => {
  await context?.close();
  await served?.stop();
});

describe('exporting the PDF report from the app', () => {
  it('exports the filtered list in zh-CN with the viewer’s 3D snapshots, downloaded by the browser', async () => {
    const run = await stored(async (p) => (await p.info()).runs[0]);
    await openUi(`#run=${run.id}`);
    const all = await stored(async (p) => (await p.listChanges({ runId: run.id })).items);
    const confirmed = all.filter((c) => c.verdict === 'confirmed');
    expect(confirmed.length).toBeGreaterThan(1);
    expect(confirmed.length).toBeLessThan(all.length);
    await page.selectOption('.filters select:nth-of-type(2)', 'confirmed');
    await expect.poll(() => page.locator('.change-list li').count()).toBe(confirmed.length);

    await page.click('#export-report');
    await page.waitForSelector('#report-dialog');
    expect(await page.inputValue('#report-lang')).toBe('zh-CN');
    expect(await page.inputValue('#report-scope')).toBe('filtered');
    await page.fill('#report-author', '李工');
    await shot('1-report-dialog');
    const download = page.waitForEvent('download', { timeout: 120_000 });
    await page.click('#report-start');
    await page.waitForSelector('#report-dialog[data-state="running"]');
    const file = join(mkdtempSync(join(tmpdir(), 'voxwatch-e2e-report-')), 'report.pdf');
    const d = await download;
    expect(d.suggestedFilename()).toMatch(new RegExp(`^voxwatch-run${run.id}-zh-CN\\.pdf$`));
    await d.saveAs(file);
    await page.waitForSelector('#report-dialog', { state: 'detached' });
    expect(await page.locator('#status').textContent()).toContain('报告已下载');

    expect(readFileSync(file).subarray(0, 5).toString()).toBe('%PDF-');
    const text = pdfText(file);
    for (const c of confirmed) expect(text).toContain(c.id);
    for (const c of all.filter((c) => c.verdict !== 'confirmed')) expect(text).not.toMatch(new RegExp(`\\b${c.id}\\b`));
    expect(text).toContain('已确认');
    expect(text).toContain('李工');
    expect(text).toContain('三维视图（软件截图）'); // the viewer's snapshot, not the report's own oblique render
    expect(text).not.toContain('三维斜视图');

    // One 640 × 480 snapshot per change, and it is the viewer's: its background is the viewer's dark clear colour.
    const views = pdfImages(file).filter((i) => i.width === 640 && i.height === 480);
    expect(views).toHaveLength(confirmed.length);
    const dir = mkdtempSync(join(tmpdir(), 'voxwatch-e2e-images-'));
    execFileSync('pdfimages', ['-png', '-f', String(views[0].page), '-l', String(views[0].page), file, join(dir, 'img')]);
    const pngs = readdirSync(dir).map((f) => decodePng(readFileSync(join(dir, f))));
    const snapshot = pngs.find((p) => p.width === 640 && p.height === 480)!;
    const [r, g, b] = snapshot.data.subarray(0, 3); // top-left corner: sky, i.e. the clear colour
    expect(Math.abs(r - 0x15) + Math.abs(g - 0x17) + Math.abs(b - 0x1a)).toBeLessThan(24);
    let drawn = 0;
    for (let i = 0; i < snapshot.data.length; i += 4) if (snapshot.data[i] + snapshot.data[i + 1] + snapshot.data[i + 2] > 150) drawn++;
    expect(drawn / (640 * 480)).toBeGreaterThan(0.2); // points and the change, not an empty frame
    execFileSync('pdftoppm', [
      '-r',
      '60',
      '-png',
      '-f',
      String(views[0].page),
      '-l',
      String(views[0].page),
      file,
      join(SCREENSHOTS, 'e2e-panels-report-page'),
    ]);

    const audit = await stored((p) => p.auditLog(5));
    expect(audit.some((a) => a.action === 'report')).toBe(true);
    expect(pageErrors).toEqual([]);
  }, 180_000);

  it('cancels an export, and the server refuses a report body that names an output path', async () => {
    await page.click('#export-report');
    await page.selectOption('#report-scope', 'all');
    await page.click('#report-start');
    await page.waitForSelector('#report-dialog[data-state="running"]');
    await page.click('#report-cancel');
    await page.waitForSelector('#report-dialog', { state: 'detached' });
    expect(await page.locator('#status').textContent()).toContain('已取消导出报告');

    const post = (body: unknown) =>
      fetch(`${served.url}api/report`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
    const refused = await post([null, { lang: 'en', outPath: '/tmp/evil.pdf' }]);
    expect(refused.status).toBe(400);
    expect(((await refused.json()) as { error: string }).error).toMatch(/unknown field "outPath"/);
    expect((await post([null, { lang: 'en', snapshots: { C001: 'not base64!' } }])).status).toBe(400);
    // exportReport is not an ordinary API method over HTTP at all
    const direct = await fetch(`${served.url}api/exportReport`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify([null, { lang: 'en', outPath: '/tmp/evil.pdf' }]),
    });
    expect(direct.status).toBe(404);
    const english = await post([null, { lang: 'en' }]);
    expect(english.status).toBe(200);
    expect(english.headers.get('content-type')).toBe('application/pdf');
    expect(
      Buffer.from(await english.arrayBuffer())
        .subarray(0, 5)
        .toString(),
    ).toBe('%PDF-');
  }, 120_000);
});

describe('orthophoto crops in the detail panel', () => {
  it('shows the before and after crops of the selected change with its footprint drawn', async () => {
    const run = await stored(async (p) => (await p.info()).runs[0]);
    const all = await stored(async (p) => (await p.listChanges({ runId: run.id })).items);
    const added = all.find((c) => c.type === 'new_building')!;
    await openUi(`#run=${run.id}&change=${added.key}`);
    await page.waitForSelector(`.crops[data-key="${added.key}"][data-state="ready"]`);
    expect(await page.locator('.crop img').count()).toBe(2);
    expect(await page.locator('.crop figcaption').allTextContents()).toEqual(['前期 · e1', '后期 · e2']);
    const path = await page.locator('.crop[data-epoch="after"] .crop-footprint').getAttribute('d');
    expect(path).toMatch(/^M[\d.]+,[\d.]+L/);
    // The images are real orthophoto pixels: where the new building stands, the two epochs differ.
    const [before, after] = await Promise.all(
      ['before', 'after'].map(async (w) => decodePng(await page.locator(`.crop[data-epoch="${w}"] .crop-image`).screenshot())),
    );
    expect(before.width).toBeGreaterThan(100);
    let diff = 0;
    const centre = (img: typeof before, c: number) => img.data[((img.height >> 1) * img.width + (img.width >> 1)) * 4 + c];
    for (let c = 0; c < 3; c++) diff += Math.abs(centre(before, c) - centre(after, c));
    expect(diff).toBeGreaterThan(30);
    await page.locator('#detail').screenshot({ path: join(SCREENSHOTS, 'e2e-panels-2-crops.png') });
    expect(pageErrors).toEqual([]);
  });
});
