import { eachNeighbour, type Grid } from '../diff/grid';
import type { EpochSurface } from '../diff/surfaces';

/** Cells walked at most beyond an object (about 2,500 m² at 0.5 m): enough to say "much more". */
const MAX_CELLS = 10_000;

/**
 * How far a change runs on, unmeasured, into cells the epoch it is low in did not see (a data
 * hole): cells next to it, step by step, where that epoch has no surface and the other shows
 * the change's high surface going on (above the ground by at least `minHeight`: the low side's
 * height plus half the change).
 * A new building cut in half by a hole in the earlier survey is measured as its seen half; this
 * says how much of it may lie beyond. Occlusion shadows do not count: they are unseen in the
 * epoch the structure stands in, beside it, not in the epoch it is absent from.
 *
 * Returns the area in m² (at most MAX_CELLS cells' worth).
 */
export function unseenContinuation(
  cells: ArrayLike<number>,
  sign: 1 | -1,
  minHeight: number,
  grid: Grid,
  surfaces: { a: EpochSurface; b: EpochSurface; ground: Float32Array },
): number {
  const { a, b, ground } = surfaces;
  const [low, high] = sign > 0 ? [a, b] : [b, a];
  const { nx, ny } = grid;
  const visited = new Set<number>();
  for (let i = 0; i < cells.length; i++) visited.add(cells[i]);
  const queue: number[] = [];
  const consider = (k: number) => {
    if (visited.has(k)) return;
    visited.add(k);
    if (!low.observed[k] && high.observed[k] && high.top[k] - ground[k] >= minHeight) queue.push(k);
  };
  const spread = (k: number) => eachNeighbour(k, nx, ny, consider);
  for (let i = 0; i < cells.length; i++) spread(cells[i]);
  let found = 0;
  while (found < queue.length && found < MAX_CELLS) spread(queue[found++]);
  return found * grid.cell * grid.cell;
}

/**
 * The area next to a change that the epoch it stands in did not see while the other saw the
 * ground (or whatever was there), when that gap reaches further from it than its own occlusion
 * shadow could: a new building half in a data hole of the later survey. Its wall shadows reach
 * about half its height from it (scan angles up to 25°), so only a gap running on beyond
 * `shadowReach` metres counts, and then the whole gap is returned, m² (0: none such).
 */
export function unseenBorder(
  cells: ArrayLike<number>,
  sign: 1 | -1,
  shadowReach: number,
  grid: Grid,
  surfaces: { a: EpochSurface; b: EpochSurface },
): { areaM2: number; beyondShadowM2: number } {
  const [low, high] = sign > 0 ? [surfaces.a, surfaces.b] : [surfaces.b, surfaces.a];
  const { nx, ny } = grid;
  const visited = new Set<number>();
  for (let i = 0; i < cells.length; i++) visited.add(cells[i]);
  let layer: number[] = [];
  const consider = (k: number, into: number[]) => {
    if (visited.has(k)) return;
    visited.add(k);
    if (!high.observed[k] && low.observed[k]) into.push(k);
  };
  const spread = (k: number, into: number[]) => eachNeighbour(k, nx, ny, (n) => consider(n, into));
  for (let i = 0; i < cells.length; i++) spread(cells[i], layer);
  const reachLayers = Math.ceil(shadowReach / grid.cell);
  let found = 0;
  let beyond = 0;
  for (let depth = 1; layer.length > 0 && found < MAX_CELLS; depth++) {
    found += layer.length;
    if (depth > reachLayers) beyond += layer.length;
    const next: number[] = [];
    for (const k of layer) spread(k, next);
    layer = next;
  }
  const cellArea = grid.cell * grid.cell;
  return { areaM2: found * cellArea, beyondShadowM2: beyond * cellArea };
}
