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

/**
 * Bare-earth heights (DTM) from the lowest heights both epochs saw per coarse cell (NaN where
 * neither saw), with a progressive morphological filter (Zhang et al. 2003): openings of
 * growing windows remove objects up to the largest building; a cell stays ground while its
 * height stays within a slope-dependent band of the opened surface. Ground under buildings
 * present in both epochs is interpolated. Runs on the whole area at once: bare earth needs
 * context wider than any tile halo, and at 2 m the whole area is small.
 */
export function estimateGround(
  lows: Float32Array,
  cx: number,
  cy: number,
  cell: number,
  factor: number,
  options: GroundOptions = DEFAULT_GROUND,
): GroundModel {
  const gc = cell * factor;
  const measured = lows;
  let surface: Float32Array = fillNaN(lows, cx, cy);
  const nonGround = new Uint8Array(cx * cy);
  let prevWidth = 0;
  const dh0 = 0.3;
  const dhMax = 2.0;
  // Four work rasters, reused through every window (fresh pages cost more than the filtering).
  const tmp = new Float32Array(cx * cy);
  const eroded = new Float32Array(cx * cy);
  let opened: Float32Array = new Float32Array(cx * cy);
  for (let r = 1; ; r = r * 2) {
    const width = (2 * r + 1) * gc;
    squareFilter(surface, cx, cy, r, 'min', eroded, tmp);
    squareFilter(eroded, cx, cy, r, 'max', opened, tmp);
    const dh = Math.min(dh0 + options.slope * (width - prevWidth), dhMax);
    for (let i = 0; i < surface.length; i++) if (surface[i] - opened[i] > dh) nonGround[i] = 1;
    [surface, opened] = [opened, surface];
    prevWidth = width;
    if (width >= options.maxBuildingWidth || (2 * r + 1 >= cx && 2 * r + 1 >= cy)) break;
  }
  const ground = new Float32Array(cx * cy).fill(NaN);
  for (let i = 0; i < ground.length; i++) if (!nonGround[i] && !Number.isNaN(measured[i])) ground[i] = measured[i];
  return { values: fillNaN(ground, cx, cy), cx, cy, factor };
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
