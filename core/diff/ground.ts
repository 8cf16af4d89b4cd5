import { fillNaN, sampleBilinear, squareFilter } from './raster';

export interface GroundOptions {
  /** Largest building footprint width to see through, metres (the last opening window). */
  maxBuildingWidth: number;
  /** Terrain slope the filter tolerates (rise per metre). */
  slope: number;
}

export const DEFAULT_GROUND: GroundOptions = { maxBuildingWidth: 80, slope: 0.25 };

/** Bare earth on the coarse grid of the whole run (small: one value per 2 m cell by default). */
export interface GroundModel {
  values: Float32Array;
  cx: number;
  cy: number;
  /** Grid cells per coarse cell along each axis. */
  factor: number;
}

/** One opening of the progressive filter: its radius (coarse cells) and the height band that stays ground. */
export interface Opening {
  r: number;
  dh: number;
}

/**
 * The openings of the progressive morphological filter (Zhang et al. 2003) on a coarse grid of
 * cx × cy cells of `gc` metres: windows doubling until the largest building fits (or the window
 * covers the whole grid), each with a slope-dependent band above the opened surface.
 */
export function groundOpenings(cx: number, cy: number, gc: number, options: GroundOptions = DEFAULT_GROUND): Opening[] {
  const dh0 = 0.3;
  const dhMax = 2.0;
  const openings: Opening[] = [];
  let prevWidth = 0;
  for (let r = 1; ; r = r * 2) {
    const width = (2 * r + 1) * gc;
    openings.push({ r, dh: Math.min(dh0 + options.slope * (width - prevWidth), dhMax) });
    prevWidth = width;
    if (width >= options.maxBuildingWidth || (2 * r + 1 >= cx && 2 * r + 1 >= cy)) break;
  }
  return openings;
}

/**
 * Rows of context a band of the grid needs for its flags to be those of the whole grid: an
 * opening (a minimum, then a maximum, over 2r + 1 cells) reads 2r rows either side, and each
 * opening works on the one before.
 */
export function openingsReach(openings: Opening[]): number {
  return openings.reduce((n, o) => n + 2 * o.r, 0);
}

/**
 * Flags the cells of rows [y0, y1) of `surface` (cx × cy, holes already filled) that the
 * openings remove, into `out` (one byte a cell of those rows, 1 = not ground). Reads only the
 * rows within `openingsReach` of the band, so bands of one grid can run on different threads
 * and give exactly the flags of the whole grid at once.
 */
export function nonGroundRows(
  surface: Float32Array,
  cx: number,
  cy: number,
  y0: number,
  y1: number,
  openings: Opening[],
  out: Uint8Array,
): void {
  const reach = openingsReach(openings);
  const [from, to] = [Math.max(0, y0 - reach), Math.min(cy, y1 + reach)];
  const n = cx * (to - from);
  let current = surface.slice(from * cx, to * cx);
  const nonGround = new Uint8Array(n);
  // Three work rasters, reused through every opening (fresh pages cost more than the filtering).
  const tmp = new Float32Array(n);
  const eroded = new Float32Array(n);
  let opened = new Float32Array(n);
  const rows = to - from;
  for (const { r, dh } of openings) {
    squareFilter(current, cx, rows, r, 'min', eroded, tmp);
    squareFilter(eroded, cx, rows, r, 'max', opened, tmp);
    for (let i = 0; i < n; i++) if (current[i] - opened[i] > dh) nonGround[i] = 1;
    [current, opened] = [opened, current];
  }
  out.set(nonGround.subarray((y0 - from) * cx, (y1 - from) * cx));
}

/** Bare earth from the measured lowest heights where the filter left ground, holes interpolated. */
export function groundFromFlags(measured: Float32Array, nonGround: Uint8Array, cx: number, cy: number, factor: number): GroundModel {
  const ground = new Float32Array(cx * cy).fill(NaN);
  for (let i = 0; i < ground.length; i++) if (!nonGround[i] && !Number.isNaN(measured[i])) ground[i] = measured[i];
  return { values: fillNaN(ground, cx, cy), cx, cy, factor };
}

/**
 * Bare-earth heights (DTM) from the lowest heights both epochs saw per coarse cell (NaN where
 * neither saw), with a progressive morphological filter (Zhang et al. 2003): openings of
 * growing windows remove objects up to the largest building; a cell stays ground while its
 * height stays within a slope-dependent band of the opened surface. Ground under buildings
 * present in both epochs is interpolated. Works on the whole area at once: bare earth needs
 * context wider than any tile halo, and at 2 m the whole area is small. (A run splits the
 * openings into bands of rows over its workers: tiles/ground-job.ts.)
 */
export function estimateGround(
  lows: Float32Array,
  cx: number,
  cy: number,
  cell: number,
  factor: number,
  options: GroundOptions = DEFAULT_GROUND,
): GroundModel {
  const nonGround = new Uint8Array(cx * cy);
  nonGroundRows(fillNaN(lows, cx, cy), cx, cy, 0, cy, groundOpenings(cx, cy, cell * factor, options), nonGround);
  return groundFromFlags(lows, nonGround, cx, cy, factor);
}

/** The ground model resampled (bilinearly) to the cells of a window at column x0, row y0 of the grid. */
export function sampleGround(
  m: GroundModel,
  x0: number,
  y0: number,
  nx: number,
  ny: number,
  out: Float32Array = new Float32Array(nx * ny),
): Float32Array {
  const { values, cx, cy, factor } = m;
  for (let y = 0; y < ny; y++) {
    for (let x = 0; x < nx; x++) {
      out[y * nx + x] = sampleBilinear(values, cx, cy, (x0 + x + 0.5) / factor - 0.5, (y0 + y + 0.5) / factor - 0.5);
    }
  }
  return out;
}
