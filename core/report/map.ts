/**
 * Map panels on the page: a raster placed over a world box, with footprints, markers, a scale bar
 * and a north arrow drawn as PDF vectors on top (crisp at any zoom, a few bytes each).
 */
import type { PolygonCoords } from '../changes/types';
import type { WorldBox } from '../io/geotiff/reader';
import { FONT, INK, MUTED, RULE, type Doc } from './layout';

export interface Panel {
  x: number;
  y: number;
  size: number;
  box: WorldBox;
}

/** World (x, y) → page point inside the panel (north up; the box is square like the panel). */
export function projector(p: Panel): (x: number, y: number) => [number, number] {
  const k = p.size / Math.max(p.box.maxX - p.box.minX, p.box.maxY - p.box.minY);
  return (x, y) => [p.x + (x - p.box.minX) * k, p.y + (p.box.maxY - y) * k];
}

/**
 * The raster (JPEG/PNG bytes) covering `extent` (default the whole panel), or a grey box with a
 * message; always framed.
 */
export function panelImage(doc: Doc, p: Panel, image: Buffer | null, message?: string, extent: WorldBox = p.box): void {
  if (image) {
    const at = projector(p);
    const [x0, y0] = at(extent.minX, extent.maxY);
    const [x1, y1] = at(extent.maxX, extent.minY);
    doc.save();
    doc.rect(p.x, p.y, p.size, p.size).clip();
    doc.image(image, x0, y0, { width: x1 - x0, height: y1 - y0 });
    doc.restore();
  } else {
    doc.rect(p.x, p.y, p.size, p.size).fillColor('#eceef1').fill();
    if (message) {
      doc
        .font(FONT.regular)
        .fontSize(9)
        .fillColor(MUTED)
        .text(message, p.x + 8, p.y + p.size / 2 - 12, { width: p.size - 16, align: 'center' });
    }
  }
  doc.rect(p.x, p.y, p.size, p.size).lineWidth(0.5).strokeColor(RULE).stroke();
}

/** Traces a footprint (outer rings and holes) as one path, clipped to the panel. */
function tracePath(doc: Doc, p: Panel, footprint: PolygonCoords[]): void {
  const at = projector(p);
  for (const polygon of footprint) {
    for (const ring of polygon) {
      ring.forEach(([x, y], i) => {
        const [px, py] = at(x, y);
        if (i === 0) doc.moveTo(px, py);
        else doc.lineTo(px, py);
      });
      doc.closePath();
    }
  }
}

/** Footprint outline: a dark halo under a coloured line, readable on photos and on ramps alike. */
export function footprintOutline(doc: Doc, p: Panel, footprint: PolygonCoords[], colour: string, width = 1.2): void {
  doc.save();
  doc.rect(p.x, p.y, p.size, p.size).clip();
  tracePath(doc, p, footprint);
  doc
    .lineWidth(width + 1.4)
    .strokeColor('#ffffff')
    .strokeOpacity(0.85)
    .lineJoin('round')
    .stroke();
  tracePath(doc, p, footprint);
  doc.lineWidth(width).strokeColor(colour).strokeOpacity(1).lineJoin('round').stroke();
  doc.restore();
}

/** A numbered round marker at a world point. */
export function marker(doc: Doc, p: Panel, x: number, y: number, label: string, colour: string, radius = 5.5): void {
  const [px, py] = projector(p)(x, y);
  markerAt(doc, px, py, label, colour, radius);
}

/**
 * A footprint's numbered marker: on its centroid when the footprint is wide enough to show
 * around it, else beside it with a leader line, so a small footprint's outline (and its type's
 * colour) is not hidden under its own number.
 */
export function footprintMarker(
  doc: Doc,
  p: Panel,
  footprint: PolygonCoords[],
  centroid: [number, number],
  label: string,
  colour: string,
  radius = 5.5,
): void {
  const at = projector(p);
  let [x0, y0, x1, y1] = [Infinity, Infinity, -Infinity, -Infinity];
  for (const polygon of footprint) {
    for (const [x, y] of polygon[0]) {
      const [px, py] = at(x, y);
      [x0, y0, x1, y1] = [Math.min(x0, px), Math.min(y0, py), Math.max(x1, px), Math.max(y1, py)];
    }
  }
  if (Math.min(x1 - x0, y1 - y0) >= 4 * radius) return marker(doc, p, centroid[0], centroid[1], label, colour, radius);
  // Above the footprint, to the right unless that leaves the panel.
  const right = x1 + 2 * radius + 3 <= p.x + p.size;
  const [ax, ay] = [right ? x1 : x0, Math.max(y0, p.y + 2 * radius + 3)];
  const [mx, my] = [ax + (right ? 1 : -1) * (radius + 3), ay - radius - 3];
  doc.moveTo(ax, ay).lineTo(mx, my).lineWidth(0.8).strokeColor(colour).stroke();
  markerAt(doc, mx, my, label, colour, radius);
}

function markerAt(doc: Doc, px: number, py: number, label: string, colour: string, radius: number): void {
  doc.circle(px, py, radius).lineWidth(1).fillColor('#ffffff').strokeColor(colour).fillAndStroke();
  const size = label.length > 2 ? radius * 0.95 : radius * 1.15;
  doc.font(FONT.bold).fontSize(size).fillColor(INK);
  const w = doc.widthOfString(label);
  doc.text(label, px - w / 2, py - size * 0.68, { lineBreak: false });
}

/** Scale bar (a round length near a fifth of the panel) in the lower left, north arrow in the upper right. */
export function mapFurniture(doc: Doc, p: Panel, northLabel: string): void {
  const metresAcross = Math.max(p.box.maxX - p.box.minX, p.box.maxY - p.box.minY);
  const target = metresAcross / 5;
  const nice = [1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000, 2000, 5000].filter((n) => n <= target).pop() ?? 1;
  const len = (nice / metresAcross) * p.size;
  const x = p.x + 8;
  const y = p.y + p.size - 12;
  doc
    .rect(x - 4, y - 11, len + 30, 18)
    .fillColor('#ffffff')
    .fillOpacity(0.8)
    .fill();
  doc.fillOpacity(1);
  doc
    .rect(x, y, len / 2, 3)
    .fillColor(INK)
    .fill();
  doc
    .rect(x + len / 2, y, len / 2, 3)
    .fillColor('#ffffff')
    .fill();
  doc.rect(x, y, len, 3).lineWidth(0.5).strokeColor(INK).stroke();
  doc
    .font(FONT.regular)
    .fontSize(6.5)
    .fillColor(INK)
    .text(`${nice} m`, x + len + 3, y - 2.5, { lineBreak: false });
  doc.text('0', x - 1, y - 9, { lineBreak: false });

  const nx = p.x + p.size - 14;
  const ny = p.y + 10;
  doc
    .circle(nx, ny + 6, 9)
    .fillColor('#ffffff')
    .fillOpacity(0.8)
    .fill();
  doc.fillOpacity(1);
  doc
    .polygon([nx, ny - 1], [nx + 4, ny + 9], [nx, ny + 7], [nx - 4, ny + 9])
    .fillColor(INK)
    .fill();
  doc.font(FONT.bold).fontSize(6).fillColor(INK);
  doc.text(northLabel, nx - doc.widthOfString(northLabel) / 2, ny + 9.5, { lineBreak: false });
}
