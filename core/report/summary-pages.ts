/** The summary: headline figures, tallies by type, verdict, case status, zone and sub-district, and the chart. */
import type { ChangeType } from '../changes/types';
import type { CaseStatus, Verdict } from '../review/types';
import { overdueDays } from '../review/overdue';
import { volumeByTypeChart } from './charts';
import { newPage, startSection, type RenderContext } from './context';
import { formatCount, formatDate, formatDecimal, formatVolumeAbs } from './i18n';
import { CONTENT_BOTTOM, CONTENT_WIDTH, FONT, heading, INK, MUTED, PAGE, table, type Column } from './layout';
import {
  CASE_AWAITING,
  CASE_UNDECIDED,
  caseEvidenceOutcome,
  NO_CASE_NEEDED,
  NO_GROUP,
  summarise,
  type Tally,
  type TallyRow,
} from './summary';

export function summaryPages(ctx: RenderContext): void {
  const { doc, S, input } = ctx;
  let y = newPage(ctx);
  startSection(ctx, S.summary, 'summary', false);
  ctx.doc.outline.addItem(S.summary);
  y = heading(doc, S.summary, y);
  const sum = summarise(input.changes);
  doc
    .font(FONT.regular)
    .fontSize(10.5)
    .fillColor(INK)
    .text(
      S.headline(sum.total.count, formatVolumeAbs(sum.total.added), formatVolumeAbs(sum.total.removed), sum.falsePositives),
      PAGE.margin,
      y,
      {
        width: CONTENT_WIDTH,
      },
    );
  y = doc.y + 10;
  if (input.changes.length === 0) {
    // A run that saw little in common says so: its "no changes" is not an all-clear.
    const unseen = input.run.warnings.map((w) => /^both epochs saw only (\d+) % of the compared area/.exec(w)).find(Boolean);
    const text = unseen && !input.filter ? S.noChangesUnseen(unseen[1]) : S.noChanges;
    doc
      .font(FONT.regular)
      .fontSize(10)
      .fillColor(unseen ? INK : MUTED)
      .text(text, PAGE.margin, y, { width: CONTENT_WIDTH });
    return;
  }

  const breakPage = () => newPage(ctx);
  const section = (
    title: string,
    group: string,
    rows: TallyRow[],
    name: (key: string) => string,
    total: Tally | null,
    note?: string,
    lead?: string,
  ) => {
    const withTotal = total !== null;
    // Keep a title (and the line that leads its table) with at least its header and two rows.
    if (y + 80 + (lead ? 16 : 0) > CONTENT_BOTTOM) y = breakPage();
    doc.font(FONT.bold).fontSize(10.5).fillColor(INK).text(title, PAGE.margin, y, { width: CONTENT_WIDTH, lineBreak: false });
    y += 17;
    if (lead) {
      doc.font(FONT.regular).fontSize(10).fillColor(INK).text(lead, PAGE.margin, y, { width: CONTENT_WIDTH });
      y = doc.y + 4;
    }
    const cells = rows.map((r) => tallyCells(name(r.key), r));
    if (total) cells.push(tallyCells(S.total, total));
    y = table(doc, PAGE.margin, y, tallyColumns(ctx, group), cells, {
      boldRows: withTotal ? new Set([cells.length - 1]) : undefined,
      newPage: breakPage,
    });
    if (note) {
      doc
        .font(FONT.regular)
        .fontSize(7.8)
        .fillColor(MUTED)
        .text(note, PAGE.margin, y + 3, { width: CONTENT_WIDTH });
      y = doc.y;
    }
    y += 14;
  };

  section(S.byType, S.type, sum.byType, (k) => S.types[k as ChangeType] ?? k, sum.total);
  if (y + 30 + 19 * sum.byType.length + 20 > CONTENT_BOTTOM) y = breakPage();
  y = volumeByTypeChart(doc, PAGE.margin, y, CONTENT_WIDTH, sum.byType, {
    title: S.chartTitle,
    axis: S.chartAxis,
    typeName: (t) => S.types[t],
  });
  y += 12;
  section(S.byVerdict, S.verdict, sum.byVerdict, (k) => S.verdicts[k as Verdict] ?? k, sum.all);
  // A change that is evidence for a case (a removal that rectified it) has no case status of its
  // own: its row names what the check found, and a note says why it is listed apart. The ledger
  // is read when the report is written: the note says its status may rest on a later survey.
  const evidence = sum.byCaseStatus.some((r) => caseEvidenceOutcome(r.key) !== null);
  const asOf = formatDate(input.generatedAt);
  const caseNote = S.caseStatusNote(asOf, input.run.after.label);
  // The cases the bureau chases first: open ones past their rectification date on the report's (the cover's) day.
  const cases = new Map(input.changes.flatMap((c) => (c.case ? [[c.case.id, c.case] as const] : [])));
  const overdue = [...cases.values()].filter((k) => overdueDays(k, input.generatedAt) !== null).length;
  section(
    S.byCaseStatus,
    S.caseStatusAsOf(asOf),
    sum.byCaseStatus,
    (k) => {
      const outcome = caseEvidenceOutcome(k);
      if (outcome) return S.caseEvidenceGroup(S.proposals[outcome]);
      if (k === NO_GROUP) return S.noCase;
      if (k === NO_CASE_NEEDED) return S.noCaseNeeded;
      if (k === CASE_UNDECIDED) return S.caseUndecided;
      return k === CASE_AWAITING ? S.awaitingGroup : (S.caseStatuses[k as CaseStatus] ?? k);
    },
    sum.total,
    evidence ? `${caseNote}\n${S.caseEvidenceNote}` : caseNote,
    cases.size > 0 ? S.overdueCases(overdue, asOf) : undefined,
  );
  section(S.bySubDistrict, S.subDistrict, sum.bySubDistrict, (k) => (k === NO_GROUP ? S.unassigned : k), sum.total);
  section(S.byZone, S.zones, sum.byZone, (k) => zoneName(ctx, k), null, S.zoneNote);
}

function zoneName(ctx: RenderContext, key: string): string {
  if (key === NO_GROUP) return ctx.S.noZone;
  const [category, name] = key.split('\t');
  return `${ctx.S.zoneCategories[category] ?? category}${ctx.input.lang === 'zh-CN' ? '：' : ': '}${name}`;
}

function tallyColumns(ctx: RenderContext, group: string): Column[] {
  const S = ctx.S;
  const n = 76;
  return [
    { header: group, width: CONTENT_WIDTH - 4 * n },
    { header: S.count, width: n, align: 'right' },
    { header: S.addedVolume, width: n, align: 'right' },
    { header: S.removedVolume, width: n, align: 'right' },
    { header: S.area, width: n, align: 'right' },
  ];
}

function tallyCells(name: string, t: Tally): string[] {
  return [name, formatCount(t.count), formatDecimal(t.added), formatDecimal(t.removed), formatDecimal(t.area)];
}
