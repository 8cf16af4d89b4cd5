/**
 * `voxwatch info` and `voxwatch detect` on the other source kinds: DSM and orthophoto GeoTIFFs
 * (real files and our own), and the bad inputs around them (an orthophoto given as an epoch or
 * far from it, a bad --crs) answered in one line with the fix.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { writeGeoTiffHeights } from '../../core/io/geotiff/writer';
import { runCli } from '../helpers/cli';
import { SHARED_DATA } from '../helpers/data';

const TORONTO_DTM = join(SHARED_DATA, 'toronto-ttp-2015-2023/derived/ttp_dtm_source.tif');
const RED_ROCKS_ORTHO = join(SHARED_DATA, 'red-rocks-uav-photogrammetry/Ortho-DroneMapper_center100.tif');
const RGB_SMALL = join(SHARED_DATA, 'geotiff-samples/rgbsmall.tif');
const SPOT_GREY = join(SHARED_DATA, 'geotiff-samples/UTM2GTIF.tiff');

describe('voxwatch info on GeoTIFFs', () => {
  it('describes a real DSM-like height raster: storage, nodata, CRS, resolution, bounds, heights', async () => {
    const r = await runCli('info', TORONTO_DTM);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/format\s+GeoTIFF, DSM \(heights\): 1 band of Float32/);
    expect(r.stdout).toMatch(/size\s+506 × 760 px, 1 band of Float32/);
    expect(r.stdout).toMatch(/layout\s+strips of 506 × 4, LZW compression/);
    expect(r.stdout).toMatch(/nodata\s+NaN/);
    expect(r.stdout).toMatch(/CRS\s+EPSG:26917 NAD83 \/ UTM zone 17N/);
    expect(r.stdout).toMatch(/resolution\s+1 × 1 per pixel/);
    expect(r.stdout).toMatch(/bounds x\s+633994\.000 … 634500\.000/);
    expect(r.stdout).toMatch(/heights\s+74\.310 … 80\.060/);
    expect(r.stdout).toMatch(/valid pixels\s+187,370 of 384,560 \(48\.7 %\)/);
    expect(r.stdout).toMatch(/use\s+a DSM epoch/);
  });

  it('describes orthophotos and plain images, and what they can be used for', async () => {
    const r = await runCli('info', '--json', RED_ROCKS_ORTHO, RGB_SMALL, SPOT_GREY);
    expect(r.code).toBe(0);
    const [ortho, small, grey] = JSON.parse(r.stdout);
    expect(ortho).toMatchObject({
      kind: 'orthophoto',
      bands: 4,
      bitsPerSample: 8,
      width: 100,
      height: 100,
      compression: 'none',
      tiled: false,
    });
    expect(ortho.crs.epsg).toBe(32613);
    expect(ortho.pixelWidth).toBeCloseTo(0.0665664, 6);
    expect(ortho.extent.minX).toBeCloseTo(482405.539, 3);
    expect(ortho.use).toMatch(/orthophoto/);
    expect(small).toMatchObject({ kind: 'orthophoto', bands: 3, compression: 'Deflate' });
    expect(small.crs.epsg).toBe(4326);
    expect(grey).toMatchObject({ kind: 'image', bands: 1, bitsPerSample: 8, blockHeight: 11, heights: null });
    expect(grey.crs.epsg).toBe(26716);
    expect(grey.use).toMatch(/^none: a greyscale 8-bit image/);
  });
});

describe('voxwatch detect with DSM epochs', () => {
  const dir = mkdtempSync(join(tmpdir(), 'voxwatch-cli-dsm-'));
  const X0 = 500_000;
  const Y0 = 2_500_000;
  const n = 160; // 40 m at 0.25 m
  /** Flat ground at 20 m, with a 10 × 8 m, 6 m high box in the later epoch. */
  const surface = (withBox: boolean) =>
    Float32Array.from({ length: n * n }, (_, k) => {
      const x = ((k % n) + 0.5) * 0.25;
      const y = (n - Math.floor(k / n) - 0.5) * 0.25;
      const box = withBox && x >= 15 && x < 25 && y >= 16 && y < 24;
      return 20 + (box ? 6 : 0) + 0.01 * Math.sin(k);
    });
  beforeAll(async () => {
    for (const [name, box] of [
      ['a.tif', false],
      ['b.tif', true],
    ] as const) {
      await writeGeoTiffHeights(join(dir, name), {
        width: n,
        height: n,
        heights: surface(box),
        originX: X0,
        originY: Y0 + n * 0.25,
        pixelSize: 0.25,
        epsg: 4547,
      });
    }
  });

  it('finds the new box between two DSMs and names them in the summary', async () => {
    const out = join(dir, 'out');
    const r = await runCli('detect', join(dir, 'a.tif'), join(dir, 'b.tif'), '--out', out, '--quiet');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const changes = JSON.parse(readFileSync(join(out, 'changes.geojson'), 'utf8'));
    expect(changes.features).toHaveLength(1);
    expect(changes.features[0].properties.type).toBe('new_building');
    expect(changes.features[0].properties.volume_m3).toBeGreaterThan(0.9 * 480);
    expect(changes.features[0].properties.volume_m3).toBeLessThan(1.1 * 480);
    const summary = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8'));
    expect(JSON.stringify(summary)).toContain('GeoTIFF DSM Float32, 160 × 160 px of 0.25 m');
  });

  it('refuses an orthophoto given as an epoch, and one that lies elsewhere, in one line with the fix', async () => {
    const out = join(dir, 'bad');
    let r = await runCli('detect', RED_ROCKS_ORTHO, join(dir, 'b.tif'), '--out', out);
    expect(r.code).toBe(1);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toContain("is an orthophoto (4 bands of 8-bit RGBA), not a DSM: give it as the epoch's orthophoto");
    r = await runCli('detect', join(dir, 'a.tif'), join(dir, 'b.tif'), '--out', out, '--after-ortho', RGB_SMALL);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(
      /rgbsmall\.tif: the after epoch's orthophoto is in EPSG:4326 WGS 84, the epoch in EPSG:4547 .*: warp it to the epoch's CRS first \(gdalwarp -t_srs EPSG:4547\)/,
    );
    r = await runCli('detect', join(dir, 'a.tif'), join(dir, 'b.tif'), '--out', out, '--crs', 'EPSG:abc');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--crs: "EPSG:abc" is not an EPSG code: write it as EPSG:4547');
  });
});
