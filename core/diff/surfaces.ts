import type { ColumnStats } from './columns';

/**
 * What one epoch observed, per cell: the top surface where it was seen well enough, and the
 * clues that tell a roof from a tree. NaN top = not observed (occluded, data hole, too sparse):
 * such a cell can never be evidence of change.
 */
export interface EpochSurface {
  /** Absolute top height (robust maximum), NaN where not observed. */
  top: Float32Array;
  /** Absolute mean height of the cell's points, NaN where not observed: at an edge it weighs
   * the roof and the ground by the share of the cell each covers, so volumes are not inflated. */
  mean: Float32Array;
  /** Absolute robust minimum height, NaN where empty. */
  low: Float32Array;
  /** 1 where the top was measured, 2 where filled from coplanar neighbours, 0 unobserved. */
  observed: Uint8Array;
  /** Vertical spread (standard deviation) of the cell's points, metres. */
  spread: Float32Array;
  /** Excess-green index (2g − r − b)/(r + g + b) of the cell's mean colour; NaN without colour. */
  greenness: Float32Array;
  /** Fraction of the cell's points the file classed as vegetation (NaN when classes untrusted). */
  vegetationShare: Float32Array;
  /** The orthophoto's excess green per cell, when the epoch has one (see changes/greenness.ts). */
  orthoGreenness?: Float32Array;
  /** 1 where `greenness` came from the orthophoto (the points had no colour there). */
  greennessFromOrtho?: Uint8Array;
  /** Typical points per observed cell, and the count below which a cell is "not observed". */
  typicalCount: number;
  minCount: number;
}

export interface SurfaceOptions {
  /** Whether to use the file's vegetation classes (decided per epoch by `classesPlausible`). */
  useClasses: boolean;
  /** Typical points per observed cell, decided for the whole epoch (so every tile judges "seen" alike). */
  typicalCount: number;
  /** Memory for the `observed` raster (at least as many cells as the grid). */
  observed?: Uint8Array;
  /**
   * The epoch is a surface model (a DSM): each point is a whole pixel of measured surface, not a
   * sample among many. One then makes a cell seen, and the highest and lowest are the cell's top
   * and bottom (a point cloud's single highest point may be noise, a DSM pixel is not).
   */
  gridded?: boolean;
}

/**
 * A file's vegetation classes are worth trusting when most points are classified, ground is
 * told apart, and vegetation classes are actually used: a file that puts trees in class 1
 * ("unclassified") says nothing about vegetation, and "all ground" files say nothing at all.
 */
export function classesPlausible(t: ColumnStats['totals']): boolean {
  const inside = Math.max(1, t.points - t.outside);
  if (t.points === 0 || t.classified < 0.5 * t.points) return false;
  const share = t.ground / inside;
  return share > 0.02 && share < 0.98 && t.vegetation > 0.01 * inside;
}

/**
 * Models one epoch's surfaces from its column statistics. Consumes the statistics: their arrays
 * are reused for the surfaces (only `count` is left as it was).
 */
export function buildSurface(s: ColumnStats, options: SurfaceOptions): EpochSurface {
  const { nx, ny } = s.grid;
  const n = nx * ny;
  const typicalCount = options.typicalCount;
  // A cell needs a fair share of the typical density to count as seen: a few stray facade or
  // noise points in an occluded gap are not a surface.
  const minCount = options.gridded ? 1 : Math.max(2, Math.round(0.25 * typicalCount));
  // Outliers are rejected (the second highest and lowest taken) only among noisy samples.
  const robustFrom = options.gridded ? Infinity : 3;
  // The surfaces are written over the statistics they come from, cell by cell (each output
  // depends only on its own cell's inputs): fresh memory is what costs most on big grids.
  const top = s.max1;
  const low = s.min1;
  const mean = s.mean;
  const spread = s.m2;
  const greenness = s.greenSum;
  const vegetationShare = new Float32Array(s.vegetationCount.buffer, s.vegetationCount.byteOffset, n);
  const observed = options.observed ? options.observed.subarray(0, n).fill(0) : new Uint8Array(n);
  const zBase = s.zBase;
  for (let i = 0; i < n; i++) {
    const c = s.count[i];
    const max1 = s.max1[i];
    const max2 = s.max2[i];
    const min1 = s.min1[i];
    const min2 = s.min2[i];
    const m = s.mean[i];
    const m2 = s.m2[i];
    const green = s.greenSum[i];
    const bright = s.brightnessSum[i];
    const veg = s.vegetationCount[i];
    low[i] = c === 0 ? NaN : zBase + (c >= robustFrom ? min2 : min1);
    spread[i] = c >= 2 ? Math.sqrt(Math.max(0, m2) / (c - 1)) : NaN;
    greenness[i] = c > 0 && bright > 0 ? green / bright : NaN;
    vegetationShare[i] = c > 0 && options.useClasses ? veg / c : NaN;
    if (c > 0 && c >= minCount) {
      top[i] = zBase + (c >= robustFrom ? max2 : max1);
      mean[i] = zBase + m;
      observed[i] = 1;
    } else {
      top[i] = NaN;
      mean[i] = NaN;
    }
  }
  fillSmallHoles(top, mean, observed, nx, ny);
  return { top, mean, low, observed, spread, greenness, vegetationShare, typicalCount, minCount };
}

