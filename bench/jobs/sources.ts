import { detectPointFormat, surfaceOptions } from '../../core/io/formats';
import { CROP_PIXELS } from '../../core/report/change-images';
import { EpochOrthophoto } from '../../core/report/orthophotos';
import { timeJob } from '../measure';
import type { Timing } from '../types';

/**
 * `crops` change crops from one orthophoto, through the report's own crop code (EpochOrthophoto:
 * geotiff.js windows, sharp JPEG), at the report's size and quality, two at a time as a change page
 * asks for its before and after. Boxes of 20–60 m anywhere in the image, from a fixed seed. One cold
 * run, as a report waits for it; `points` in the timing are crops.
 */
export async function orthoCropsJob(file: string, crops: number): Promise<Timing & { bytes: number; missing: number }> {
  let bytes = 0;
  let missing = 0;
  const timing = await timeJob(
    async () => {
      const ortho = await EpochOrthophoto.open(file, null);
      if (!ortho.available) throw new Error(`${file}: ${ortho.problem?.detail}`);
      const info = ortho.raster!.info;
      let seed = 12345;
      const next = () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32;
      const box = () => {
        const side = 20 + 40 * next();
        const x = info.extent.minX + next() * (info.extent.maxX - info.extent.minX - side);
        const y = info.extent.minY + next() * (info.extent.maxY - info.extent.minY - side);
        return { minX: x, minY: y, maxX: x + side, maxY: y + side };
      };
      for (let i = 0; i < crops; i += 2) {
        const pair = await Promise.all([box(), box()].slice(0, Math.min(2, crops - i)).map((b) => ortho.crop(b, CROP_PIXELS, 70)));
        for (const c of pair) {
          if ('jpeg' in c) bytes += c.jpeg.length;
          else missing++;
        }
      }
      await ortho.close();
      return crops;
    },
    { repeats: 1, warmup: false },
  );
  return { ...timing, bytes, missing };
}

/** A tileset sampled to points as detection reads it (0.5 m voxels), tile by tile; `points` are samples. */
export async function tilesSampleJob(tileset: string, triangles: number): Promise<Timing & { triangles: number }> {
  const timing = await timeJob(
    async () => {
      const format = await detectPointFormat(tileset);
      const { sampleSpacing } = surfaceOptions({ x0: 0, y0: 0, cell: 0.5, nx: 1, ny: 1 });
      let n = 0;
      for await (const chunk of format.parseInBatches(tileset, { sampleSpacing })) n += chunk.count;
      return n;
    },
    { repeats: 1, warmup: false },
  );
  return { ...timing, triangles };
}
