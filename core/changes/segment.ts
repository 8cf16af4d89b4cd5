import type { Grid } from '../diff/grid';
import { FRESH, type ArraySource } from '../diff/slab';
import { labelComponents, squareFilter } from '../diff/raster';
import type { EpochSurface } from '../diff/surfaces';

/** Cells of one candidate change, all of one sign. */
export interface Candidate {
  sign: 1 | -1;
  /** Cells where both epochs saw the surface, with their height difference. */
  cells: Int32Array;
  /** Unseen cells enclosed by the candidate: counted in its footprint and volume estimate. */
  enclosedUnseen: Int32Array;
}

/**
 * Grid-sized work memory of the diff and of the unseen patches, kept by a worker from one tile to
 * the next (fresh pages are what costs most); `take` hands out views of the first n cells.
 */
export class SegmentBuffers {
  /** What the arrays below take per cell: one Float32, two Int32, three bytes. */
  static readonly BYTES_PER_CELL = 15;
  private readonly f32: Float32Array;
  private readonly i32: Int32Array[];
  private readonly u8: Uint8Array[];
  constructor(
    readonly capacity: number,
    from: ArraySource = FRESH,
  ) {
    this.f32 = from.f32(capacity);
    this.i32 = [from.i32(capacity), from.i32(capacity)];
    this.u8 = [from.u8(capacity), from.u8(capacity), from.u8(capacity)];
  }

  take(n: number) {
    if (n > this.capacity) throw new Error(`grid of ${n} cells exceeds the work buffers (${this.capacity})`);
    const [labels, stack] = this.i32.map((a) => a.subarray(0, n));
    const [mask, grown, seen] = this.u8.map((a) => a.subarray(0, n));
    return { diff: this.f32.subarray(0, n), labels, stack, mask, grown, seen };
  }
}

/**
 * Finds candidate changes in the height difference of two observed surfaces.
 * A cell is core change when the later top differs from every top the earlier epoch saw in its
 * 3×3 neighbourhood by more than `threshold` (so a misregistered wall is not a change), and the
 * candidate then grows into neighbours whose own difference exceeds half the threshold.
 * Only cells seen in both epochs count: absence of points is not evidence of absence.
 */
export function findCandidates(
  grid: Grid,
  a: EpochSurface,
  b: EpochSurface,
  threshold: number,
  /** Grid-sized rasters the caller no longer needs, to work in instead of fresh memory. */
  work: Float32Array[] = [],
  buffers: SegmentBuffers = new SegmentBuffers(grid.nx * grid.ny),
  /** One epoch is a DSM, the other a point cloud: growth skips facade cells (see facadeCells). */
  mixedSampling = false,
): { candidates: Candidate[]; diff: Float32Array } {
  const { nx, ny } = grid;
  const n = nx * ny;
  const reuse = () => {
    const w = work.pop();
    return w && w.length === n ? w : new Float32Array(n);
  };
  const { diff, labels: labelBuffer, stack, mask: core, grown, seen } = buffers.take(n);
  diff.fill(NaN);
  for (let k = 0; k < n; k++) if (a.observed[k] && b.observed[k]) diff[k] = b.top[k] - a.top[k];
  const scratch = reuse();
  const maxA = squareFilter(a.top, nx, ny, 1, 'max', reuse(), scratch);
  const maxB = squareFilter(b.top, nx, ny, 1, 'max', reuse(), scratch);
  const candidates: Candidate[] = [];
  // Labels and the flood-fill stack serve both signs.
  for (const sign of [1, -1] as const) {
    core.fill(0);
    for (let k = 0; k < n; k++) {
      if (Number.isNaN(diff[k])) continue;
      const margin = sign > 0 ? b.top[k] - maxA[k] : a.top[k] - maxB[k];
      if (margin > threshold) core[k] = 1;
    }
    if (mixedSampling) facadeCells(seen, a, b, maxA, maxB, sign, threshold / 2);
    grow(core, grown, diff, sign, threshold / 2, nx, ny, mixedSampling ? seen : null);
    const { labels, count } = labelComponents(grown, nx, ny, labelBuffer, stack);
    const members: number[][] = Array.from({ length: count }, () => []);
    for (let k = 0; k < n; k++) if (labels[k]) members[labels[k] - 1].push(k);
    const enclosed = enclosedUnseen(labels, count, diff, nx, ny, seen);
    for (let c = 0; c < count; c++) {
      candidates.push({ sign, cells: Int32Array.from(members[c]), enclosedUnseen: Int32Array.from(enclosed[c]) });
    }
  }
  return { candidates, diff };
}

