import { rmSync } from 'node:fs';
import type { ClassifyOptions } from '../changes/classify';
import type { MeasureContext } from '../changes/measure';
import { fillGreenness, orthoGreenness } from '../changes/greenness';
import { judgeCandidate } from '../changes/objects';
import { overviewPart, patchAround, type HeightPatch, type OverviewPart } from '../changes/patches';
import { findCandidates, SegmentBuffers } from '../changes/segment';
import type { ChangeObject, SuppressedCandidate, UncertainArea } from '../changes/types';
import { finishUncertain, unseenPieces, type UnseenPiece } from '../changes/uncertain';
import { applyAlignment } from '../diff/align';
import { addRecords, ColumnBuffers, columnStatsIn } from '../diff/columns';
import type { Grid } from '../diff/grid';
import { sampleGround, type GroundModel } from '../diff/ground';
import { buildSurface, type EpochSurface } from '../diff/surfaces';
import { windowGrid, type CellRect, type Tile } from './layout';
import { readSpill, recordViews, RECORD_BYTES, type RecordViews } from './spill';

/** Everything one tile needs: independent of every other tile, so tiles run in any order, anywhere. */
export interface TileJob {
  tile: Tile;
  /** The run's grid (the tile's cells are a window of it). */
  grid: Grid;
  zBase: number;
  /** Spill files of this tile, per epoch, in reading order. */
  spills: [string[], string[]];
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
  /** Uncertain areas wholly within the tile's core. */
  uncertain: UncertainArea[];
  /** Unseen pieces that touch a seam (cells in the run's grid), to be joined across it. */
  seamPieces: UnseenPiece[];
  overview: OverviewPart;
  /** Height windows of the watched areas, by id. */
  watched: Record<string, HeightPatch>;
  /** Objects owned by this tile that reach the edge of its window: larger than the halo allows. */
  cut: number;
}

/** Bytes a worker needs per cell of its tile window (both epochs' columns, the diff, labels). */
export const WINDOW_BYTES_PER_CELL = 128;

/** A worker's memory, kept from one tile to the next (fresh pages are what costs here). */
export class TileWorkspace {
  columns: [ColumnBuffers, ColumnBuffers] | null = null;
  observed: [Uint8Array, Uint8Array] | null = null;
  ground: Float32Array | null = null;
  segment: SegmentBuffers | null = null;
  readonly records: RecordViews = recordViews(new ArrayBuffer(16384 * RECORD_BYTES));

  /** Buffers for windows of up to `cells` cells, grown when a tile needs more. */
  ensure(cells: number): void {
    if (this.columns && this.columns[0].capacity >= cells) return;
    this.columns = [new ColumnBuffers(cells), new ColumnBuffers(cells)];
    this.observed = [new Uint8Array(cells), new Uint8Array(cells)];
    this.ground = new Float32Array(cells);
    this.segment = new SegmentBuffers(cells);
  }
}

/**
 * Each epoch's orthophoto greenness over the tile's window (read in the worker before the tile
 * runs: the only asynchronous part of a tile job).
 */
export async function tileOrthoGreenness(job: TileJob): Promise<(Float32Array | null)[]> {
  const grid = windowGrid(job.grid, job.tile.window);
  return Promise.all((job.orthophotos ?? [null, null]).map((file) => (file ? orthoGreenness(file, grid) : null)));
}

/**
 * Detection on one tile: bins the tile's spilled points into columns over its window, models
 * both epochs' surfaces, aligns, diffs, and judges the candidates this tile owns: those whose
 * first cell (in row order over the whole grid) lies in its core. An object crossing the core's
 * edge is whole in the window as long as it fits in the halo, so it is one object, reported once.
 */
export function runTile(job: TileJob, ws: TileWorkspace, orthoGreenness: (Float32Array | null)[] = []): TileResult {
  const { tile, options } = job;
  const win = tile.window;
  const grid = windowGrid(job.grid, win);
  const n = grid.nx * grid.ny;
  ws.ensure(Math.max(n, job.windowCells));
  const surfaces = [0, 1].map((e) => {
    const stats = columnStatsIn(ws.columns![e], grid, job.zBase);
    for (const path of job.spills[e]) {
      readSpill(path, ws.records, (records) => addRecords(stats, ws.records, records));
      // Read once: its disk space and page cache are better given back now than at the end.
      if (!job.keepSpills) rmSync(path, { force: true });
    }
    const counts = stats.count;
    const surface = buildSurface(stats, { ...job.epochs[e], observed: ws.observed![e] });
    const ortho = orthoGreenness[e];
    if (ortho) fillGreenness(surface, ortho);
    return { surface, counts };
  }) as { surface: EpochSurface; counts: Uint32Array }[];
  const [a, b] = [surfaces[0].surface, surfaces[1].surface];
  applyAlignment(b, job.dz);
  const ground = sampleGround(job.ground, win.x0, win.y0, grid.nx, grid.ny, ws.ground!.subarray(0, n));

  // The lowest surfaces only served the ground model: the diff works in their memory.
  const mixed = !!job.epochs[0].gridded !== !!job.epochs[1].gridded;
  const { candidates, diff } = findCandidates(grid, a, b, options.minHeight, [a.low, b.low], ws.segment!, mixed);
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
  for (const p of unseenPieces(grid, a, b, ground, core, ws.segment!)) {
    if (!touchesSeam(p.cells, grid.nx, core, tile.core, job.grid)) {
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
    uncertain,
    seamPieces,
    overview: overviewPart(views, tile.core, win, job.overviewStep),
    cut,
  };
}

/** Whether any cell lies on an edge of the core that another tile's core lies across. */
function touchesSeam(cells: number[], nx: number, local: CellRect, core: CellRect, grid: Grid): boolean {
  for (const k of cells) {
    const x = k % nx;
    const y = (k - x) / nx;
    if ((x === local.x0 && core.x0 > 0) || (y === local.y0 && core.y0 > 0)) return true;
    if ((x === local.x1 - 1 && core.x1 < grid.nx) || (y === local.y1 - 1 && core.y1 < grid.ny)) return true;
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
