// Orthophoto images for the review UI (core/view/view-images.ts through ProjectApi): the crops of a change and the
// downsampled ground image, decoded and checked against the orthophoto itself; missing orthophotos said so.
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ViewImage } from '../../core/api';
import { checkArgs } from '../../core/api-args';
import { GeoTiffRaster } from '../../core/io/geotiff/reader';
import { LocalProject } from '../../core/store/project';
import { cropBox } from '../../core/view/view-images';
import { makeLedgerProject } from '../helpers/ledger-project';

let dir: string;
let project: LocalProject;

beforeAll(async () => {
  const made = await makeLedgerProject({ size: 120, seed: 2 });
  dir = made.dir;
  project = LocalProject.open(made.path, 'test');
  await project.addEpoch({ label: 'e3-no-ortho', files: [join(dir, 'epoch-3.las')] });
  await project.detect('e1', 'e3-no-ortho');
}, 120_000);

afterAll(() => project?.close());

async function decode(image: ViewImage) {
  if (image.image === null) throw new Error(`no image: ${image.missing}`);
  const bytes = Buffer.from(image.image.replace(/^data:image\/jpeg;base64,/, ''), 'base64');
  const { data, info } = await sharp(bytes).raw().toBuffer({ resolveWithObject: true });
  return { data, width: info.width, height: info.height, channels: info.channels };
}

describe('change crops', () => {
  it('crops both orthophotos over the same square box around the change, which differs where it was built', async () => {
    const run = (await project.info()).runs[0];
    const added = (await project.listChanges({ runId: run.id })).items.find((c) => c.type === 'new_building')!;
    const crops = await project.getChangeCrops(added.key, { pixels: 200 });
    expect(crops.before.epoch).toBe('e1');
    expect(crops.after.epoch).toBe('e2');
    const box = cropBox(added.footprint);
    // 200 px asked, but never finer than the orthophoto's own 0.2 m pixels.
    const n = Math.min(200, Math.ceil((box.maxX - box.minX) / 0.2));
    expect(n).toBeLessThan(200);
    for (const side of [crops.before, crops.after]) {
      expect(side.image).toMatch(/^data:image\/jpeg;base64,/);
      expect(side).toMatchObject({ box, width: n, height: n });
    }
    const [b, a] = await Promise.all([decode(crops.before), decode(crops.after)]);
    expect([b.width, b.height]).toEqual([n, n]);
    // The footprint's centre in pixels: the orthophotos differ there (a new roof on bare ground) …
    const xs = added.footprint[0][0].map(([x]) => x);
    const ys = added.footprint[0][0].map(([, y]) => y);
    const px = Math.round((((Math.min(...xs) + Math.max(...xs)) / 2 - box.minX) / (box.maxX - box.minX)) * n);
    const py = Math.round(((box.maxY - (Math.min(...ys) + Math.max(...ys)) / 2) / (box.maxY - box.minY)) * n);
    const at = (img: typeof b, x: number, y: number) => [0, 1, 2].map((c) => img.data[(y * img.width + x) * img.channels + c]);
    const diff = (x: number, y: number) => at(b, x, y).reduce((s, v, c) => s + Math.abs(v - at(a, x, y)[c]), 0);
    expect(diff(px, py)).toBeGreaterThan(30);
    // … and match the orthophoto read directly at that spot.
    const raster = await GeoTiffRaster.open(join(dir, 'ortho-2.tif'));
    try {
      const direct = await raster.readRgb(box, { width: n, height: n });
      const i = (py * n + px) * 3;
      const want = [direct.rgb[i], direct.rgb[i + 1], direct.rgb[i + 2]];
      at(a, px, py).forEach((v, c) => expect(Math.abs(v - want[c])).toBeLessThan(20)); // JPEG
    } finally {
      await raster.close();
    }
  });

  it('says there is no orthophoto for an epoch without one', async () => {
    const run = (await project.info()).runs.find((r) => r.after.label === 'e3-no-ortho')!;
    const change = (await project.listChanges({ runId: run.id })).items[0];
    const crops = await project.getChangeCrops(change.key);
    expect(crops.before.image).toMatch(/^data:image\/jpeg/);
    expect(crops.after).toMatchObject({ image: null, missing: 'none', epoch: 'e3-no-ortho' });
  });
});

describe('the orthophoto as the ground', () => {
  it('downsamples the orthophoto over the project area to at most the pixels asked', async () => {
    const info = await project.info();
    const e2 = info.epochs.find((e) => e.label === 'e2')!;
    const image = await project.getOrthophotoImage(e2.id, { pixels: 256 });
    if (image.image === null) throw new Error(image.detail);
    expect(Math.max(image.width, image.height)).toBe(256);
    const decoded = await decode(image);
    expect([decoded.width, decoded.height]).toEqual([image.width, image.height]);
    const raster = await GeoTiffRaster.open(e2.orthophoto!);
    try {
      // The box is the project area clipped to the image.
      const e = raster.info.extent;
      expect(image.box.minX).toBeGreaterThanOrEqual(e.minX - 1e-6);
      expect(image.box.maxY).toBeLessThanOrEqual(e.maxY + 1e-6);
      const direct = await raster.readRgb(image.box, { width: image.width, height: image.height });
      let sum = 0;
      for (let i = 0; i < image.width * image.height; i++)
        for (let c = 0; c < 3; c++) sum += Math.abs(direct.rgb[i * 3 + c] - decoded.data[i * decoded.channels + c]);
      expect(sum / (image.width * image.height * 3)).toBeLessThan(6); // the same picture, up to JPEG
    } finally {
      await raster.close();
    }
    const none = info.epochs.find((e) => e.label === 'e3-no-ortho')!;
    expect(await project.getOrthophotoImage(none.id)).toMatchObject({ image: null, missing: 'none' });
    const far = await project.getOrthophotoImage(e2.id, { box: { minX: 0, minY: 0, maxX: 10, maxY: 10 } });
    expect(far).toMatchObject({ image: null, missing: 'outside' });
  });

  it('checks the arguments a page sends', () => {
    expect(checkArgs('getChangeCrops', [3, { pixels: 300 }])).toEqual([3, { pixels: 300 }]);
    expect(() => checkArgs('getChangeCrops', [3, { pixels: 5000 }])).toThrow(/from 16 to 1024/);
    expect(() => checkArgs('getOrthophotoImage', [1, { box: { minX: 5, minY: 0, maxX: 1, maxY: 1 } }])).toThrow(/min below max/);
    expect(() => checkArgs('getOrthophotoImage', [1, { path: '/etc/passwd' }])).toThrow(/unknown field "path"/);
  });
});
