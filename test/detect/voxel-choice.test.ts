/** The voxel a run uses when none is given: from the files' headers, the sparser epoch deciding. */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { detectChanges } from '../../core/detect';
import { chooseVoxel, headerDensity, voxelForDensity } from '../../core/detect-voxel';
import { createLasWriter } from '../../core/io/las/writer';
import type { EpochSourceInfo } from '../../core/io/formats';
import { LasFormat } from '../../core/io/las/reader';
import { SHARED_DATA } from '../helpers/data';

/** A point-cloud file's header facts: `side` metres square holding `points`, its west edge at `x0`. */
function cloud(points: number, side: number, extra: Partial<EpochSourceInfo> = {}, x0 = 0): EpochSourceInfo {
  return {
    file: 'x.las',
    format: 'las',
    kind: 'LAS 1.4 format 6',
    pointCount: points,
    bounds: { minX: x0, minY: 0, minZ: 0, maxX: x0 + side, maxY: side, maxZ: 10 },
    splittable: true,
    boundsPlausible: true,
    warnings: [],
    ...extra,
  };
}

describe('the voxel chosen when none is given', () => {
  it('keeps 0.5 m where columns get four points, and otherwise names the size the sparse warning names', () => {
    expect(voxelForDensity(20)).toBe(0.5);
    expect(voxelForDensity(16)).toBe(0.5);
    expect(voxelForDensity(12)).toBe(0.75);
    expect(voxelForDensity(8)).toBe(1);
    expect(voxelForDensity(0.3)).toBe(4.5);
  });

  it('lets the sparser epoch decide', () => {
    const dense = [cloud(20 * 100 * 100, 100)];
    const sparse = [cloud(8 * 100 * 100, 100)];
    expect(chooseVoxel(dense, sparse)).toEqual({ voxel: 1, pointsPerM2: 8, by: 'points' });
    expect(chooseVoxel(sparse, dense).voxel).toBe(1);
    expect(chooseVoxel(dense, dense).voxel).toBe(0.5);
  });

  it('is not swayed by a tile that is mostly water: the density is the median over points', () => {
    const land = Array.from({ length: 8 }, (_, i) => cloud(20 * 500 * 500, 500, {}, 500 * i));
    const lake = cloud(2 * 500 * 500, 500, {}, 4000);
    expect(headerDensity([...land, lake])).toBe(20);
    expect(chooseVoxel([...land, lake], land).voxel).toBe(0.5);
  });

  it('reads flight strips overlapping each other together, not each as a sparse survey', () => {
    // Four 100 m strips 25 m apart, each 6 points/m² over its own extent: 24 where all overlap.
    const strips = [0, 25, 50, 75].map((x0) => cloud(6 * 100 * 100, 100, {}, x0));
    const d = headerDensity(strips)!;
    expect(d).toBeGreaterThan((4 * 6 * 100 * 100) / (175 * 100) - 0.5);
    expect(d).toBeLessThan((4 * 6 * 100 * 100) / (175 * 100) + 0.5);
    expect(chooseVoxel(strips, strips).voxel).toBe(0.75);
    // Tiles side by side: the same as each alone.
    const tiles = [0, 100, 200].map((x0) => cloud(20 * 100 * 100, 100, {}, x0));
    expect(headerDensity(tiles)).toBeCloseTo(20, 1);
  });

  it('fills a DSM pixel, and ignores DSMs and meshes when judging point density', () => {
    const dsm = [cloud(1000 * 1000, 1000, { format: 'dsm', gridSpacing: 1 })];
    expect(headerDensity(dsm)).toBeUndefined();
    expect(chooseVoxel(dsm, dsm)).toEqual({ voxel: 1, pointsPerM2: undefined, by: 'pixels' });
    // A point cloud too sparse to fit beside a 2 m DSM: the pixels set the voxel, and say so.
    expect(chooseVoxel([cloud(100, 1e5)], [cloud(4e6, 1000, { format: 'dsm', gridSpacing: 2 })])).toMatchObject({ voxel: 2, by: 'pixels' });
    const mesh = [cloud(100, 1000, { format: 'obj' })];
    expect(chooseVoxel(mesh, mesh).voxel).toBe(0.5);
  });

  it('keeps the finest voxel for bounds no survey has (a stray point thousands of km away) or that cannot be right', () => {
    expect(chooseVoxel([cloud(1000, 4e6)], [cloud(1000, 4e6)]).voxel).toBe(0.5);
    expect(chooseVoxel([cloud(1000, 1000, { boundsPlausible: false })], [cloud(1000, 1000)]).voxel).toBe(0.5);
  });

  it("reads the Toronto park pair's headers as the sparse airborne survey it is", async () => {
    const [a, b] = await Promise.all(
      ['ttp-2015.las', 'ttp-2023.las'].map((f) => LasFormat.sourceInfo(join(SHARED_DATA, 'toronto-ttp-2015-2023', f))),
    );
    const choice = chooseVoxel([a], [b]);
    // Each file: points over its header's extent, the sparser one deciding.
    const density = (f: EpochSourceInfo) => f.pointCount / ((f.bounds.maxX - f.bounds.minX) * (f.bounds.maxY - f.bounds.minY));
    expect(choice.pointsPerM2).toBeCloseTo(Math.min(density(a), density(b)), 6);
    expect(choice.pointsPerM2!).toBeLessThan(2);
    expect(choice.voxel).toBe(voxelForDensity(choice.pointsPerM2!));
    expect(choice.voxel).toBeGreaterThanOrEqual(2);
  });

  it('says when the points are denser than the extents said (a lake in the file): the finer voxel is named', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'voxwatch-voxel-'));
    // 20 points/m² over 60 × 60 m of shore, and two points on the far side of a 90 m lake:
    // the header's extent is 60 × 150 m, 8 points/m².
    for (const [name, seed] of [
      ['a.las', 1],
      ['b.las', 2],
    ] as const) {
      let s = seed;
      const rand = () => (s = (s * 1664525 + 1013904223) >>> 0) / 2 ** 32;
      const n = 60 * 60 * 20;
      const [x, y, z] = [new Float64Array(n + 2), new Float64Array(n + 2), new Float64Array(n + 2)];
      for (let i = 0; i < n; i++) [x[i], y[i], z[i]] = [500_000 + rand() * 60, 2_500_000 + rand() * 60, 20 + rand() * 0.05];
      [x[n], y[n], z[n], x[n + 1], y[n + 1], z[n + 1]] = [500_001, 2_500_150, 20, 500_059, 2_500_150, 20];
      const w = createLasWriter(join(dir, name), {
        version: '1.2',
        pointFormat: 3,
        scale: [0.001, 0.001, 0.001],
        offset: [500_000, 2_500_000, 0],
        epsg: 4547,
      });
      await w.write({ count: n + 2, x, y, z });
      await w.close();
    }
    const r = await detectChanges({ files: [join(dir, 'a.las')] }, { files: [join(dir, 'b.las')] });
    expect(r.grid.cell).toBe(1);
    expect(r.warnings).toContain('voxel 1 m chosen for about 8.0 points/m² (no --voxel given; 0.5 m needs 16 points/m²)');
    const said = r.warnings.find((w) => w.startsWith('where there are points'));
    expect(said).toMatch(/^where there are points they lie at about (19|20|21)\.\d points\/m².*--voxel 0\.5 would see finer detail$/);
    // Given the voxel, nothing is chosen and nothing said.
    const given = await detectChanges({ files: [join(dir, 'a.las')] }, { files: [join(dir, 'b.las')] }, { voxel: 1 });
    expect(given.warnings.filter((w) => w.startsWith('voxel') || w.startsWith('where there are points'))).toEqual([]);
  });
});
