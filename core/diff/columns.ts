import {
  CELL_MASK,
  FLAG_RGB,
  KIND_GROUND,
  KIND_MASK,
  KIND_VEGETATION,
  NOISE_HIGH,
  NOISE_LOW,
  RECORD_WORDS,
  type RecordViews,
} from '../tiles/spill';
import { exactDivisor, recordLayout, type DecodeParams } from '../io/las/records';
import type { CellRect } from '../tiles/layout';
import type { Grid } from './grid';
import { FRESH, type ArraySource } from './slab';

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
  /** What the arrays below take per cell: eight Float32 and three Uint32. */
  static readonly BYTES_PER_CELL = 44;
  readonly f32: Float32Array[];
  readonly u32: Uint32Array[];
  constructor(
    readonly capacity: number,
    from: ArraySource = FRESH,
  ) {
    this.f32 = Array.from({ length: 8 }, () => from.f32(capacity));
    this.u32 = Array.from({ length: 3 }, () => from.u32(capacity));
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
  const { u32, f32 } = v;
  for (let r = 0; r < records; r++) {
    const word = u32[RECORD_WORDS * r];
    addToCell(s, word & CELL_MASK, f32[RECORD_WORDS * r + 1], word & KIND_MASK, word & FLAG_RGB ? u32[RECORD_WORDS * r + 2] : -1);
  }
}

/**
 * Adds raw LAS point records read straight from their file (a part the first pass indexed
 * instead of spilling, tiles/scan.ts) to the statistics of the window `win` of the run's grid
 * `run`. Decoded here, with no arrays in between, exactly as decodeRecords and the first pass
 * would: the same cells, heights (as Float32) and 8-bit colours as their spilled records give,
 * so a tile's statistics do not depend on which way its points came.
 */
export function addLasRecords(
  s: ColumnStats,
  bytes: Uint8Array,
  count: number,
  p: DecodeParams,
  run: Grid,
  win: CellRect,
  zToMetres: number,
): void {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const layout = recordLayout(p.pointFormat);
  const len = p.recordLength;
  const [dx, dy, dz] = p.scale.map(exactDivisor);
  const [ox, oy, oz] = p.offset;
  const [classAt, classMask] = layout.legacy ? [15, 0x1f] : [16, 0xff];
  const rgbAt = p.fields.includes('rgb') && layout.rgb !== undefined ? layout.rgb : -1;
  const factor = p.rgbBits === 8 ? 257 : 1;
  const { x0, y0, cell, nx, ny } = run;
  const inv = 1 / cell;
  const width = win.x1 - win.x0;
  const zBase = s.zBase;
  for (let i = 0, at = 0; i < count; i++, at += len) {
    const fx = (view.getInt32(at, true) / dx + ox - x0) * inv;
    const fy = (view.getInt32(at + 4, true) / dy + oy - y0) * inv;
    if (!(fx >= 0 && fy >= 0 && fx < nx && fy < ny)) continue;
    const ix = fx | 0;
    const iy = fy | 0;
    if (ix < win.x0 || ix >= win.x1 || iy < win.y0 || iy >= win.y1) continue;
    const k = bytes[at + classAt] & classMask;
    if (k === NOISE_LOW || k === NOISE_HIGH) continue;
    const kind = k === 2 ? KIND_GROUND : k >= 3 && k <= 5 ? KIND_VEGETATION : 0;
    const z = Math.fround((view.getInt32(at + 8, true) / dz + oz) * zToMetres - zBase);
    const colour =
      rgbAt < 0
        ? -1
        : (Math.min(65535, view.getUint16(at + rgbAt, true) * factor) >>> 8) |
          ((Math.min(65535, view.getUint16(at + rgbAt + 2, true) * factor) >>> 8) << 8) |
          ((Math.min(65535, view.getUint16(at + rgbAt + 4, true) * factor) >>> 8) << 16);
    addToCell(s, (iy - win.y0) * width + (ix - win.x0), z, kind, colour);
  }
}

/** One point into cell i: `kind` as in spill records, `colour` 8-bit r, g, b packed, or −1 for none. */
function addToCell(s: ColumnStats, i: number, z: number, kind: number, colour: number): void {
  const n = ++s.count[i];
  const { max1, max2, min1, min2, mean } = s;
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
  s.m2[i] += d * (z - mean[i]);
  if (kind === KIND_GROUND) s.groundCount[i]++;
  else if (kind === KIND_VEGETATION) s.vegetationCount[i]++;
  if (colour >= 0) {
    const red = colour & 255;
    const g = (colour >>> 8) & 255;
    const b = colour >>> 16;
    s.greenSum[i] += 2 * g - red - b;
    s.brightnessSum[i] += red + g + b;
  }
}
