/**
 * The table of contents: its pages are reserved right after the cover (their number follows from
 * the number of changes) and filled in at the end, when every section's page is known.
 */
import type { RenderContext } from './context';
import { CONTENT_BOTTOM, CONTENT_WIDTH, FONT, heading, INK, MUTED, PAGE, RULE } from './layout';

const ROW = 14.5;
const HEADING_SPACE = 34;

/** How many pages `entries` contents rows need. */
export function contentsPages(entries: number): number {
  const first = Math.floor((CONTENT_BOTTOM - PAGE.margin - HEADING_SPACE) / ROW);
  const other = Math.floor((CONTENT_BOTTOM - PAGE.margin) / ROW);
  return entries <= first ? 1 : 1 + Math.ceil((entries - first) / other);
}

/** Adds `count` empty pages for the contents; returns the index of the first. */
export function reserveContents(ctx: RenderContext, count: number): number {
  const first = ctx.doc.bufferedPageRange().count;
  for (let i = 0; i < count; i++) ctx.doc.addPage();
  return first;
}

/** Writes the contents on the reserved pages, each row linked to its section. */
export function fillContents(ctx: RenderContext, firstPage: number, pages: number): void {
  const { doc, S } = ctx;
  let page = firstPage;
  doc.switchToPage(page);
  let y = heading(doc, S.contents, PAGE.margin);
  for (const entry of ctx.contents) {
    if (y + ROW > CONTENT_BOTTOM) {
      page++;
      if (page >= firstPage + pages) throw new Error('report contents overflowed their reserved pages');
      doc.switchToPage(page);
      y = PAGE.margin;
    }
    const indent = entry.child ? 16 : 0;
    const pageNumber = String(entry.page + 1);
    doc.font(entry.child ? FONT.regular : FONT.bold).fontSize(entry.child ? 9 : 10);
    const numberWidth = doc.widthOfString(pageNumber);
    const titleWidth = CONTENT_WIDTH - indent - numberWidth - 30;
    doc.fillColor(INK).text(entry.title, PAGE.margin + indent, y, { width: titleWidth, lineBreak: false, ellipsis: true });
    const titleEnd = PAGE.margin + indent + Math.min(titleWidth, doc.widthOfString(entry.title));
    // Dotted leader from the title to the page number.
    doc
      .moveTo(titleEnd + 6, y + 9)
      .lineTo(PAGE.margin + CONTENT_WIDTH - numberWidth - 6, y + 9)
      .lineWidth(0.6)
      .dash(0.6, { space: 2.4 })
      .strokeColor(RULE)
      .stroke()
      .undash();
    doc.fillColor(MUTED).text(pageNumber, PAGE.margin, y, { width: CONTENT_WIDTH, align: 'right', lineBreak: false });
    doc.goTo(PAGE.margin, y - 2, CONTENT_WIDTH, ROW, entry.dest);
    y += ROW;
  }
}
