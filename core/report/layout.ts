/** Page geometry, type sizes, colours and the table and text helpers every report page uses. */
import type { ChangeType } from '../changes/types';
import type { Verdict } from '../review/types';

export type Doc = PDFKit.PDFDocument;

export const PAGE = { width: 595.28, height: 841.89, margin: 42, footer: 22 } as const;
export const CONTENT_WIDTH = PAGE.width - 2 * PAGE.margin;
/** Lowest y content may reach (the footer lives below it). */
export const CONTENT_BOTTOM = PAGE.height - PAGE.margin - PAGE.footer;

export const FONT = { regular: 'report-regular', bold: 'report-bold' } as const;

export const INK = '#1f2328';
export const MUTED = '#5b6270';
export const RULE = '#c9ced6';
export const HEADER_FILL = '#eef1f5';
export const ACCENT = '#1d4e89';

/** Outline colours of change types on maps and in the chart. */
export const TYPE_COLOURS: Record<ChangeType, string> = {
  new_building: '#d7301f',
  storeys_added: '#f16913',
  rooftop_structure: '#e6ab02',
  extension: '#c51b8a',
  demolished: '#2166ac',
  height_decrease: '#4eb3d3',
  other: '#737373',
};

export const VERDICT_COLOURS: Record<Verdict, string> = {
  unreviewed: '#6e7781',
  confirmed: '#c62828',
  false_positive: '#4f7f52',
  permitted: '#2e7d32',
  needs_site_visit: '#b26a00',
};

/** Section heading at the cursor; returns the y below it. */
export function heading(doc: Doc, text: string, y: number, size = 15): number {
  doc.font(FONT.bold).fontSize(size).fillColor(ACCENT).text(text, PAGE.margin, y, { width: CONTENT_WIDTH, lineBreak: false });
  const below = y + size * 1.35;
  doc
    .moveTo(PAGE.margin, below)
    .lineTo(PAGE.margin + CONTENT_WIDTH, below)
    .lineWidth(0.8)
    .strokeColor(ACCENT)
    .stroke();
  return below + 8;
}

export interface Column {
  header: string;
  width: number;
  align?: 'left' | 'right' | 'center';
}

export interface TableOptions {
  fontSize?: number;
  /** Rows drawn bold with a rule above (totals). */
  boldRows?: Set<number>;
  /** Called when the next row would not fit: starts a new page and returns its top y. */
  newPage?: () => number;
}

/** A ruled table with a shaded header row; cells wrap; returns the y below it. */
export function table(doc: Doc, x: number, y: number, columns: Column[], rows: string[][], options: TableOptions = {}): number {
  const size = options.fontSize ?? 9;
  const pad = 3.5;
  const width = columns.reduce((a, c) => a + c.width, 0);
  const rowHeight = (cells: string[], font: string) => {
    doc.font(font).fontSize(size);
    return Math.max(...cells.map((t, i) => textHeight(doc, t || ' ', columns[i].width - 2 * pad))) + 2 * pad;
  };
  const drawRow = (cells: string[], top: number, font: string, fill: string | null, h: number) => {
    if (fill) doc.rect(x, top, width, h).fillColor(fill).fill();
    doc.font(font).fontSize(size).fillColor(INK);
    let cx = x;
    cells.forEach((t, i) => {
      const c = columns[i];
      doc.text(t, cx + pad, top + pad, { width: c.width - 2 * pad, align: c.align ?? 'left' });
      cx += c.width;
    });
    doc
      .moveTo(x, top + h)
      .lineTo(x + width, top + h)
      .lineWidth(0.4)
      .strokeColor(RULE)
      .stroke();
  };
  const headerCells = columns.map((c) => c.header);
  const headerHeight = rowHeight(headerCells, FONT.bold);
  const header = (top: number) => {
    drawRow(headerCells, top, FONT.bold, HEADER_FILL, headerHeight);
    return top + headerHeight;
  };
  let cy = header(y);
  rows.forEach((cells, r) => {
    const bold = options.boldRows?.has(r) ?? false;
    const h = rowHeight(cells, bold ? FONT.bold : FONT.regular);
    if (cy + h > CONTENT_BOTTOM && options.newPage) cy = header(options.newPage());
    if (bold) {
      doc
        .moveTo(x, cy)
        .lineTo(x + width, cy)
        .lineWidth(0.8)
        .strokeColor(INK)
        .stroke();
    }
    drawRow(cells, cy, bold ? FONT.bold : FONT.regular, null, h);
    cy += h;
  });
  return cy;
}

const KV_PAD = 2.6;
/** Noto Sans SC's line height is 1.45 em: tighten it a little in dense tables. */
const KV_LINE_GAP = -1.2;

