import { rmSync } from 'node:fs';
import type { ClassifyOptions } from '../changes/classify';
import type { MeasureContext } from '../changes/measure';
import { fillGreenness, orthoGreenness } from '../changes/greenness';
import { judgeCandidate } from '../changes/objects';
import { overviewPart, patchAround, type HeightPatch, type OverviewPart } from '../changes/patches';
import { findCandidates, SegmentBuffers } from '../changes/segment';
import type { ChangeObject, SuppressedCandidate, UncertainArea } from '../changes/types';
import { finishUncertain, unseenPieces, type SeamSides, type UnseenPiece } from '../changes/uncertain';
import { applyAlignment } from '../diff/align';
import { addLasRecords, addRecords, ColumnBuffers, columnStatsIn, type ColumnStats } from '../diff/columns';
import type { Grid } from '../diff/grid';
import { Slab } from '../diff/slab';
import { sampleGround, type GroundModel } from '../diff/ground';
import { buildSurface, type EpochSurface } from '../diff/surfaces';
import { LasFile, newReadWorkspace, type ReadWorkspace } from '../io/las/reader';
import type { DecodeParams } from '../io/las/records';
import { SourceError } from '../io/types';
import { windowGrid, type CellRect, type Tile } from './layout';
import { readSpill, recordViews, RECORD_BYTES, type RecordViews } from './spill';

/** Everything one tile needs: independent of every other tile, so tiles run in any order, anywhere. */
export interface TileJob {
  tile: Tile;
  /** The run's grid (the tile's cells are a window of it). */
  grid: Grid;
  zBase: number;
  /** Where this tile's points come from, per epoch, in reading order (one input per first-pass part). */
  inputs: [TileInput[], TileInput[]];
  /** Metres per height unit of the sources (read straight from an indexed part, they are converted here). */
  zToMetres: number;
  /** Leave the spill files in place (a resumable run deletes them once its result is safe). */
  keepSpills?: boolean;
  /** The largest window of the run, cells: a worker sizes its buffers once for every tile. */
  windowCells: number;
  epochs: [EpochModel, EpochModel];
  /** Vertical offset added to the later epoch (0 without alignment). */
  dz: number;
  ground: GroundModel;
  options: ClassifyOptions & { voxel: number; minUncertainArea: number };
  /** Grid cells per overview cell side. */
  overviewStep: number;
  /** Areas whose height windows the caller wants (those centred in this tile's core). */
  watch: { id: string; footprint: ChangeObject['footprint'] }[];
  /** Each epoch's orthophoto, when it has one: vegetation evidence where its points have no colour. */
  orthophotos?: [string | null, string | null];
}

/**
 * A tile's points of one first-pass part: the part's spill file for this tile, or, for a part the
 * first pass indexed (uncompressed LAS), the point ranges of its files whose blocks reach the
 * tile's window, read again here so that each point is binned once.
 */
export type TileInput = { spill: string } | { las: { path: string; ranges: { first: number; count: number }[] }[] };

/** Facts about an epoch decided over the whole run, so every tile models it alike. */
export interface EpochModel {
  typicalCount: number;
  useClasses: boolean;
  /** The epoch is made of surface models (DSMs): see SurfaceOptions.gridded. */
  gridded?: boolean;
}

export interface TileResult {
  index: number;
  changes: ChangeObject[];
  /** Height window of each change, in the same order. */
  patches: HeightPatch[];
  suppressed: SuppressedCandidate[];
  /**
   * Uncertain areas wholly within the tile's core, as JSON text: the run holds every tile's
   * until its end, and a sparse survey has thousands a tile, whose rings as objects (an array a
   * vertex) take three times the memory of their text (docs/BENCHMARKS.md, section k).
   */
  uncertainJson: string;
  /** Unseen pieces that touch a seam (cells in the run's grid), to be joined across it. */
  seamPieces: UnseenPiece[];
  overview: OverviewPart;
  /** Height windows of the watched areas, by id. */
  watched: Record<string, HeightPatch>;
  /** Objects owned by this tile that reach the edge of its window: larger than the halo allows. */
  cut: number;
  /** Cells of the tile's core, and those of them both epochs saw: where a change could be found. */
  coreCells: number;
  seenByBoth: number;
}

/** Bytes a worker needs per cell of its tile window (both epochs' columns, the diff, labels). */
export const WINDOW_BYTES_PER_CELL = 128;

/** Bytes per cell of a TileWorkspace's slab: both epochs' columns and observed masks, the ground, the work rasters. */
const SLAB_BYTES_PER_CELL = 2 * ColumnBuffers.BYTES_PER_CELL + 2 + 4 + SegmentBuffers.BYTES_PER_CELL;

