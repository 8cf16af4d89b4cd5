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
 * An epoch's density from its files' headers alone (before any point is read). Two readings,
 * the higher taken: the median, weighted by points, of each file's points over its extent, so
 * one tile of mostly water does not speak for the district; and all points over the area the
 * extents cover together, so flight strips (or ground and building files) overlapping each
 * other are not each read as sparse. Undefined when no file is a point cloud with believable
 * bounds (DSMs and meshes are sampled to the voxel, whatever it is).
 */
export function headerDensity(files: readonly EpochSourceInfo[]): number | undefined {
  const clouds = files.filter((f) => f.format === 'las' && f.gridSpacing === undefined && f.boundsPlausible && f.pointCount > 0);
  if (clouds.length === 0) return undefined;
  const perFile = clouds
    .map((f) => ({ density: f.pointCount / extentOf(f.bounds), points: f.pointCount }))
    .sort((p, q) => p.density - q.density);
  const half = perFile.reduce((n, c) => n + c.points, 0) / 2;
  let seen = 0;
  let median = perFile[perFile.length - 1].density;
  for (const c of perFile) {
    if ((seen += c.points) >= half) {
      median = c.density;
      break;
    }
  }
  const together = clouds.reduce((n, f) => n + f.pointCount, 0) / unionArea(clouds.map((f) => f.bounds));
  return Math.max(median, together);
}

type Extent = EpochSourceInfo['bounds'];

const extentOf = (b: Extent) => Math.max(1, (b.maxX - b.minX) * (b.maxY - b.minY));

/** Cells a side of the raster the extents' union is measured on. */
const UNION_RASTER = 512;

/** The area several rectangles cover together, m², measured on a raster over them all. */
function unionArea(extents: Extent[]): number {
  if (extents.length === 1) return extentOf(extents[0]);
  const minX = Math.min(...extents.map((b) => b.minX));
  const minY = Math.min(...extents.map((b) => b.minY));
  const cell = Math.max(
    1e-3,
    (Math.max(...extents.map((b) => b.maxX)) - minX) / UNION_RASTER,
    (Math.max(...extents.map((b) => b.maxY)) - minY) / UNION_RASTER,
  );
  const covered = new Uint8Array(UNION_RASTER * UNION_RASTER);
  for (const b of extents) {
    // Cells whose centres the rectangle holds: tiles sharing an edge count each cell once.
    const [x0, x1] = [Math.round((b.minX - minX) / cell), Math.round((b.maxX - minX) / cell)];
    const [y0, y1] = [Math.round((b.minY - minY) / cell), Math.round((b.maxY - minY) / cell)];
    for (let y = y0; y < Math.min(y1, UNION_RASTER); y++)
      covered.fill(1, y * UNION_RASTER + x0, y * UNION_RASTER + Math.min(x1, UNION_RASTER));
  }
  let n = 0;
  for (const c of covered) n += c;
  return Math.max(1, n * cell * cell);
}

export interface VoxelChoice {
  voxel: number;
  /** The sparser epoch's density from the headers, points/m² (undefined: no point cloud to judge). */
  pointsPerM2: number | undefined;
  /** What set a voxel coarser than the finest: the points' density or a DSM's pixels. */
  by: 'points' | 'pixels' | null;
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
  const voxel = Math.min(VOXEL_RANGE.max, Math.max(forPoints, forPixels));
  const by = voxel <= FINEST_AUTO_VOXEL ? null : forPoints >= forPixels ? 'points' : 'pixels';
  return { voxel, pointsPerM2: sparser, by };
}