/** Vertical spread of a cell's points above which they are a facade (or a canopy), not one surface, metres. */
const FACADE_SPREAD = 2;

/**
 * Marks the cells that only a wall raises: the higher epoch's points there are spread metres deep
 * (facade points up to a roof), and the lower epoch saw that height right next door. A point cloud
 * puts facade points in every cell a wall crosses, where a DSM's pixels may all lie on the ground
 * side of it: with one of each, a change beside a tall building would otherwise grow along its
 * wall. Points against points (or a DSM against a DSM) see walls alike and need no such rule.
 */
function facadeCells(
  out: Uint8Array,
  a: EpochSurface,
  b: EpochSurface,
  maxA: Float32Array,
  maxB: Float32Array,
  sign: number,
  tolerance: number,
): void {
  const [high, lowNeighbourhood] = sign > 0 ? [b, maxA] : [a, maxB];
  for (let k = 0; k < out.length; k++) {
    out[k] = high.spread[k] > FACADE_SPREAD && lowNeighbourhood[k] >= high.top[k] - tolerance ? 1 : 0;
  }
}

/**
 * Hysteresis: from the core cells, take in 8-neighbours whose difference has the same sign above
 * `low` (and that `skip` does not mark).
 */
function grow(
  core: Uint8Array,
  out: Uint8Array,
  diff: Float32Array,
  sign: number,
  low: number,
  nx: number,
  ny: number,
  skip: Uint8Array | null,
): Uint8Array {
  out.set(core);
  const stack: number[] = [];
  for (let k = 0; k < core.length; k++) if (core[k]) stack.push(k);
  while (stack.length > 0) {
    const k = stack.pop()!;
    const x = k % nx;
    const y = (k - x) / nx;
    for (let dy = -1; dy <= 1; dy++) {
      for (let dx = -1; dx <= 1; dx++) {
        const xx = x + dx;
        const yy = y + dy;
        if (xx < 0 || yy < 0 || xx >= nx || yy >= ny) continue;
        const q = yy * nx + xx;
        if (!out[q] && diff[q] * sign > low && !skip?.[q]) {
          out[q] = 1;
          stack.push(q);
        }
      }
    }
  }
  return out;
}

/**
 * Unseen cells (diff NaN) completely surrounded by one candidate: a data hole or sparse patch
 * inside a new roof. Flood-fills the unseen regions and keeps those whose whole border is
 * that candidate.
 */
/** The four edge neighbours, as constants: no array literal per visited cell. */
const STEP_X = Int8Array.of(1, -1, 0, 0);
const STEP_Y = Int8Array.of(0, 0, 1, -1);

function enclosedUnseen(labels: Int32Array, count: number, diff: Float32Array, nx: number, ny: number, seen: Uint8Array): number[][] {
  const out: number[][] = Array.from({ length: count }, () => []);
  seen.fill(0);
  const stack: number[] = [];
  const region: number[] = [];
  for (let start = 0; start < labels.length; start++) {
    if (seen[start] || labels[start] || !Number.isNaN(diff[start])) continue;
    region.length = 0;
    stack.push(start);
    seen[start] = 1;
    let owner = 0;
    let open = false;
    while (stack.length > 0) {
      const k = stack.pop()!;
      region.push(k);
      const x = k % nx;
      const y = (k - x) / nx;
      if (x === 0 || y === 0 || x === nx - 1 || y === ny - 1) open = true;
      for (let d = 0; d < 4; d++) {
        const xx = x + STEP_X[d];
        const yy = y + STEP_Y[d];
        if (xx < 0 || yy < 0 || xx >= nx || yy >= ny) continue;
        const q = yy * nx + xx;
        if (labels[q]) {
          if (owner === 0) owner = labels[q];
          else if (owner !== labels[q]) open = true;
        } else if (Number.isNaN(diff[q])) {
          if (!seen[q]) {
            seen[q] = 1;
            stack.push(q);
          }
        } else {
          open = true;
        }
      }
    }
    if (!open && owner > 0) for (const k of region) out[owner - 1].push(k);
  }
  return out;
}
