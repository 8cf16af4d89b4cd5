import type { Grid } from '../diff/grid';
import { median, quantile } from '../diff/raster';
import { roughnessAt, type EpochSurface } from '../diff/surfaces';
import type { Candidate } from './segment';

/** The numbers behind one candidate: size, heights, and the clues about what it is. */
export interface Measurement {
  sign: 1 | -1;
  /** All footprint cells: measured plus enclosed unseen ones. */
  cells: Int32Array;
  /** Share of each cell the object covers (edge cells partly), aligned with `cells`. */
  weights: Float32Array;
  areaM2: number;
  volumeM3: number;
  meanChange: number;
  maxChange: number;
  groundZ: number;
  beforeTop: number;
  afterTop: number;
  beforeHeight: number;
  afterHeight: number;
  coverage: number;
  supportShare: number;
  pointsBefore: number;
  pointsAfter: number;
  /** Clues from the higher of the two surfaces (the one that holds the object); roughness and
   * planarity are NaN when the object is too small to have cells clear of its edges. */
  greenness: number;
  /** Median orthophoto greenness over the footprint (NaN without an orthophoto there). */
  orthoGreenness: number;
  /** Most of the footprint's greenness came from the orthophoto, not from point colours. */
  greennessFromOrtho: boolean;
  roughness: number;
  planarShare: number;
  spread: number;
  vegetationClassShare: number;
  /** Volume over (area × max change): near 1 for a box, well below for a crown or a cone. */
  fillRatio: number;
  /** Cells left after a one-cell erosion: 0 for a thin line (a misregistered edge). */
  coreCells: number;
  /**
   * Share of the top that curves in both directions over 1.5 m (a dome: a tree crown), where
   * roofs are planes meeting at lines; NaN when the object is too small to tell.
   */
  curvedShare: number;
}

export interface MeasureContext {
  grid: Grid;
  a: EpochSurface;
  b: EpochSurface;
  countsA: Uint32Array;
  countsB: Uint32Array;
  diff: Float32Array;
  ground: Float32Array;
  threshold: number;
}

const PLANAR_ROUGHNESS = 0.12;

