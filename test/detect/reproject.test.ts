/**
 * Reprojection: a real UAV cloud (NAD83 / UTM 13N) reprojected chunk by chunk through control
 * grids matches PROJ's own exact values (gdaltransform) to the millimetre; and detection on a pair
 * whose later epoch was written in WGS 84 / UTM 50N finds, with --reproject, what it finds when
 * both are in CGCS2000 / GK 114E. A source without a CRS is told to name one.
 */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { detectChanges } from '../../core/detect';
import { Reprojector } from '../../core/geo/reproject';
import { LasFormat } from '../../core/io/las/reader';
import { createLasWriter } from '../../core/io/las/writer';
import { formatScore, scoreChanges } from '../../samples/evaluate';
import { SHARED_DATA } from '../helpers/data';
import { writeDistrict, type WrittenDistrict } from '../helpers/district';

const RED_ROCKS = join(SHARED_DATA, 'red-rocks-uav-photogrammetry/lidar_medium_subset_las1pt2_utmzone13N_compressed.laz');

/** PROJ's exact transform of the points (gdaltransform, an independent implementation of proj4js). */
function projExact(from: number, to: number, xy: [number, number][]): [number, number][] {
  const out = execFileSync('gdaltransform', ['-s_srs', `EPSG:${from}`, '-t_srs', `EPSG:${to}`, '-output_xy'], {
    encoding: 'utf8',
    input: xy.map(([x, y]) => `${x} ${y}`).join('\n') + '\n',
  });
  return out
    .trim()
    .split('\n')
    .map((l) => l.trim().split(/\s+/).map(Number) as [number, number]);
}

/** Rewrites a LAS file with its points reprojected exactly (proj4 per point) into `to`. */
async function writeReprojected(src: string, dst: string, from: number, to: number): Promise<void> {
  const r = new Reprojector(from, to);
  const w = createLasWriter(dst, { version: '1.4', pointFormat: 7, scale: [0.001, 0.001, 0.001], offset: [200000, 2490000, 0], epsg: to });
  for await (const c of LasFormat.parseInBatches(src)) {
    for (let i = 0; i < c.count; i++) [c.x[i], c.y[i]] = r.exact(c.x[i], c.y[i]);
    await w.write(c);
  }
  await w.close();
}

describe('reprojection', () => {
  it('reprojects a real cloud chunk by chunk within a millimetre of PROJ', async () => {
    for (const to of [32613, 32612]) {
      const r = new Reprojector(26913, to);
      const before: [number, number][] = [];
      const after: [number, number][] = [];
      for await (const c of LasFormat.parseInBatches(RED_ROCKS)) {
        const picks = Array.from({ length: 25 }, (_, k) => Math.floor((k * c.count) / 25));
        for (const i of picks) before.push([c.x[i], c.y[i]]);
        r.transformChunk(c);
        for (const i of picks) after.push([c.x[i], c.y[i]]);
      }
      // Zone 13 to zone 12 bends the grid far more than a datum label change: both within 1 mm.
      const exact = projExact(26913, to, before);
      expect(exact.length).toBe(before.length);
      let worst = 0;
      exact.forEach(([x, y], i) => (worst = Math.max(worst, Math.hypot(x - after[i][0], y - after[i][1]))));
      expect(worst, `to EPSG:${to}`).toBeLessThan(0.001);
      // The points went through control grids, not proj4 one by one.
      expect(r.stats.interpolated).toBe(663_500);
      expect(r.stats.exact).toBe(0);
    }
  });

  it('knows CGCS2000 and its Gauss-Krüger zones, WGS 84 / UTM, and says which code it does not know', () => {
    for (const [from, to] of [
      [4547, 4490],
      [4547, 4534],
      [4554, 32650],
      [4547, 32649],
    ]) {
      expect(() => new Reprojector(from, to)).not.toThrow();
    }
    // CGCS2000 / GK CM 114E to WGS 84 / UTM 50N at the sample district, against PROJ.
    const [[ex, ey]] = projExact(4547, 32650, [[513300, 2494400]]);
    const [x, y] = new Reprojector(4547, 32650).exact(513300, 2494400);
    expect(Math.hypot(x - ex, y - ey)).toBeLessThan(0.001);
    expect(() => new Reprojector(4547, 999999)).toThrow('EPSG:999999 has no projection definition');
  });
});

describe('detection with --reproject', () => {
  let district: WrittenDistrict;
  let utm: string;
  beforeAll(async () => {
    district = await writeDistrict({ seed: 21, size: 180 });
    utm = join(district.dir, 'epoch-2-utm50.las');
    await writeReprojected(district.epoch(2), utm, 4547, 32650);
  }, 180_000);

  it('refuses a pair in different CRSs without it, naming the option', async () => {
    await expect(detectChanges({ files: [district.epoch(1)] }, { files: [utm] })).rejects.toThrow(
      /before \(epoch-1\.las\) is EPSG:4547 .*, after \(.*\) is EPSG:32650 .*; reproject one of them first, or pass --reproject/,
    );
  });

  it("reads the later epoch into the earlier one's CRS and finds the same changes", async () => {
    const truth = await district.truth(1);
    const plain = await detectChanges({ files: [district.epoch(1)] }, { files: [district.epoch(2)] });
    const result = await detectChanges({ files: [district.epoch(1)] }, { files: [utm] }, { reproject: true });
    expect(result.crs?.epsg).toBe(4547);
    expect(result.warnings).toContain(
      'the after epoch was reprojected from EPSG:32650 WGS 84 / UTM zone 50N to EPSG:4547 CGCS2000 / 3-degree Gauss-Kruger CM 114E (horizontal only: heights kept as they are)',
    );
    const s = scoreChanges(result.changes, truth.changes, truth.distractors);
    const report = formatScore(s);
    expect(s.f1, report).toBeGreaterThanOrEqual(0.95);
    expect(s.medianVolumeError, report).toBeLessThanOrEqual(0.1);
    expect(s.signErrors, report).toBe(0);
    const ref = scoreChanges(plain.changes, truth.changes, truth.distractors);
    expect(s.matches.map((m) => m.truth.id).sort()).toEqual(ref.matches.map((m) => m.truth.id).sort());
    // Object by object, the same volumes to within a few per cent.
    for (const m of s.matches) {
      const twin = ref.matches.find((r) => r.truth.id === m.truth.id)!;
      expect(Math.abs(m.found.volume_m3 - twin.found.volume_m3), m.truth.id).toBeLessThanOrEqual(0.05 * Math.abs(twin.found.volume_m3) + 2);
    }
  }, 180_000);

  it('asks for --crs when an epoch to reproject declares none', async () => {
    const bare = join(district.dir, 'epoch-2-no-crs.las');
    const w = createLasWriter(bare, { version: '1.2', pointFormat: 3, scale: [0.001, 0.001, 0.001], offset: [513000, 2494000, 0] });
    for await (const c of LasFormat.parseInBatches(district.epoch(2))) await w.write(c);
    await w.close();
    await expect(detectChanges({ files: [utm] }, { files: [bare] }, { reproject: true })).rejects.toThrow(
      'the after epoch declares no CRS, so it cannot be reprojected: name its CRS, e.g. pass --crs EPSG:4547',
    );
    // Named, it is reprojected like any other.
    const named = await detectChanges({ files: [district.epoch(1)] }, { files: [bare], crs: 4547 }, { reproject: true });
    expect(named.epochs[1].crs?.epsg).toBe(4547);
    expect(named.changes.length).toBeGreaterThan(0);
  }, 180_000);
});