/** A worker's memory, kept from one tile to the next (fresh pages are what costs here). */
export class TileWorkspace {
  columns: [ColumnBuffers, ColumnBuffers] | null = null;
  observed: [Uint8Array, Uint8Array] | null = null;
  ground: Float32Array | null = null;
  segment: SegmentBuffers | null = null;
  readonly records: RecordViews = recordViews(new ArrayBuffer(16384 * RECORD_BYTES));
  readonly read: ReadWorkspace = newReadWorkspace();

  /** Buffers for windows of up to `cells` cells, grown when a tile needs more. */
  ensure(cells: number): void {
    if (this.columns && this.columns[0].capacity >= cells) return;
    // One block for all (see Slab): the columns, the observed masks, the ground, the work rasters.
    // The slab holds exactly that many bytes a cell, so the capacity must be a multiple of eight
    // cells: then no array needs padding to the next one's alignment.
    const capacity = Math.ceil(cells / 8) * 8;
    const slab = new Slab(capacity * SLAB_BYTES_PER_CELL);
    this.columns = [new ColumnBuffers(capacity, slab), new ColumnBuffers(capacity, slab)];
    this.observed = [slab.u8(capacity), slab.u8(capacity)];
    this.ground = slab.f32(capacity);
    this.segment = new SegmentBuffers(capacity, slab);
  }
}

/**
 * Each epoch's orthophoto greenness over the tile's window (read in the worker before the tile
 * runs).
 */
export async function tileOrthoGreenness(job: TileJob): Promise<(Float32Array | null)[]> {
  const grid = windowGrid(job.grid, job.tile.window);
  return Promise.all((job.orthophotos ?? [null, null]).map((file) => (file ? orthoGreenness(file, grid) : null)));
}

/**
 * Detection on one tile: bins the tile's points into columns over its window, then models,
 * diffs and judges it (runTile).
 */
export async function runTileJob(job: TileJob, ws: TileWorkspace, signal?: AbortSignal): Promise<TileResult> {
  const ortho = await tileOrthoGreenness(job);
  const stats = await binTile(job, ws, signal);
  return runTile(job, ws, stats, ortho);
}

/** Both epochs' column statistics over the tile's window, from its spill files and indexed parts, in part order. */
async function binTile(job: TileJob, ws: TileWorkspace, signal?: AbortSignal): Promise<[ColumnStats, ColumnStats]> {
  const win = job.tile.window;
  const grid = windowGrid(job.grid, win);
  ws.ensure(Math.max(grid.nx * grid.ny, job.windowCells));
  const all: ColumnStats[] = [];
  for (const e of [0, 1]) {
    const stats = columnStatsIn(ws.columns![e], grid, job.zBase);
    for (const input of job.inputs[e]) {
      if ('spill' in input) {
        readSpill(input.spill, ws.records, (records) => addRecords(stats, ws.records, records));
        // Read once: its disk space and page cache are better given back now than at the end.
        if (!job.keepSpills) rmSync(input.spill, { force: true });
        continue;
      }
      for (const { path, ranges } of input.las) await binLasRanges(stats, job, path, ranges, ws.read, signal);
    }
    all.push(stats);
  }
  return all as [ColumnStats, ColumnStats];
}

/** Bins the points of `ranges` of a LAS file into the tile's statistics, straight from its records. */
async function binLasRanges(
  stats: ColumnStats,
  job: TileJob,
  path: string,
  ranges: { first: number; count: number }[],
  workspace: ReadWorkspace,
  signal?: AbortSignal,
): Promise<void> {
  let las: LasFile | null = null;
  try {
    las = await LasFile.open(path);
    let params: DecodeParams | null = null;
    for await (const { bytes, count } of las.records({ ranges, workspace, signal })) {
      params ??= las.decodeParams(['classification', 'rgb']);
      addLasRecords(stats, bytes, count, params, job.grid, job.tile.window, job.zToMetres);
    }
  } catch (e) {
    if (e instanceof SourceError || (e as Error)?.name === 'AbortError') throw e;
    throw new SourceError(path, e instanceof Error ? e.message : String(e));
  } finally {
    await las?.close();
  }
}

/**
 * Models, diffs and judges one tile from its binned statistics: models both epochs' surfaces,
 * aligns, diffs, and judges the candidates this tile owns: those whose
 * first cell (in row order over the whole grid) lies in its core. An object crossing the core's
 * edge is whole in the window as long as it fits in the halo, so it is one object, reported once.
 */
