import { detectPointFormat, surfaceOptions } from '../io/formats';
import type { ReadWorkspace } from '../io/las/reader';
import { SourceError, type PointChunk } from '../io/types';
import type { ColumnStats } from '../diff/columns';
import type { Grid } from '../diff/grid';
import { CoarseBlocks, type CoarseSums } from './coarse';
import { makeTileLayout, type TileLayout } from './layout';
import { FLAG_RGB, KIND_GROUND, KIND_VEGETATION, NOISE_HIGH, NOISE_LOW, RECORD_WORDS, SpillWriter } from './spill';

export type EpochTotals = ColumnStats['totals'];

/** A file, or a range of its points, read by a first-pass job. */
export interface ScanSource {
  path: string;
  range?: { first: number; count: number };
  /** Reproject the source's points from one EPSG code to another while reading (`--reproject`). */
  reproject?: { from: number; to: number };
  /** Uncompressed LAS, read as it is: a tile can read its points again by point ranges (see ScanJob.blockPoints). */
  rereadable?: boolean;
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
  /** One spill file per tile, for this part of the epoch (none when `blocks` is set). */
  spillPaths: string[];
  /**
   * Index the part instead of spilling it (uncompressed LAS, which tiles can read again by point
   * ranges): the cell rectangle of each block of this many points, so that a tile reads only the
   * blocks that reach its window. Each point is then binned once, in its tile.
   */
  blockPoints?: number;
}

export interface ScanResult {
  totals: EpochTotals;
  /** The part's coarse sums (CoarseBlocks.take gives them as a crop). */
  coarse: CoarseBlocks;
  /** With `blockPoints`: the part's blocks (see BLOCK_FIELDS). */
  blocks?: Float64Array;
}

/**
 * A block of an indexed part, BLOCK_FIELDS numbers each: the source's place in the part, the
 * block's first point and its point count in that source, and the rectangle of grid cells its
 * kept points (inside the grid, not noise) fall in, inclusive (x1 < x0 when none do).
 */
export const BLOCK_FIELDS = 7;

interface ScanState {
  layout: TileLayout;
  coarse: CoarseBlocks;
  /** Null when the part is indexed, not spilled. */
  writer: SpillWriter | null;
  /** The cell of each point of the chunk being scanned; ix = −1 for a point dropped (outside the grid, noise). */
  ix: Int32Array;
  iy: Int32Array;
  /** The rectangle of cells the chunk's kept points fall in, inclusive: x0, y0, x1, y1 (x1 < x0 when none). */
  rect: [number, number, number, number];
  /** Each tile's window origin and width, cells (typed arrays: read once per point). */
  windowX0: Int32Array;
  windowY0: Int32Array;
  windowWidth: Int32Array;
  totals: EpochTotals;
  zBase: number;
  zToMetres: number;
}

/**
 * The first pass over (part of) one epoch: every point is binned to its cell and added to the
 * coarse statistics; then either appended to the spill file of each tile whose window holds it
 * (one tile, or up to four in a halo), or, for an indexed part (`blockPoints`), only noted in its
 * block's cell rectangle. Memory is the coarse blocks the part touches plus the buffers,
 * whatever the number of points.
 */
