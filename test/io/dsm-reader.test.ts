/**
 * DSM GeoTIFFs as epoch sources: a real Float32 LZW-striped terrain raster with NaN nodata, our
 * own tiled Float32 writer checked by GDAL, and GDAL-written variants (Int16 with scale and
 * offset, Float64, big-endian, PixelIsPoint, strips) read back against the values GDAL reports.
 * Orthophotos and plain images given as an epoch are refused with the fix.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DsmFormat } from '../../core/io/dsm/format';
import { describeGeoTiff } from '../../core/io/dsm/raster';
import { describeSource, detectPointFormat } from '../../core/io/formats';
import { writeGeoTiffHeights } from '../../core/io/geotiff/writer';
import type { PointChunk } from '../../core/io/types';
import { SHARED_DATA } from '../helpers/data';

const TORONTO_DTM = join(SHARED_DATA, 'toronto-ttp-2015-2023/derived/ttp_dtm_source.tif');
const RED_ROCKS_ORTHO = join(SHARED_DATA, 'red-rocks-uav-photogrammetry/Ortho-DroneMapper_center100.tif');
const RGB_SMALL = join(SHARED_DATA, 'geotiff-samples/rgbsmall.tif');
const SPOT_GREY = join(SHARED_DATA, 'geotiff-samples/UTM2GTIF.tiff');

async function readPoints(path: string, signal?: AbortSignal): Promise<PointChunk> {
  const xs: number[] = [];
  const ys: number[] = [];
  const zs: number[] = [];
  for await (const c of DsmFormat.parseInBatches(path, { signal })) {
    for (let i = 0; i < c.count; i++) {
      xs.push(c.x[i]);
      ys.push(c.y[i]);
      zs.push(c.z[i]);
    }
  }
  return { count: xs.length, x: Float64Array.from(xs), y: Float64Array.from(ys), z: Float64Array.from(zs) };
}

/** GDAL's values at world positions (its own reader, for comparison), in one call. */
function gdalValues(path: string, at: [number, number][]): number[] {
  const input = at.map(([x, y]) => `${x} ${y}`).join('\n') + '\n';
  const out = execFileSync('gdallocationinfo', ['-valonly', '-geoloc', path], { encoding: 'utf8', input });
  return out.trim().split('\n').map(Number);
}

/** A smooth test surface with a hole: heights row by row from the north. */
function testSurface(width: number, height: number): Float32Array {
  const h = new Float32Array(width * height);
  for (let r = 0; r < height; r++) {
    for (let c = 0; c < width; c++) {
      const hole = r >= 40 && r < 60 && c >= 100 && c < 130;
      h[r * width + c] = hole ? NaN : 20 + 0.013 * c - 0.021 * r + (c > 200 && r < 50 ? 9.5 : 0);
    }
  }
  return h;
}

