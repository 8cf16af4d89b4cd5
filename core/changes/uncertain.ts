import type { Grid } from '../diff/grid';
import { labelComponents } from '../diff/raster';
import type { EpochSurface } from '../diff/surfaces';
import type { CellRect } from '../tiles/layout';
import { traceFootprint } from './footprint';
import { SegmentBuffers } from './segment';
import type { UncertainArea } from './types';

/** A connected patch one epoch saw and the other did not, before it is judged big enough. */
export interface UnseenPiece {
  unseenIn: 'before' | 'after';
  /** Cell indices in the grid the piece was found on. */
  cells: number[];
  /** Highest surface the other epoch saw above the ground in it, metres. */
  height: number;
}

/**
 * Patches that one epoch saw and the other did not (data holes, new occlusions): a change
 * there can be neither claimed nor ruled out, so the analyst is told where to look.
 */
export function findUncertainAreas(
  grid: Grid,
  a: EpochSurface,
  b: EpochSurface,
  ground: Float32Array,
  o: { minUncertainArea: number; voxel: number },
): UncertainArea[] {
  const out: UncertainArea[] = [];
  for (const p of unseenPieces(grid, a, b, ground, { x0: 0, y0: 0, x1: grid.nx, y1: grid.ny })) {
    const area = finishUncertain(p, grid, o);
    if (area) out.push(area);
  }
  return out;
}

/** The unseen pieces within `region` (a tile's core), 8-connected, before and after. */
export function unseenPieces(
  grid: Grid,
  a: EpochSurface,
  b: EpochSurface,
  ground: Float32Array,
  region: CellRect,
  buffers: SegmentBuffers = new SegmentBuffers(grid.nx * grid.ny),
): UnseenPiece[] {
  const n = grid.nx * grid.ny;
  const out: UnseenPiece[] = [];
  const { mask, labels: labelBuffer, stack } = buffers.take(n);
  for (const unseenIn of ['before', 'after'] as const) {
    const [missing, other] = unseenIn === 'before' ? [a, b] : [b, a];
    mask.fill(0);
    for (let y = region.y0; y < region.y1; y++) {
      for (let k = y * grid.nx + region.x0; k < y * grid.nx + region.x1; k++) if (!missing.observed[k] && other.observed[k]) mask[k] = 1;
    }
    const { labels, count } = labelComponents(mask, grid.nx, grid.ny, labelBuffer, stack);
    const pieces: UnseenPiece[] = Array.from({ length: count }, () => ({ unseenIn, cells: [], height: 0 }));
    for (let k = 0; k < n; k++) {
      if (!labels[k]) continue;
      const p = pieces[labels[k] - 1];
      p.cells.push(k);
      p.height = Math.max(p.height, other.top[k] - ground[k]);
    }
    out.push(...pieces);
  }
  return out;
}

/** The uncertain area of a piece (cells of `grid`), or null when it is too small to report. */
export function finishUncertain(p: UnseenPiece, grid: Grid, o: { minUncertainArea: number; voxel: number }): UncertainArea | null {
  const area = p.cells.length * grid.cell * grid.cell;
  if (area < o.minUncertainArea) return null;
  let sx = 0;
  let sy = 0;
  for (const k of p.cells) {
    const x = k % grid.nx;
    sx += grid.x0 + (x + 0.5) * grid.cell;
    sy += grid.y0 + ((k - x) / grid.nx + 0.5) * grid.cell;
  }
  return {
    footprint: traceFootprint(p.cells, grid, o.voxel * 0.75),
    centroid: [Math.round((sx / p.cells.length) * 100) / 100, Math.round((sy / p.cells.length) * 100) / 100],
    area_m2: Math.round(area * 100) / 100,
    unseenIn: p.unseenIn,
    otherHeight_m: Math.round(p.height * 100) / 100,
  };
}
