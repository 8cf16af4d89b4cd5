/** The GeoTIFF window reader against images whose every pixel is known (written by our writer). */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fromFile } from 'geotiff';
import { describe, expect, it } from 'vitest';
import { GeoTiffRaster } from '../../core/io/geotiff/reader';
import { encodeGeoTiffRgb, writeGeoTiffRgb } from '../../core/io/geotiff/writer';
import { SourceError } from '../../core/io/types';
import { SHARED_DATA } from '../helpers/data';

const dir = mkdtempSync(join(tmpdir(), 'voxwatch-geotiff-'));

/** A 700 × 500 image at 0.2 m whose red encodes the column, green the row and blue a checker. */
function testImage(): { width: number; height: number; rgb: Uint8Array } {
  const width = 700;
  const height = 500;
  const rgb = new Uint8Array(width * height * 3);
  for (let r = 0; r < height; r++)
    for (let c = 0; c < width; c++) {
      const o = 3 * (r * width + c);
      rgb[o] = c % 256;
      rgb[o + 1] = r % 256;
      rgb[o + 2] = (Math.floor(c / 50) + Math.floor(r / 50)) % 2 ? 200 : 20;
    }
  return { width, height, rgb };
}

const ORIGIN = { originX: 513200, originY: 2494600, pixelSize: 0.2, epsg: 4547 };

async function writeTestImage(name: string, tileSize = 256): Promise<string> {
  const path = join(dir, name);
  await writeGeoTiffRgb(path, { ...testImage(), ...ORIGIN, tileSize });
  return path;
}

describe('GeoTiffRaster', () => {
  it('reads the georeferencing and the CRS from the GeoKeys', async () => {
    const r = await GeoTiffRaster.open(await writeTestImage('info.tif'));
    try {
      expect(r.info).toMatchObject({ width: 700, height: 500, bands: 3, bitsPerSample: 8, originX: 513200, originY: 2494600 });
      expect(r.info.pixelWidth).toBeCloseTo(0.2, 9);
      expect(r.info.extent).toEqual({ minX: 513200, maxX: 513340, minY: 2494500, maxY: 2494600 });
      expect(r.info.crs?.epsg).toBe(4547);
      expect(r.info.crs?.name).toMatch(/CGCS2000/);
    } finally {
      await r.close();
    }
  });

  it('returns exactly the pixels of a window at native resolution, across tile edges', async () => {
    const r = await GeoTiffRaster.open(await writeTestImage('window.tif', 64));
    try {
      // Columns 250–349 and rows 100–179: world x 513250–513270, y 2494564–2494580.
      const w = await r.readRgb({ minX: 513250, maxX: 513270, minY: 2494564, maxY: 2494580 }, { width: 100, height: 80 });
      expect(w.covered).toBe(1);
      for (const [ox, oy] of [
        [0, 0],
        [99, 79],
        [13, 57],
        [64, 30],
      ]) {
        const o = 3 * (oy * 100 + ox);
        expect([w.rgb[o], w.rgb[o + 1]], `pixel ${ox},${oy}`).toEqual([(250 + ox) % 256, (100 + oy) % 256]);
      }
    } finally {
      await r.close();
    }
  });

  it('scales 16-bit orthophotos by the bits their values use: 12-bit data is not nearly black', async () => {
    const { width, height, rgb } = testImage();
    for (const [bits, factor] of [
      [12, 16],
      [16, 257],
    ]) {
      const path = join(dir, `ortho-${bits}.tif`);
      await writeGeoTiffRgb(path, { width, height, rgb: Uint16Array.from(rgb, (v) => v * factor), ...ORIGIN, tileSize: 64 });
      const r = await GeoTiffRaster.open(path);
      try {
        expect(r.info).toMatchObject({ bitsPerSample: 16, valueBits: bits });
        const w = await r.readRgb({ minX: 513250, maxX: 513270, minY: 2494564, maxY: 2494580 }, { width: 100, height: 80 });
        for (const [ox, oy] of [
          [0, 0],
          [99, 79],
          [5, 0],
        ]) {
          const o = 3 * (oy * 100 + ox);
          const at = 3 * ((100 + oy) * width + 250 + ox);
          expect([...w.rgb.subarray(o, o + 3)], `${bits} bits, pixel ${ox},${oy}`).toEqual([...rgb.subarray(at, at + 3)]);
        }
      } finally {
        await r.close();
      }
    }
  });

  it('averages when shrinking: a 2:1 window of the checker keeps its squares', async () => {
    const r = await GeoTiffRaster.open(await writeTestImage('shrink.tif'));
    try {
      const w = await r.readRgb(r.info.extent, { width: 350, height: 250 });
      // Square (0,0) is dark, (1,0) is light; each square is 25 output pixels wide now.
      expect(w.rgb[3 * (10 * 350 + 10) + 2]).toBe(20);
      expect(w.rgb[3 * (10 * 350 + 35) + 2]).toBe(200);
      // Red at output column 100 averages source columns 200 and 201.
      expect(w.rgb[3 * (5 * 350 + 100)]).toBe(201);
    } finally {
      await r.close();
    }
  });

  it('interpolates bilinearly when enlarging', async () => {
    const r = await GeoTiffRaster.open(await writeTestImage('enlarge.tif'));
    try {
      // Columns 100–109, rows 50–59 at twice their size: output column k samples source column 99.75 + k / 2.
      const w = await r.readRgb({ minX: 513220, maxX: 513222, minY: 2494588, maxY: 2494590 }, { width: 20, height: 20 });
      const red = (ox: number) => w.rgb[3 * (10 * 20 + ox)];
      expect([red(4), red(5), red(6), red(7)]).toEqual([102, 102, 103, 103]); // 101.75, 102.25, 102.75, 103.25
      expect(w.rgb[3 * (5 * 20 + 3) + 1]).toBe(52); // row 52.25
    } finally {
      await r.close();
    }
  });

  it('fills the part of a window outside the image and reports the share covered', async () => {
    const r = await GeoTiffRaster.open(await writeTestImage('partial.tif'));
    try {
      const w = await r.readRgb({ minX: 513190, maxX: 513210, minY: 2494590, maxY: 2494610 }, { width: 40, height: 40, fill: 7 });
      expect(w.covered).toBeCloseTo(0.25, 6);
      expect(Array.from(w.rgb.subarray(0, 3))).toEqual([7, 7, 7]); // north-west corner: outside
      const o = 3 * (39 * 40 + 39); // south-east corner: inside, near column 49, row 49
      expect(w.rgb[o + 2]).toBe(20);
    } finally {
      await r.close();
    }
  });

  it('says so when a window lies wholly outside the image', async () => {
    const path = await writeTestImage('outside.tif');
    const r = await GeoTiffRaster.open(path);
    try {
      const read = r.readRgb({ minX: 0, maxX: 10, minY: 0, maxY: 10 }, { width: 10, height: 10 });
      await expect(read).rejects.toBeInstanceOf(SourceError);
      await expect(read).rejects.toThrow(
        `${path}: the window x 0.0–10.0, y 0.0–10.0 lies outside the image, which covers x 513200.0–513340.0`,
      );
    } finally {
      await r.close();
    }
  });

  it('refuses a TIFF without georeferencing, a non-TIFF and a missing file, naming the file', async () => {
    // Our writer's bytes with the three GeoTIFF tags renamed to private tags nobody reads.
    const bytes = encodeGeoTiffRgb({ ...testImage(), ...ORIGIN });
    const count = bytes.readUInt16LE(8);
    for (let i = 0; i < count; i++) {
      const at = 10 + 12 * i;
      const tag = bytes.readUInt16LE(at);
      if (tag === 33550 || tag === 33922 || tag === 34735) bytes.writeUInt16LE(65000 + i, at);
    }
    const plain = join(dir, 'plain.tif');
    writeFileSync(plain, bytes);
    await expect(GeoTiffRaster.open(plain)).rejects.toThrow(`${plain}: has no georeferencing`);
    const text = join(dir, 'notes.tif');
    writeFileSync(text, 'not an image');
    await expect(GeoTiffRaster.open(text)).rejects.toThrow(`${text}: is not a readable TIFF file`);
    await expect(GeoTiffRaster.open(join(dir, 'missing.tif'))).rejects.toThrow('missing.tif: does not exist or cannot be read');
  });
});

