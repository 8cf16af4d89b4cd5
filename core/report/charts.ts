/** The summary chart, drawn as PDF vectors: added and removed volume per change type, on one axis. */
import type { ChangeType } from '../changes/types';
import { formatCount, formatDecimal } from './i18n';
import { FONT, INK, MUTED, RULE, TYPE_COLOURS, type Doc } from './layout';
import type { TallyRow } from './summary';

export interface ChartText {
  title: string;
  axis: string;
  typeName: (t: ChangeType) => string;
}

/** Horizontal bars right of zero for added volume, left for removed; returns the y below the chart. */
export function volumeByTypeChart(doc: Doc, x: number, y: number, width: number, rows: TallyRow[], text: ChartText): number {
  doc.font(FONT.bold).fontSize(10).fillColor(INK).text(text.title, x, y, { width, lineBreak: false });
  let top = y + 18;
  if (!rows.length) return top;
  const labelWidth = 96;
  const barHeight = 13;
  const gap = 6;
  const plotX = x + labelWidth;
  const plotWidth = width - labelWidth - 8;
  const maxAdded = Math.max(0, ...rows.map((r) => r.added));
  const maxRemoved = Math.max(0, ...rows.map((r) => r.removed));
  const span = maxAdded + maxRemoved || 1;
  // Leave room for the value labels at both ends.
  const usable = plotWidth - 150;
  const zero = plotX + 75 + (maxRemoved / span) * usable;
  const k = usable / span;
  const plotTop = top;
  for (const r of rows) {
    const colour = TYPE_COLOURS[r.key as ChangeType] ?? MUTED;
    doc
      .font(FONT.regular)
      .fontSize(8.5)
      .fillColor(INK)
      .text(`${text.typeName(r.key as ChangeType)} (${formatCount(r.count)})`, x, top + 2, {
        width: labelWidth - 6,
        lineBreak: false,
        ellipsis: true,
      });
    doc.fontSize(7.5).fillColor(MUTED);
    if (r.added > 0) {
      doc
        .rect(zero, top, Math.max(0.8, r.added * k), barHeight)
        .fillColor(colour)
        .fill();
      doc.fillColor(MUTED).text(`+${formatDecimal(r.added)}`, zero + r.added * k + 3, top + 3, { lineBreak: false });
    }
    if (r.removed > 0) {
      const w = Math.max(0.8, r.removed * k);
      doc
        .rect(zero - w, top, w, barHeight)
        .fillColor(colour)
        .fillOpacity(0.55)
        .fill();
      doc.fillOpacity(1);
      const label = `−${formatDecimal(r.removed)}`;
      doc.fillColor(MUTED).text(label, zero - w - 3 - doc.widthOfString(label), top + 3, { lineBreak: false });
    }
    top += barHeight + gap;
  }
  doc
    .moveTo(zero, plotTop - 3)
    .lineTo(zero, top - gap + 3)
    .lineWidth(0.7)
    .strokeColor(INK)
    .stroke();
  doc
    .moveTo(plotX, top - gap + 3)
    .lineTo(plotX + plotWidth, top - gap + 3)
    .lineWidth(0.4)
    .strokeColor(RULE)
    .stroke();
  doc
    .font(FONT.regular)
    .fontSize(7.5)
    .fillColor(MUTED)
    .text(text.axis, plotX, top, { width: plotWidth, align: 'center', lineBreak: false });
  return top + 14;
}
