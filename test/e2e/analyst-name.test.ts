// The analyst's name (审核人) in the header, end to end in Chromium against `voxwatch serve`: empty, the field asks
// for it and writes go under the server's default actor (its OS account); typed, it is trimmed, capped at 40
// characters, remembered in the browser across a reload, and the audit log names the analyst for a verdict given by
// key, a saved note, a case moved in the ledger (台账) and an accepted proposal; the report's 编制人 defaults to it.
// The project has been through the review loop (test/helpers/ledger-project.ts), so it has cases and proposals.
import { userInfo } from 'node:os';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { ensureRendererBuilt } from '../../cli/serve/renderer-build';
import type { AuditEntry } from '../../core/api';
import type { LocalProject } from '../../core/store/project';
import { makeLedgerProject } from '../helpers/ledger-project';
import { serve, type Served, openBrowser, loadUi, settled, inProject } from './browser';

// In page functions only (the test tsconfig has no DOM library).
declare const localStorage: { getItem(key: string): string | null };

vi.setConfig({ testTimeout: 120_000 });

let projectPath: string;
let served: Served;
let context: BrowserContext;
let page: Page;
const pageErrors: string[] = [];

const stored = <T>(read: (p: LocalProject) => Promise<T>): Promise<T> => inProject(projectPath, read);
/** The newest audit entry of this action and target. */
const lastAudit = (action: string, target: string): Promise<AuditEntry | undefined> =>
  stored(async (p) => (await p.auditLog(200)).find((a) => a.action === action && a.target === target));
const remembered = () => page.evaluate(() => localStorage.getItem('voxwatch.analyst'));
const field = () => page.locator('#analyst-name');
/** The header still on one row at 1400 px (test/e2e/header.test.ts): every tool at the same height. */
const oneRow = async () => {
  const tops = await page.locator('#header > *').evaluateAll((els) => els.map((e) => Math.round(e.getBoundingClientRect().top)));
  expect(Math.max(...tops) - Math.min(...tops)).toBeLessThan(10);
};

beforeAll(async () => {
  const [project] = await Promise.all([makeLedgerProject({ size: 120, seed: 2 }), ensureRendererBuilt()]);
  projectPath = project.path;
  served = await serve(projectPath);
  ({ context, page } = await openBrowser(pageErrors, { lang: 'zh-CN' }));
}, 150_000);

afterAll(async () => {
  await context?.close();
  await served?.stop();
});

