// The review UI end to end: `voxwatch serve` on a small generated project, Debian's Chromium (WebGL2 on
// SwiftShader), and an analyst's session: the view draws, the keyboard steps and judges, a verdict survives a
// reload and is in the project file, the swipe splits the two epochs, zh-CN, and a detection run with progress
// and cancel. Screenshots go to test-results/.
import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureRendererBuilt } from '../../cli/serve/renderer-build';
import { LocalProject } from '../../core/store/project';
import { makeReviewProject } from '../helpers/review-project';
import { SCREENSHOTS, serve, type Served, openBrowser, loadUi, settled, inProject } from './browser';
import { decodePng, difference, imageStats, type Pixels } from './png';

// In page functions only (the test tsconfig has no DOM library).
declare const document: { getElementById(id: string): { dataset: Record<string, string | undefined> } | null };

const CLEAR_COLOUR: [number, number, number] = [0x15, 0x17, 0x1a];

let projectPath: string;
let served: Served;
let context: BrowserContext;
let page: Page;
const pageErrors: string[] = [];

const stored = <T>(read: (p: LocalProject) => Promise<T>): Promise<T> => inProject(projectPath, read);

/** Screenshots the 3D view once it is still (saved to test-results/) and decodes it. */
const canvasShot = async (name: string): Promise<Pixels> => {
  await settled(page);
  return decodePng(await page.locator('#view canvas').screenshot({ path: join(SCREENSHOTS, `e2e-${name}.png`) }));
};

const selectedKey = () => page.locator('.change-list li[aria-selected="true"]').getAttribute('data-key');

beforeAll(async () => {
  const [project] = await Promise.all([makeReviewProject({ size: 120, seed: 2 }), ensureRendererBuilt()]);
  projectPath = project.path;
  served = await serve(projectPath);
  ({ context, page } = await openBrowser(pageErrors, { timeout: 30_000 }));
}, 150_000);

afterAll(async () => {
  await context?.close();
  await served?.stop();
});

