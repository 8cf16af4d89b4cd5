/** The voxel a run uses when none is given: from the files' headers, the sparser epoch deciding. */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { chooseVoxel, headerDensity, voxelForDensity } from '../../core/detect-voxel';
import type { EpochSourceInfo } from '../../core/io/formats';
import { LasFormat } from '../../core/io/las/reader';
import { SHARED_DATA } from '../helpers/data';

/** A point-cloud file's header facts: `side` metres square holding `points`. */
function cloud(points: number, side: number, extra: Partial<EpochSourceInfo> = {}): EpochSourceInfo {
  return {
    file: 'x.las',
    format: 'las',
    kind: 'LAS 1.4 format 6',
    pointCount: points,
    bounds: { minX: 0, minY: 0, minZ: 0, maxX: side, maxY: side, maxZ: 10 },
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
    expect(chooseVoxel(dense, sparse)).toEqual({ voxel: 1, pointsPerM2: 8 });
    expect(chooseVoxel(sparse, dense).voxel).toBe(1);
    expect(chooseVoxel(dense, dense).voxel).toBe(0.5);
  });

  it('is not swayed by a tile that is mostly water: the density is the median over points', () => {
    const land = Array.from({ length: 8 }, () => cloud(20 * 500 * 500, 500));
    const lake = cloud(2 * 500 * 500, 500);
    expect(headerDensity([...land, lake])).toBe(20);
    expect(chooseVoxel([...land, lake], land).voxel).toBe(0.5);
  });

  it('fills a DSM pixel, and ignores DSMs and meshes when judging point density', () => {
    const dsm = [cloud(1000 * 1000, 1000, { format: 'dsm', gridSpacing: 1 })];
    expect(headerDensity(dsm)).toBeUndefined();
    expect(chooseVoxel(dsm, dsm)).toEqual({ voxel: 1, pointsPerM2: undefined });
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
});