describe('GeoTiffRaster on real files', () => {
  const cases = [
    { file: 'red-rocks-uav-photogrammetry/Ortho-DroneMapper_center100.tif', epsg: 32613, bands: 4 },
    { file: 'geotiff-samples/UTM2GTIF.tiff', epsg: 26716, bands: 1 },
    { file: 'geotiff-samples/rgbsmall.tif', epsg: 4326, bands: 3 },
  ];
  it.each(cases)('$file: native-resolution windows match geotiff.js pixel for pixel', async ({ file, epsg, bands }) => {
    const path = join(SHARED_DATA, file);
    const r = await GeoTiffRaster.open(path);
    try {
      expect(r.info.crs?.epsg).toBe(epsg);
      expect(r.info.bands).toBe(bands);
      // The middle half of the image, read at its own resolution.
      const [c0, r0] = [Math.floor(r.info.width / 4), Math.floor(r.info.height / 4)];
      const [w, h] = [Math.floor(r.info.width / 2), Math.floor(r.info.height / 2)];
      const box = {
        minX: r.info.originX + c0 * r.info.pixelWidth,
        maxX: r.info.originX + (c0 + w) * r.info.pixelWidth,
        maxY: r.info.originY - r0 * r.info.pixelHeight,
        minY: r.info.originY - (r0 + h) * r.info.pixelHeight,
      };
      const ours = await r.readRgb(box, { width: w, height: h });
      const tiff = await fromFile(path);
      const image = await tiff.getImage(0);
      const theirs = (await image.readRasters({
        window: [c0, r0, c0 + w, r0 + h],
        samples: bands >= 3 ? [0, 1, 2] : [0],
        interleave: true,
      })) as Uint8Array;
      await tiff.close();
      const step = bands >= 3 ? 3 : 1;
      let differences = 0;
      for (let p = 0; p < w * h; p++)
        for (let c = 0; c < 3; c++) if (ours.rgb[3 * p + c] !== theirs[p * step + (step === 3 ? c : 0)]) differences++;
      expect(differences).toBe(0);
    } finally {
      await r.close();
    }
  });
});
