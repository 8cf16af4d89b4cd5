import { extname } from 'node:path';
import { DsmFormat } from './dsm/format';
import { LasFormat, type ReadOptions } from './las/reader';
import { GltfFormat, ObjFormat, PlyFormat } from './mesh/format';
import { sampleSpacingFor } from './mesh/spacing';
import { Tiles3DFormat } from './tiles3d/format';
import { openFileSource } from './source';
import { SourceError, type Bounds3, type CrsInfo, type PointChunk } from './types';

/**
 * What detection and the project need to know of any epoch source before reading its points,
 * whatever its kind (point cloud, DSM, mesh): the reader's facts in one shape.
 */
export interface EpochSourceInfo {
  file: string;
  /** The descriptor's id ("las", …). */
  format: string;
  /** A short description for summaries, e.g. "LAS 1.4 format 7", "LAZ 1.2 format 3". */
  kind: string;
  /** Points the source yields (exact for point clouds; what sampling will give for DSMs and meshes). */
  pointCount: number;
  bounds: Bounds3;
  crs?: CrsInfo;
  /** Point ranges can be read on their own (uncompressed LAS), so one file can be split over workers. */
  splittable: boolean;
  /** The date the source says it was made (yyyy-mm-dd), when it says. */
  created?: string;
  /** False when the stated bounds cannot be right (some writers store raw integers there). */
  boundsPlausible: boolean;
  warnings: string[];
  /**
   * For gridded height sources (DSMs): the pixel size. Each point is then a whole surface
   * measurement (one per pixel), not one sample among many, so one point makes a cell seen.
   */
  gridSpacing?: number;
}

/** What a reader needs to know besides the path (surface sources: meshes, tilesets). */
export interface SourceOptions {
  /** Spacing of the points sampled from surfaces, metres (see sampleSpacingFor). */
  sampleSpacing?: number;
  /** The CRS of a source that declares none (the user's --crs), e.g. "EPSG:4547". */
  crs?: string;
}

export interface SourceReadOptions extends ReadOptions, SourceOptions {
  /** Only what lies in this area is needed: tilesets skip the tiles outside it. */
  area?: { minX: number; minY: number; maxX: number; maxY: number };
  /** Called with each file a source reads its points from (a tileset's tiles), as it is opened. */
  onOpen?: (file: string) => void;
}

export { DEFAULT_SAMPLE_SPACING, sampleSpacingFor } from './mesh/spacing';

/** What a detection pass tells surface readers: the spacing its voxels need, and the area it covers. */
export function surfaceOptions(grid: {
  x0: number;
  y0: number;
  cell: number;
  nx: number;
  ny: number;
}): Pick<SourceReadOptions, 'sampleSpacing' | 'area'> {
  return {
    sampleSpacing: sampleSpacingFor(grid.cell),
    area: { minX: grid.x0, minY: grid.y0, maxX: grid.x0 + grid.nx * grid.cell, maxY: grid.y0 + grid.ny * grid.cell },
  };
}

/**
 * What every epoch reader declares, in the style of loaders.gl's loader objects: a name, the
 * extensions and magic bytes that identify its files, a cheap look at the file's facts, and a
 * streaming parse into PointChunks. GeoTIFF DSMs and meshes will add descriptors of this shape.
 */
export interface PointFormatDescriptor<Info = unknown> {
  id: string;
  name: string;
  extensions: string[];
  /** Leading bytes of every file of this format, when it has a signature. */
  magic?: number[];
  test(head: Uint8Array): boolean;
  readInfo(path: string): Promise<Info>;
  /** The format-neutral facts detection and the project work from. */
  sourceInfo(path: string, options?: SourceOptions): Promise<EpochSourceInfo>;
  parseInBatches(path: string, options?: SourceReadOptions): AsyncGenerator<PointChunk>;
}

export const POINT_FORMATS: PointFormatDescriptor[] = [LasFormat, DsmFormat, PlyFormat, GltfFormat, Tiles3DFormat, ObjFormat];

/**
 * Picks the reader for a file by its leading bytes (a renamed file still works), falling back
 * to its extension; a file nothing recognises is refused by name.
 */
export async function detectPointFormat(path: string): Promise<PointFormatDescriptor> {
  const source = await openFileSource(path);
  let head: Uint8Array;
  try {
    head = await source.read(0, 16);
  } finally {
    await source.close();
  }
  const byMagic = POINT_FORMATS.find((f) => f.test(head));
  if (byMagic) return byMagic;
  const ext = extname(path).slice(1).toLowerCase();
  const byExt = POINT_FORMATS.find((f) => f.extensions.includes(ext));
  if (byExt) return byExt;
  if (head.length === 0) throw new SourceError(path, 'empty file (0 bytes)');
  const known = POINT_FORMATS.map((f) => f.extensions.map((e) => '.' + e).join('/')).join(', ');
  throw new SourceError(path, `not a point-cloud or model format VoxWatch reads (${known})`);
}

/** The facts of any epoch source, by the reader that recognises it. */
export async function describeSource(path: string, options?: SourceOptions): Promise<EpochSourceInfo> {
  return (await detectPointFormat(path)).sourceInfo(path, options);
}
