/**
 * Vegetation evidence from an epoch's orthophoto, for surveys whose points carry no usable colour
 * (DSMs, uncoloured or black-coloured clouds): the excess-green index of each cell's mean colour,
 * read from the orthophoto window under a tile (never the whole image). It then fills the cells
 * where the points gave no greenness and feeds the vegetation vote exactly as point colour does.
 */
import type { Grid } from '../diff/grid';
import type { EpochSurface } from '../diff/surfaces';
import type { GeoRasterInfo } from '../io/geotiff/reader';
import { SourceError, type Bounds3, type CrsInfo } from '../io/types';
import { describeCrs } from '../geo/crs';

/** geotiff loads only when an orthophoto is read (detection workers import this module for every tile). */
const openRaster = async (file: string) => (await import('../io/geotiff/reader')).GeoTiffRaster.open(file);

/**
 * Excess green (2g − r − b)/(r + g + b) of each cell's mean orthophoto colour over `grid`, cells
 * in the grid's order (row 0 the southern); NaN where the orthophoto does not reach or is black.
 */
export async function orthoGreenness(file: string, grid: Grid, signal?: AbortSignal): Promise<Float32Array> {
  const raster = await openRaster(file);
  try {
    const { nx, ny, cell, x0, y0 } = grid;
    const box = { minX: x0, minY: y0, maxX: x0 + nx * cell, maxY: y0 + ny * cell };
    const out = new Float32Array(nx * ny).fill(NaN);
    const e = raster.info.extent;
    if (box.maxX <= e.minX || box.minX >= e.maxX || box.maxY <= e.minY || box.minY >= e.maxY) return out;
    // The window's pixels are area averages of the orthophoto under each cell (an overview when
    // the image is much finer than the cells), rows from the north.
    const w = await raster.readRgb(box, { width: nx, height: ny, signal });
    for (let row = 0; row < ny; row++) {
      const j = ny - 1 - row;
      const cy = y0 + (j + 0.5) * cell;
      if (cy < e.minY || cy > e.maxY) continue;
      for (let i = 0; i < nx; i++) {
        const cx = x0 + (i + 0.5) * cell;
        if (cx < e.minX || cx > e.maxX) continue;
        const o = 3 * (row * nx + i);
        const r = w.rgb[o];
        const g = w.rgb[o + 1];
        const b = w.rgb[o + 2];
        const sum = r + g + b;
        // A black pixel is an image's nodata, not a colour.
        if (sum >= 24) out[j * nx + i] = (2 * g - r - b) / sum;
      }
    }
    return out;
  } finally {
    await raster.close();
  }
}

/**
 * Gives the surface the orthophoto's greenness where its points had none (kept apart in
 * `orthoGreenness` for the evidence). Cells with point colour keep it: the points were measured
 * on the surface itself, the orthophoto only looks down on it.
 */
export function fillGreenness(surface: EpochSurface, ortho: Float32Array): void {
  const g = surface.greenness;
  const filled = new Uint8Array(g.length);
  for (let k = 0; k < g.length; k++) {
    if (Number.isNaN(g[k]) && !Number.isNaN(ortho[k])) {
      g[k] = ortho[k];
      filled[k] = 1;
    }
  }
  surface.orthoGreenness = ortho;
  surface.greennessFromOrtho = filled;
}

/**
 * Checks an epoch's orthophoto before the run: readable, georeferenced, in the epoch's CRS, and
 * covering the epoch. A CRS mismatch or an unreadable file is an error naming the fix; partial
 * cover is a warning (the uncovered part is judged without it).
 */
export async function checkOrthophoto(
  file: string,
  label: string,
  crs: CrsInfo | undefined,
  bounds: Bounds3,
  warnings: string[],
): Promise<GeoRasterInfo> {
  const raster = await openRaster(file);
  const info = raster.info;
  await raster.close();
  const own = info.crs?.epsg;
  if (own !== undefined && crs?.epsg !== undefined && own !== crs.epsg) {
    throw new SourceError(
      file,
      `the ${label} epoch's orthophoto is in ${describeCrs(info.crs)}, the epoch in ${describeCrs(crs)}: warp it to the epoch's CRS first (gdalwarp -t_srs EPSG:${crs.epsg})`,
    );
  }
  if (info.bands < 3)
    warnings.push(`the ${label} epoch's orthophoto ${file} has ${info.bands} band(s), no colour: it cannot tell vegetation`);
  const e = info.extent;
  const ix = Math.max(0, Math.min(bounds.maxX, e.maxX) - Math.max(bounds.minX, e.minX));
  const iy = Math.max(0, Math.min(bounds.maxY, e.maxY) - Math.max(bounds.minY, e.minY));
  const area = Math.max(1e-9, (bounds.maxX - bounds.minX) * (bounds.maxY - bounds.minY));
  const covered = (ix * iy) / area;
  if (covered === 0) {
    throw new SourceError(
      file,
      `the ${label} epoch's orthophoto covers x ${e.minX.toFixed(1)}–${e.maxX.toFixed(1)}, y ${e.minY.toFixed(1)}–${e.maxY.toFixed(1)}, nowhere near the epoch (x ${bounds.minX.toFixed(1)}–${bounds.maxX.toFixed(1)}, y ${bounds.minY.toFixed(1)}–${bounds.maxY.toFixed(1)}): give the orthophoto of this survey`,
    );
  }
  if (covered < 0.95) {
    warnings.push(
      `the ${label} epoch's orthophoto ${file} covers only ${Math.round(covered * 100)} % of the epoch: vegetation outside it is judged without it`,
    );
  }
  return info;
}
