import { Reprojector } from '../geo/reproject';
import { detectPointFormat, surfaceOptions } from '../io/formats';
import { SourceError, type PointChunk } from '../io/types';
import type { ColumnStats } from '../diff/columns';
import type { Grid } from '../diff/grid';
import { makeTileLayout, type TileLayout } from './layout';
import { FLAG_RGB, KIND_GROUND, KIND_VEGETATION, RECORD_WORDS, SpillWriter } from './spill';

/**
 * What the first pass keeps of an epoch over the whole area, on a coarse grid (2 m cells by
 * default, 1/16 of the columns at 0.5 m): enough for the ground model, the vertical alignment
 * and the typical density, which all need more than one tile's view. Heights above zBase.
 */
export interface CoarseStats {
  cx: number;
  cy: number;
  /** Grid cells per coarse cell along each axis. */
  factor: number;
  count: Uint32Array;
  /**
   * Sums of the heights and of their squares, in whole millimetres: integer sums are exact (up
   * to 2^53), so parts added in any order give the same sums.
   */
  sum: Float64Array;
  sumSq: Float64Array;
  /** The two lowest heights: the second ignores one stray low point. */
  min1: Float32Array;
  min2: Float32Array;
}

export type EpochTotals = ColumnStats['totals'];

/** A file, or a range of its points, read by a first-pass job. */
export interface ScanSource {
  path: string;
  range?: { first: number; count: number };
  /** Reproject the source's points from one EPSG code to another while reading (`--reproject`). */
  reproject?: { from: number; to: number };
  /** The CRS the user named for sources that declare none (`--crs`), e.g. "EPSG:4547": models need it to be placed. */
  crs?: string;
}

export interface ScanJob {
  sources: ScanSource[];
  grid: Grid;
  tileCells: number;
  haloCells: number;
  zBase: number;
  zToMetres: number;
  /** One spill file per tile, for this part of the epoch. */
  spillPaths: string[];
}

export interface ScanResult {
  totals: EpochTotals;
  coarse: CoarseStats;
}

/** Ground cells per coarse cell side: bare earth and alignment need no finer than about 2 m. */
export function coarseFactor(cell: number): number {
  return Math.max(1, Math.round(2 / cell));
}

export function createCoarseStats(grid: Grid): CoarseStats {
  const factor = coarseFactor(grid.cell);
  const cx = Math.ceil(grid.nx / factor);
  const cy = Math.ceil(grid.ny / factor);
  const n = cx * cy;
  return {
    cx,
    cy,
    factor,
    count: new Uint32Array(n),
    sum: new Float64Array(n),
    sumSq: new Float64Array(n),
    min1: new Float32Array(n).fill(Infinity),
    min2: new Float32Array(n).fill(Infinity),
  };
}

const NOISE_LOW = 7;
const NOISE_HIGH = 18;

interface ScanState {
  layout: TileLayout;
  coarse: CoarseStats;
  /** Coarse column of each grid column, and coarse row offset of each grid row. */
  coarseX: Int32Array;
  coarseY: Int32Array;
  writer: SpillWriter;
  /** Each tile's window origin and width, cells (typed arrays: read once per point). */
  windowX0: Int32Array;
  windowY0: Int32Array;
  windowWidth: Int32Array;
  totals: EpochTotals;
  zBase: number;
  zToMetres: number;
}

/**
 * The first pass over (part of) one epoch: every point is binned to its cell, added to the coarse
 * statistics, and appended to the spill file of each tile whose window holds it (one tile,
 * or up to four in a halo). Memory is the coarse grid plus the write buffers, whatever the
 * number of points.
 */
