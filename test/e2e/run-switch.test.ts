// Opening another run while what the run shown until then asked the server for is still on its way, end to end in
// Chromium against `voxwatch serve`. The race is staged with Playwright's page.route: the answer of the first request
// is held back until the second run has been opened and drawn, then let through; the UI must go on showing the run
// opened last. The project is the ledger's (test/helpers/ledger-project.ts: run 1 e1 → e2 with its cases, run 2
// e2 → e3) with a third run, e1 → e3, so that the run opened last is neither the run shown at first nor the late one.
import type { BrowserContext, Page, Request, Route } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { ensureRendererBuilt } from '../../cli/serve/renderer-build';
import type { CaseRecord, ChangeRecord, RunRecord } from '../../core/api';
import { LocalProject } from '../../core/store/project';
import { makeLedgerProject } from '../helpers/ledger-project';
import { serve, type Served, openBrowser, loadUi, inProject } from './browser';

// In page functions only (the test tsconfig has no DOM library).
declare const location: { hash: string };
declare class MutationObserver {
  constructor(callback: () => void);
  observe(target: unknown, options: Record<string, boolean>): void;
}

vi.setConfig({ testTimeout: 120_000 });

let projectPath: string;
let served: Served;
let context: BrowserContext;
let page: Page;
const pageErrors: string[] = [];
let runs: RunRecord[];
let cases: CaseRecord[];
const changesOf = new Map<number, ChangeRecord[]>();

const stored = <T>(read: (p: LocalProject) => Promise<T>): Promise<T> => inProject(projectPath, read);

beforeAll(async () => {
  const [project] = await Promise.all([makeLedgerProject({ size: 120, seed: 2 }), ensureRendererBuilt()]);
  projectPath = project.path;
  await stored((p) => p.detect('e1', 'e3'));
  runs = await stored(async (p) => (await p.info()).runs);
  cases = await stored((p) => p.listCases());
  for (const r of runs) changesOf.set(r.id, await stored(async (p) => (await p.listChanges({ runId: r.id, limit: 100_000 })).items));
  served = await serve(projectPath);
  ({ context, page } = await openBrowser(pageErrors));
}, 200_000);

afterAll(async () => {
  await context?.close();
  await served?.stop();
});

/**
 * Holds back the answers of the API calls named `method` whose arguments `held` picks, until `release` is called.
 * `reached` resolves once such a call has been made (and is being held); `done` once its answer has reached the page.
 */
async function holdBack(method: string, held: (args: unknown[]) => boolean) {
  let release!: () => void;
  const gate = new Promise<void>((r) => (release = r));
  let reachedResolve!: (request: Request) => void;
  const reached = new Promise<Request>((r) => (reachedResolve = r));
  const handler = async (route: Route) => {
    const request = route.request();
    if (!held(JSON.parse(request.postData() ?? '[]') as unknown[])) return route.continue();
    reachedResolve(request);
    await gate;
    await route.continue();
  };
  await page.route(`**/api/${method}`, handler);
  const done = reached.then(async (request) => {
    const response = await request.response();
    await response?.finished();
  });
  return {
    reached,
    release: async () => {
      release();
      await done;
      await page.unroute(`**/api/${method}`, handler);
      // What the page does with the late answer it does on the next turns of its event loop: give them time.
      await page.evaluate(() => new Promise((r) => setTimeout(r, 500)));
    },
  };
}

const listKeys = () =>
  page.locator('.change-list li').evaluateAll((lis) => lis.map((li) => Number(li.getAttribute('data-key'))).sort((a, b) => a - b));
const listCodes = () => page.locator('.change-list li .code').allTextContents();
const viewLabels = () => page.locator('#view .change-label').allTextContents();
const hashParams = async () => new URLSearchParams((await page.evaluate(() => location.hash)).slice(1));
const pointsDrawn = () => page.locator('#view').getAttribute('data-points');

/** Waits until the page lists run `id`'s changes and has drawn its points. */
async function untilRunDrawn(id: number): Promise<void> {
  const keys = changesOf
    .get(id)!
    .map((c) => c.key)
    .sort((a, b) => a - b);
  await expect.poll(listKeys).toEqual(keys);
  await expect.poll(pointsDrawn).toMatch(/^\d+$/);
}

