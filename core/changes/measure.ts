import type { Grid } from '../diff/grid';
import { median, quantile } from '../diff/raster';
import { roughnessAt, type EpochSurface } from '../diff/surfaces';
import { unseenBorder, unseenContinuation } from './continuation';
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
  /** The spread of interior cells alone; NaN when the object has fewer than three. */
  spreadInside: number;
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
  /**
   * For an object too small for curvedShare: the larger curvature of the quadratic fitted to
   * its whole top, as a second difference over LATTICE metres (well below −0.2: a small dome, a
   * crown or a little hipped roof); NaN when curvedShare was measured or too few cells.
   */
  domeCurvature: number;
  /**
   * Area next to the object that the epoch it is low in did not see, where the other shows it
   * going on (core/changes/continuation.ts): it may be that much larger than measured, m².
   */
  unseenBeyondM2: number;
  /**
   * The gap next to the object that the epoch it stands in did not see (the other saw there),
   * m², and how much of it lies further from it than its own shadow could reach (half its
   * height, at least 3 m; core/changes/continuation.ts): a data hole it may extend into.
   */
  unseenBorder: { areaM2: number; beyondShadowM2: number };
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

/** Plane residual (m, at 0.5 m voxels; roughnessScale for others) below which a cell is planar. */
export const PLANAR_ROUGHNESS = 0.12;

/**
 * How much rougher a roof plane reads at this cell size than at 0.5 m: the plane is fitted over
 * 3 × 3 cells, and across a ridge its residual grows with the window (a 30° roof's ridge reads
 * 0.17–0.2 m at 1 m cells).
 */
export const roughnessScale = (cell: number): number => Math.max(1, cell / 0.5);

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
  const hidden = hiddenByWall(c, ctx, typical);
  volume += hidden.volume;
  cover += hidden.cover;
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
  // The top's change at its 95th percentile, but never below the mean: the mean comes from the
  // cells' mean heights, which on a flat roof can read a few centimetres more than its top, and
  // "up to 3.06 m, 3.09 m on average" reads as an error.
  const maxChange =
    c.sign *
    Math.max(
      quantile(
        Float32Array.from(diffs, (v) => v * c.sign),
        0.95,
      ),
      c.sign * meanChange,
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
    ...surfaceClues(c.cells, higher, grid, interior),
    fillRatio: Math.abs(volume) / Math.max(1e-9, areaM2 * Math.abs(maxChange)),
    unseenBorder: unseenBorder(all, c.sign, Math.max(3, 0.5 * (Math.max(beforeTop, afterTop) - groundZ)), grid, ctx),
    unseenBeyondM2: unseenContinuation(
      all,
      c.sign,
      Math.max(0, (c.sign > 0 ? beforeTop : afterTop) - groundZ) + 0.5 * Math.abs(typical),
      grid,
      ctx,
    ),
  };
}

/** Points a roof's interior scatters at most, metres: a tree's crown or a wall's cell scatters more. */
const ROOF_SPREAD = 0.3;
/** The four directions from a cell, as (dx, dy). */
const FOUR_WAYS: readonly (readonly [number, number])[] = [
  [1, 0],
  [-1, 0],
  [0, 1],
  [0, -1],
];

/**
 * The part of the object in cells along the wall of a building as tall, built against it (an
 * extension, a courtyard infill): there the building's roof stays the cell's top in both epochs,
 * so the top did not move and the cell is no candidate, but its mean moved by the share of the
 * cell the object covers. Counted in area and volume by that share, not in the footprint (its
 * top is the other building's). Without it extensions came out 8–10 % small on an independent
 * generator's 78 of them (half a cell along every wall they share); with it, 3–5 %.
 * Only against a roof: the next cell out must be one (same top in both epochs, points only
 * centimetres deep), not a crown whose mean moves with its leaves. The share is at most what
 * the building leaves of the cell, so a wall shifted by misregistration adds nothing.
 */