function keyValueRowHeight(doc: Doc, width: number, labelWidth: number, [label, value]: [string, string]): number {
  return (
    Math.max(
      textHeight(doc, label, labelWidth - 2 * KV_PAD, KV_LINE_GAP),
      textHeight(doc, value || ' ', width - labelWidth - 2 * KV_PAD, KV_LINE_GAP),
    ) +
    2 * KV_PAD
  );
}

/** Height of wrapped text in the current font; one line without laying it out when it fits (most cells). */
export function textHeight(doc: Doc, text: string, width: number, lineGap = 0): number {
  if (!text.includes('\n') && doc.widthOfString(text) <= width) return doc.currentLineHeight(true) + lineGap;
  return doc.heightOfString(text, { width, lineGap });
}

/** The width a keyValues value wraps at. */
export function keyValueWidth(width: number, labelWidth: number): number {
  return width - labelWidth - 2 * KV_PAD;
}

/**
 * `items` joined by `sep`, with a line break in place of a separator's space wherever the next
 * item would not fit in `width` (in the current font): an item ("层高 3 m", "0.004 m") is never
 * split across lines, where wrapping the joined text broke between a value and its unit, or
 * inside a Chinese word.
 */
export function packItems(doc: Doc, items: string[], sep: string, width: number): string {
  const lines: string[] = [];
  const end = sep.trimEnd();
  let line = '';
  items.forEach((item, k) => {
    const joined = line ? `${line}${sep}${item}` : item;
    // Measured as pdfkit will: with the separator that ends it unless it is the last item, and
    // the line break after it (pdfkit counts the break's glyph, an em wide, in the line).
    if (line && doc.widthOfString(`${joined}${k < items.length - 1 ? end : ''}\n`) > width) {
      lines.push(line + end);
      line = item;
    } else line = joined;
  });
  if (line) lines.push(line);
  return lines.join('\n');
}

/** Label–value rows (label column shaded); values wrap; returns the y below. */
export function keyValues(doc: Doc, x: number, y: number, width: number, labelWidth: number, rows: [string, string][], size = 8.4): number {
  let cy = y;
  for (const row of rows) {
    doc.font(FONT.regular).fontSize(size);
    const h = keyValueRowHeight(doc, width, labelWidth, row);
    doc.rect(x, cy, labelWidth, h).fillColor(HEADER_FILL).fill();
    doc.fillColor(MUTED).text(row[0], x + KV_PAD, cy + KV_PAD, { width: labelWidth - 2 * KV_PAD, lineGap: KV_LINE_GAP });
    doc.fillColor(INK).text(row[1], x + labelWidth + KV_PAD, cy + KV_PAD, { width: width - labelWidth - 2 * KV_PAD, lineGap: KV_LINE_GAP });
    doc
      .moveTo(x, cy + h)
      .lineTo(x + width, cy + h)
      .lineWidth(0.4)
      .strokeColor(RULE)
      .stroke();
    cy += h;
  }
  return cy;
}

/** The height keyValues would take, to decide on a page break before drawing. */
export function keyValuesHeight(doc: Doc, width: number, labelWidth: number, rows: [string, string][], size = 8.4): number {
  doc.font(FONT.regular).fontSize(size);
  return rows.reduce((sum, row) => sum + keyValueRowHeight(doc, width, labelWidth, row), 0);
}

/** A small rounded label with white text (verdict badges); returns its width. */
export function badge(doc: Doc, text: string, right: number, y: number, colour: string, size = 10): number {
  doc.font(FONT.bold).fontSize(size);
  const w = doc.widthOfString(text) + 14;
  const h = size + 8;
  doc
    .roundedRect(right - w, y, w, h, 4)
    .fillColor(colour)
    .fill();
  doc.fillColor('#ffffff').text(text, right - w + 7, y + 3.2, { width: w - 14, lineBreak: false });
  return w;
}

/** Footer on every page but the cover: report and project on the left, "page n of N" on the right. */
export function footers(doc: Doc, left: string, pageLabel: (n: number, total: number) => string): void {
  const range = doc.bufferedPageRange();
  const total = range.count;
  for (let i = range.start; i < range.start + total; i++) {
    if (i === 0) continue;
    doc.switchToPage(i);
    // Writing below the bottom margin would make pdfkit open a new page: lift the margin first.
    const saved = doc.page.margins.bottom;
    doc.page.margins.bottom = 0;
    const y = PAGE.height - PAGE.margin + 4;
    doc
      .moveTo(PAGE.margin, y - 5)
      .lineTo(PAGE.margin + CONTENT_WIDTH, y - 5)
      .lineWidth(0.4)
      .strokeColor(RULE)
      .stroke();
    doc.font(FONT.regular).fontSize(7.8).fillColor(MUTED);
    doc.text(left, PAGE.margin, y, { width: CONTENT_WIDTH * 0.7, lineBreak: false, ellipsis: true });
    doc.text(pageLabel(i + 1, total), PAGE.margin, y, { width: CONTENT_WIDTH, align: 'right', lineBreak: false });
    doc.page.margins.bottom = saved;
  }
}
