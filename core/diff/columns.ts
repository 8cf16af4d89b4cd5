import type { PointChunk } from '../io/types';
import type { Grid } from './grid';

/**
 * Per-cell statistics of one epoch's points: the "voxel columns" the diff works on. One pass
 * over the points, constant memory per cell, no point kept. Heights are in metres (converted
 * when the CRS gives them in feet) relative to `zBase`, so Float32 keeps sub-millimetre precision.
 */
export interface ColumnStats {
  grid: Grid;
  zBase: number;
  count: Uint32Array;
  /** Two highest and two lowest z per cell: the second of each ignores one outlier. */
  max1: Float32Array;
  max2: Float32Array;
  min1: Float32Array;
  min2: Float32Array;
  /** Running mean and sum of squared deviations of z (Welford: stable in Float32). */
  mean: Float32Array;
  m2: Float32Array;
  /**
   * Sums of (2g − r − b) and of (r + g + b) over the cell's coloured points: their ratio is the
   * excess-green index of the cell's mean colour (no division per point in the hot loop).
   */
  greenSum: Float32Array;
  brightnessSum: Float32Array;
  /** Points the file classes as vegetation (3–5) and as ground (2); used when plausible. */
  vegetationCount: Uint32Array;
  groundCount: Uint32Array;
  /** Totals for the epoch, to judge whether its classification is worth trusting. */
  totals: { points: number; outside: number; classified: number; noise: number; vegetation: number };
}

export function createColumnStats(grid: Grid, zBase: number): ColumnStats {
  const n = grid.nx * grid.ny;
  return {
    grid,
    zBase,
    count: new Uint32Array(n),
    max1: new Float32Array(n).fill(-Infinity),
    max2: new Float32Array(n).fill(-Infinity),
    min1: new Float32Array(n).fill(Infinity),
    min2: new Float32Array(n).fill(Infinity),
    mean: new Float32Array(n),
    m2: new Float32Array(n),
    greenSum: new Float32Array(n),
    brightnessSum: new Float32Array(n),
    vegetationCount: new Uint32Array(n),
    groundCount: new Uint32Array(n),
    totals: { points: 0, outside: 0, classified: 0, noise: 0, vegetation: 0 },
  };
}

/** 1/n for small n: Welford's update divides by the count, and a multiply is far cheaper. */
const INVERSE = Float64Array.from({ length: 4096 }, (_, n) => (n === 0 ? 0 : 1 / n));

const NOISE_LOW = 7;
const NOISE_HIGH = 18;

/** Adds a chunk of points to the statistics. The hot loop of a detection run. */
export function addChunk(s: ColumnStats, c: PointChunk, zToMetres = 1): void {
  const { x0, y0, cell, nx, ny } = s.grid;
  const inv = 1 / cell;
  const ox = -x0;
  const oy = -y0;
  const { count, max1, max2, min1, min2, mean, m2 } = s;
  const cls = c.classification;
  const rgb = c.rgb;
  let outside = 0;
  let classified = 0;
  let noise = 0;
  for (let p = 0; p < c.count; p++) {
    const fx = (c.x[p] + ox) * inv;
    const fy = (c.y[p] + oy) * inv;
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
    const z = c.z[p] * zToMetres - s.zBase;
    const n = ++count[i];
    if (z > max1[i]) {
      max2[i] = max1[i];
      max1[i] = z;
    } else if (z > max2[i]) max2[i] = z;
    if (z < min1[i]) {
      min2[i] = min1[i];
      min1[i] = z;
    } else if (z < min2[i]) min2[i] = z;
    const d = z - mean[i];
    mean[i] += n < 4096 ? d * INVERSE[n] : d / n;
    m2[i] += d * (z - mean[i]);
    if (k === 2) s.groundCount[i]++;
    else if (k >= 3 && k <= 5) {
      s.vegetationCount[i]++;
      s.totals.vegetation++;
    }
    if (rgb) {
      const r = rgb[3 * p];
      const g = rgb[3 * p + 1];
      const b = rgb[3 * p + 2];
      s.greenSum[i] += 2 * g - r - b;
      s.brightnessSum[i] += r + g + b;
    }
  }
  s.totals.points += c.count;
  s.totals.outside += outside;
  s.totals.classified += classified;
  s.totals.noise += noise;
}