function hiddenByWall(c: Candidate, ctx: MeasureContext, typical: number): { volume: number; cover: number } {
  if (!(Math.abs(typical) > 0)) return { volume: 0, cover: 0 };
  const { grid, a, b, diff, ground } = ctx;
  const { nx, ny } = grid;
  const inside = new Set<number>(c.cells);
  for (const k of c.enclosedUnseen) inside.add(k);
  // The object's own top: a cell whose top stands as high in both epochs is another building's
  // (an extension may reach its host's eaves).
  const own = median(Float32Array.from(c.cells, (k) => (c.sign > 0 ? b.top[k] : a.top[k])));
  // The epoch the object is absent from shows how much of a wall cell the building fills.
  const absent = c.sign > 0 ? a : b;
  const roofAt = (q: number, beside: number) =>
    a.observed[q] === 1 &&
    b.observed[q] === 1 &&
    Math.abs(a.top[q] - a.top[beside]) < 0.5 &&
    Math.abs(b.top[q] - b.top[beside]) < 0.5 &&
    a.spread[q] < ROOF_SPREAD &&
    b.spread[q] < ROOF_SPREAD;
  const cellArea = grid.cell * grid.cell;
  const seen = new Set<number>();
  let volume = 0;
  let cover = 0;
  for (const k of c.cells) {
    const x = k % nx;
    const y = (k - x) / nx;
    for (const [dx, dy] of FOUR_WAYS) {
      const [bx, by] = [x + 2 * dx, y + 2 * dy];
      if (bx < 0 || by < 0 || bx >= nx || by >= ny) continue;
      const q = k + dy * nx + dx;
      if (inside.has(q) || seen.has(q)) continue;
      seen.add(q);
      if (a.observed[q] !== 1 || b.observed[q] !== 1 || Math.abs(diff[q]) >= ctx.threshold) continue;
      if (Math.min(a.top[q], b.top[q]) < own - ctx.threshold / 2 || !roofAt(by * nx + bx, q)) continue;
      const share = (b.mean[q] - a.mean[q]) / typical;
      // Below a sixth of the change: noise in the cell's mean.
      if (!(share >= 1 / 6)) continue;
      const building = (absent.mean[q] - ground[q]) / Math.max(1e-6, absent.top[q] - ground[q]);
      const w = Math.min(share, 1 - Math.min(1, Math.max(0, building)));
      volume += w * typical * cellArea;
      cover += w;
    }
  }
  return { volume, cover };
}

/** The clues one surface gives about what stands on `cells`: colour, shape and depth of points. */
export type SurfaceClues = Pick<
  Measurement,
  | 'greenness'
  | 'orthoGreenness'
  | 'greennessFromOrtho'
  | 'roughness'
  | 'planarShare'
  | 'spread'
  | 'spreadInside'
  | 'vegetationClassShare'
  | 'coreCells'
  | 'curvedShare'
  | 'domeCurvature'
>;

/**
 * Reads the clues of `surface` over `cells` (`interior`: those whose eight neighbours are in
 * too, when already known): the change's own top, or the object it stands on.
 */
export function surfaceClues(cells: Int32Array, surface: EpochSurface, grid: Grid, interior = interiorCells(cells, grid)): SurfaceClues {
  const pick = (r: Float32Array) => Float32Array.from(cells, (k) => r[k]);
  // Roughness is judged only where the whole 3×3 window lies inside the object: at its edges
  // the window straddles a wall and any object looks rough.
  const deep = interiorCells(interior, grid);
  const rough = Float32Array.from(deep, (k) => roughnessAt(surface.top, grid.nx, grid.ny, k));
  let planar = 0;
  let roughKnown = 0;
  for (const v of rough) {
    if (Number.isNaN(v)) continue;
    roughKnown++;
    if (v < PLANAR_ROUGHNESS * roughnessScale(grid.cell)) planar++;
  }
  const curved = curvedShare(cells, surface.top, grid);
  const spreadInside = interior.length >= 3 ? median(Float32Array.from(interior, (k) => surface.spread[k])) : NaN;
  return {
    greenness: median(pick(surface.greenness)),
    orthoGreenness: surface.orthoGreenness ? median(pick(surface.orthoGreenness)) : NaN,
    greennessFromOrtho: surface.greennessFromOrtho ? 2 * count(cells, surface.greennessFromOrtho) > cells.length : false,
    roughness: roughKnown >= 3 ? median(rough) : NaN,
    planarShare: roughKnown >= 3 ? planar / roughKnown : NaN,
    // Inside the footprint: an edge cell holds a wall's points too, which scatter like a canopy's.
    spread: interior.length >= 3 ? spreadInside : median(pick(surface.spread)),
    spreadInside,
    vegetationClassShare: median(pick(surface.vegetationShare)),
    coreCells: interior.length,
    curvedShare: curved,
    domeCurvature: Number.isNaN(curved) ? fittedCurvature(cells, surface.top, grid) : NaN,
  };
}

function count(cells: Int32Array, mask: Uint8Array): number {
  let n = 0;
  for (const k of cells) n += mask[k];
  return n;
}

/** Height change over LATTICE metres that counts as curvature, metres. */
const CURVATURE = 0.2;
/** Spacing of the lattice the curvature is read on, metres (three cells at 0.5 m). */
const LATTICE = 1.5;

/**
 * Share of the top that is a dome, bending down every way over ±LATTICE: the quadratic fitted
 * to the 3 × 3 lattice of top heights that far apart (Evans–Young) has both curvatures below
 * −CURVATURE. A ridge, in any direction, bends one way only (one curvature near zero), where
 * the old test along x and y alone took a ridge at 45° for a crown; the top surface, not the
 * mean, so a box's edge cells stand at its roof height. A hipped roof still reads as a dome
 * near its apex: the classification weighs this clue less on a planar top.
 */
