/**
 * Orthophoto images for the review UI: the before / after crops of a change (the detail panel) and an epoch's
 * orthophoto downsampled over the project area (the ground under the clouds). Both read GeoTIFF windows (geotiff.js,
 * the coarsest overview that is fine enough, only the tiles under the window) and encode a small JPEG with sharp.
 */
import type { ChangeCrops, ViewImage } from '../api';
import type { PolygonCoords } from '../changes/types';
import type { WorldBox } from '../io/geotiff/reader';
import type { CrsInfo } from '../io/types';
import { EpochOrthophoto } from '../report/orthophotos';
import { encodeJpeg } from '../report/raster';

export const DEFAULT_CROP_PIXELS = 320;
export const MAX_CROP_PIXELS = 1024;
export const DEFAULT_GROUND_PIXELS = 2048;
export const MAX_GROUND_PIXELS = 4096;

const dataUrl = (jpeg: Buffer) => `data:image/jpeg;base64,${jpeg.toString('base64')}`;

/** A square box around a footprint with some context on every side (at least 12 m, or 40 % of its size). */
export function cropBox(footprint: PolygonCoords[]): WorldBox {
  const xs = footprint.flatMap((p) => p[0].map(([x]) => x));
  const ys = footprint.flatMap((p) => p[0].map(([, y]) => y));
  const [minX, maxX, minY, maxY] = [Math.min(...xs), Math.max(...xs), Math.min(...ys), Math.max(...ys)];
  const size = Math.max(maxX - minX, maxY - minY);
  const half = size / 2 + Math.max(12, size * 0.4);
  const [cx, cy] = [(minX + maxX) / 2, (minY + maxY) / 2];
  return { minX: cx - half, minY: cy - half, maxX: cx + half, maxY: cy + half };
}

async function cropOf(file: string | null, crs: CrsInfo | null, box: WorldBox, pixels: number): Promise<ViewImage> {
  const ortho = await EpochOrthophoto.open(file, crs);
  try {
    const crop = await ortho.crop(box, pixels, 78);
    if ('jpeg' in crop) {
      const side = Math.max(16, Math.min(pixels, Math.ceil((box.maxX - box.minX) / ortho.raster!.info.pixelWidth)));
      return { image: dataUrl(crop.jpeg), box, width: side, height: side };
    }
    return { image: null, missing: crop.missing, detail: crop.detail };
  } finally {
    await ortho.close();
  }
}

export interface EpochImageSource {
  label: string;
  orthophoto: string | null;
}

/** The before and after crops of one change, over the same square box. */
export async function changeCrops(
  key: number,
  footprint: PolygonCoords[],
  before: EpochImageSource,
  after: EpochImageSource,
  crs: CrsInfo | null,
  pixels = DEFAULT_CROP_PIXELS,
): Promise<ChangeCrops> {
  const box = cropBox(footprint);
  const side = Math.round(Math.min(MAX_CROP_PIXELS, Math.max(32, pixels)));
  const [b, a] = await Promise.all([cropOf(before.orthophoto, crs, box, side), cropOf(after.orthophoto, crs, box, side)]);
  return { key, before: { ...b, epoch: before.label }, after: { ...a, epoch: after.label } };
}

/**
 * The orthophoto over `box`, at most `pixels` on the longer side and never finer than the image itself. The box is
 * clipped to the image so no border of fill colour is stretched over the ground; a box outside the image says so.
 */
export async function orthophotoImage(
  file: string | null,
  crs: CrsInfo | null,
  box: WorldBox,
  pixels = DEFAULT_GROUND_PIXELS,
): Promise<ViewImage> {
  const ortho = await EpochOrthophoto.open(file, crs);
  try {
    const raster = ortho.raster;
    if (!raster) return { image: null, missing: ortho.problem!.kind, detail: ortho.problem!.detail };
    const e = raster.info.extent;
    const clipped = {
      minX: Math.max(box.minX, e.minX),
      minY: Math.max(box.minY, e.minY),
      maxX: Math.min(box.maxX, e.maxX),
      maxY: Math.min(box.maxY, e.maxY),
    };
    if (clipped.maxX <= clipped.minX || clipped.maxY <= clipped.minY)
      return { image: null, missing: 'outside', detail: `${raster.info.file}: the orthophoto does not cover the project area` };
    const [w, h] = [clipped.maxX - clipped.minX, clipped.maxY - clipped.minY];
    const limit = Math.min(Math.max(16, Math.round(pixels)), MAX_GROUND_PIXELS);
    const scale = Math.min(limit / Math.max(w, h), 1 / raster.info.pixelWidth);
    const width = Math.max(1, Math.round(w * scale));
    const height = Math.max(1, Math.round(h * scale));
    const window = await raster.readRgb(clipped, { width, height });
    return { image: dataUrl(await encodeJpeg(window, 80)), box: clipped, width, height };
  } finally {
    await ortho.close();
  }
}
