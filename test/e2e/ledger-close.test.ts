// Closing a case from the ledger (台账), end to end in Chromium against `voxwatch serve`. Choosing 已结案 in a case's
// 变更状态… menu closes nothing by itself: the card asks in place for a reason (the button stays off until one is
// typed), Cancel leaves the case as it was, and only the confirmation closes it, with the reason added to the case's
// note (an earlier note kept). When a later survey found the structure still standing, the confirmation says so, as closing drops that
// finding from the card. Other moves stay one choice; a closed case has no due-date field. The project has been
// through the review loop (test/helpers/ledger-project.ts): run e1 → e2 confirmed and notified, run e2 → e3 proposes.
import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { ensureRendererBuilt } from '../../cli/serve/renderer-build';
import type { CaseRecord } from '../../core/api';
import type { LocalProject } from '../../core/store/project';
import { makeLedgerProject } from '../helpers/ledger-project';
import { SCREENSHOTS, serve, type Served, openBrowser, loadUi, inProject, type UiLang } from './browser';

// In page functions only (the test tsconfig has no DOM library).
declare const document: { activeElement: { className: string } | null };

vi.setConfig({ testTimeout: 120_000 });

let projectPath: string;
let served: Served;
let context: BrowserContext;
let page: Page;
const pageErrors: string[] = [];

const stored = <T>(read: (p: LocalProject) => Promise<T>): Promise<T> => inProject(projectPath, read);
const storedCase = (id: number): Promise<CaseRecord> => stored(async (p) => (await p.listCases()).find((c) => c.id === id)!);

beforeAll(async () => {
  const [project] = await Promise.all([makeLedgerProject({ size: 120, seed: 2 }), ensureRendererBuilt()]);
  projectPath = project.path;
  served = await serve(projectPath);
  ({ context, page } = await openBrowser(pageErrors));
}, 150_000);

afterAll(async () => {
  await context?.close();
  await served?.stop();
});

const card = (id: number) => page.locator(`#cases-panel li.case[data-case="${id}"]`);

async function openCases(lang: UiLang): Promise<void> {
  await loadUi(page, `${served.url}#tab=cases`, { lang });
  await page.waitForSelector('#cases-panel[data-state="ready"]');
}

