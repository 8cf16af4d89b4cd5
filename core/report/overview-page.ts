/** The overview map: the whole compared area with a numbered marker and outline per change. */
import type { ChangeType } from '../changes/types';
import type { WorldBox } from '../io/geotiff/reader';
import { newPage, startSection, type RenderContext } from './context';
import { hillshade } from './hillshade';
import { CONTENT_WIDTH, FONT, heading, INK, MUTED, PAGE, TYPE_COLOURS } from './layout';
import { footprintMarker, footprintOutline, mapFurniture, panelImage, type Panel } from './map';
import { encodeJpeg } from './raster';

/** Pixels across the overview background: ~190 dpi over the 511 pt map. */
const OVERVIEW_PIXELS = 1400;

export async function overviewPage(ctx: RenderContext): Promise<void> {
  const { doc, S, input } = ctx;
  let y = newPage(ctx);
  startSection(ctx, S.overviewMap, 'overview', false);
  doc.outline.addItem(S.overviewMap);
  y = heading(doc, S.overviewMap, y);
  const o = input.views.overview;
  const extent: WorldBox = { minX: o.x0, minY: o.y0, maxX: o.x0 + o.width * o.cell, maxY: o.y0 + o.height * o.cell };
  const side = Math.max(extent.maxX - extent.minX, extent.maxY - extent.minY);
  const cx = (extent.minX + extent.maxX) / 2;
  const cy = (extent.minY + extent.maxY) / 2;
  const panel: Panel = {
    x: PAGE.margin,
    y,
    size: CONTENT_WIDTH,
    box: { minX: cx - side / 2, maxX: cx + side / 2, minY: cy - side / 2, maxY: cy + side / 2 },
  };

  // The later orthophoto, else the earlier one, else a hillshade of the later surface. An
  // orthophoto of only a corner of the area (or of somewhere else) would leave the map blank.
  let caption: string | null = null;
  for (const [epoch, ortho] of [
    [input.run.after, ctx.ortho.after],
    [input.run.before, ctx.ortho.before],
  ] as const) {
    const crop = await ortho.crop(panel.box, OVERVIEW_PIXELS, 68, ctx.signal);
    if ('jpeg' in crop && crop.covered >= 0.5) {
      panelImage(doc, panel, crop.jpeg);
      caption = S.mapOnOrthophoto(epoch.label);
      break;
    }
  }
  if (!caption) {
    panelImage(doc, panel, await encodeJpeg(hillshade(o, 'after'), 80), undefined, extent);
    caption = S.mapOnHillshade(input.run.after.label);
  }

  input.changes.forEach((c) => footprintOutline(doc, panel, c.footprint, TYPE_COLOURS[c.type], 1));
  input.changes.forEach((c, i) => footprintMarker(doc, panel, c.footprint, c.centroid, String(i + 1), TYPE_COLOURS[c.type]));
  mapFurniture(doc, panel, S.north);
  y = panel.y + panel.size + 10;

  // Legend: the change types present.
  const types = [...new Set(input.changes.map((c) => c.type))] as ChangeType[];
  doc.font(FONT.bold).fontSize(9).fillColor(INK).text(`${S.legendTypes}:`, PAGE.margin, y, { lineBreak: false });
  let x = PAGE.margin + doc.widthOfString(`${S.legendTypes}:`) + 10;
  doc.font(FONT.regular).fontSize(9);
  for (const t of types) {
    const w = doc.widthOfString(S.types[t]) + 26;
    if (x + w > PAGE.margin + CONTENT_WIDTH) {
      x = PAGE.margin;
      y += 15;
    }
    doc
      .rect(x, y + 2, 12, 8)
      .lineWidth(1.6)
      .strokeColor(TYPE_COLOURS[t])
      .stroke();
    doc.fillColor(INK).text(S.types[t], x + 16, y, { lineBreak: false });
    x += w;
  }
  y += 18;
  doc
    .font(FONT.regular)
    .fontSize(8.5)
    .fillColor(MUTED)
    .text(`${caption}${input.lang === 'zh-CN' ? '。' : '. '}${S.mapMarkerNote}`, PAGE.margin, y, { width: CONTENT_WIDTH });
}
