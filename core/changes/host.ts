import { eachNeighbour } from '../diff/grid';
import type { EpochSurface } from '../diff/surfaces';
import { surfaceClues, type MeasureContext, type Measurement, type SurfaceClues } from './measure';

/** Largest rise between neighbouring cells of one standing object, metres: a crown's or a roof's slope, not a wall. */
const STEP = 1.0;
/**
 * How far from the change the object is read, metres: the crown a grown ring sits on lies
 * within it, while a tree by the far side of a roof does not speak for a shed on that roof.
 */
const REACH = 3;

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
 * metres above the ground, grown from the change's footprint across steps of under STEP, up to
 * REACH from it. A storey stands on a roof, a grown tree's new ring on its old crown: the clues
 * of that object say which. Null when the change stands on nothing that high.
 */
export function standingHost(m: Measurement, ctx: MeasureContext, standing: number): Host | null {
  const { grid, ground } = ctx;
  const s: EpochSurface = m.sign > 0 ? ctx.a : ctx.b;
  const up = (q: number) => s.observed[q] > 0 && s.top[q] - ground[q] > standing;
  const steps = Math.max(1, Math.round(REACH / grid.cell));
  // Breadth first, ring by ring from the change's own cells, so what is read surrounds it evenly.
  const host = new Set<number>();
  let ring: number[] = [];
  for (const k of m.cells) {
    if (up(k) && !host.has(k)) {
      host.add(k);
      ring.push(k);
    }
  }
  for (let step = 0; step < steps && ring.length > 0; step++) {
    const next: number[] = [];
    for (const k of ring) {
      eachNeighbour(k, grid.nx, grid.ny, (q) => {
        if (!host.has(q) && up(q) && Math.abs(s.top[q] - s.top[k]) < STEP) {
          host.add(q);
          next.push(q);
        }
      });
    }
    ring = next;
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
