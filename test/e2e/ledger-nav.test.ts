// Going from the case ledger (台账) and the complaint leads (投诉举报线索) to the 3D view, end to end in Chromium against
// `voxwatch serve`. A case's change often belongs to an earlier run than the one shown (a structure removed since, or
// one still standing, is no change of the later comparison): clicking the case shows that change, says which run it
// is in with a button to open it, and draws its outline where it stood. The project has been through the review loop
// (test/helpers/ledger-project.ts): run 1 e1 → e2 confirmed and notified, run 2 e2 → e3 proposes outcomes. A lead
// clicked flies to where it was reported and marks the spot, whatever its answer ("nothing found" too).
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { ensureRendererBuilt } from '../../cli/serve/renderer-build';
import { TERMS } from '../../core/review/terms';
import type { CaseRecord, ChangeRecord, RunRecord } from '../../core/api';
import { LocalProject } from '../../core/store/project';
import { makeLedgerProject } from '../helpers/ledger-project';
import { SCREENSHOTS, serve, type Served, openBrowser, loadUi, settled, inProject } from './browser';
import { decodePng } from './png';

// In page functions only (the test tsconfig has no DOM library).
declare const location: { hash: string };
declare const navigator: { language: string };

vi.setConfig({ testTimeout: 120_000 });

let projectPath: string;
let served: Served;
let context: BrowserContext;
let page: Page;
const pageErrors: string[] = [];
let runs: RunRecord[];
let cases: CaseRecord[];

const stored = <T>(read: (p: LocalProject) => Promise<T>): Promise<T> => inProject(projectPath, read);

async function openUi(hash = ''): Promise<void> {
  await loadUi(page, served.url + hash);
}

const hashParams = async () => new URLSearchParams((await page.evaluate(() => location.hash)).slice(1));

/** Whether the selected change's box lies on the view, around its middle (flown to and drawn). */
async function outlineInView(): Promise<boolean> {
  const raw = await page.locator('#view').getAttribute('data-selected-box');
  if (!raw) return false;
  const [left, top, right, bottom] = raw.split(',').map(Number);
  const view = (await page.locator('#view').boundingBox())!;
  const [x, y] = [(left + right) / 2, (top + bottom) / 2];
  return x > view.width * 0.25 && x < view.width * 0.75 && y > view.height * 0.2 && y < view.height * 0.8;
}

beforeAll(async () => {
  const [project] = await Promise.all([makeLedgerProject({ size: 120, seed: 2 }), ensureRendererBuilt()]);
  projectPath = project.path;
  runs = await stored(async (p) => (await p.info()).runs);
  cases = await stored((p) => p.listCases());
  served = await serve(projectPath);
  ({ context, page } = await openBrowser(pageErrors, { lang: 'zh-CN' }));
}, 150_000);

afterAll(async () => {
  await context?.close();
  await served?.stop();
});