export async function scanEpoch(
  job: ScanJob,
  hooks: { onPoints?: (n: number) => void; signal?: AbortSignal } = {},
  /**
   * What a worker keeps from one part to the next (fresh pages are what costs): empty coarse
   * blocks of `job.grid` to add into, and the reader's buffers.
   */
  kept: { coarse?: CoarseBlocks; workspace?: ReadWorkspace } = {},
): Promise<ScanResult> {
  const layout = makeTileLayout(job.grid, job.tileCells, job.haloCells);
  const coarse = kept.coarse ?? new CoarseBlocks(job.grid);
  const state: ScanState = {
    layout,
    coarse,
    writer: job.blockPoints ? null : new SpillWriter(job.spillPaths),
    ix: new Int32Array(0),
    iy: new Int32Array(0),
    rect: [0, 0, -1, -1],
    windowX0: Int32Array.from(layout.tiles, (t) => t.window.x0),
    windowY0: Int32Array.from(layout.tiles, (t) => t.window.y0),
    windowWidth: Int32Array.from(layout.tiles, (t) => t.window.x1 - t.window.x0),
    totals: { points: 0, outside: 0, classified: 0, noise: 0, vegetation: 0, ground: 0 },
    zBase: job.zBase,
    zToMetres: job.zToMetres,
  };
  const blocks: number[] = [];
  let read = 0;
  try {
    for (let source = 0; source < job.sources.length; source++) {
      const { path, range, reproject, crs } = job.sources[source];
      try {
        const format = await detectPointFormat(path);
        const options = {
          // An indexed part's colour is read by its tiles.
          fields: job.blockPoints ? (['classification'] as const) : (['classification', 'rgb'] as const),
          signal: hooks.signal,
          reuseBuffers: true,
          workspace: kept.workspace,
          // One chunk per block: a block is what a tile reads or skips.
          batchSize: job.blockPoints,
          range,
          crs,
          ...surfaceOptions(job.grid),
        };
        // proj4 loads only for an epoch being reprojected.
        const reprojector = reproject ? new (await import('../geo/reproject')).Reprojector(reproject.from, reproject.to) : null;
        let first = range?.first ?? 0;
        for await (const chunk of format.parseInBatches(path, options)) {
          reprojector?.transformChunk(chunk);
          coarseChunk(state, chunk);
          if (state.writer) spillChunk(state, chunk);
          else blocks.push(source, first, chunk.count, ...state.rect);
          first += chunk.count;
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
    state.writer?.close();
  }
  return { totals: state.totals, coarse, ...(job.blockPoints ? { blocks: Float64Array.from(blocks) } : {}) };
}

/** Where the hot loop starts: no block yet. */
const NO_BLOCK: CoarseSums = {
  count: new Uint32Array(0),
  sum: new Float64Array(0),
  sumSq: new Float64Array(0),
  min1: new Float32Array(0),
  min2: new Float32Array(0),
};

/**
 * The hot loop of the first pass (plain loops over typed arrays, no closure per point): the
 * chunk's totals and coarse statistics, each point's cell in `s.ix`, `s.iy` for what follows,
 * and the rectangle of those cells in `s.rect`.
 */
function coarseChunk(s: ScanState, c: PointChunk): void {
  const { x0, y0, cell, nx, ny } = s.layout.grid;
  const inv = 1 / cell;
  const coarse = s.coarse;
  const { blockX, blockRow, cellX: inBlockX, cellRow: inBlockRow } = coarse;
  // The block of the last point (points arrive in spatial order: the block rarely changes).
  let block = -1;
  let { count, sum, sumSq, min1, min2 }: CoarseSums = NO_BLOCK;
  const { zBase, zToMetres } = s;
  if (s.ix.length < c.count) [s.ix, s.iy] = [new Int32Array(c.count), new Int32Array(c.count)];
  const { ix: cellX, iy: cellY } = s;
  const cls = c.classification;
  const t = s.totals;
  let [rx0, ry0, rx1, ry1] = [nx, ny, -1, -1];
  for (let p = 0; p < c.count; p++) {
    cellX[p] = -1;
    const fx = (c.x[p] - x0) * inv;
    const fy = (c.y[p] - y0) * inv;
    if (!(fx >= 0 && fy >= 0 && fx < nx && fy < ny)) {
      t.outside++;
      continue;
    }
    const k = cls ? cls[p] : 0;
    if (k !== 0) {
      t.classified++;
      // Noise classes are never surfaces.
      if (k === NOISE_LOW || k === NOISE_HIGH) {
        t.noise++;
        continue;
      }
      if (k === 2) t.ground++;
      else if (k >= 3 && k <= 5) t.vegetation++;
    }
    const ix = fx | 0;
    const iy = fy | 0;
    cellX[p] = ix;
    cellY[p] = iy;
    if (ix < rx0) rx0 = ix;
    if (ix > rx1) rx1 = ix;
    if (iy < ry0) ry0 = iy;
    if (iy > ry1) ry1 = iy;
    const z = c.z[p] * zToMetres - zBase;
    const b = blockRow[iy] + blockX[ix];
    if (b !== block) {
      ({ count, sum, sumSq, min1, min2 } = coarse.block(b));
      block = b;
    }
    const ci = inBlockRow[iy] + inBlockX[ix];
    const mm = Math.round(z * 1000);
    count[ci]++;
    sum[ci] += mm;
    sumSq[ci] += mm * mm;
    if (z < min1[ci]) {
      min2[ci] = min1[ci];
      min1[ci] = z;
    } else if (z < min2[ci]) min2[ci] = z;
  }
  t.points += c.count;
  s.rect = rx1 < 0 ? [0, 0, -1, -1] : [rx0, ry0, rx1, ry1];
}

/** Appends the chunk's kept points to the spill of each tile whose window holds them (more than one only in a halo). */
function spillChunk(s: ScanState, c: PointChunk): void {
  const { xLo, xHi, yLo, yHi, ntx } = s.layout;
  const { zBase, zToMetres, windowX0, windowY0, windowWidth, ix: cellX, iy: cellY } = s;
  const writer = s.writer!;
  const { u32, f32 } = writer.views;
  const fill = writer.fill;
  const capacity = writer.capacity;
  const cls = c.classification;
  const rgb = c.rgb;
  for (let p = 0; p < c.count; p++) {
    const ix = cellX[p];
    if (ix < 0) continue;
    const iy = cellY[p];
    const k = cls ? cls[p] : 0;
    const kind = k === 2 ? KIND_GROUND : k >= 3 && k <= 5 ? KIND_VEGETATION : 0;
    const z = c.z[p] * zToMetres - zBase;
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
}
