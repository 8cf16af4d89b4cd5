// The first pass's coarse statistics (2 m cells by default), kept so that memory follows the part
// being read, not the compared area: a worker sums a part into blocks allocated where its points
// fall, and the main thread keeps of each epoch only what the ground, the alignment and the
// typical density read.
import type { Grid } from '../diff/grid';

/** Ground cells per coarse cell side: bare earth and alignment need no finer than about 2 m. */
function coarseFactor(cell: number): number {
  return Math.max(1, Math.round(2 / cell));
}

/** The coarse grid of a run's grid: cx × cy cells of `factor` × `factor` grid cells. */
export interface CoarseGeometry {
  cx: number;
  cy: number;
  factor: number;
}

export function coarseGeometry(grid: Grid): CoarseGeometry {
  const factor = coarseFactor(grid.cell);
  return { cx: Math.ceil(grid.nx / factor), cy: Math.ceil(grid.ny / factor), factor };
}

/**
 * Sums of a rectangle of coarse cells. Heights are above zBase; their sums and sums of squares
 * are in whole millimetres, so sums are exact (up to 2^53) and parts add up in any order to the
 * same values. min1 and min2 are the two lowest heights: the second ignores one stray low point.
 */
export interface CoarseSums {
  count: Uint32Array;
  sum: Float64Array;
  sumSq: Float64Array;
  min1: Float32Array;
  min2: Float32Array;
}

/** A rectangle of coarse cells: x in [x0, x0 + w), y in [y0, y0 + h). */
export interface CoarseCrop extends CoarseSums {
  x0: number;
  y0: number;
  w: number;
  h: number;
}

/** Coarse cells per block side (128 m at 2 m; 114 KB a block). */
export const COARSE_BLOCK = 64;
const BLOCK_CELLS = COARSE_BLOCK * COARSE_BLOCK;

function emptySums(n: number): CoarseSums {
  return {
    count: new Uint32Array(n),
    sum: new Float64Array(n),
    sumSq: new Float64Array(n),
    min1: new Float32Array(n).fill(Infinity),
    min2: new Float32Array(n).fill(Infinity),
  };
}

/**
 * A worker's coarse sums of the part it reads, in blocks of COARSE_BLOCK² cells allocated where
 * points fall (a part of a survey in spatial order covers a small patch of a district). Emptied
 * blocks are kept for the next part: fresh pages are what costs here.
 */
export class CoarseBlocks {
  readonly geometry: CoarseGeometry;
  readonly nbx: number;
  private readonly blocks: (CoarseSums | null)[];
  private readonly spare: CoarseSums[] = [];
  /** Per grid column: its block column; per grid row: its block row times nbx (so a block is bx + byRow). */
  readonly blockX: Int32Array;
  readonly blockRow: Int32Array;
  /** Per grid column: its cell's column in a block; per grid row: its cell's row in a block times COARSE_BLOCK. */
  readonly cellX: Int32Array;
  readonly cellRow: Int32Array;

  constructor(readonly grid: Grid) {
    const g = (this.geometry = coarseGeometry(grid));
    this.nbx = Math.ceil(g.cx / COARSE_BLOCK);
    this.blocks = new Array<CoarseSums | null>(this.nbx * Math.ceil(g.cy / COARSE_BLOCK)).fill(null);
    const coarse = (i: number) => Math.floor(i / g.factor);
    this.blockX = Int32Array.from({ length: grid.nx }, (_, i) => Math.floor(coarse(i) / COARSE_BLOCK));
    this.cellX = Int32Array.from({ length: grid.nx }, (_, i) => coarse(i) % COARSE_BLOCK);
    this.blockRow = Int32Array.from({ length: grid.ny }, (_, j) => Math.floor(coarse(j) / COARSE_BLOCK) * this.nbx);
    this.cellRow = Int32Array.from({ length: grid.ny }, (_, j) => (coarse(j) % COARSE_BLOCK) * COARSE_BLOCK);
  }

  /** Whether these blocks are of `grid` (same cells), so they can be reused for it. */
  fits(grid: Grid): boolean {
    const g = this.grid;
    return g.x0 === grid.x0 && g.y0 === grid.y0 && g.cell === grid.cell && g.nx === grid.nx && g.ny === grid.ny;
  }

  /** Block `b` (see blockX, blockRow), allocated on first use. */
  block(b: number): CoarseSums {
    let s = this.blocks[b];
    if (!s) s = this.blocks[b] = this.spare.pop() ?? emptySums(BLOCK_CELLS);
    return s;
  }