describe('closing a case from the ledger', () => {
  it('asks in place for a reason; Cancel keeps it open; confirmed, it is closed with the reason stored', async () => {
    const cases = await stored((p) => p.listCases());
    // A case a later survey found still standing: the confirmation must say so.
    const standing = cases.find((c) => c.status !== 'closed' && c.proposal?.outcome === 'still_standing')!;
    expect(standing, 'a case found still standing').toBeTruthy();
    const before = standing.status;
    // A note given earlier (from the CLI) stays readable after the closing reason joins it.
    const earlier = '责令限期拆除，见通知书 2025-017';
    await stored((p) => p.updateCase(standing.id, { note: earlier }, 'cli'));
    await openCases('zh-CN');
    const li = card(standing.id);
    expect(await li.locator('.proposal').getAttribute('data-outcome')).toBe('still_standing');
    expect(await li.locator('input.case-due').count()).toBe(1);

    // 已结案 chosen: nothing closed yet, a confirmation on the card, its button off until a reason is typed.
    await li.locator('select.case-move').selectOption('closed');
    const confirm = li.locator('.case-close-confirm');
    await confirm.waitFor();
    expect(await li.locator('select.case-move').inputValue()).toBe('');
    expect(await li.locator('select.case-move').isDisabled()).toBe(true);
    const reason = confirm.locator('input.case-close-reason');
    expect(await reason.inputValue()).toBe('');
    expect(await page.evaluate(() => document.activeElement?.className)).toBe('case-close-reason');
    const ok = confirm.locator('button.case-close-ok');
    expect(await ok.isDisabled()).toBe(true);
    expect(await confirm.textContent()).toContain('结案后本案不再跟踪');
    const warning = confirm.locator('.case-close-standing');
    expect(await warning.textContent()).toBe(
      `⚠ 后期核查（批次 ${standing.proposal!.runId}）：仍然存在。违建尚未拆除，结案后卡片上不再显示此核查结论。`,
    );
    expect(await ok.textContent()).toBe('确认结案');
    // Blanks are no reason.
    await reason.fill('   ');
    expect(await ok.isDisabled()).toBe(true);
    await reason.press('Enter');
    await page.waitForTimeout(300);
    expect((await storedCase(standing.id)).status).toBe(before);
    await reason.fill('已依法拆除');
    expect(await ok.isDisabled()).toBe(false);
    await page.screenshot({ path: join(SCREENSHOTS, 'e2e-ledger-close-1-confirm.png') });
    await li.screenshot({ path: '/tmp/ledger-confirm.png' });

    // Cancel: the box goes, the case is as it was.
    await confirm.locator('button.case-close-cancel').click();
    expect(await li.locator('.case-close-confirm').count()).toBe(0);
    expect(await li.locator('select.case-move').isDisabled()).toBe(false);
    expect(await li.getAttribute('data-status')).toBe(before);
    const untouched = await storedCase(standing.id);
    expect(untouched.status).toBe(before);
    expect(untouched.note).toBe(earlier);
    expect(untouched.proposal?.outcome).toBe('still_standing');

    // Asked again, the reason field starts empty; typed and confirmed, the case is closed with it.
    await li.locator('select.case-move').selectOption('closed');
    await expect.poll(() => li.locator('input.case-close-reason').inputValue()).toBe('');
    expect(await li.locator('button.case-close-ok').isDisabled()).toBe(true);
    await li.locator('input.case-close-reason').fill('  经现场核查，违建已拆除，复垦完成  ');
    await li.locator('button.case-close-ok').click();
    await expect.poll(() => card(standing.id).getAttribute('data-status')).toBe('closed');
    const closed = await storedCase(standing.id);
    expect(closed.status).toBe('closed');
    expect(closed.note).toBe(`${earlier}\n结案理由：经现场核查，违建已拆除，复垦完成`);
    const last = closed.history.at(-1)!;
    expect([last.from, last.to]).toEqual([before, 'closed']);
    const audit = (await stored((p) => p.auditLog(20))).find(
      (a) => a.action === 'case_update' && a.target === `case ${standing.id}` && (a.detail as { status?: string }).status === 'closed',
    );
    expect(audit?.detail).toEqual({ status: 'closed', note: `${earlier}\n结案理由：经现场核查，违建已拆除，复垦完成` });

    // Closed: no due-date field to edit, nothing to move to, no confirmation left.
    const after = card(standing.id);
    expect(await after.locator('input.case-due').count()).toBe(0);
    expect(await after.locator('select.case-move').isDisabled()).toBe(true);
    expect(await after.locator('.case-close-confirm').count()).toBe(0);
    expect(pageErrors).toEqual([]);
  });

  it('other status moves stay one choice, and a case not found standing is asked without the warning (en)', async () => {
    const open = (await stored((p) => p.listCases())).filter((c) => c.status !== 'closed');
    const mover = open.find((c) => c.status === 'notified')!;
    expect(mover).toBeTruthy();
    await openCases('zh-CN');
    await card(mover.id).locator('select.case-move').selectOption('rectification_due');
    await expect.poll(async () => (await storedCase(mover.id)).status).toBe('rectification_due');
    await expect.poll(() => card(mover.id).getAttribute('data-status')).toBe('rectification_due');
    expect(await page.locator('.case-close-confirm').count()).toBe(0);

    // In English, on a case with no still-standing finding: asked the same, without the warning.
    const plain = (await stored((p) => p.listCases())).find(
      (c) => c.status !== 'closed' && !['still_standing', 'grew', 'rebuilt'].includes(c.proposal?.outcome ?? ''),
    )!;
    expect(plain).toBeTruthy();
    await openCases('en');
    await card(plain.id).locator('select.case-move').selectOption('closed');
    const confirm = card(plain.id).locator('.case-close-confirm');
    await confirm.waitFor();
    expect(await confirm.locator('.case-close-standing').count()).toBe(0);
    expect(await confirm.textContent()).toContain('a closed case is no longer followed up');
    expect(await confirm.locator('button.case-close-ok').textContent()).toBe('Close case');
    // Escape in the reason field cancels too.
    await confirm.locator('input.case-close-reason').press('Escape');
    expect(await card(plain.id).locator('.case-close-confirm').count()).toBe(0);
    expect((await storedCase(plain.id)).status).toBe(plain.status);
    expect(pageErrors).toEqual([]);
  });
});
