/**
 * The epochs' orthophotos as the report uses them: opened once, cropped per change. A missing,
 * unreadable or misplaced orthophoto never fails the report: the crop says why it is absent.
 */
import { GeoTiffRaster, type WorldBox } from '../io/geotiff/reader';
import { SourceError, type CrsInfo } from '../io/types';
import { encodeJpeg } from './raster';

/** A crop, with the share of it the orthophoto covers (the rest is filled), or why there is none. */
export type Crop = { jpeg: Buffer; covered: number } | { missing: 'none' | 'outside' | 'unreadable'; detail: string };

export class EpochOrthophoto {
  private constructor(
    readonly raster: GeoTiffRaster | null,
    /** Why there is no raster: no orthophoto given, or it could not be used. */
    readonly problem: { kind: 'none' | 'unreadable'; detail: string } | null,
  ) {}

  /** Opens the epoch's orthophoto; checks it is in the project's CRS when both are known. */
  static async open(file: string | null, projectCrs: CrsInfo | null): Promise<EpochOrthophoto> {
    if (!file) return new EpochOrthophoto(null, { kind: 'none', detail: '' });
    try {
      const raster = await GeoTiffRaster.open(file);
      const own = raster.info.crs?.epsg;
      if (own !== undefined && projectCrs?.epsg !== undefined && own !== projectCrs.epsg) {
        await raster.close();
        return new EpochOrthophoto(null, { kind: 'unreadable', detail: `${file}: in EPSG:${own}, the project in EPSG:${projectCrs.epsg}` });
      }
      return new EpochOrthophoto(raster, null);
    } catch (e) {
      return new EpochOrthophoto(null, { kind: 'unreadable', detail: e instanceof Error ? e.message : String(e) });
    }
  }

  get available(): boolean {
    return this.raster !== null;
  }

  /** A JPEG of the square `box`, at most `pixels` across (never finer than the orthophoto), or why there is none. */
  async crop(box: WorldBox, pixels: number, quality: number, signal?: AbortSignal): Promise<Crop> {
    if (!this.raster) return { missing: this.problem!.kind, detail: this.problem!.detail };
    const native = Math.ceil((box.maxX - box.minX) / this.raster.info.pixelWidth);
    const side = Math.max(16, Math.min(pixels, native));
    try {
      const w = await this.raster.readRgb(box, { width: side, height: side, signal });
      return { jpeg: await encodeJpeg(w, quality), covered: w.covered };
    } catch (e) {
      if (signal?.aborted) throw e;
      if (e instanceof SourceError && /outside the image/.test(e.problem)) return { missing: 'outside', detail: e.message };
      return { missing: 'unreadable', detail: e instanceof Error ? e.message : String(e) };
    }
  }

  async close(): Promise<void> {
    await this.raster?.close();
  }
}