  /** The rectangle of coarse cells the part touched, copied out; the blocks are then emptied for the next part. */
  take(): CoarseCrop {
    const { cx, cy } = this.geometry;
    let [x0, y0, x1, y1] = [cx, cy, -1, -1];
    this.forEachCell((s, k, x, y) => {
      if (s.count[k] === 0) return;
      if (x < x0) x0 = x;
      if (x > x1) x1 = x;
      if (y < y0) y0 = y;
      if (y > y1) y1 = y;
    });
    const [w, h] = x1 < 0 ? [0, 0] : [x1 - x0 + 1, y1 - y0 + 1];
    const crop: CoarseCrop = { x0: w ? x0 : 0, y0: h ? y0 : 0, w, h, ...emptySums(w * h) };
    this.forEachCell((s, k, x, y) => {
      if (s.count[k] === 0) return;
      const j = (y - y0) * w + x - x0;
      crop.count[j] = s.count[k];
      crop.sum[j] = s.sum[k];
      crop.sumSq[j] = s.sumSq[k];
      crop.min1[j] = s.min1[k];
      crop.min2[j] = s.min2[k];
    });
    for (let b = 0; b < this.blocks.length; b++) {
      const s = this.blocks[b];
      if (!s) continue;
      s.count.fill(0);
      s.sum.fill(0);
      s.sumSq.fill(0);
      s.min1.fill(Infinity);
      s.min2.fill(Infinity);
      this.spare.push(s);
      this.blocks[b] = null;
    }
    return crop;
  }

  /** Calls `f` for every cell of every allocated block inside the coarse grid, with its coarse x, y. */
  private forEachCell(f: (s: CoarseSums, k: number, x: number, y: number) => void): void {
    const { cx, cy } = this.geometry;
    for (let b = 0; b < this.blocks.length; b++) {
      const s = this.blocks[b];
      if (!s) continue;
      const bx = (b % this.nbx) * COARSE_BLOCK;
      const by = Math.floor(b / this.nbx) * COARSE_BLOCK;
      for (let j = 0; j < COARSE_BLOCK && by + j < cy; j++) {
        for (let i = 0; i < COARSE_BLOCK && bx + i < cx; i++) f(s, j * COARSE_BLOCK + i, bx + i, by + j);
      }
    }
  }
}

/** Coarse cells sampled for the alignment and the typical density (every step-th cell of the area). */
const MAX_SAMPLES = 200_000;

/**
 * What the main thread keeps of an epoch's coarse sums over the whole area: the two lowest
 * heights and a count that stops at 255 (the ground reads only whether it reached 3), 9 bytes a
 * cell; and the full sums of every step-th cell, which is all the alignment and the typical
 * density sample.
 */
export class EpochCoarse {
  readonly cx: number;
  readonly cy: number;
  readonly factor: number;
  readonly step: number;
  readonly min1: Float32Array;
  readonly min2: Float32Array;
  /** Points per cell, saturating at 255. */
  readonly count8: Uint8Array;
  /** The sums of cells 0, step, 2 × step, … */
  readonly samples: Pick<CoarseSums, 'count' | 'sum' | 'sumSq'>;

  constructor(g: CoarseGeometry) {
    [this.cx, this.cy, this.factor] = [g.cx, g.cy, g.factor];
    const n = g.cx * g.cy;
    this.step = Math.max(1, Math.floor(n / MAX_SAMPLES));
    this.min1 = new Float32Array(n).fill(Infinity);
    this.min2 = new Float32Array(n).fill(Infinity);
    this.count8 = new Uint8Array(n);
    const m = Math.ceil(n / this.step);
    this.samples = { count: new Uint32Array(m), sum: new Float64Array(m), sumSq: new Float64Array(m) };
  }

  /** Adds a part's crop: counts, integer sums and minima do not depend on the order parts arrive in. */
  add(r: CoarseCrop): void {
    const { min1, min2, count8, step, samples } = this;
    for (let y = 0; y < r.h; y++) {
      for (let x = 0; x < r.w; x++) {
        const j = y * r.w + x;
        const n = r.count[j];
        if (n === 0) continue;
        const i = (r.y0 + y) * this.cx + r.x0 + x;
        count8[i] = Math.min(255, count8[i] + n);
        const second = min1[i] <= r.min1[j] ? Math.min(min2[i], r.min1[j]) : Math.min(r.min2[j], min1[i]);
        min1[i] = Math.min(min1[i], r.min1[j]);
        min2[i] = second;
        if (i % step !== 0) continue;
        const s = i / step;
        samples.count[s] += n;
        samples.sum[s] += r.sum[j];
        samples.sumSq[s] += r.sumSq[j];
      }
    }
  }
}