export function runTile(
  job: TileJob,
  ws: TileWorkspace,
  stats: [ColumnStats, ColumnStats],
  orthoGreenness: (Float32Array | null)[] = [],
): TileResult {
  const { tile, options } = job;
  const win = tile.window;
  const grid = windowGrid(job.grid, win);
  const n = grid.nx * grid.ny;
  const surfaces = [0, 1].map((e) => {
    const counts = stats[e].count;
    const surface = buildSurface(stats[e], { ...job.epochs[e], observed: ws.observed![e] });
    const ortho = orthoGreenness[e];
    if (ortho) fillGreenness(surface, ortho);
    return { surface, counts };
  }) as { surface: EpochSurface; counts: Uint32Array }[];
  const [a, b] = [surfaces[0].surface, surfaces[1].surface];
  applyAlignment(b, job.dz);
  const ground = sampleGround(job.ground, win.x0, win.y0, grid.nx, grid.ny, ws.ground!.subarray(0, n));

  // The lowest surfaces only served the ground model, and the statistics' second lowest heights
  // no surface keeps: the diff works in their memory.
  const mixed = !!job.epochs[0].gridded !== !!job.epochs[1].gridded;
  const work = [a.low, b.low, stats[0].min2, stats[1].min2];
  const { candidates, diff } = findCandidates(grid, a, b, options.minHeight, work, ws.segment!, mixed);
  const ctx: MeasureContext = {
    grid,
    a,
    b,
    countsA: surfaces[0].counts,
    countsB: surfaces[1].counts,
    diff,
    ground,
    threshold: options.minHeight,
  };
  const core = localRect(tile.core, win);
  const changes: ChangeObject[] = [];
  const suppressed: SuppressedCandidate[] = [];
  let cut = 0;
  for (const c of candidates) {
    if (!inRect(c.cells[0], grid.nx, core)) continue;
    const judged = judgeCandidate(c, ctx, options);
    if (!judged) continue;
    if (reachesCut(c.cells, grid.nx, grid.ny, win, job.grid)) cut++;
    if ('change' in judged) changes.push(judged.change);
    else suppressed.push(judged.suppressed);
  }
  const uncertain: UncertainArea[] = [];
  const seamPieces: UnseenPiece[] = [];
  const seams = { west: tile.core.x0 > 0, east: tile.core.x1 < job.grid.nx, south: tile.core.y0 > 0, north: tile.core.y1 < job.grid.ny };
  for (const p of unseenPieces(grid, a, b, ground, core, ws.segment!, { minArea: options.minUncertainArea, seams })) {
    if (!touchesSeam(p.cells, grid.nx, core, seams)) {
      const area = finishUncertain(p, grid, options);
      if (area) uncertain.push(area);
      continue;
    }
    const cells = p.cells.map((k) => {
      const x = k % grid.nx;
      return (win.y0 + (k - x) / grid.nx) * job.grid.nx + win.x0 + x;
    });
    seamPieces.push({ ...p, cells });
  }
  const views = { grid, before: a.top, after: b.top, ground };
  const patches = changes.map((c) => patchAround(views, c.footprint, 10));
  const watched: Record<string, HeightPatch> = {};
  for (const w of job.watch) watched[w.id] = patchAround(views, w.footprint, 2);
  return {
    watched,
    index: tile.index,
    changes,
    patches,
    suppressed,
    uncertainJson: JSON.stringify(uncertain),
    seamPieces,
    overview: overviewPart(views, tile.core, win, job.overviewStep),
    cut,
    coreCells: (core.x1 - core.x0) * (core.y1 - core.y0),
    seenByBoth: seenByBoth(a.observed, b.observed, grid.nx, core),
  };
}

function seenByBoth(a: Uint8Array, b: Uint8Array, nx: number, r: CellRect): number {
  let n = 0;
  for (let y = r.y0; y < r.y1; y++) for (let k = y * nx + r.x0; k < y * nx + r.x1; k++) if (a[k] && b[k]) n++;
  return n;
}

/** Whether any cell lies on a side of the core (`local`, in the window's cells) that is a seam. */
function touchesSeam(cells: number[], nx: number, local: CellRect, seams: SeamSides): boolean {
  for (const k of cells) {
    const x = k % nx;
    const y = (k - x) / nx;
    if ((seams.west && x === local.x0) || (seams.south && y === local.y0)) return true;
    if ((seams.east && x === local.x1 - 1) || (seams.north && y === local.y1 - 1)) return true;
  }
  return false;
}

/** A rectangle of the run's grid in the window's own cells. */
function localRect(r: CellRect, win: CellRect): CellRect {
  return { x0: r.x0 - win.x0, y0: r.y0 - win.y0, x1: r.x1 - win.x0, y1: r.y1 - win.y0 };
}

function inRect(k: number, nx: number, r: CellRect): boolean {
  const x = k % nx;
  const y = (k - x) / nx;
  return x >= r.x0 && x < r.x1 && y >= r.y0 && y < r.y1;
}

/** Whether any cell lies on an edge of the window that is not an edge of the run's grid. */
function reachesCut(cells: Int32Array, nx: number, ny: number, win: CellRect, grid: Grid): boolean {
  for (const k of cells) {
    const x = k % nx;
    const y = (k - x) / nx;
    if ((x === 0 && win.x0 > 0) || (y === 0 && win.y0 > 0)) return true;
    if ((x === nx - 1 && win.x1 < grid.nx) || (y === ny - 1 && win.y1 < grid.ny)) return true;
  }
  return false;
}
