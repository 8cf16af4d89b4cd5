// The header at a laptop's width, end to end in Chromium against `voxwatch serve`: a long project name and the run
// selector give way (ellipsis) so the tools stay on one row, but the run's date and time stay visible, both show their
// full text on hover, and times carry their UTC offset as the PDF report gives them, in both languages.
import Database from 'better-sqlite3';
import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureRendererBuilt } from '../../cli/serve/renderer-build';
import type { RunRecord } from '../../core/api';
import { formatDateTime } from '../../core/report/i18n';
import { LocalProject } from '../../core/store/project';
import { makeReviewProject } from '../helpers/review-project';
import { SCREENSHOTS, serve, type Served, openBrowser, loadUi } from './browser';

// In page functions only (the test tsconfig has no DOM library).
declare const document: {
  createElement(tag: 'canvas'): { getContext(kind: '2d'): { font: string; measureText(text: string): { width: number } } };
};
declare function getComputedStyle(el: unknown): { font: string; paddingLeft: string; paddingRight: string };

/** The demo's name: long, as bureaus name their projects. */
const NAME = '罗湖区卫片执法样例 / Luohu sample district';

let served: Served;
let context: BrowserContext;
let page: Page;
const pageErrors: string[] = [];
let run: RunRecord;

beforeAll(async () => {
  const [project] = await Promise.all([makeReviewProject({ size: 120, seed: 2 }), ensureRendererBuilt()]);
  const db = new Database(project.path);
  db.prepare("UPDATE meta SET value = ? WHERE key = 'name'").run(NAME);
  // Epochs named by their survey, as bureaus do: the run's label outgrows its select.
  for (const k of [1, 2, 3]) db.prepare('UPDATE epochs SET label = ? WHERE label = ?').run(`survey-2024-0${k}-15`, `e${k}`);
  db.close();
  const p = LocalProject.open(project.path, 'e2e');
  run = (await p.info()).runs[0];
  expect((await p.info()).name).toBe(NAME);
  await p.close();
  served = await serve(project.path);
  ({ context, page } = await openBrowser(pageErrors));
  // A workstation whose clock is set elsewhere (a consultant's laptop): the UI still reads the bureau's clock, as the
  // report does, so a run finished in the evening is not a day apart in the two.
  await (await context.newCDPSession(page)).send('Emulation.setTimezoneOverride', { timezoneId: 'America/Los_Angeles' });
}, 150_000);

afterAll(async () => {
  await context?.close();
  await served?.stop();
});

describe('the header at 1400 px', () => {
  for (const lang of ['zh-CN', 'en'] as const)
    it(`keeps the run’s date and time in sight, with their offset, and the full texts on hover (${lang})`, async () => {
      await page.setViewportSize({ width: 1400, height: 850 });
      await loadUi(page, `${served.url}#run=${run.id}`, { lang });
      const when = formatDateTime(run.finishedAt); // the report's words for the time: "2026-11-27 21:20 (UTC+8)"
      const select = page.locator('#run-select');
      const text = (await select.locator('option:checked').textContent())!;
      expect(text).toContain(when);
      expect(text).toContain(`${run.before.label} → ${run.after.label}`);
      // The selected run's full text on hover.
      expect(await select.getAttribute('title')).toBe(text);
      // What the select shows, up to the end of the time, fits in it: the ellipsis eats the rest, not the date.
      const fits = await select.evaluate((el, upTo) => {
        const s = el as unknown as { clientWidth: number; options: { selectedIndex: number } };
        const style = getComputedStyle(el);
        const ctx = document.createElement('canvas').getContext('2d');
        ctx.font = style.font;
        const option = (el as unknown as { selectedOptions: { textContent: string }[] }).selectedOptions[0].textContent;
        const shown = option.slice(0, option.indexOf(upTo) + upTo.length);
        // The select's own arrow takes about 20 px on its right.
        return ctx.measureText(shown).width + parseFloat(style.paddingLeft) + parseFloat(style.paddingRight) + 20 <= s.clientWidth;
      }, when);
      expect(fits, `“${text}” in the run select`).toBe(true);
      // The project's full name on hover.
      expect(await page.locator('#project-info summary').getAttribute('title')).toBe(NAME);
      // Still one row: every tool at the same height.
      const tops = await page.locator('#header > *').evaluateAll((els) => els.map((e) => Math.round(e.getBoundingClientRect().top)));
      expect(Math.max(...tops) - Math.min(...tops)).toBeLessThan(10);
      await page.screenshot({ path: join(SCREENSHOTS, `e2e-header-${lang}.png`), clip: { x: 0, y: 0, width: 1400, height: 120 } });
      expect(pageErrors).toEqual([]);
    });
});
