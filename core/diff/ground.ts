import type { Grid } from './grid';
import { fillNaN, sampleBilinear, squareFilter } from './raster';

export interface GroundOptions {
  /** Largest building footprint width to see through, metres (the last opening window). */
  maxBuildingWidth: number;
  /** Terrain slope the filter tolerates (rise per metre). */
  slope: number;
}

export const DEFAULT_GROUND: GroundOptions = { maxBuildingWidth: 80, slope: 0.25 };

/**
 * Bare-earth heights (DTM) from the lowest surfaces both epochs saw, with a progressive
 * morphological filter (Zhang et al. 2003): openings of growing windows remove objects up to
 * the largest building; a cell stays ground while its height stays within a slope-dependent
 * band of the opened surface. Ground under buildings present in both epochs is interpolated.
 */
export function estimateGround(grid: Grid, lows: Float32Array[], options: GroundOptions = DEFAULT_GROUND): Float32Array {
  // Bare earth is smooth: a 2 m grid is plenty, and a quarter of the work of a 1 m one.
  const factor = Math.max(1, Math.round(2 / grid.cell));
  const gc = grid.cell * factor;
  const cx = Math.ceil(grid.nx / factor);
  const cy = Math.ceil(grid.ny / factor);
  const coarse = new Float32Array(cx * cy).fill(NaN);
  for (let y = 0; y < grid.ny; y++) {
    for (let x = 0; x < grid.nx; x++) {
      const k = y * grid.nx + x;
      const c = Math.floor(y / factor) * cx + Math.floor(x / factor);
      for (const low of lows) {
        const v = low[k];
        if (!Number.isNaN(v) && !(coarse[c] <= v)) coarse[c] = v;
      }
    }
  }
  const measured = coarse.slice();
  let surface: Float32Array = fillNaN(coarse, cx, cy);
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
  const dtmCoarse = fillNaN(ground, cx, cy);
  const dtm = new Float32Array(grid.nx * grid.ny);
  for (let y = 0; y < grid.ny; y++) {
    for (let x = 0; x < grid.nx; x++) {
      dtm[y * grid.nx + x] = sampleBilinear(dtmCoarse, cx, cy, (x + 0.5) / factor - 0.5, (y + 0.5) / factor - 0.5);
    }
  }
  return dtm;
}
