import type { PointChunk } from '../io/types';
import type { Grid } from './grid';

/**
 * Per-cell statistics of one epoch's points: the "voxel columns" the diff works on. One pass
 * over the points, constant memory per cell, no point kept. Heights are in metres (converted
 * when the CRS gives them in feet) relative to `zBase`, so Float32 keeps sub-millimetre precision.
 *
 * The statistics of a cell sit next to each other (8 floats, then 4 counters) rather than in
 * eleven separate arrays: a point then touches two cache lines instead of eleven, which is
 * what the binning loop's speed depends on.
 */
export interface ColumnStats {
  grid: Grid;
  zBase: number;
  /** Per cell, FLOATS values: see the F_* offsets. */
  floats: Float32Array;
  /** Per cell, COUNTERS values: see the N_* offsets. */
  counters: Uint32Array;
  /** Totals for the epoch, to judge whether its classification is worth trusting. */
  totals: { points: number; outside: number; classified: number; noise: number; vegetation: number };
}

export const FLOATS = 8;
/** Two highest and two lowest z per cell: the second of each ignores one outlier. */
export const F_MAX1 = 0;
export const F_MAX2 = 1;
export const F_MIN1 = 2;
export const F_MIN2 = 3;
/** Running mean and sum of squared deviations of z (Welford: stable in Float32). */
export const F_MEAN = 4;
export const F_M2 = 5;
/** Sum of the excess-green index (2g − r − b)/(r + g + b) over points with colour. */
export const F_GREEN = 6;

export const COUNTERS = 4;
export const N_POINTS = 0;
export const N_COLOURED = 1;
/** Points the file classes as vegetation (3–5) and as ground (2); used when plausible. */
export const N_VEGETATION = 2;
export const N_GROUND = 3;

export function createColumnStats(grid: Grid, zBase: number): ColumnStats {
  const n = grid.nx * grid.ny;
  const floats = new Float32Array(n * FLOATS);
  for (let i = 0; i < n; i++) {
    const o = i * FLOATS;
    floats[o + F_MAX1] = -Infinity;
    floats[o + F_MAX2] = -Infinity;
    floats[o + F_MIN1] = Infinity;
    floats[o + F_MIN2] = Infinity;
  }
  return { grid, zBase, floats, counters: new Uint32Array(n * COUNTERS), totals: { points: 0, outside: 0, classified: 0, noise: 0, vegetation: 0 } };
}

const NOISE_LOW = 7;
const NOISE_HIGH = 18;

/** Adds a chunk of points to the statistics. The hot loop of a detection run. */
export function addChunk(s: ColumnStats, c: PointChunk, zToMetres = 1): void {
  const { x0, y0, cell, nx, ny } = s.grid;
  const inv = 1 / cell;
  const zBase = s.zBase;
  const { floats: f, counters: k4 } = s;
  const cls = c.classification;
  const rgb = c.rgb;
  const xs = c.x;
  const ys = c.y;
  const zs = c.z;
  let outside = 0;
  let classified = 0;
  let noise = 0;
  let vegetation = 0;
  for (let p = 0; p < c.count; p++) {
    const fx = (xs[p] - x0) * inv;
    const fy = (ys[p] - y0) * inv;
    if (!(fx >= 0 && fy >= 0 && fx < nx && fy < ny)) {
      outside++;
      continue;
    }
    const k = cls ? cls[p] : 0;
    if (k !== 0) {
      classified++;
      // Noise classes are never surfaces.
      if (k === NOISE_LOW || k === NOISE_HIGH) {
        noise++;
        continue;
      }
    }
    const i = (fy | 0) * nx + (fx | 0);
    const o = i * FLOATS;
    const q = i * COUNTERS;
    const z = zs[p] * zToMetres - zBase;
    const n = ++k4[q + N_POINTS];
    if (z > f[o + F_MAX1]) {
      f[o + F_MAX2] = f[o + F_MAX1];
      f[o + F_MAX1] = z;
    } else if (z > f[o + F_MAX2]) f[o + F_MAX2] = z;
    if (z < f[o + F_MIN1]) {
      f[o + F_MIN2] = f[o + F_MIN1];
      f[o + F_MIN1] = z;
    } else if (z < f[o + F_MIN2]) f[o + F_MIN2] = z;
    const mean = f[o + F_MEAN];
    const d = z - mean;
    const next = mean + d / n;
    f[o + F_MEAN] = next;
    f[o + F_M2] += d * (z - next);
    if (k === 2) k4[q + N_GROUND]++;
    else if (k >= 3 && k <= 5) {
      k4[q + N_VEGETATION]++;
      vegetation++;
    }
    if (rgb) {
      const r = rgb[3 * p];
      const g = rgb[3 * p + 1];
      const b = rgb[3 * p + 2];
      const sum = r + g + b;
      if (sum > 0) {
        f[o + F_GREEN] += (2 * g - r - b) / sum;
        k4[q + N_COLOURED]++;
      }
    }
  }
  s.totals.points += c.count;
  s.totals.outside += outside;
  s.totals.classified += classified;
  s.totals.noise += noise;
  s.totals.vegetation += vegetation;
}

/** Points per cell, as a plain array (for evidence: points inside a footprint). */
export function pointCounts(s: ColumnStats): Uint32Array {
  const n = s.grid.nx * s.grid.ny;
  const out = new Uint32Array(n);
  for (let i = 0; i < n; i++) out[i] = s.counters[i * COUNTERS + N_POINTS];
  return out;
}