function curvedShare(cells: Int32Array, surface: Float32Array, grid: Grid): number {
  const d = Math.max(1, Math.round(LATTICE / grid.cell));
  // At fine voxels, a cell closer for an object too small to hold enough lattices (a small crown).
  for (const spacing of d >= 3 ? [d, d - 1] : [d]) {
    const share = curvedShareAt(cells, surface, grid, spacing);
    if (!Number.isNaN(share)) return share;
  }
  return NaN;
}

function curvedShareAt(cells: Int32Array, surface: Float32Array, grid: Grid, d: number): number {
  const set = new Set<number>(cells);
  const row = d * grid.nx;
  // The same curvature at every spacing: second differences grow with its square.
  const limit = CURVATURE * ((d * grid.cell) / LATTICE) ** 2;
  let tested = 0;
  let curved = 0;
  const v = (q: number) => surface[q];
  for (const k of cells) {
    const x = k % grid.nx;
    if (x < d || x >= grid.nx - d) continue;
    const z1 = k + row - d, z2 = k + row, z3 = k + row + d; // prettier-ignore
    const z4 = k - d, z6 = k + d; // prettier-ignore
    const z7 = k - row - d, z8 = k - row, z9 = k - row + d; // prettier-ignore
    if (![z1, z2, z3, z4, z6, z7, z8, z9].every((q) => set.has(q))) continue;
    // Second differences averaged over the three rows (columns), and the cross term.
    const fxx = (v(z1) + v(z3) + v(z4) + v(z6) + v(z7) + v(z9) - 2 * (v(z2) + v(k) + v(z8))) / 3;
    const fyy = (v(z1) + v(z2) + v(z3) + v(z7) + v(z8) + v(z9) - 2 * (v(z4) + v(k) + v(z6))) / 3;
    const fxy = (v(z3) - v(z1) - v(z9) + v(z7)) / 4;
    if (Number.isNaN(fxx + fyy + fxy)) continue;
    tested++;
    // The larger of the two curvatures (eigenvalues): below −limit, both are.
    if ((fxx + fyy) / 2 + Math.hypot((fxx - fyy) / 2, fxy) < -limit) curved++;
  }
  return tested >= 8 ? curved / tested : NaN;
}

/**
 * The larger eigenvalue of the Hessian of z = a + bx + cy + dx² + exy + fy² fitted (least
 * squares) to the cells' heights, as a second difference over LATTICE metres.
 */
function fittedCurvature(cells: Int32Array, surface: Float32Array, grid: Grid): number {
  // Coordinates about the first cell keep the normal equations well scaled at any grid size.
  const x0 = cells[0] % grid.nx;
  const y0 = (cells[0] - x0) / grid.nx;
  const ata = new Float64Array(36);
  const atb = new Float64Array(6);
  const row = new Float64Array(6);
  let n = 0;
  for (const k of cells) {
    const z = surface[k];
    if (Number.isNaN(z)) continue;
    const x = (k % grid.nx) - x0;
    const y = (k - (k % grid.nx)) / grid.nx - y0;
    row.set([1, x, y, x * x, x * y, y * y]);
    for (let i = 0; i < 6; i++) {
      atb[i] += row[i] * z;
      for (let j = 0; j < 6; j++) ata[6 * i + j] += row[i] * row[j];
    }
    n++;
  }
  if (n < 12) return NaN;
  const p = solve6(ata, atb);
  if (!p) return NaN;
  const [fxx, fxy, fyy] = [2 * p[3], p[4], 2 * p[5]];
  return (LATTICE / grid.cell) ** 2 * ((fxx + fyy) / 2 + Math.hypot((fxx - fyy) / 2, fxy));
}

/** Solves the 6 × 6 system by Gaussian elimination with partial pivoting; null when singular. */
function solve6(a: Float64Array, b: Float64Array): number[] | null {
  const m = Array.from({ length: 6 }, (_, i) => [...a.subarray(6 * i, 6 * i + 6), b[i]]);
  for (let c = 0; c < 6; c++) {
    let pivot = c;
    for (let r = c + 1; r < 6; r++) if (Math.abs(m[r][c]) > Math.abs(m[pivot][c])) pivot = r;
    if (Math.abs(m[pivot][c]) < 1e-9) return null;
    [m[c], m[pivot]] = [m[pivot], m[c]];
    for (let r = 0; r < 6; r++) {
      if (r === c) continue;
      const f = m[r][c] / m[c][c];
      for (let k = c; k < 7; k++) m[r][k] -= f * m[c][k];
    }
  }
  return m.map((r, i) => r[6] / r[i]);
}

/** Cells whose eight neighbours are all in the set: what survives a one-cell erosion. */
export function interiorCells(cells: Int32Array, grid: Grid): Int32Array {
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