describe('DSM GeoTIFF reader', () => {
  const dir = mkdtempSync(join(tmpdir(), 'voxwatch-dsm-'));

  it('reads a real Float32 LZW-striped terrain raster with NaN nodata as one point per valid pixel centre', async () => {
    // Toronto TTP DTM (cfcore output): 506 × 760 px of 1 m, strips of 4 rows, EPSG:26917.
    expect((await detectPointFormat(TORONTO_DTM)).id).toBe('dsm');
    const info = await describeSource(TORONTO_DTM);
    // Counted independently with `gdal_translate -of XYZ` (187 370 non-NaN pixels, mean 75.8158).
    expect(info.pointCount).toBe(187_370);
    expect(info.crs?.epsg).toBe(26917);
    expect(info.gridSpacing).toBe(1);
    expect(info.bounds.minX).toBeCloseTo(633994.5, 6);
    expect(info.bounds.maxY).toBeCloseTo(4832055.5, 6);
    expect(info.bounds.minZ).toBeCloseTo(74.31, 4);
    expect(info.bounds.maxZ).toBeCloseTo(80.06, 4);
    expect(info.kind).toBe('GeoTIFF DSM Float32, 506 × 760 px of 1 m');
    const facts = await describeGeoTiff(TORONTO_DTM);
    expect([facts.compression, facts.tiled, facts.blockHeight, Number.isNaN(facts.nodata)]).toEqual(['LZW', false, 4, true]);

    const p = await readPoints(TORONTO_DTM);
    expect(p.count).toBe(187_370);
    let sum = 0;
    for (const z of p.z) sum += z;
    expect(sum / p.count).toBeCloseTo(75.8158, 3);
    // The first valid pixel in row order, and two more, as GDAL's XYZ export lists them.
    expect([p.x[0], p.y[0], p.z[0]]).toEqual([634015.5, 4832055.5, expect.closeTo(74.46, 4)]);
    expect([p.x[999], p.y[999], p.z[999]]).toEqual([634042.5, 4832040.5, expect.closeTo(74.48, 4)]);
    expect([p.x[99_999], p.y[99_999], p.z[99_999]]).toEqual([634344.5, 4831612.5, expect.closeTo(74.5, 4)]);
  });

  it('writes tiled Float32 DSMs that GDAL reads, and reads them back exactly (nodata yields no point)', async () => {
    const width = 300;
    const height = 200;
    const heights = testSurface(width, height);
    const path = join(dir, 'tiled.tif');
    await writeGeoTiffHeights(path, { width, height, heights, originX: 513200, originY: 2494600, pixelSize: 0.25, epsg: 4547 });
    const gdal = JSON.parse(execFileSync('gdalinfo', ['-json', path], { encoding: 'utf8' })) as {
      size: number[];
      bands: { type: string; noDataValue: number; block: number[] }[];
      metadata: { IMAGE_STRUCTURE?: Record<string, string> } & Record<string, unknown>;
      coordinateSystem: { wkt: string };
    };
    expect(gdal.size).toEqual([300, 200]);
    expect(gdal.bands[0]).toMatchObject({ type: 'Float32', noDataValue: -9999, block: [256, 256] });
    expect(gdal.metadata.IMAGE_STRUCTURE).toMatchObject({ COMPRESSION: 'DEFLATE', PREDICTOR: '3' });
    expect(gdal.coordinateSystem.wkt).toContain('ID["EPSG",4547]');
    // GDAL's value at a pixel centre is the height written there.
    expect(gdalValues(path, [[513200 + 250.5 * 0.25, 2494600 - 10.5 * 0.25]])[0]).toBeCloseTo(heights[10 * width + 250], 4);

    const p = await readPoints(path);
    const valid = heights.filter((v) => !Number.isNaN(v)).length;
    expect(p.count).toBe(valid);
    expect(p.count).toBe(width * height - 20 * 30);
    // Every point sits at its pixel's centre with the pixel's height.
    for (let i = 0; i < p.count; i += 997) {
      const c = (p.x[i] - 513200) / 0.25 - 0.5;
      const r = (2494600 - p.y[i]) / 0.25 - 0.5;
      expect(Number.isInteger(Math.round(c * 1e6) / 1e6) && Number.isInteger(Math.round(r * 1e6) / 1e6)).toBe(true);
      expect(p.z[i]).toBe(heights[Math.round(r) * width + Math.round(c)]);
    }
    // The hole holds no point.
    for (let i = 0; i < p.count; i++) {
      const c = Math.round((p.x[i] - 513200) / 0.25 - 0.5);
      const r = Math.round((2494600 - p.y[i]) / 0.25 - 0.5);
      if (r >= 40 && r < 60 && c >= 100 && c < 130) throw new Error(`a point in the nodata hole at ${c},${r}`);
    }
  });

  it('reads an undeclared −9999 fill as no height, and says so (a height of −9999 made roofs 10 km high)', async () => {
    const width = 300;
    const height = 200;
    const heights = testSurface(width, height);
    const declared = join(dir, 'declared.tif');
    const undeclared = join(dir, 'undeclared.tif');
    await writeGeoTiffHeights(declared, { width, height, heights, originX: 513200, originY: 2494600, pixelSize: 0.25, epsg: 4547 });
    execFileSync('gdal_translate', ['-q', '-a_nodata', 'none', declared, undeclared]);
    expect(await describeGeoTiff(undeclared)).toMatchObject({ nodata: null });
    const p = await readPoints(undeclared);
    expect(p.count).toBe(width * height - 20 * 30);
    expect(Math.min(...p.z.subarray(0, p.count))).toBeGreaterThan(0);
    expect((await describeSource(undeclared)).warnings).toContain(
      '600 pixels hold -9999, read as no height: the file declares no nodata value',
    );
  });

  it('reads GDAL-written Int16 (scale, offset), Float64, big-endian, PixelIsPoint and striped DSMs as GDAL does', async () => {
    const width = 300;
    const height = 200;
    const source = join(dir, 'source.tif');
    await writeGeoTiffHeights(source, {
      width,
      height,
      heights: testSurface(width, height),
      originX: 500000,
      originY: 2500000,
      pixelSize: 0.5,
      epsg: 4547,
    });
    const variants: [string, string[]][] = [
      // Decimetres in Int16 with GDAL's scale: value = stored × 0.1 + 0.
      [
        'int16.tif',
        [
          '-ot',
          'Int16',
          '-scale',
          '0',
          '100',
          '0',
          '1000',
          '-a_scale',
          '0.1',
          '-a_nodata',
          '-32768',
          '-co',
          'COMPRESS=LZW',
          '-co',
          'TILED=YES',
          '-co',
          'BLOCKXSIZE=128',
          '-co',
          'BLOCKYSIZE=64',
        ],
      ],
      ['float64-strips.tif', ['-ot', 'Float64', '-co', 'COMPRESS=DEFLATE', '-co', 'PREDICTOR=3', '-co', 'BLOCKYSIZE=7']],
      ['big-endian.tif', ['-co', 'ENDIANNESS=BIG', '-co', 'TILED=YES']],
      ['pixel-is-point.tif', ['-mo', 'AREA_OR_POINT=Point', '-co', 'COMPRESS=PACKBITS']],
    ];
    for (const [name, args] of variants) {
      const path = join(dir, name);
      execFileSync('gdal_translate', ['-q', ...args, source, path]);
      const info = await describeSource(path);
      const p = await readPoints(path);
      expect(p.count, name).toBe(info.pointCount);
      expect(p.count, name).toBe(width * height - 600);
      const picks = Array.from({ length: 40 }, (_, k) => Math.floor((k * p.count) / 40));
      const expected = gdalValues(
        path,
        picks.map((i) => [p.x[i], p.y[i]]),
      );
      picks.forEach((i, k) => {
        expect(p.z[i], `${name} at ${p.x[i]}, ${p.y[i]}`).toBeCloseTo(expected[k] * (name === 'int16.tif' ? 0.1 : 1), 4);
      });
    }
  });

  it('stops reading when cancelled', async () => {
    const controller = new AbortController();
    controller.abort();
    await expect(readPoints(TORONTO_DTM, controller.signal)).rejects.toMatchObject({ name: 'AbortError' });
  });

  it('refuses an orthophoto given as an epoch, saying to give it as the orthophoto', async () => {
    await expect(describeSource(RED_ROCKS_ORTHO)).rejects.toThrow(
      /is an orthophoto \(4 bands of 8-bit RGBA\), not a DSM: give it as the epoch's orthophoto/,
    );
    await expect(describeSource(RGB_SMALL)).rejects.toThrow(/is an orthophoto \(3 bands of 8-bit RGB\).*--before-ortho/);
  });

  it('refuses a greyscale image and a TIFF without georeferencing, naming the fix', async () => {
    await expect(describeSource(SPOT_GREY)).rejects.toThrow(`${SPOT_GREY}: is a greyscale 8-bit image, not heights`);
    const bare = join(dir, 'no-georef.tif');
    execFileSync('gdal_translate', ['-q', '-co', 'PROFILE=BASELINE', '-co', 'TFW=NO', TORONTO_DTM, bare]);
    await expect(describeSource(bare)).rejects.toThrow(/has no georeferencing .* gdal_translate -a_srs EPSG:4547/);
  });
});