export async function scanEpoch(job: ScanJob, hooks: { onPoints?: (n: number) => void; signal?: AbortSignal } = {}): Promise<ScanResult> {
  const layout = makeTileLayout(job.grid, job.tileCells, job.haloCells);
  const coarse = createCoarseStats(job.grid);
  const state: ScanState = {
    layout,
    coarse,
    coarseX: Int32Array.from({ length: job.grid.nx }, (_, i) => Math.floor(i / coarse.factor)),
    coarseY: Int32Array.from({ length: job.grid.ny }, (_, j) => Math.floor(j / coarse.factor) * coarse.cx),
    writer: new SpillWriter(job.spillPaths),
    windowX0: Int32Array.from(layout.tiles, (t) => t.window.x0),
    windowY0: Int32Array.from(layout.tiles, (t) => t.window.y0),
    windowWidth: Int32Array.from(layout.tiles, (t) => t.window.x1 - t.window.x0),
    totals: { points: 0, outside: 0, classified: 0, noise: 0, vegetation: 0, ground: 0 },
    zBase: job.zBase,
    zToMetres: job.zToMetres,
  };
  let read = 0;
  try {
    for (const { path, range, reproject, crs } of job.sources) {
      try {
        const format = await detectPointFormat(path);
        const options = {
          fields: ['classification', 'rgb'] as const,
          signal: hooks.signal,
          reuseBuffers: true,
          range,
          crs,
          ...surfaceOptions(job.grid),
        };
        const reprojector = reproject ? new Reprojector(reproject.from, reproject.to) : null;
        for await (const chunk of format.parseInBatches(path, options)) {
          reprojector?.transformChunk(chunk);
          scanChunk(state, chunk);
          read += chunk.count;
          hooks.onPoints?.(read);
        }
      } catch (e) {
        // Whatever went wrong inside a file is reported with the file's name.
        if (e instanceof SourceError || (e as Error)?.name === 'AbortError') throw e;
        throw new SourceError(path, e instanceof Error ? e.message : String(e));
      }
    }
  } finally {
    state.writer.close();
  }
  return { totals: state.totals, coarse };
}

/** The hot loop of the first pass: plain loops over typed arrays, no closure per point. */
function scanChunk(s: ScanState, c: PointChunk): void {
  const { grid, xLo, xHi, yLo, yHi, ntx } = s.layout;
  const { x0, y0, cell, nx, ny } = grid;
  const inv = 1 / cell;
  const { count, sum, sumSq, min1, min2 } = s.coarse;
  const { coarseX, coarseY, writer, zBase, zToMetres } = s;
  const { u32, f32 } = writer.views;
  const { windowX0, windowY0, windowWidth } = s;
  const fill = writer.fill;
  const capacity = writer.capacity;
  const cls = c.classification;
  const rgb = c.rgb;

  const t = s.totals;
  for (let p = 0; p < c.count; p++) {
    const fx = (c.x[p] - x0) * inv;
    const fy = (c.y[p] - y0) * inv;
    if (!(fx >= 0 && fy >= 0 && fx < nx && fy < ny)) {
      t.outside++;
      continue;
    }
    const k = cls ? cls[p] : 0;
    let kind = 0;
    if (k !== 0) {
      t.classified++;
      // Noise classes are never surfaces.
      if (k === NOISE_LOW || k === NOISE_HIGH) {
        t.noise++;
        continue;
      }
      if (k === 2) {
        t.ground++;
        kind = KIND_GROUND;
      } else if (k >= 3 && k <= 5) {
        t.vegetation++;
        kind = KIND_VEGETATION;
      }
    }
    const ix = fx | 0;
    const iy = fy | 0;
    const z = c.z[p] * zToMetres - zBase;
    const ci = coarseY[iy] + coarseX[ix];
    const mm = Math.round(z * 1000);
    count[ci]++;
    sum[ci] += mm;
    sumSq[ci] += mm * mm;
    if (z < min1[ci]) {
      min2[ci] = min1[ci];
      min1[ci] = z;
    } else if (z < min2[ci]) min2[ci] = z;
    // 8 bits a channel are plenty for a cell's mean colour (most surveys store no more).
    const colour = rgb ? (rgb[3 * p] >>> 8) | ((rgb[3 * p + 1] >>> 8) << 8) | ((rgb[3 * p + 2] >>> 8) << 16) : 0;
    const flags = kind | (rgb ? FLAG_RGB : 0);
    for (let ty = yLo[iy]; ty <= yHi[iy]; ty++) {
      for (let tx = xLo[ix]; tx <= xHi[ix]; tx++) {
        const ti = ty * ntx + tx;
        const at = RECORD_WORDS * (ti * capacity + fill[ti]++);
        u32[at] = ((iy - windowY0[ti]) * windowWidth[ti] + (ix - windowX0[ti])) | flags;
        f32[at + 1] = z;
        u32[at + 2] = colour;
        if (fill[ti] === capacity) writer.flush(ti);
      }
    }
  }
  t.points += c.count;
}
