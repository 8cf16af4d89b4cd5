/**
 * Grid sampling of one octree node: the node's cube is divided into at most 128³ cells and each occupied cell
 * keeps the point nearest its centre, so a node's points are spread about one cell apart (its spacing,
 * cube / 128) without clumps, a cheap cousin of Poisson-disk sampling. Points not kept go down to the children.
 */

/** Sampling cells per node side, as a power of two (128 → spacing = node size / 128, Potree's choice). */
export const SAMPLE_BITS = 7;

export class GridSampler {
  private readonly best: Int32Array;
  private readonly bestDist: Float64Array;
  private readonly touched: Int32Array;

  constructor(private readonly maxBits = SAMPLE_BITS) {
    const cells = 1 << (3 * maxBits);
    this.best = new Int32Array(cells).fill(-1);
    this.bestDist = new Float64Array(cells);
    this.touched = new Int32Array(cells);
  }

  /**
   * Marks in `keep` (1) the points of `idx` that stay in the node whose integer cube starts at (x0, y0, z0) and is
   * 2^shift steps wide; returns how many. At most `budget` are kept: beyond it, an even share of the cells.
   */
  sample(idx: Uint32Array, qx: Int32Array, qy: Int32Array, qz: Int32Array, shift: number, budget: number, keep: Uint8Array): number {
    const s = Math.min(this.maxBits, shift);
    const cellShift = shift - s;
    const mask = (1 << s) - 1;
    const half = cellShift > 0 ? 2 ** (cellShift - 1) : 0;
    let touchedCount = 0;
    for (let j = 0; j < idx.length; j++) {
      const i = idx[j];
      const x = qx[i];
      const y = qy[i];
      const z = qz[i];
      const cx = (x >>> cellShift) & mask;
      const cy = (y >>> cellShift) & mask;
      const cz = (z >>> cellShift) & mask;
      const cell = (cx << (2 * s)) | (cy << s) | cz;
      const dx = (x & ((1 << cellShift) - 1)) - half;
      const dy = (y & ((1 << cellShift) - 1)) - half;
      const dz = (z & ((1 << cellShift) - 1)) - half;
      const d = dx * dx + dy * dy + dz * dz;
      const b = this.best[cell];
      if (b < 0) {
        this.touched[touchedCount++] = cell;
        this.best[cell] = j;
        this.bestDist[cell] = d;
      } else if (d < this.bestDist[cell]) {
        this.best[cell] = j;
        this.bestDist[cell] = d;
      }
    }
    // Over budget: every n-th occupied cell (in the order first met), an even thinning of the node.
    const stride = touchedCount > budget ? touchedCount / budget : 1;
    let kept = 0;
    let next = 0;
    for (let t = 0; t < touchedCount; t++) {
      const cell = this.touched[t];
      if (t >= next) {
        keep[this.best[cell]] = 1;
        kept++;
        next += stride;
      }
      this.best[cell] = -1;
    }
    return kept;
  }
}