describe('a case clicked in the ledger', () => {
  it('shows its own change when that is in an earlier run: named, with a button to open it, outlined where it stood', async () => {
    const [run1, run2] = runs;
    const later = await stored(async (p) => (await p.listChanges({ runId: run2.id })).items);
    // Cases whose structure is no change of run 2 and that no change of run 2 carries.
    const elsewhere = cases.filter((c) => !later.some((ch) => ch.key === c.changeKey || ch.case?.id === c.id));
    expect(elsewhere.length).toBeGreaterThan(1);
    const [a, b] = [elsewhere.find((c) => c.proposal?.outcome === 'rectified') ?? elsewhere[0], elsewhere.at(-1)!];
    expect(a.id).not.toBe(b.id);
    const own = await stored((p) => p.getChange(a.changeKey));
    expect(own.runId).toBe(run1.id);

    // The analyst is on a change of run 2.
    const current: ChangeRecord = later[0];
    await openUi(`#run=${run2.id}&change=${current.key}&tab=cases`);
    await page.waitForSelector('#cases-panel[data-state="ready"]');
    await expect.poll(() => page.locator('.detail').getAttribute('data-key')).toBe(String(current.key));
    const item = (id: number) => page.locator(`li.case[data-case="${id}"]`);

    // Each run numbers its changes from C001: a case whose change is of another run is headed with its run.
    expect(await item(a.id).locator('.case-head .code').textContent()).toBe(`#${a.id} 批次 ${run1.id} ${a.code}`);
    expect(await item(b.id).locator('.case-head .code').textContent()).toBe(`#${b.id} 批次 ${run1.id} ${b.code}`);
    const markedCases = () =>
      page.locator('li.case[aria-current="true"]').evaluateAll((els) => els.map((e) => e.getAttribute('data-case')));
    await item(a.id).locator('.case-head').click();
    await expect.poll(() => page.locator('.detail').getAttribute('data-key')).toBe(String(a.changeKey));
    // The case shown in the detail panel is marked in the list, and only it.
    await expect.poll(markedCases).toEqual([String(a.id)]);
    const detail = page.locator('.detail');
    expect(await detail.locator('h2').textContent()).toContain(own.id);
    const banner = detail.locator('.elsewhere');
    expect(await banner.getAttribute('data-run')).toBe(String(run1.id));
    expect(await banner.textContent()).toContain(`批次 ${run1.id}`);
    expect(await banner.textContent()).toContain(`${run1.before.label} → ${run1.after.label}`);
    expect(await banner.locator('button.open-run').textContent()).toBe(`打开批次 ${run1.id}`);
    // No verdict from here: it is reviewed in its own run.
    expect(await detail.locator('.verdict-button').count()).toBe(0);
    // The URL says where the analyst is: this run, that change.
    const hash = await hashParams();
    expect([hash.get('run'), hash.get('change')]).toEqual([String(run2.id), String(a.changeKey)]);
    // Its outline is drawn, in the middle of the view it flew to.
    await settled(page);
    await expect.poll(outlineInView).toBe(true);
    await page.screenshot({ path: join(SCREENSHOTS, 'e2e-ledger-nav-1-case-elsewhere.png') });

    // Another case of an earlier run replaces it (the panel kept the first one).
    await item(b.id).locator('.case-head').click();
    await expect.poll(() => page.locator('.detail').getAttribute('data-key')).toBe(String(b.changeKey));
    expect((await hashParams()).get('change')).toBe(String(b.changeKey));
    await expect.poll(markedCases).toEqual([String(b.id)]);

    // A reload, or the link shared, opens the same place.
    await openUi(`#run=${run2.id}&change=${b.changeKey}&tab=cases`);
    await expect.poll(() => page.locator('.detail').getAttribute('data-key')).toBe(String(b.changeKey));
    expect(await page.locator('.detail .elsewhere').getAttribute('data-run')).toBe(String(run1.id));
    await expect.poll(markedCases).toEqual([String(b.id)]); // marked once the list has loaded, after the selection

    // Opening its run selects it there, to be reviewed.
    await page.locator('.detail .elsewhere button.open-run').click();
    await expect.poll(async () => (await hashParams()).get('run')).toBe(String(run1.id));
    expect((await hashParams()).get('change')).toBe(String(b.changeKey));
    await expect.poll(() => page.locator('.detail').getAttribute('data-key')).toBe(String(b.changeKey));
    expect(await page.locator('.detail .elsewhere').count()).toBe(0);
    expect(await page.locator('.detail .verdict-button').count()).toBeGreaterThan(0);
    expect(await page.locator('#run-select').inputValue()).toBe(String(run1.id));
    // In its own run, the case is headed with its bare code, and still marked.
    await page.waitForSelector('#cases-panel[data-state="ready"]');
    await expect.poll(() => item(b.id).locator('.case-head .code').textContent()).toBe(`#${b.id} ${b.code}`);
    await expect.poll(markedCases).toEqual([String(b.id)]);
    await page.screenshot({ path: join(SCREENSHOTS, 'e2e-ledger-nav-1-case-own-run.png') });
    expect(pageErrors).toEqual([]);
  });
});

/** The lead marker's colour (renderer/lead-marker.ts). */
const MARKER: [number, number, number] = [0x00, 0xe5, 0xff];

describe('a complaint lead clicked in the leads panel', () => {
  it('flies to where it was reported and marks the spot, also when nothing was found there', async () => {
    const leads = await stored((p) => p.listLeads());
    const nothing = leads.filter((l) => l.answer && l.answer.found.length === 0);
    const found = leads.find((l) => l.answer?.found.length);
    expect(nothing.length).toBeGreaterThan(0);
    expect(found).toBeTruthy();
    await openUi(`#run=${nothing[0].answer!.runId}&tab=leads`);
    await page.waitForSelector('#leads-panel[data-state="ready"]');
    const view = page.locator('#view');
    expect(await view.getAttribute('data-lead')).toBeNull();

    for (const lead of [...nothing, found!]) {
      await page.locator(`li.lead[data-lead="${lead.code}"] .lead-text`).click(); // not on a linked change's button
      await expect.poll(() => view.getAttribute('data-lead')).toBe(lead.code);
      expect(await page.locator(`li.lead[data-lead="${lead.code}"]`).getAttribute('aria-current')).toBe('true');
      await settled(page);
      // Flown to: the marked spot is in the middle of the view.
      const [x, y] = (await view.getAttribute('data-lead-at'))!.split(',').map(Number);
      const box = (await view.boundingBox())!;
      expect(Math.abs(x - box.width / 2)).toBeLessThan(box.width * 0.15);
      expect(Math.abs(y - box.height / 2)).toBeLessThan(box.height * 0.2);
      // And marked there, over whatever stands in front of it.
      const shot = decodePng(await view.screenshot({ path: join(SCREENSHOTS, `e2e-ledger-nav-2-lead-${lead.code}.png`) }));
      let marker = 0;
      for (let i = 0; i < shot.data.length; i += 4) if (MARKER.every((c, k) => Math.abs(shot.data[i + k] - c) < 30)) marker++;
      expect(marker, lead.code).toBeGreaterThan(100);
      expect(await view.locator('.lead-label').textContent()).toBe(lead.code);
    }
    await page.screenshot({ path: join(SCREENSHOTS, 'e2e-ledger-nav-2-leads.png') });

    // The mark belongs to the leads panel: gone with it.
    await page.click('#sidebar-tabs [data-tab="changes"]');
    await expect.poll(() => view.getAttribute('data-lead')).toBeNull();
    expect(await view.locator('.lead-label').isHidden()).toBe(true);
    expect(pageErrors).toEqual([]);
  });
});

