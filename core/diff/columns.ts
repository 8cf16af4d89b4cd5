import { CELL_MASK, FLAG_RGB, KIND_GROUND, KIND_MASK, KIND_VEGETATION, RECORD_WORDS, type RecordViews } from '../tiles/spill';
import type { Grid } from './grid';

/**
 * Per-cell statistics of one epoch's points over a tile's window: the "voxel columns" the diff
 * works on. One pass over the tile's spilled points, constant memory per cell, no point kept. Heights are in metres (converted
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
  totals: { points: number; outside: number; classified: number; noise: number; vegetation: number; ground: number };
}

/**
 * Memory for the statistics of grids up to `capacity` cells, kept by a tile worker from one
 * tile to the next: clearing touched pages is cheap, fresh pages are not.
 */
export class ColumnBuffers {
  readonly f32: Float32Array[];
  readonly u32: Uint32Array[];
  constructor(readonly capacity: number) {
    this.f32 = Array.from({ length: 8 }, () => new Float32Array(capacity));
    this.u32 = Array.from({ length: 3 }, () => new Uint32Array(capacity));
  }
}

/** Empty statistics for `grid` in `buffers` (cleared views of their first cells). */
export function columnStatsIn(buffers: ColumnBuffers, grid: Grid, zBase: number): ColumnStats {
  const n = grid.nx * grid.ny;
  if (n > buffers.capacity) throw new Error(`grid of ${n} cells exceeds the column buffers (${buffers.capacity})`);
  const [max1, max2, min1, min2, mean, m2, greenSum, brightnessSum] = buffers.f32.map((a) => a.subarray(0, n));
  const [count, vegetationCount, groundCount] = buffers.u32.map((a) => a.subarray(0, n));
  for (const a of [max1, max2]) a.fill(-Infinity);
  for (const a of [min1, min2]) a.fill(Infinity);
  for (const a of [mean, m2, greenSum, brightnessSum, count, vegetationCount, groundCount]) a.fill(0);
  return {
    grid,
    zBase,
    count,
    max1,
    max2,
    min1,
    min2,
    mean,
    m2,
    greenSum,
    brightnessSum,
    vegetationCount,
    groundCount,
    totals: { points: 0, outside: 0, classified: 0, noise: 0, vegetation: 0, ground: 0 },
  };
}

/** 1/n for small n: Welford's update divides by the count, and a multiply is far cheaper. */
const INVERSE = Float64Array.from({ length: 4096 }, (_, n) => (n === 0 ? 0 : 1 / n));

/**
 * Adds spilled records (see tiles/spill.ts) to the statistics: the cell is already known and
 * noise already dropped by the first pass, which also keeps the totals.
 */
export function addRecords(s: ColumnStats, v: RecordViews, records: number): void {
  const { count, max1, max2, min1, min2, mean, m2, greenSum, brightnessSum, vegetationCount, groundCount } = s;
  const { u32, f32 } = v;
  for (let r = 0; r < records; r++) {
    const word = u32[RECORD_WORDS * r];
    const i = word & CELL_MASK;
    const z = f32[RECORD_WORDS * r + 1];
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
    const kind = word & KIND_MASK;
    if (kind === KIND_GROUND) groundCount[i]++;
    else if (kind === KIND_VEGETATION) vegetationCount[i]++;
    if (word & FLAG_RGB) {
      const colour = u32[RECORD_WORDS * r + 2];
      const red = colour & 255;
      const g = (colour >>> 8) & 255;
      const b = colour >>> 16;
      greenSum[i] += 2 * g - red - b;
      brightnessSum[i] += red + g + b;
    }
  }
}