/**
 * Fills a cell that was not observed when at least 6 of its 8 neighbours were and they agree
 * within 0.3 m: sparse sampling inside a roof or a road, not an occlusion.
 */
function fillSmallHoles(top: Float32Array, mean: Float32Array, observed: Uint8Array, nx: number, ny: number): void {
  // Plain number lists and one small sorted buffer: this runs on every unobserved cell.
  const fillAt: number[] = [];
  const fillWith: number[] = [];
  const vals = new Float64Array(8);
  for (let y = 1; y < ny - 1; y++) {
    for (let x = 1; x < nx - 1; x++) {
      const k = y * nx + x;
      if (observed[k]) continue;
      let n = 0;
      let lo = Infinity;
      let hi = -Infinity;
      for (let dy = -1; dy <= 1; dy++) {
        for (let dx = -1; dx <= 1; dx++) {
          const q = k + dy * nx + dx;
          if (q === k || observed[q] !== 1) continue;
          const v = top[q];
          // Insertion into the sorted buffer (at most eight values).
          let i = n++;
          for (; i > 0 && vals[i - 1] > v; i--) vals[i] = vals[i - 1];
          vals[i] = v;
          if (v < lo) lo = v;
          if (v > hi) hi = v;
        }
      }
      if (n < 6 || !(hi - lo <= 0.3)) continue;
      // The median as `median` gives it (the mean of the two middle values for an even count).
      const pos = 0.5 * (n - 1);
      const [l, h] = [Math.floor(pos), Math.ceil(pos)];
      fillAt.push(k);
      fillWith.push(vals[l] + (vals[h] - vals[l]) * (pos - l));
    }
  }
  for (let i = 0; i < fillAt.length; i++) {
    const k = fillAt[i];
    top[k] = fillWith[i];
    mean[k] = fillWith[i];
    observed[k] = 2;
  }
}

/**
 * RMS residual of the least-squares plane through the 3×3 tops around cell k (all nine needed,
 * else NaN). Roofs and roads are near the noise level; tree crowns are far above it. Asked only
 * for the cells of candidates, so it is not a raster of every cell.
 */
export function roughnessAt(top: Float32Array, nx: number, ny: number, k: number): number {
  const x = k % nx;
  const y = (k - x) / nx;
  if (x < 1 || y < 1 || x >= nx - 1 || y >= ny - 1) return NaN;
  // The nine tops, row by row from dy = −1.
  const [s, c, n] = [k - nx, k, k + nx];
  const v0 = top[s - 1], v1 = top[s], v2 = top[s + 1]; // prettier-ignore
  const v3 = top[c - 1], v4 = top[c], v5 = top[c + 1]; // prettier-ignore
  const v6 = top[n - 1], v7 = top[n], v8 = top[n + 1]; // prettier-ignore
  const sum = v0 + v1 + v2 + v3 + v4 + v5 + v6 + v7 + v8;
  // NaN anywhere makes the sum NaN: all nine are needed.
  if (Number.isNaN(sum)) return NaN;
  // On the symmetric 3×3 stencil the plane's coefficients decouple: a = Σxz/6, b = Σyz/6.
  const c0 = sum / 9;
  const a = (-v0 + v2 - v3 + v5 - v6 + v8) / 6;
  const b = (-v0 - v1 - v2 + v6 + v7 + v8) / 6;
  const r0 = v0 - (c0 - a - b), r1 = v1 - (c0 - b), r2 = v2 - (c0 + a - b); // prettier-ignore
  const r3 = v3 - (c0 - a), r4 = v4 - c0, r5 = v5 - (c0 + a); // prettier-ignore
  const r6 = v6 - (c0 - a + b), r7 = v7 - (c0 + b), r8 = v8 - (c0 + a + b); // prettier-ignore
  return Math.sqrt((r0 * r0 + r1 * r1 + r2 * r2 + r3 * r3 + r4 * r4 + r5 * r5 + r6 * r6 + r7 * r7 + r8 * r8) / 6);
}
