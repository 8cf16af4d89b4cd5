import type { ScanResult } from './scan';

/**
 * What a finished first-pass part keeps in its marker: its totals and its coarse sums, cropped
 * to the coarse cells it touched. A part of a tiled survey covers a small patch of the area, so
 * its marker is small however large the area (a part of one big unsorted file may cover it all).
 */
export interface PartRecord {
  totals: ScanResult['totals'];
  /** The touched rectangle of coarse cells: x in [x0, x0 + w), y in [y0, y0 + h). */
  x0: number;
  y0: number;
  w: number;
  h: number;
  count: Uint32Array;
  sum: Float64Array;
  sumSq: Float64Array;
  min1: Float32Array;
  min2: Float32Array;
  /** An indexed part's blocks (ScanResult.blocks): what its tiles read again. */
  blocks?: Float64Array;
}

export function cropPart(part: ScanResult): PartRecord {
  const c = part.coarse;
  let [x0, y0, x1, y1] = [c.cx, c.cy, -1, -1];
  for (let y = 0; y < c.cy; y++) {
    const row = y * c.cx;
    for (let x = 0; x < c.cx; x++) {
      if (c.count[row + x] === 0) continue;
      if (x < x0) x0 = x;
      if (x > x1) x1 = x;
      if (y < y0) y0 = y;
      y1 = y;
    }
  }
  const [w, h] = x1 < 0 ? [0, 0] : [x1 - x0 + 1, y1 - y0 + 1];
  const crop = <A extends Uint32Array | Float64Array | Float32Array>(a: A, make: (n: number) => A): A => {
    const out = make(w * h);
    for (let y = 0; y < h; y++) out.set(a.subarray((y0 + y) * c.cx + x0, (y0 + y) * c.cx + x0 + w), y * w);
    return out;
  };
  return {
    totals: part.totals,
    x0: w ? x0 : 0,
    y0: h ? y0 : 0,
    w,
    h,
    count: crop(c.count, (n) => new Uint32Array(n)),
    sum: crop(c.sum, (n) => new Float64Array(n)),
    sumSq: crop(c.sumSq, (n) => new Float64Array(n)),
    min1: crop(c.min1, (n) => new Float32Array(n)),
    min2: crop(c.min2, (n) => new Float32Array(n)),
    ...(part.blocks ? { blocks: part.blocks } : {}),
  };
}

/**
 * Adds a part's record to its epoch's first-pass results: counts, integer sums and minima do not
 * depend on the order, so parts are added as they arrive and never held.
 */
export function addPartRecord(into: ScanResult, r: PartRecord): void {
  const totals = into.totals;
  for (const k of Object.keys(totals) as (keyof ScanResult['totals'])[]) totals[k] += r.totals[k];
  const c = into.coarse;
  for (let y = 0; y < r.h; y++) {
    for (let x = 0; x < r.w; x++) {
      const j = y * r.w + x;
      if (r.count[j] === 0) continue;
      const i = (r.y0 + y) * c.cx + r.x0 + x;
      c.count[i] += r.count[j];
      c.sum[i] += r.sum[j];
      c.sumSq[i] += r.sumSq[j];
      const second = c.min1[i] <= r.min1[j] ? Math.min(c.min2[i], r.min1[j]) : Math.min(r.min2[j], c.min1[i]);
      c.min1[i] = Math.min(c.min1[i], r.min1[j]);
      c.min2[i] = second;
    }
  }
}