describe("the analyst's name", () => {
  it('is asked for; empty, a note goes under the default actor', async () => {
    await loadUi(page, served.url);
    await settled(page);
    expect(await page.locator('#analyst .analyst-caption').textContent()).toBe('审核人');
    expect(await field().inputValue()).toBe('');
    expect(await field().getAttribute('placeholder')).toBe('请填写审核人姓名');
    expect(await page.locator('#analyst').getAttribute('data-empty')).toBe('true');
    await oneRow();
    await page.locator('#header').screenshot({ path: '/tmp/analyst-header-empty.png' });

    await page.keyboard.press('j');
    const key = Number(await page.locator('.detail').getAttribute('data-key'));
    await page.fill('.detail textarea', '无审核人时的备注');
    await page.press('.detail textarea', 'Enter');
    await expect.poll(() => stored((p) => p.getChange(key).then((c) => c.note))).toBe('无审核人时的备注');
    expect((await lastAudit('note', `change ${key}`))?.actor).toBe(userInfo().username);
  });

  it('typed, is trimmed and remembered, and names the analyst for a verdict, a note, a case move and an accepted proposal', async () => {
    await field().fill('  张伟  ');
    await field().press('Enter'); // back to the review keys
    expect(await field().inputValue()).toBe('张伟');
    expect(await remembered()).toBe('张伟');
    expect(await page.locator('#analyst').getAttribute('data-empty')).toBe('false');
    await oneRow();
    await page.locator('#header').screenshot({ path: '/tmp/analyst-header.png' });

    // A verdict by key (S, 需现场核查) on a change not yet judged (one carrying a case would ask for the key again).
    const key = Number(await page.locator('.change-list li[data-verdict="unreviewed"]').first().getAttribute('data-key'));
    await page.locator(`.change-list li[data-key="${key}"]`).click();
    await expect.poll(() => page.locator('.detail').getAttribute('data-key')).toBe(String(key));
    await page.keyboard.press('s');
    await page.waitForSelector(`.change-list li[data-key="${key}"][data-verdict="needs_site_visit"]`);
    await expect.poll(async () => (await lastAudit('verdict', `change ${key}`))?.actor).toBe('张伟');
    expect((await lastAudit('verdict', `change ${key}`))?.detail).toMatchObject({ from: 'unreviewed', to: 'needs_site_visit' });

    // A note.
    await page.fill('.detail textarea', '张伟核查：彩钢棚');
    await page.press('.detail textarea', 'Enter');
    await expect.poll(() => stored((p) => p.getChange(key).then((c) => c.note))).toBe('张伟核查：彩钢棚');
    expect((await lastAudit('note', `change ${key}`))?.actor).toBe('张伟');

    // Reloaded: the name is still there; the ledger moves a case and accepts a proposal under it.
    await loadUi(page, `${served.url}#tab=cases`);
    await page.waitForSelector('#cases-panel[data-state="ready"]');
    expect(await field().inputValue()).toBe('张伟');
    const cases = await stored((p) => p.listCases());
    const mover = cases.find((c) => c.status === 'notified')!;
    expect(mover, 'a notified case').toBeTruthy();
    await page.locator(`#cases-panel li.case[data-case="${mover.id}"] select.case-move`).selectOption('rectification_due');
    await expect.poll(async () => (await stored((p) => p.listCases())).find((c) => c.id === mover.id)?.status).toBe('rectification_due');
    expect((await lastAudit('case_update', `case ${mover.id}`))?.actor).toBe('张伟');
    const moved = (await stored((p) => p.listCases())).find((c) => c.id === mover.id)!;
    expect(moved.history.at(-1)).toMatchObject({ actor: '张伟', to: 'rectification_due' });

    const proposing = cases.find((c) => c.id !== mover.id && c.proposal?.status && c.proposal.status !== c.status)!;
    expect(proposing, 'a case with a proposal to accept').toBeTruthy();
    await page.locator(`#cases-panel li.case[data-case="${proposing.id}"] button.accept`).click();
    await expect
      .poll(async () => (await stored((p) => p.listCases())).find((c) => c.id === proposing.id)?.status)
      .toBe(proposing.proposal!.status);
    expect((await lastAudit('case_update', `case ${proposing.id}`))?.actor).toBe('张伟');

    // The report's 编制人 is the analyst (the project's author is 张工).
    await page.locator('#export-report').click();
    expect(await page.locator('#report-author').inputValue()).toBe('张伟');
    await page.locator('#report-cancel').click();
    expect(pageErrors).toEqual([]);
  });

  it('is capped at 40 characters, kept through a language switch, and cleared goes back to the default actor', async () => {
    await field().fill('名'.repeat(50));
    await field().press('Enter');
    expect(await field().inputValue()).toBe('名'.repeat(40));
    expect(await remembered()).toBe('名'.repeat(40));
    await oneRow();

    await page.locator('#lang').click();
    expect(await page.locator('#analyst .analyst-caption').textContent()).toBe('Analyst');
    expect(await field().inputValue()).toBe('名'.repeat(40));
    await oneRow();
    await field().fill('');
    expect(await field().getAttribute('placeholder')).toBe('Name');
    await oneRow();
    await field().fill('名'.repeat(40));
    await page.locator('#lang').click();

    await field().fill('   ');
    await field().press('Enter');
    expect(await field().inputValue()).toBe('');
    expect(await remembered()).toBeNull();
    expect(await page.locator('#analyst').getAttribute('data-empty')).toBe('true');
    const open = (await stored((p) => p.listCases())).find((c) => c.status !== 'closed' && c.status !== 'rectified')!;
    const due = '2026-03-31';
    const input = page.locator(`#cases-panel li.case[data-case="${open.id}"] input.case-due`);
    await input.fill(due);
    await input.press('Enter');
    await expect.poll(async () => (await stored((p) => p.listCases())).find((c) => c.id === open.id)?.dueDate).toBe(due);
    expect((await lastAudit('case_update', `case ${open.id}`))?.actor).toBe(userInfo().username);
    expect(pageErrors).toEqual([]);
  });
});