describe('a lead’s linked changes', () => {
  it('say how far each lies from the spot, and “该位置” (at the spot) for one under half a metre, not “0 米”', async () => {
    // A complaint reported on the edge of one of the last run's changes: 0 m from it.
    const last = runs.at(-1)!;
    const change = (await stored((p) => p.listChanges({ runId: last.id }))).items[0];
    const [x, y] = change.footprint[0][0][0];
    const csv = join(dirname(projectPath), 'lead-at-spot.csv');
    writeFileSync(csv, `id,x,y,date,text\nL900,${x},${y},2024-09-01,举报：该处楼顶加建\n`);
    await stored((p) => p.importLeads(csv));
    const leads = (await stored((p) => p.listLeads())).filter((l) => l.answer?.found.length);
    const found = leads.flatMap((l) => l.answer!.found.map((f) => ({ lead: l.code, ...f })));
    expect(found.find((f) => f.lead === 'L900' && f.key === change.key)?.distance_m).toBe(0);
    await openUi(`#run=${leads[0].answer!.runId}&tab=leads`);
    await page.waitForSelector('#leads-panel[data-state="ready"]');
    for (const f of found) {
      const text = await page.locator(`li.lead[data-lead="${f.lead}"] button.lead-change[data-key="${f.key}"]`).textContent();
      const away = f.distance_m < 0.5 ? '该位置' : `${f.distance_m.toFixed(0)} 米`;
      // With what the analyst made of it, as it stands: its verdict, and its case if it has one.
      const judged = [TERMS['zh-CN'].verdicts[f.verdict!], f.case ? `#${f.case.id} ${TERMS['zh-CN'].caseStatuses[f.case.status]}` : null];
      expect(text).toBe([`${f.code} ${TERMS['zh-CN'].types[f.type]}`, away, ...judged].filter(Boolean).join(' · '));
    }
    await page.screenshot({ path: join(SCREENSHOTS, 'e2e-ledger-nav-4-lead-at-spot.png') });
    expect(pageErrors).toEqual([]);
  });
});

describe('a case’s rectification due date', () => {
  it('reads YYYY-MM-DD whatever the browser’s locale, and takes a day typed in the usual forms, refusing no-days', async () => {
    const [run1] = runs;
    await openUi(`#run=${run1.id}&tab=cases`);
    await page.waitForSelector('#cases-panel[data-state="ready"]');
    const c = (await stored((p) => p.listCases())).find((x) => x.status !== 'closed')!;
    const due = page.locator(`li.case[data-case="${c.id}"] input.case-due`);
    // This browser's locale is en-US: a date input would show 01/31/2025.
    expect(await page.evaluate(() => navigator.language)).toBe('en-US');
    expect(await due.getAttribute('type')).toBe('text');
    expect(await due.inputValue()).toBe(c.dueDate);
    const storedDue = () => stored((p) => p.listCases().then((l) => l.find((x) => x.id === c.id)!.dueDate));

    // Typed as a Chinese analyst may: saved as YYYY-MM-DD, and shown so.
    await due.fill('2025年3月5日');
    await due.press('Enter');
    await expect.poll(storedDue).toBe('2025-03-05');
    await expect.poll(() => page.locator(`li.case[data-case="${c.id}"] input.case-due`).inputValue()).toBe('2025-03-05');

    // No day: refused in the field, not saved.
    await page.locator(`li.case[data-case="${c.id}"] input.case-due`).fill('2025-02-30');
    await page.locator(`li.case[data-case="${c.id}"] input.case-due`).press('Enter');
    await expect.poll(() => page.locator(`li.case[data-case="${c.id}"] input.case-due`).getAttribute('aria-invalid')).toBe('true');
    expect(await page.locator('#status').textContent()).toContain('YYYY-MM-DD');
    expect(await storedDue()).toBe('2025-03-05');

    // Typed in full, it is saved without leaving the field (as a date picker's choice was).
    await page.locator(`li.case[data-case="${c.id}"] input.case-due`).fill('2025-04-30');
    await expect.poll(storedDue).toBe('2025-04-30');
    await expect.poll(() => page.locator(`li.case[data-case="${c.id}"] input.case-due`).inputValue()).toBe('2025-04-30');
    await page.screenshot({ path: join(SCREENSHOTS, 'e2e-ledger-nav-3-due.png') });

    // Emptied: no due date.
    await page.locator(`li.case[data-case="${c.id}"] input.case-due`).fill('');
    await page.locator(`li.case[data-case="${c.id}"] input.case-due`).press('Enter');
    await expect.poll(storedDue).toBeNull();
    expect(pageErrors).toEqual([]);
  });
});
