import type { Grid } from '../diff/grid';
import { labelComponents } from '../diff/raster';
import type { EpochSurface } from '../diff/surfaces';
import type { CellRect } from '../tiles/layout';
import { traceFootprint } from './footprint';
import type { SegmentBuffers } from './segment';
import type { UncertainArea } from './types';

/** A connected patch one epoch saw and the other did not, before it is judged big enough. */
export interface UnseenPiece {
  unseenIn: 'before' | 'after';
  /** Cell indices in the grid the piece was found on. */
  cells: number[];
  /**
   * How high the other epoch saw the surface above the ground in it, metres: the 90th
   * percentile of its cells, not the highest (one stray point, a bird, would be that).
   */
  height: number;
}

/** The sides of a region that are seams: a piece touching one may continue in the next tile. */
export interface SeamSides {
  west: boolean;
  east: boolean;
  south: boolean;
  north: boolean;
}

/**
 * The unseen pieces within `region` (a tile's core), 8-connected, before and after, that can
 * become uncertain areas: those of at least `minArea` m², and those touching a seam side of the
 * region, however small (joined across the seam, they may grow past it). A sparse survey has
 * hundreds of thousands of one-cell holes a tile; they are never listed.
 */
export function unseenPieces(
  grid: Grid,
  a: EpochSurface,
  b: EpochSurface,
  ground: Float32Array,
  region: CellRect,
  buffers: SegmentBuffers,
  keep: { minArea: number; seams: SeamSides },
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
    const wanted = wantedLabels(labels, count, grid, region, keep);
    const pieces: UnseenPiece[] = [];
    const heights: number[][] = [];
    for (let k = 0; k < n; k++) {
      const slot = wanted[labels[k]];
      if (slot < 0) continue;
      // Labels are numbered in scan order, so a slot first met is always the next one.
      (pieces[slot] ??= { unseenIn, cells: [], height: 0 }).cells.push(k);
      (heights[slot] ??= []).push(other.top[k] - ground[k]);
    }
    pieces.forEach((p, slot) => (p.height = percentile90(heights[slot])));
    out.push(...pieces);
  }
  return out;
}

function percentile90(values: number[]): number {
  const sorted = values.filter((v) => !Number.isNaN(v)).sort((x, y) => x - y);
  return sorted.length ? Math.max(0, sorted[Math.floor(0.9 * (sorted.length - 1))]) : 0;
}

/**
 * For each label (0 = none), the place of its piece in the output, or −1 for a label whose
 * piece is too small to report and touches no seam.
 */
function wantedLabels(
  labels: Int32Array,
  count: number,
  grid: Grid,
  region: CellRect,
  keep: { minArea: number; seams: SeamSides },
): Int32Array {
  const size = new Int32Array(count + 1);
  for (let k = 0; k < labels.length; k++) size[labels[k]]++;
  const seam = new Uint8Array(count + 1);
  const { nx } = grid;
  const { west, east, south, north } = keep.seams;
  for (let y = region.y0; y < region.y1; y++) {
    if (west) seam[labels[y * nx + region.x0]] = 1;
    if (east) seam[labels[y * nx + region.x1 - 1]] = 1;
  }
  for (let x = region.x0; x < region.x1; x++) {
    if (south) seam[labels[region.y0 * nx + x]] = 1;
    if (north) seam[labels[(region.y1 - 1) * nx + x]] = 1;
  }
  const wanted = new Int32Array(count + 1).fill(-1);
  let next = 0;
  for (let l = 1; l <= count; l++) {
    // The same test as finishUncertain's, so that no piece it would keep is left out.
    if (seam[l] || !(size[l] * grid.cell * grid.cell < keep.minArea)) wanted[l] = next++;
  }
  return wanted;
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
