/** Plain 2D geometry for the scene: oriented rectangles, boxes of bounds, rings. */

export type Vec2 = [number, number];
/** A closed polygon ring (first point repeated at the end), counter-clockwise. */
export type Ring = Vec2[];

export interface BBox {
  minX: number;
  minY: number;
  maxX: number;
  maxY: number;
}

/**
 * A rectangle of half-sizes (hw along the local u axis, hd along v) centred on (cx, cy), its u axis at
 * `angle` radians from +x. Axis-aligned rectangles have angle 0.
 */
export interface OrientedRect {
  cx: number;
  cy: number;
  hw: number;
  hd: number;
  angle: number;
}

export function rectFromBounds(minX: number, minY: number, maxX: number, maxY: number): OrientedRect {
  return { cx: (minX + maxX) / 2, cy: (minY + maxY) / 2, hw: (maxX - minX) / 2, hd: (maxY - minY) / 2, angle: 0 };
}

/** Corners in counter-clockwise order. */
export function rectCorners(rect: OrientedRect): Vec2[] {
  const c = Math.cos(rect.angle);
  const s = Math.sin(rect.angle);
  const corner = (u: number, v: number): Vec2 => [rect.cx + u * c - v * s, rect.cy + u * s + v * c];
  return [corner(-rect.hw, -rect.hd), corner(rect.hw, -rect.hd), corner(rect.hw, rect.hd), corner(-rect.hw, rect.hd)];
}

export function rectRing(rect: OrientedRect): Ring {
  const corners = rectCorners(rect).map(([x, y]) => [round3(x), round3(y)] as Vec2);
  return [...corners, [corners[0][0], corners[0][1]]];
}

export function rectContains(rect: OrientedRect, x: number, y: number, margin = 0): boolean {
  const c = Math.cos(rect.angle);
  const s = Math.sin(rect.angle);
  const dx = x - rect.cx;
  const dy = y - rect.cy;
  return Math.abs(dx * c + dy * s) <= rect.hw + margin && Math.abs(-dx * s + dy * c) <= rect.hd + margin;
}

/** Euclidean distance from a point to the rectangle (0 inside). */
export function rectDistance(rect: OrientedRect, x: number, y: number): number {
  const c = Math.cos(rect.angle);
  const s = Math.sin(rect.angle);
  const dx = x - rect.cx;
  const dy = y - rect.cy;
  const u = Math.max(0, Math.abs(dx * c + dy * s) - rect.hw);
  const v = Math.max(0, Math.abs(-dx * s + dy * c) - rect.hd);
  return Math.hypot(u, v);
}

/** Smallest distance between two rectangles (0 when they touch or overlap); exact for convex quads. */
export function rectGap(a: OrientedRect, b: OrientedRect): number {
  const ca = rectCorners(a);
  const cb = rectCorners(b);
  if (ca.some(([x, y]) => rectContains(b, x, y)) || cb.some(([x, y]) => rectContains(a, x, y))) return 0;
  let best = Infinity;
  for (const [x, y] of ca) best = Math.min(best, rectDistance(b, x, y));
  for (const [x, y] of cb) best = Math.min(best, rectDistance(a, x, y));
  // Edges can cross without any corner inside the other rectangle (a "plus" overlap).
  if (best > 0 && edgesCross(ca, cb)) return 0;
  return best;
}

/** Whether two rectangles come closer than `gap` (a cheap bounds test first: most pairs are far apart). */
export function rectsCloserThan(a: OrientedRect, b: OrientedRect, gap: number): boolean {
  if (bboxGap(rectBBox(a), rectBBox(b)) >= gap) return false;
  return rectGap(a, b) < gap;
}

export function rectBBox(rect: OrientedRect): BBox {
  const c = Math.abs(Math.cos(rect.angle));
  const s = Math.abs(Math.sin(rect.angle));
  const ex = rect.hw * c + rect.hd * s;
  const ey = rect.hw * s + rect.hd * c;
  return { minX: rect.cx - ex, minY: rect.cy - ey, maxX: rect.cx + ex, maxY: rect.cy + ey };
}

export function circleBBox(cx: number, cy: number, r: number): BBox {
  return { minX: cx - r, minY: cy - r, maxX: cx + r, maxY: cy + r };
}

export function bboxGap(a: BBox, b: BBox): number {
  const dx = Math.max(0, a.minX - b.maxX, b.minX - a.maxX);
  const dy = Math.max(0, a.minY - b.maxY, b.minY - a.maxY);
  return Math.hypot(dx, dy);
}

export function bboxInside(inner: BBox, outer: BBox, margin = 0): boolean {
  return (
    inner.minX >= outer.minX + margin &&
    inner.minY >= outer.minY + margin &&
    inner.maxX <= outer.maxX - margin &&
    inner.maxY <= outer.maxY - margin
  );
}

export function bboxRing(box: BBox): Ring {
  return rectRing(rectFromBounds(box.minX, box.minY, box.maxX, box.maxY));
}

export function circleRing(cx: number, cy: number, r: number, segments = 24): Ring {
  const ring: Ring = [];
  for (let i = 0; i < segments; i++) {
    const a = (2 * Math.PI * i) / segments;
    ring.push([round3(cx + r * Math.cos(a)), round3(cy + r * Math.sin(a))]);
  }
  ring.push([ring[0][0], ring[0][1]]);
  return ring;
}

export function round2(value: number): number {
  return Math.round(value * 100) / 100;
}

export function round3(value: number): number {
  return Math.round(value * 1000) / 1000;
}

function edgesCross(a: Vec2[], b: Vec2[]): boolean {
  for (let i = 0; i < a.length; i++) {
    for (let j = 0; j < b.length; j++) {
      if (segmentsCross(a[i], a[(i + 1) % a.length], b[j], b[(j + 1) % b.length])) return true;
    }
  }
  return false;
}

function segmentsCross(p: Vec2, q: Vec2, r: Vec2, s: Vec2): boolean {
  const d1 = cross(r, s, p);
  const d2 = cross(r, s, q);
  const d3 = cross(p, q, r);
  const d4 = cross(p, q, s);
  return d1 * d2 < 0 && d3 * d4 < 0;
}

function cross(o: Vec2, a: Vec2, b: Vec2): number {
  return (a[0] - o[0]) * (b[1] - o[1]) - (a[1] - o[1]) * (b[0] - o[0]);
}
