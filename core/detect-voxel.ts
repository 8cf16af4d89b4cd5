/**
 * The voxel size when the analyst gives none: the finest that leaves every column a handful of
 * points. At 0.5 m a survey of 8 points/m² puts two points in a column, too few to hold a roof
 * surface: whole buildings then fall apart into edge slivers, while at 0.75–1 m they are found.
 */
import { VOXEL_RANGE } from './detect-options';
import type { EpochSourceInfo } from './io/formats';

/** The voxel used when the points are dense enough for it (and for every source but point clouds). */
export const FINEST_AUTO_VOXEL = 0.5;
/** Below this many points per column on average a column's surface is not trusted. */
export const MIN_POINTS_PER_CELL = 4;

/**
 * The voxel a density calls for: FINEST_AUTO_VOXEL when its columns get MIN_POINTS_PER_CELL
 * points, otherwise one holding about six, in quarter metres (the run's sparse-density warning
 * names the same size).
 */
export function voxelForDensity(pointsPerM2: number): number {
  if (pointsPerM2 * FINEST_AUTO_VOXEL ** 2 >= MIN_POINTS_PER_CELL) return FINEST_AUTO_VOXEL;
  return Math.ceil(Math.sqrt(6 / Math.max(pointsPerM2, 1e-6)) * 4) / 4;
}

/**
 * An epoch's density from its files' headers alone (before any point is read): the median,
 * weighted by points, of each point-cloud file's points over its extent, so one file of
 * mostly water does not speak for the rest. Undefined when no file is a point cloud with
 * believable bounds (DSMs and meshes are sampled to the voxel, whatever it is).
 */
export function headerDensity(files: readonly EpochSourceInfo[]): number | undefined {
  const clouds = files
    .filter((f) => f.format === 'las' && f.gridSpacing === undefined && f.boundsPlausible && f.pointCount > 0)
    .map((f) => {
      const extent = Math.max(1, (f.bounds.maxX - f.bounds.minX) * (f.bounds.maxY - f.bounds.minY));
      return { density: f.pointCount / extent, points: f.pointCount };
    })
    .sort((p, q) => p.density - q.density);
  if (clouds.length === 0) return undefined;
  const half = clouds.reduce((n, c) => n + c.points, 0) / 2;
  let seen = 0;
  for (const c of clouds) if ((seen += c.points) >= half) return c.density;
  return clouds[clouds.length - 1].density;
}

export interface VoxelChoice {
  voxel: number;
  /** The sparser epoch's density from the headers, points/m² (undefined: no point cloud to judge). */
  pointsPerM2: number | undefined;
}

/**
 * The voxel for two epochs: the sparser one decides, as both must hold surfaces to compare them;
 * a DSM's pixel is the finest voxel it can fill (a finer one leaves most of its cells empty).
 */
export function chooseVoxel(before: readonly EpochSourceInfo[], after: readonly EpochSourceInfo[]): VoxelChoice {
  const files = [...before, ...after];
  const pixel = Math.max(0, ...files.map((f) => f.gridSpacing ?? 0));
  const densities = [headerDensity(before), headerDensity(after)].filter((d): d is number => d !== undefined);
  const sparser = densities.length > 0 ? Math.min(...densities) : undefined;
  let forPoints = sparser === undefined ? FINEST_AUTO_VOXEL : voxelForDensity(sparser);
  // Sparser than the largest voxel can hold is no survey to fit (a stray point's bounds, or a
  // handful of points): the finest voxel, and the run's warnings say what is wrong.
  if (forPoints > VOXEL_RANGE.max) forPoints = FINEST_AUTO_VOXEL;
  const forPixels = Math.ceil(pixel * 4 - 1e-6) / 4;
  return { voxel: Math.min(VOXEL_RANGE.max, Math.max(forPoints, forPixels)), pointsPerM2: sparser };
}
