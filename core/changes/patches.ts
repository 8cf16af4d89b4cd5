import type { Grid } from '../diff/grid';
import { bboxOf } from '../geo/polygons';
import type { CellRect } from '../tiles/layout';
import type { PolygonCoords } from './types';

/**
 * A small window of a run's height rasters: what the report and the app draw for one change
 * (height-change map, oblique view) or for the whole area (hillshade overview), kept with the run
 * so they never need the point clouds again. Rows run south to north like the Grid.
 */
export interface HeightPatch {
  /** World coordinates of the south-west corner of the patch. */
  x0: number;
  y0: number;
  /** Cell size, metres. */
  cell: number;
  width: number;
  height: number;
  /** Top surface heights (absolute, metres; NaN where that epoch did not see). */
  before: Float32Array;
  after: Float32Array;
  /** Ground heights from the run's ground model (NaN where unknown). */
  ground: Float32Array;
}

export interface PatchSources {
  grid: Grid;
  before: Float32Array;
  after: Float32Array;
  ground: Float32Array;
}

/** The patch around a footprint: its bounding box grown by `margin` metres (and at least 8 m). */
export function patchAround(src: PatchSources, footprint: PolygonCoords[], margin: number): HeightPatch {
  const { minX, minY, maxX, maxY } = bboxOf(footprint);
  // A square window: views of a change read best when not stretched to the object's shape.
  const side = Math.max(maxX - minX, maxY - minY) + 2 * Math.max(margin, 8);
  const cx = (minX + maxX) / 2;
  const cy = (minY + maxY) / 2;
  return cropPatch(src, cx - side / 2, cy - side / 2, cx + side / 2, cy + side / 2, 1);
}

/** The whole grid, averaged down so its longer side has at most `maxSide` cells. */
export function overviewPatch(src: PatchSources, maxSide: number): HeightPatch {
  const g = src.grid;
  const step = overviewStep(g, maxSide);
  const whole = { x0: 0, y0: 0, x1: g.nx, y1: g.ny };
  return overviewFromParts(g, step, [overviewPart(src, whole, whole, step)]);
}

/** Grid cells per overview cell side, so the overview's longer side has at most `maxSide` cells. */
export function overviewStep(g: Grid, maxSide: number): number {
  return Math.max(1, Math.ceil(Math.max(g.nx, g.ny) / maxSide));
}

/** Sums (and counts) of the before, after and ground heights per overview cell, over part of the grid. */
export interface OverviewPart {
  c0: number;
  r0: number;
  width: number;
  height: number;
  sums: Float64Array;
  counts: Uint32Array;
}

/**
 * One tile's share of the overview: the sums over the cells of `part` (a rectangle of the run's
 * grid) of rasters that cover `win` (the tile's window), NaN skipped. Parts of disjoint
 * rectangles add up to the overview of their union.
 */
export function overviewPart(
  v: { before: Float32Array; after: Float32Array; ground: Float32Array },
  part: CellRect,
  win: CellRect,
  step: number,
): OverviewPart {
  const c0 = Math.floor(part.x0 / step);
  const r0 = Math.floor(part.y0 / step);
  const width = Math.floor((part.x1 - 1) / step) - c0 + 1;
  const height = Math.floor((part.y1 - 1) / step) - r0 + 1;
  const size = width * height;
  const sums = new Float64Array(3 * size);
  const counts = new Uint32Array(3 * size);
  const wnx = win.x1 - win.x0;
  const layers = [v.before, v.after, v.ground];
  for (let l = 0; l < 3; l++) {
    const src = layers[l];
    for (let y = part.y0; y < part.y1; y++) {
      const row = l * size + (Math.floor(y / step) - r0) * width - c0;
      const at = (y - win.y0) * wnx - win.x0;
      for (let x = part.x0; x < part.x1; x++) {
        const val = src[at + x];
        if (val !== val) continue;
        const o = row + Math.floor(x / step);
        sums[o] += val;
        counts[o]++;
      }
    }
  }
  return { c0, r0, width, height, sums, counts };
}

/** The overview of the whole grid from its parts (each overview cell the mean of its non-NaN cells). */
export function overviewFromParts(g: Grid, step: number, parts: OverviewPart[]): HeightPatch {
  const width = Math.ceil(g.nx / step);
  const height = Math.ceil(g.ny / step);
  const size = width * height;
  const sums = new Float64Array(3 * size);
  const counts = new Uint32Array(3 * size);
  for (const p of parts) {
    const psize = p.width * p.height;
    for (let l = 0; l < 3; l++) {
      for (let r = 0; r < p.height; r++) {
        for (let c = 0; c < p.width; c++) {
          const from = l * psize + r * p.width + c;
          const to = l * size + (p.r0 + r) * width + p.c0 + c;
          sums[to] += p.sums[from];
          counts[to] += p.counts[from];
        }
      }
    }
  }
  const layer = (l: number) => {
    const out = new Float32Array(size);
    for (let i = 0; i < size; i++) out[i] = counts[l * size + i] > 0 ? sums[l * size + i] / counts[l * size + i] : NaN;
    return out;
  };
  return { x0: g.x0, y0: g.y0, cell: g.cell * step, width, height, before: layer(0), after: layer(1), ground: layer(2) };
}

/** Cuts [minX,maxX]×[minY,maxY] out of the grid, averaging `step`×`step` cells (NaN-aware); outside the grid is NaN. */
function cropPatch(src: PatchSources, minX: number, minY: number, maxX: number, maxY: number, step: number): HeightPatch {
  const g = src.grid;
  const i0 = Math.floor((minX - g.x0) / g.cell);
  const j0 = Math.floor((minY - g.y0) / g.cell);
  const width = Math.max(1, Math.ceil((maxX - g.x0) / g.cell / step - i0 / step));
  const height = Math.max(1, Math.ceil((maxY - g.y0) / g.cell / step - j0 / step));
  const out = (): Float32Array => new Float32Array(width * height);
  const patch: HeightPatch = {
    x0: g.x0 + i0 * g.cell,
    y0: g.y0 + j0 * g.cell,
    cell: g.cell * step,
    width,
    height,
    before: out(),
    after: out(),
    ground: out(),
  };
  const pairs: [Float32Array, Float32Array][] = [
    [src.before, patch.before],
    [src.after, patch.after],
    [src.ground, patch.ground],
  ];
  for (const [from, to] of pairs) {
    for (let r = 0; r < height; r++) {
      for (let c = 0; c < width; c++) {
        let sum = 0;
        let n = 0;
        for (let dj = 0; dj < step; dj++) {
          const j = j0 + r * step + dj;
          if (j < 0 || j >= g.ny) continue;
          for (let di = 0; di < step; di++) {
            const i = i0 + c * step + di;
            if (i < 0 || i >= g.nx) continue;
            const v = from[j * g.nx + i];
            if (!Number.isNaN(v)) {
              sum += v;
              n++;
            }
          }
        }
        to[r * width + c] = n > 0 ? sum / n : NaN;
      }
    }
  }
  return patch;
}