/** What the page shows of run `id`: its changes in the list, under its title, with their labels over the view. */
async function expectRunShown(id: number): Promise<void> {
  const own = changesOf.get(id)!;
  const keys = own.map((c) => c.key).sort((a, b) => a - b);
  expect(await page.locator('#run-select').inputValue()).toBe(String(id));
  expect((await hashParams()).get('run')).toBe(String(id));
  expect(await listKeys()).toEqual(keys);
  expect((await listCodes()).sort()).toEqual(own.map((c) => c.id).sort());
  expect(await page.locator('#list-title').textContent()).toBe(`Flagged changes · ${own.length} / ${own.length} shown`);
  expect((await viewLabels()).sort()).toEqual(own.map((c) => c.id).sort());
}

describe('another run opened while the run shown until then is still loading', () => {
  it('shows the run opened last when the change list of the run opened before it arrives after it', async () => {
    const [run1, run2, run3] = runs;
    expect(runs).toHaveLength(3);
    // Distinct lists, or the test could not tell them apart.
    expect(changesOf.get(run1.id)!.length).not.toBe(changesOf.get(run2.id)!.length);
    expect(changesOf.get(run2.id)!.length).toBeGreaterThan(0);

    await loadUi(page, served.url);
    await expectRunShown(run3.id);

    const late = await holdBack('listChanges', (args) => (args[0] as { runId?: number } | undefined)?.runId === run1.id);
    await page.selectOption('#run-select', String(run1.id));
    await late.reached;
    await page.selectOption('#run-select', String(run2.id));
    // Run 2 is shown, its points drawn, while run 1's list is still held back.
    await untilRunDrawn(run2.id);
    await expectRunShown(run2.id);

    await late.release();
    await expectRunShown(run2.id);
    expect(await pointsDrawn()).toMatch(/^\d+$/);
    expect(pageErrors).toEqual([]);
  });

  it('follows the later of two links pasted in quick succession, without calling the earlier one’s run missing', async () => {
    const [run1, run2, run3] = runs;
    await loadUi(page, `${served.url}#run=${run3.id}`);
    await expectRunShown(run3.id);

    const late = await holdBack('listChanges', (args) => (args[0] as { runId?: number } | undefined)?.runId === run1.id);
    await page.evaluate((id) => (location.hash = `run=${id}`), run1.id);
    await late.reached;
    await page.evaluate((id) => (location.hash = `run=${id}`), run2.id);
    await untilRunDrawn(run2.id);

    // Every message the status line shows from here on (a later one, "Full point cloud loaded", may cover it).
    await page.locator('#status').evaluate((el) => {
      const seen: string[] = [];
      Object.assign(globalThis, { statusesSeen: seen });
      new MutationObserver(() => seen.push(`${el.getAttribute('data-kind')}: ${el.textContent}`)).observe(el, {
        childList: true,
        characterData: true,
        subtree: true,
        attributes: true,
      });
    });
    await late.release();
    await expectRunShown(run2.id);
    // Run 1 exists: the link to it was overtaken, not wrong.
    const seen = await page.evaluate(() => (globalThis as unknown as { statusesSeen: string[] }).statusesSeen);
    expect(seen.filter((m) => m.startsWith('error'))).toEqual([]);
    expect(pageErrors).toEqual([]);
  });

  it('drops a case’s change of another run still being fetched: it does not land on the run opened since', async () => {
    const [run1, run2, run3] = runs;
    const later = changesOf.get(run2.id)!;
    // A case whose change is of run 1 and that no change of run 2 carries: clicked in run 2, it is fetched.
    const c = cases.find((x) => !later.some((ch) => ch.key === x.changeKey || ch.case?.id === x.id))!;
    expect(c).toBeTruthy();
    const own = await stored((p) => p.getChange(c.changeKey));
    expect(own.runId).toBe(run1.id);

    await loadUi(page, `${served.url}#run=${run2.id}&tab=cases`);
    await page.waitForSelector('#cases-panel[data-state="ready"]');
    await expectRunShown(run2.id);

    const late = await holdBack('getChange', (args) => args[0] === c.changeKey);
    await page.locator(`li.case[data-case="${c.id}"] .case-head`).click();
    await late.reached;
    await page.selectOption('#run-select', String(run3.id));
    await untilRunDrawn(run3.id);
    await expectRunShown(run3.id);

    await late.release();
    // Run 3 as opened: nothing selected, no change of run 1 in the panel or outlined over the view.
    await expectRunShown(run3.id);
    expect(await page.locator('.detail').count()).toBe(0);
    expect(await page.locator('.elsewhere').count()).toBe(0);
    expect(await page.locator('#view .change-label.elsewhere').count()).toBe(0);
    expect(await page.locator('.change-list li[aria-selected="true"]').count()).toBe(0);
    expect((await hashParams()).get('change')).toBeNull();
    expect(await page.locator('li.case[aria-current="true"]').count()).toBe(0);
    expect(pageErrors).toEqual([]);
  });
});
