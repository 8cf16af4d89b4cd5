import polygonClipping from 'polygon-clipping';

/** A MultiPolygon's coordinates (GeoJSON order): polygons, each an outer ring then holes. */
export type MultiPolygonCoords = [number, number][][][];

export interface BBox {
  minX: number;
  minY: number;
  maxX: number;
  maxY: number;
}

export function bboxOf(mp: MultiPolygonCoords): BBox {
  const b = { minX: Infinity, minY: Infinity, maxX: -Infinity, maxY: -Infinity };
  for (const poly of mp)
    for (const [x, y] of poly[0] ?? []) {
      if (x < b.minX) b.minX = x;
      if (x > b.maxX) b.maxX = x;
      if (y < b.minY) b.minY = y;
      if (y > b.maxY) b.maxY = y;
    }
  return b;
}

export const bboxesOverlap = (a: BBox, b: BBox, margin = 0): boolean =>
  a.minX - margin <= b.maxX && b.minX - margin <= a.maxX && a.minY - margin <= b.maxY && b.minY - margin <= a.maxY;

/** Shoelace area of one ring (absolute). */
export function ringArea(ring: [number, number][]): number {
  let s = 0;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) s += (ring[j][0] + ring[i][0]) * (ring[j][1] - ring[i][1]);
  return Math.abs(s) / 2;
}

export function areaOf(mp: MultiPolygonCoords): number {
  let a = 0;
  for (const poly of mp) poly.forEach((ring, k) => (a += k === 0 ? ringArea(ring) : -ringArea(ring)));
  return a;
}

/** Area shared by two MultiPolygons (0 when their boxes do not even touch). */
export function intersectionArea(a: MultiPolygonCoords, b: MultiPolygonCoords): number {
  if (!bboxesOverlap(bboxOf(a), bboxOf(b))) return 0;
  try {
    return areaOf(polygonClipping.intersection(a, b));
  } catch {
    // polygon-clipping can fail on degenerate rings; a bounding-box estimate beats losing the match.
    return boxIntersection(bboxOf(a), bboxOf(b));
  }
}

function boxIntersection(a: BBox, b: BBox): number {
  const w = Math.min(a.maxX, b.maxX) - Math.max(a.minX, b.minX);
  const h = Math.min(a.maxY, b.maxY) - Math.max(a.minY, b.minY);
  return w > 0 && h > 0 ? w * h : 0;
}

/** Even-odd test of a point against one ring. */
export function inRing(ring: [number, number][], x: number, y: number): boolean {
  let inside = false;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    const [xi, yi] = ring[i];
    const [xj, yj] = ring[j];
    if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}

export function containsPoint(mp: MultiPolygonCoords, x: number, y: number): boolean {
  return mp.some((poly) => poly.length > 0 && inRing(poly[0], x, y) && !poly.slice(1).some((hole) => inRing(hole, x, y)));
}

/** Distance from a point to a MultiPolygon's boundary, 0 inside. */
export function distanceToPoint(mp: MultiPolygonCoords, x: number, y: number): number {
  if (containsPoint(mp, x, y)) return 0;
  let best = Infinity;
  for (const poly of mp)
    for (const ring of poly) for (let i = 1; i < ring.length; i++) best = Math.min(best, segmentDistance(ring[i - 1], ring[i], x, y));
  return best;
}

function segmentDistance([ax, ay]: [number, number], [bx, by]: [number, number], x: number, y: number): number {
  const dx = bx - ax;
  const dy = by - ay;
  const len2 = dx * dx + dy * dy;
  const t = len2 === 0 ? 0 : Math.max(0, Math.min(1, ((x - ax) * dx + (y - ay) * dy) / len2));
  return Math.hypot(ax + t * dx - x, ay + t * dy - y);
}
