import { inRing } from '../geo/polygons';
import type { Grid } from '../diff/grid';
import type { PolygonCoords } from './types';

type Ring = [number, number][];

/**
 * Outline of a set of grid cells as polygons (outer rings counter-clockwise, holes clockwise),
 * traced along cell edges, then simplified to about `tolerance` metres. Diagonal neighbours
 * belong together (8-connected), matching how components are labelled.
 */
export function traceFootprint(cells: ArrayLike<number>, grid: Grid, tolerance: number, minHoleCells = 4): PolygonCoords[] {
  if (cells.length === 0) return [];
  let minX = Infinity;
  let minY = Infinity;
  let maxX = -Infinity;
  let maxY = -Infinity;
  for (let n = 0; n < cells.length; n++) {
    const k = cells[n];
    const x = k % grid.nx;
    const y = (k - x) / grid.nx;
    minX = Math.min(minX, x);
    maxX = Math.max(maxX, x);
    minY = Math.min(minY, y);
    maxY = Math.max(maxY, y);
  }
  // Local mask with a one-cell margin so every boundary edge has an outside neighbour.
  const w = maxX - minX + 3;
  const h = maxY - minY + 3;
  const mask = new Uint8Array(w * h);
  for (let n = 0; n < cells.length; n++) {
    const k = cells[n];
    const x = k % grid.nx;
    const y = (k - x) / grid.nx;
    mask[(y - minY + 1) * w + (x - minX + 1)] = 1;
  }
  const rings = traceRings(mask, w, h);
  const toWorld = (r: Ring): Ring => r.map(([i, j]) => [grid.x0 + (i + minX - 1) * grid.cell, grid.y0 + (j + minY - 1) * grid.cell]);
  const outers: Ring[] = [];
  const holes: Ring[] = [];
  for (const r of rings) {
    const area = signedArea(r);
    if (area > 0) outers.push(r);
    else if (-area >= minHoleCells) holes.push(r);
  }
  const polygons: PolygonCoords[] = outers.map((o) => [closeRing(simplifyRing(toWorld(o), tolerance))]);
  for (const hole of holes) {
    const [hx, hy] = hole[0];
    // A hole belongs to the outer ring that contains it; test a point just inside its first edge.
    const probe: [number, number] = [hx + 0.5, hy + 0.5];
    const owner = outers.findIndex((o) => inRing(o, probe[0], probe[1]) || inRing(o, hx - 0.5, hy - 0.5));
    if (owner >= 0) polygons[owner].push(closeRing(simplifyRing(toWorld(hole), tolerance)));
  }
  return polygons;
}

/** Directed boundary edges of the mask, chained into closed rings (grid-vertex coordinates). */
function traceRings(mask: Uint8Array, w: number, h: number): Ring[] {
  const vw = w + 1;
  // Up to two outgoing edges per vertex (a pinch where cells touch diagonally).
  const out = new Map<number, number[]>();
  const add = (x0: number, y0: number, x1: number, y1: number) => {
    const from = y0 * vw + x0;
    const to = y1 * vw + x1;
    const list = out.get(from);
    if (list) list.push(to);
    else out.set(from, [to]);
  };
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      if (!mask[y * w + x]) continue;
      if (!mask[(y - 1) * w + x]) add(x, y, x + 1, y);
      if (!mask[y * w + x + 1]) add(x + 1, y, x + 1, y + 1);
      if (!mask[(y + 1) * w + x]) add(x + 1, y + 1, x, y + 1);
      if (!mask[y * w + x - 1]) add(x, y + 1, x, y);
    }
  }
  const rings: Ring[] = [];
  for (const [start, targets] of out) {
    while (targets.length > 0) {
      const ring: Ring = [];
      let prev = start;
      let cur = targets.pop()!;
      ring.push([start % vw, Math.floor(start / vw)]);
      while (cur !== start) {
        ring.push([cur % vw, Math.floor(cur / vw)]);
        const next = out.get(cur)!;
        let pick = 0;
        if (next.length > 1) {
          // At a pinch, turn right: it keeps diagonal neighbours in one ring (8-connectivity).
          const dx = (cur % vw) - (prev % vw);
          const dy = Math.floor(cur / vw) - Math.floor(prev / vw);
          pick = next.findIndex((t) => {
            const ex = (t % vw) - (cur % vw);
            const ey = Math.floor(t / vw) - Math.floor(cur / vw);
            return dx * ey - dy * ex < 0;
          });
          if (pick < 0) pick = 0;
        }
        prev = cur;
        cur = next.splice(pick, 1)[0];
      }
      rings.push(ring);
    }
  }
  return rings;
}

function signedArea(r: Ring): number {
  let a = 0;
  for (let i = 0; i < r.length; i++) {
    const [x0, y0] = r[i];
    const [x1, y1] = r[(i + 1) % r.length];
    a += x0 * y1 - x1 * y0;
  }
  return a / 2;
}

/** Douglas–Peucker on a closed ring, split at its two mutually farthest vertices. */
export function simplifyRing(ring: Ring, tolerance: number): Ring {
  const r = dropCollinear(ring);
  if (r.length <= 4 || tolerance <= 0) return r;
  let far = 0;
  let best = -1;
  for (let i = 1; i < r.length; i++) {
    const d = (r[i][0] - r[0][0]) ** 2 + (r[i][1] - r[0][1]) ** 2;
    if (d > best) {
      best = d;
      far = i;
    }
  }
  const first = douglasPeucker(r.slice(0, far + 1), tolerance);
  const second = douglasPeucker([...r.slice(far), r[0]], tolerance);
  const out = [...first.slice(0, -1), ...second.slice(0, -1)];
  return out.length >= 3 && Math.abs(signedArea(out)) > 0 ? out : r;
}

function douglasPeucker(pts: Ring, tol: number): Ring {
  if (pts.length <= 2) return pts;
  const [ax, ay] = pts[0];
  const [bx, by] = pts[pts.length - 1];
  const len = Math.hypot(bx - ax, by - ay);
  let worst = -1;
  let at = 0;
  for (let i = 1; i < pts.length - 1; i++) {
    const [px, py] = pts[i];
    const d = len === 0 ? Math.hypot(px - ax, py - ay) : Math.abs((bx - ax) * (ay - py) - (ax - px) * (by - ay)) / len;
    if (d > worst) {
      worst = d;
      at = i;
    }
  }
  if (worst <= tol) return [pts[0], pts[pts.length - 1]];
  const left = douglasPeucker(pts.slice(0, at + 1), tol);
  const right = douglasPeucker(pts.slice(at), tol);
  return [...left.slice(0, -1), ...right];
}

function dropCollinear(r: Ring): Ring {
  const out: Ring = [];
  for (let i = 0; i < r.length; i++) {
    const p = r[(i - 1 + r.length) % r.length];
    const c = r[i];
    const n = r[(i + 1) % r.length];
    if ((c[0] - p[0]) * (n[1] - c[1]) - (c[1] - p[1]) * (n[0] - c[0]) !== 0) out.push(c);
  }
  return out.length >= 3 ? out : r;
}

function closeRing(r: Ring): [number, number][] {
  const rounded = r.map(([x, y]) => [Math.round(x * 1000) / 1000, Math.round(y * 1000) / 1000] as [number, number]);
  return [...rounded, rounded[0]];
}
