import type { EpochSurface } from '../diff/surfaces';
import { surfaceClues, type MeasureContext, type Measurement, type SurfaceClues } from './measure';

/** Largest rise between neighbouring cells of one standing object, metres: a crown's or a roof's slope, not a wall. */
const STEP = 1.0;
/** How much of the standing object is read, m²: enough to judge its top, bounded for a city block. */
const HOST_AREA = 400;

/** The object a change stands on, in the epoch where it is lower, and the clues its top gives. */
export interface Host {
  cells: Int32Array;
  areaM2: number;
  /** Median height of its top above the ground, metres. */
  height: number;
  clues: SurfaceClues;
}

/**
 * What a change rises from (the before epoch's object under a rise) or leaves standing (the
 * after epoch's under a fall): the connected top of the lower surface, seen, at least `standing`
 * metres above the ground, grown from the change's footprint across steps of under STEP. A
 * storey stands on a roof, a grown tree's new ring on its old crown: the clues of that object
 * say which. Null when the change stands on nothing that high.
 */
export function standingHost(m: Measurement, ctx: MeasureContext, standing: number): Host | null {
  const { grid, ground } = ctx;
  const s: EpochSurface = m.sign > 0 ? ctx.a : ctx.b;
  const up = (q: number) => s.observed[q] > 0 && s.top[q] - ground[q] > standing;
  const limit = Math.ceil(HOST_AREA / (grid.cell * grid.cell));
  const host = new Set<number>();
  const stack: number[] = [];
  for (const k of m.cells) {
    if (up(k) && !host.has(k)) {
      host.add(k);
      stack.push(k);
    }
  }
  while (stack.length > 0 && host.size < limit) {
    const k = stack.pop()!;
    const x = k % grid.nx;
    for (const q of [k - 1, k + 1, k - grid.nx, k + grid.nx]) {
      if (q < 0 || q >= grid.nx * grid.ny || host.has(q)) continue;
      if ((q === k - 1 && x === 0) || (q === k + 1 && x === grid.nx - 1)) continue;
      if (up(q) && Math.abs(s.top[q] - s.top[k]) < STEP) {
        host.add(q);
        stack.push(q);
      }
    }
  }
  if (host.size === 0) return null;
  const cells = Int32Array.from(host).sort();
  const heights = Float32Array.from(cells, (k) => s.top[k] - ground[k]).sort();
  return {
    cells,
    areaM2: cells.length * grid.cell * grid.cell,
    height: heights[heights.length >> 1],
    clues: surfaceClues(cells, s, grid),
  };
}
