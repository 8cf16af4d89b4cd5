/** The rasters of one change section, prepared ahead of drawing (sharp encodes off the main thread). */
import type { WorldBox } from '../io/geotiff/reader';
import type { RenderContext } from './context';
import { clampedEnds, heightChangeImage, heightChangeRange } from './heightmap';
import { hillshade } from './hillshade';
import type { ReportChange } from './model';
import type { Crop } from './orthophotos';
import { encodeJpeg, encodePng, fitSnapshot } from './raster';

/** Orthophoto crops: ~175 dpi over a 163 pt panel. */
export const CROP_PIXELS = 400;
const CROP_QUALITY = 70;
/** The oblique view: rendered at 1.5× and shrunk, shown at 250 × 188 pt. */
export const VIEW_WIDTH = 640;
export const VIEW_HEIGHT = 480;

/** An orthophoto crop, or (no usable orthophoto for the epoch) a hillshade of its surface and why. */
export type EpochImage = Crop | { hillshade: Buffer; why: 'none' | 'unreadable' };

export interface ChangeImages {
  /** The square world box all three map panels show. */
  box: WorldBox;
  /** The patch's own extent (the height map covers it). */
  patchBox: WorldBox;
  before: EpochImage;
  after: EpochImage;
  heightMap: Buffer;
  /** The ramp runs −range … +range metres; cells beyond an end are drawn at it. */
  range: number;
  clamped: { below: boolean; above: boolean };
  view: { jpeg: Buffer; width: number; height: number; snapshot: boolean };
}

export async function prepareChangeImages(ctx: RenderContext, change: ReportChange): Promise<ChangeImages> {
  const patch = ctx.input.views.changes[change.id];
  if (!patch) throw new Error(`the report input has no height window for change ${change.id}`);
  const patchBox: WorldBox = {
    minX: patch.x0,
    minY: patch.y0,
    maxX: patch.x0 + patch.width * patch.cell,
    maxY: patch.y0 + patch.height * patch.cell,
  };
  const side = Math.max(patchBox.maxX - patchBox.minX, patchBox.maxY - patchBox.minY);
  const box: WorldBox = { minX: patchBox.minX, minY: patchBox.maxY - side, maxX: patchBox.minX + side, maxY: patchBox.maxY };

  // Without an orthophoto for an epoch, that epoch's surface is shown as a hillshade.
  const crop = async (which: 'before' | 'after'): Promise<EpochImage> => {
    const ortho = ctx.ortho[which];
    if (!ortho.available) return { hillshade: await encodeJpeg(hillshade(patch, which), 82), why: ortho.problem!.kind };
    return ortho.crop(box, CROP_PIXELS, CROP_QUALITY, ctx.signal);
  };
  const range = heightChangeRange(change.height_change_max_m);
  // Cells count as changed past the run's own threshold (as detection counted them).
  const minHeight = ctx.input.run.parameters.minHeight;
  const threshold = typeof minHeight === 'number' && minHeight > 0 ? minHeight : undefined;
  // Whole pixels per cell (crisp squares), about 300 across: 130 dpi, and the cells are 0.5 m.
  const heightMap = encodePng(heightChangeImage(patch, range, Math.max(1, Math.round(300 / Math.max(patch.width, patch.height)))));
  const view = change.snapshot
    ? fitSnapshot(change.snapshot, VIEW_WIDTH).then((s) => ({ ...s, snapshot: true }))
    : ctx.oblique
        .renderJpeg(
          patch,
          change.footprint,
          {
            width: Math.round(VIEW_WIDTH * 1.5),
            height: Math.round(VIEW_HEIGHT * 1.5),
            threshold,
            heightChange: change.height_change_max_m,
          },
          { width: VIEW_WIDTH, height: VIEW_HEIGHT, quality: 78 },
        )
        .then((jpeg) => ({ jpeg, width: VIEW_WIDTH, height: VIEW_HEIGHT, snapshot: false }));
  const [before, after, map, v] = await Promise.all([crop('before'), crop('after'), heightMap, view]);
  return { box, patchBox, before, after, heightMap: map, range, clamped: clampedEnds(patch, range), view: v };
}