export function measure(c: Candidate, ctx: MeasureContext): Measurement {
  const { grid, a, b, diff, ground } = ctx;
  const cellArea = grid.cell * grid.cell;
  const diffs = new Float32Array(c.cells.length);
  let support = 0;
  let pointsBefore = 0;
  let pointsAfter = 0;
  c.cells.forEach((k, i) => {
    diffs[i] = diff[k];
    if (diff[k] * c.sign > ctx.threshold) support++;
  });
  const interior = interiorCells(c.cells, grid);
  // The typical change is read where the object fills whole cells; edges only partly hold it.
  const typical = median(Float32Array.from(interior.length >= 3 ? interior : c.cells, (k) => diff[k]));
  // Volume and area from the mean heights: an edge cell half covered by a new roof adds half
  // its area, where the top surface would count it whole.
  let volume = 0;
  let cover = 0;
  const weights = new Float32Array(c.cells.length + c.enclosedUnseen.length).fill(1);
  c.cells.forEach((k, i) => {
    const dm = b.mean[k] - a.mean[k];
    volume += dm * cellArea;
    weights[i] = Math.min(1, Math.max(0, dm / typical));
    cover += weights[i];
  });
  // Unseen cells inside the object take its typical change, so a data hole does not eat volume.
  volume += c.enclosedUnseen.length * typical * cellArea;
  cover += c.enclosedUnseen.length;
  const meanChange = volume / Math.max(1e-9, cover * cellArea);
  const all = new Int32Array(c.cells.length + c.enclosedUnseen.length);
  all.set(c.cells);
  all.set(c.enclosedUnseen, c.cells.length);
  for (const k of all) {
    pointsBefore += ctx.countsA[k];
    pointsAfter += ctx.countsB[k];
  }
  const pick = (r: Float32Array) => Float32Array.from(c.cells, (k) => r[k]);
  const higher = c.sign > 0 ? b : a;
  const groundZ = median(pick(ground));
  const beforeTop = median(pick(a.top));
  const afterTop = median(pick(b.top));
  // Roughness is judged only where the whole 3×3 window lies inside the object: at its edges
  // the window straddles a wall and any object looks rough.
  const deep = interiorCells(interior, grid);
  const rough = Float32Array.from(deep, (k) => roughnessAt(higher.top, grid.nx, grid.ny, k));
  let planar = 0;
  let roughKnown = 0;
  for (const v of rough) {
    if (Number.isNaN(v)) continue;
    roughKnown++;
    if (v < PLANAR_ROUGHNESS) planar++;
  }
  const maxChange =
    c.sign *
    quantile(
      Float32Array.from(diffs, (v) => v * c.sign),
      0.95,
    );
  const areaM2 = cover * cellArea;
  return {
    sign: c.sign,
    cells: all,
    weights,
    areaM2,
    volumeM3: volume,
    meanChange,
    maxChange,
    groundZ,
    beforeTop,
    afterTop,
    beforeHeight: Math.max(0, beforeTop - groundZ),
    afterHeight: Math.max(0, afterTop - groundZ),
    coverage: c.cells.length / Math.max(1, all.length),
    supportShare: support / Math.max(1, c.cells.length),
    pointsBefore,
    pointsAfter,
    greenness: median(pick(higher.greenness)),
    orthoGreenness: higher.orthoGreenness ? median(pick(higher.orthoGreenness)) : NaN,
    greennessFromOrtho: higher.greennessFromOrtho ? 2 * count(c.cells, higher.greennessFromOrtho) > c.cells.length : false,
    roughness: roughKnown >= 3 ? median(rough) : NaN,
    planarShare: roughKnown >= 3 ? planar / roughKnown : NaN,
    spread: median(pick(higher.spread)),
    vegetationClassShare: median(pick(higher.vegetationShare)),
    fillRatio: Math.abs(volume) / Math.max(1e-9, areaM2 * Math.abs(maxChange)),
    coreCells: interior.length,
    curvedShare: curvedShare(c.cells, higher.mean, grid),
  };
}

function count(cells: Int32Array, mask: Uint8Array): number {
  let n = 0;
  for (const k of cells) n += mask[k];
  return n;
}

/** Height change over three cells' distance that counts as curvature, metres. */
const CURVATURE = 0.2;

/**
 * Second differences of the mean surface over ±3 cells along x and y. A plane gives none; a
 * ridge or an eave curves in one direction only; a crown curves in both.
 */
function curvedShare(cells: Int32Array, surface: Float32Array, grid: Grid): number {
  const set = new Set<number>(cells);
  const dx = 3;
  const dy = 3 * grid.nx;
  let tested = 0;
  let curved = 0;
  for (const k of cells) {
    const x = k % grid.nx;
    if (x < 3 || x >= grid.nx - 3) continue;
    if (!set.has(k - dx) || !set.has(k + dx) || !set.has(k - dy) || !set.has(k + dy)) continue;
    const cx = surface[k - dx] + surface[k + dx] - 2 * surface[k];
    const cy = surface[k - dy] + surface[k + dy] - 2 * surface[k];
    if (Number.isNaN(cx) || Number.isNaN(cy)) continue;
    tested++;
    if (Math.min(Math.abs(cx), Math.abs(cy)) > CURVATURE) curved++;
  }
  return tested >= 8 ? curved / tested : NaN;
}

/** Cells whose eight neighbours are all in the set: what survives a one-cell erosion. */
function interiorCells(cells: Int32Array, grid: Grid): Int32Array {
  const set = new Set<number>(cells);
  const out: number[] = [];
  for (const k of cells) {
    const x = k % grid.nx;
    if (x === 0 || x === grid.nx - 1) continue;
    const up = k + grid.nx;
    const down = k - grid.nx;
    if (
      set.has(k - 1) &&
      set.has(k + 1) &&
      set.has(up) &&
      set.has(down) &&
      set.has(up - 1) &&
      set.has(up + 1) &&
      set.has(down - 1) &&
      set.has(down + 1)
    )
      out.push(k);
  }
  return Int32Array.from(out);
}
