/**
 * The PDF report says which open cases are past their rectification date (整改期限) on the report's day, by how many
 * days, beside the due date on the change page, and how many in the summary; read back with pdftotext, in both
 * languages. The report is dated 00:30 on 2026-11-28 in Shenzhen (16:30 UTC the day before): the day on the cover.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { detectChanges, type DetectionResult } from '../../core/detect';
import { reportInputFromDetection } from '../../core/report/from-detection';
import { renderReport } from '../../core/report/render';
import type { ChangeReview } from '../../core/review/types';
import { writeSampleDistrict } from '../../samples/generator/index';

const GENERATED_AT = '2026-11-27T16:30:00Z';
const out = mkdtempSync(join(tmpdir(), 'voxwatch-overdue-'));
let result: DetectionResult;
let ids: string[];

beforeAll(async () => {
  const dir = join(out, 'district');
  await writeSampleDistrict(dir, { seed: 5, size: 140 });
  result = await detectChanges({ files: [join(dir, 'epoch-1.las')] }, { files: [join(dir, 'epoch-2.las')] });
  ids = result.changes.map((c) => c.id);
});

function reviews(): Map<string, Partial<ChangeReview>> {
  const kase = (id: number, status: NonNullable<ChangeReview['case']>['status'], dueDate: string) => ({
    verdict: 'confirmed' as const,
    case: { id, status, dueDate, subDistrict: '东门街道' },
  });
  return new Map<string, Partial<ChangeReview>>([
    // 666 days past its date.
    [ids[0], kase(7, 'rectification_due', '2025-01-31')],
    // Closed: never overdue, however old its date.
    [ids[1], kase(8, 'closed', '2025-01-31')],
    // Due the day before the report's day in Shenzhen: a day overdue, though UTC still reads its due day.
    [ids[2], kase(9, 'notified', '2026-11-27')],
    // Due on the report's day: not yet overdue.
    [ids[3], kase(10, 'open', '2026-11-28')],
  ]);
}

/** The report's text as pdftotext lays it out, with runs of whitespace folded. */
function text(pdf: string): string {
  return execFileSync('pdftotext', ['-layout', pdf, '-'], { encoding: 'utf8', maxBuffer: 64 * 2 ** 20 }).replace(/\s+/g, ' ');
}

describe.each([
  {
    lang: 'zh-CN' as const,
    cover: '2026-11-28 00:30 (UTC+8)',
    late: '整改期限 2025-01-31（已逾期 666 天）',
    dayLate: '整改期限 2026-11-27（已逾期 1 天）',
    closed: '已结案 · 整改期限 2025-01-31 ',
    dueToday: '整改期限 2026-11-28 ',
    summary: '逾期未整改案件（截至 2026-11-28）：2 件',
    word: /已逾期 \d+ 天/g,
  },
  {
    lang: 'en' as const,
    cover: '2026-11-28 00:30 (UTC+8)',
    late: 'deadline 2025-01-31 (overdue by 666 days)',
    dayLate: 'deadline 2026-11-27 (overdue by 1 day)',
    closed: 'deadline 2025-01-31 ',
    dueToday: 'deadline 2026-11-28 ',
    summary: 'Cases past their deadline (as of 2026-11-28): 2',
    word: /overdue by \d+ days?/g,
  },
])('report in $lang with overdue cases', ({ lang, cover, late, dayLate, closed, dueToday, summary, word }) => {
  let pdf: string;
  let body: string;

  beforeAll(async () => {
    pdf = join(out, `report-${lang}.pdf`);
    const input = reportInputFromDetection(
      result,
      { projectName: 'overdue', lang, generatedAt: GENERATED_AT, only: ids.slice(0, 4) },
      reviews(),
    );
    await renderReport(input, pdf);
    body = text(pdf);
  });

  it('dates the report on the bureau clock, the day the overdue days are counted to', () => {
    expect(body).toContain(cover);
  });

  it('says how many days an open case is overdue beside its due date, on the bureau day of the report', () => {
    expect(body).toContain(late);
    expect(body).toContain(dayLate);
    // Exactly the two open cases past their dates: not the closed one, not the one due on the report's day.
    expect(body.match(word)).toHaveLength(2);
  });

  it('does not call a closed case, or one due on the report day, overdue', () => {
    expect(body).toContain(closed);
    expect(body).toContain(dueToday);
    expect(body).not.toContain(lang === 'zh-CN' ? '（已逾期 0 天）' : '(overdue by 0');
  });

  it('counts the overdue cases in the summary', () => {
    expect(body).toContain(summary);
  });

  it('renders every page', () => {
    const dir = mkdtempSync(join(out, `pages-${lang}-`));
    execFileSync('pdftoppm', ['-r', '20', '-png', pdf, join(dir, 'page')]);
    expect(readdirSync(dir).filter((f) => f.endsWith('.png')).length).toBeGreaterThan(4);
  });
});