describe('the review UI in Chromium', () => {
  it('draws both epochs and the changes in WebGL', async () => {
    await loadUi(page, served.url);
    const shot = await canvasShot('1-overview');
    const stats = imageStats(shot, CLEAR_COLOUR);
    expect(stats.width).toBeGreaterThan(400);
    expect(stats.drawn).toBeGreaterThan(0.15); // the district covers a good part of the view
    expect(stats.colours).toBeGreaterThan(200); // coloured points, not a flat fill
    const count = await page.locator('.change-list li').count();
    expect(count).toBe(await stored(async (p) => (await p.listChanges()).total));
    // The run's own account: its vertical alignment, and its warnings when it has any.
    const run = await stored(async (p) => (await p.info()).runs[0]);
    const notes = await page.locator('#run-notes summary').textContent();
    expect(notes).toMatch(run.alignment ? /vertical alignment [+−]\d+\.\d\d m/ : /no vertical alignment/);
    if (run.warnings.length) expect(notes).toContain(`⚠ ${run.warnings.length} run warnings`);
    expect(await page.locator('.change-label').count()).toBe(count);
    expect(pageErrors).toEqual([]);
  });

  it('steps through the list with the keyboard and marks a false positive with F, kept after a reload', async () => {
    const keys = await page.locator('.change-list li').evaluateAll((lis) => lis.map((li) => li.getAttribute('data-key')));
    await page.keyboard.press('j');
    expect(await selectedKey()).toBe(keys[0]);
    await page.keyboard.press('j');
    await page.keyboard.press('ArrowDown');
    expect(await selectedKey()).toBe(keys[2]);
    await page.keyboard.press('k');
    expect(await selectedKey()).toBe(keys[1]);
    const key = Number(keys[1]);
    await expect.poll(() => page.locator('.detail').getAttribute('data-key')).toBe(String(key));

    await page.keyboard.press('f');
    await page.waitForSelector(`.change-list li[data-key="${key}"][data-verdict="false_positive"]`);
    await expect.poll(() => page.locator('.verdict-button[aria-pressed="true"]').getAttribute('data-verdict')).toBe('false_positive');
    await page.fill('.detail textarea', 'air-conditioner platform');
    await page.press('.detail textarea', 'Enter');
    await expect.poll(() => stored((p) => p.getChange(key).then((c) => c.note))).toBe('air-conditioner platform');
    await canvasShot('2-selected');
    await page.screenshot({ path: join(SCREENSHOTS, 'e2e-2-page.png') });

    await page.reload();
    await page.waitForSelector('body[data-ready="true"]');
    expect(await selectedKey()).toBe(String(key)); // the selection lives in the URL
    expect(await page.locator(`.change-list li[data-key="${key}"]`).getAttribute('data-verdict')).toBe('false_positive');
    expect(await page.inputValue('.detail textarea')).toBe('air-conditioner platform');
    expect(await stored((p) => p.getChange(key))).toMatchObject({ verdict: 'false_positive', note: 'air-conditioner platform' });
    // and through ProjectApi over HTTP, as any client would see it
    const viaApi = await fetch(`${served.url}api/getChange`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify([key]),
    });
    expect(((await viaApi.json()) as { verdict: string }).verdict).toBe('false_positive');

    await page.keyboard.press('c'); // C confirms: the verdict changes, not adds
    await expect.poll(() => stored((p) => p.getChange(key).then((c) => c.verdict))).toBe('confirmed');

    // A note typed and never saved in the page (no Enter, the window reloaded) is not lost.
    await page.evaluate(() => {
      const note = (
        globalThis as unknown as { document: { querySelector(s: string): { value: string; dispatchEvent(e: unknown): void } } }
      ).document.querySelector('.detail textarea');
      note.value = 'air-conditioner platform, 2 units';
      note.dispatchEvent(new (globalThis as unknown as { Event: new (t: string) => unknown }).Event('input'));
    });
    await page.reload();
    await page.waitForSelector('body[data-ready="true"]');
    await expect.poll(() => stored((p) => p.getChange(key).then((c) => c.note))).toBe('air-conditioner platform, 2 units');
  });

  it('asks a second key before a verdict closes a case, and keeps the place in a filtered queue', async () => {
    const verdictOf = (key: number) => stored((p) => p.getChange(key).then((c) => c.verdict));
    // An added structure, confirmed: that opens its case in the ledger.
    const added = (await stored((p) => p.listChanges())).items.find((c) => c.volume_m3 > 0 && c.verdict !== 'confirmed')!;
    await page.click(`.change-list li[data-key="${added.key}"]`);
    await page.keyboard.press('c');
    await expect.poll(() => stored((p) => p.getChange(added.key).then((c) => c.case?.status))).toBe('open');
    await page.waitForSelector(`.change-list li[data-key="${added.key}"][data-verdict="confirmed"]`);
    // One stray F would withdraw the confirmation and close the case: it only warns.
    await page.keyboard.press('f');
    await expect
      .poll(() => page.locator('#status').textContent())
      .toMatch(/^This closes case #\d+ \(Open\): press the key or button again/);
    expect(await verdictOf(added.key)).toBe('confirmed');
    await page.keyboard.press('f');
    await expect.poll(() => verdictOf(added.key)).toBe('false_positive');
    await page.keyboard.press('c');
    await expect.poll(() => verdictOf(added.key)).toBe('confirmed');
    // Its ledger row reads as the report's; a removal needs no case at all and says so, not "no case filed".
    const caseRow = () =>
      page
        .locator('.detail .row', { has: page.locator('dt', { hasText: 'Case (ledger)' }) })
        .locator('dd')
        .textContent();
    await expect.poll(caseRow).toMatch(/^#\d+ Open$/);
    const removal = (await stored((p) => p.listChanges())).items.find((c) => c.volume_m3 < 0 && c.caseChecks.length === 0)!;
    await page.click(`.change-list li[data-key="${removal.key}"]`);
    await expect.poll(caseRow).toBe('no case needed');
    // Volumes grouped in thousands, as the report prints them.
    const largest = (await stored((p) => p.listChanges())).items.reduce((a, b) => (Math.abs(b.volume_m3) > Math.abs(a.volume_m3) ? b : a));
    expect(Math.abs(largest.volume_m3)).toBeGreaterThanOrEqual(1000);
    expect(await page.locator(`.change-list li[data-key="${largest.key}"] .volume`).textContent()).toMatch(/^[+−]\d{1,3}(,\d{3})+ m³$/);

    // In a queue of unreviewed changes, a verdict takes the change out; J goes on to the next one, not back to the top.
    await page.selectOption('select[aria-label="All verdicts"]', 'unreviewed');
    const queue = await page.locator('.change-list li').evaluateAll((lis) => lis.map((li) => li.getAttribute('data-key')));
    expect(queue.length).toBeGreaterThanOrEqual(3);
    await page.click(`.change-list li[data-key="${queue[1]}"]`);
    await page.keyboard.press('s');
    await page.waitForSelector(`.change-list li[data-key="${queue[1]}"]`, { state: 'detached' });
    await page.keyboard.press('j');
    expect(await selectedKey()).toBe(queue[2]);
    // The queue survives a reload: its filter lives in the URL with the selection.
    await page.reload();
    await page.waitForSelector('body[data-ready="true"]');
    expect(await page.inputValue('select[aria-label="All verdicts"]')).toBe('unreviewed');
    expect(await selectedKey()).toBe(queue[2]);
    await page.selectOption('select[aria-label="All verdicts"]', '');
  });

  it('does not silently undo a verdict set elsewhere since the change was shown', async () => {
    const target = (await stored((p) => p.listChanges())).items.find((c) => c.volume_m3 > 0 && c.verdict === 'unreviewed')!;
    await page.click(`.change-list li[data-key="${target.key}"]`);
    // The CLI (or another window) confirms it while this page still shows it unreviewed.
    await stored((p) => p.setVerdict([target.key], 'confirmed', { actor: '王工' }));
    await page.keyboard.press('f');
    await expect.poll(() => page.locator('#status').textContent()).toMatch(/was set to confirmed by 王工 at .* nothing was changed/);
    // The page now shows what the project holds, and the other's verdict and its case stand.
    await page.waitForSelector(`.change-list li[data-key="${target.key}"][data-verdict="confirmed"]`);
    expect(await stored((p) => p.getChange(target.key))).toMatchObject({ verdict: 'confirmed', case: { status: 'open' } });
  });

  it('asks the second key even when F follows C before the server has answered', async () => {
    // An addition judged not a violation, shown so after a reload.
    const target = (await stored((p) => p.listChanges())).items.filter((c) => c.volume_m3 > 0).at(-1)!;
    await stored((p) => p.setVerdict([target.key], 'false_positive'));
    await page.reload();
    await page.waitForSelector('body[data-ready="true"]');
    await page.click(`.change-list li[data-key="${target.key}"]`);
    // Whether or not C's case is back yet, F would close it: it only warns.
    await page.keyboard.press('c');
    await page.keyboard.press('f');
    await expect.poll(() => page.locator('#status').textContent()).toMatch(/press the key or button again/);
    await expect.poll(() => stored((p) => p.getChange(target.key))).toMatchObject({ verdict: 'confirmed', case: { status: 'open' } });
  });

  it('shows before, after and a swipe with the two epochs either side of a draggable divider', async () => {
    await page.waitForFunction(() => document.getElementById('view')!.dataset.detail !== undefined);
    // The octrees are built in the background on first view: once they arrive they replace the plain samples. Wait
    // for them, so that all the screenshots compared below show the same layers.
    await page.waitForSelector('#view[data-octree="ready"]', { timeout: 120_000 });
    await page.click('[data-name="mode"] [data-value="before"]');
    const before = await canvasShot('3-before');
    await page.click('[data-name="mode"] [data-value="after"]');
    const after = await canvasShot('3-after');
    await page.click('[data-name="mode"] [data-value="swipe"]');
    expect(await page.locator('#swipe-divider').isVisible()).toBe(true);
    const swipe = await canvasShot('3-swipe');

    expect(difference(before, after, 0, 1)).toBeGreaterThan(0.5); // the epochs differ
    // Left of the divider is the earlier epoch, right of it the later one (the divider's own strip left out).
    expect(difference(swipe, before, 0, 0.45)).toBeLessThan(difference(swipe, after, 0, 0.45));
    expect(difference(swipe, after, 0.55, 1)).toBeLessThan(difference(swipe, before, 0.55, 1));

    const view = (await page.locator('#view').boundingBox())!;
    const divider = (await page.locator('#swipe-divider').boundingBox())!;
    await page.mouse.move(divider.x + divider.width / 2, divider.y + divider.height / 2);
    await page.mouse.down();
    await page.mouse.move(view.x + view.width * 0.25, divider.y + divider.height / 2, { steps: 5 });
    await page.mouse.up();
    const share = Number(await page.locator('#view').getAttribute('data-swipe'));
    expect(share).toBeGreaterThan(0.22);
    expect(share).toBeLessThan(0.28);
    const moved = await canvasShot('3-swipe-dragged');
    expect(difference(moved, after, 0.3, 1)).toBeLessThan(difference(moved, before, 0.3, 1));
    expect(difference(moved, before, 0, 0.2)).toBeLessThan(difference(moved, after, 0, 0.2));
  });

  it('switches to zh-CN with the bureau’s terms', async () => {
    await page.click('#lang');
    await expect.poll(() => page.locator('html').getAttribute('lang')).toBe('zh-CN');
    expect(await page.locator('#header h1').textContent()).toContain('卫片执法');
    // The status bar's last message is made again in the new language (it kept its English).
    expect(await page.locator('#status').textContent()).toMatch(/[\u4e00-\u9fff]/);
    expect(await page.locator('.verdict-button[data-verdict="false_positive"]').textContent()).toContain('误报');
    expect(await page.locator('.verdict-button[data-verdict="confirmed"]').textContent()).toContain('已确认');
    expect(await page.locator('.verdict-button[data-verdict="needs_site_visit"]').textContent()).toContain('需现场核查');
    expect(await page.locator('#list-title').textContent()).toContain('图斑');
    const types = await page.locator('.change-list .type').allTextContents();
    expect(types.every((t) => /[\u4e00-\u9fff]/.test(t))).toBe(true);
    expect(await page.locator('#detection .label').textContent()).toBe('变化检测');
    // The detector's explanations read in Chinese too.
    const reasons = await page.locator('.reasons li').allTextContents();
    expect(reasons.length).toBeGreaterThan(0);
    expect(reasons.every((r) => /[\u4e00-\u9fff]/.test(r))).toBe(true);
    await page.screenshot({ path: join(SCREENSHOTS, 'e2e-4-zh-CN.png') });
    await page.reload(); // the language is remembered
    await page.waitForSelector('body[data-ready="true"]');
    expect(await page.locator('#header h1').textContent()).toContain('卫片执法');
    // The status bar's last message is made again in the new language (it kept its English).
    expect(await page.locator('#status').textContent()).toMatch(/[\u4e00-\u9fff]/);
  });

  it('runs a detection from the UI with progress, and cancels one', async () => {
    if (!page.url().startsWith(served.url)) await loadUi(page, served.url); // when run alone
    const epochs = await stored(async (p) => (await p.info()).epochs);
    const id = (label: string) => String(epochs.find((e) => e.label === label)!.id);

    await page.selectOption('#detect-before', id('e1'));
    await page.selectOption('#detect-after', id('e3'));
    // The detect request is held in the browser until Cancel was clicked, so the cancel reaches the server first
    // whatever the machine's speed: the server must then refuse the run when its request arrives.
    let release!: () => void;
    const cancelClicked = new Promise<void>((resolve) => (release = resolve));
    await page.route('**/api/detect', async (route) => {
      await cancelClicked;
      await route.continue();
    });
    await page.click('#run-detection');
    await page.click('#cancel-detection');
    release();
    await page.waitForSelector('#detection[data-state="cancelled"]');
    await page.unroute('**/api/detect');
    expect(await stored(async (p) => (await p.info()).runs.length)).toBe(1);

    // The same epoch twice is not offered as a run.
    await page.selectOption('#detect-before', id('e3'));
    expect(await page.locator('#run-detection').isDisabled()).toBe(true);
    expect(await page.locator('#detect-problem').textContent()).not.toBe('');
    // Nor the later survey first (the points' GPS time dates both): the store would refuse it. (The page is in zh-CN here.)
    await page.selectOption('#detect-after', id('e2'));
    expect(await page.locator('#run-detection').isDisabled()).toBe(true);
    expect(await page.locator('#detect-problem').textContent()).toBe('前期选择了较晚的测量：拆除会被当作新增，请将较早的一期作为前期');
    await page.selectOption('#detect-before', id('e2'));
    await page.selectOption('#detect-after', id('e3'));
    expect(await page.locator('#run-detection').isDisabled()).toBe(false);
    // The analyst reviews while it runs: a note typed and not yet saved must survive the run's end.
    const reviewing = Number(await selectedKey());
    await page.click('#run-detection');
    await page.fill('.detail textarea', '待现场核查 typed during the run');
    expect(await page.locator('#detect-progress').isVisible()).toBe(true);
    await page.waitForSelector('#detection[data-phase]');
    await page.screenshot({ path: join(SCREENSHOTS, 'e2e-5-detecting.png') });
    await page.waitForSelector('#detection[data-state="done"]', { timeout: 90_000 });

    const runs = await stored(async (p) => (await p.info()).runs);
    expect(runs).toHaveLength(2);
    const run = runs[1];
    expect(run.before.label).toBe('e2');
    // The new run is offered, not opened over the review: the selection and the typed note stay.
    expect(await page.inputValue('#run-select')).toBe(String(runs[0].id));
    expect(await selectedKey()).toBe(String(reviewing));
    expect(await page.inputValue('.detail textarea')).toBe('待现场核查 typed during the run');
    await page.click('#open-new-run');
    await expect.poll(() => page.inputValue('#run-select')).toBe(String(run.id));
    // Leaving the run saved the note.
    await expect.poll(() => stored((p) => p.getChange(reviewing).then((c) => c.note))).toBe('待现场核查 typed during the run');
    expect(await page.locator('.change-list li').count()).toBe(run.changeCount);
    await page.screenshot({ path: join(SCREENSHOTS, 'e2e-5-new-run.png') });
    expect(pageErrors).toEqual([]);
  }, 120_000);

  it('works with a token: the page takes it from #token= and the API refuses calls without it', async () => {
    const guarded = await serve(projectPath, ['--token', 'e2e-secret-token']);
    try {
      expect(guarded.url).toMatch(/#token=e2e-secret-token$/);
      const base = guarded.url.replace(/#.*$/, '');
      const call = (headers: Record<string, string>) =>
        fetch(`${base}api/info`, { method: 'POST', headers: { 'Content-Type': 'application/json', ...headers }, body: '[]' });
      expect((await call({})).status).toBe(401);
      expect((await call({ 'X-VoxWatch-Token': 'e2e-secret-token' })).status).toBe(200);

      await page.goto(guarded.url);
      await page.waitForSelector('body[data-ready="true"]');
      expect(await page.locator('.change-list li').count()).toBeGreaterThan(0);
      expect(page.url()).not.toContain('token'); // removed from the address bar once kept
      await page.reload(); // kept for the tab
      await page.waitForSelector('body[data-ready="true"]');
      expect(await page.locator('.change-list li').count()).toBeGreaterThan(0);
      expect(pageErrors).toEqual([]);
    } finally {
      await guarded.stop();
    }
  });
});
