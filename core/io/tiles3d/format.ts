import type { EpochSourceInfo, PointFormatDescriptor, SourceOptions, SourceReadOptions } from '../formats';
import { SurfaceSampler } from '../mesh/sampler';
import { DEFAULT_SAMPLE_SPACING } from '../mesh/spacing';
import type { PointChunk } from '../types';
import type { ContentTile, Tileset } from './tileset';

/** loaders.gl loads only when a tileset is read: every CLI command and worker imports the descriptors. */
const openTileset = async (path: string, crs?: string) => (await import('./tileset')).Tileset.open(path, crs);

/**
 * Surface per plan area of a built-up district (ground, roofs, walls): counting a tileset's points
 * exactly would mean reading every tile, so its pointCount is an estimate from its tiles' footprints.
 */
const SURFACE_PER_PLAN = 1.6;

/**
 * A 3D Tiles tileset (tileset.json with b3dm, glb or cmpt content, as DJI Terra, ContextCapture
 * and Pix4D export them) as an epoch source: tiles are read one at a time at the finest level,
 * only those overlapping the area asked for, and sampled to points by surface area.
 */
export const Tiles3DFormat: PointFormatDescriptor<Tileset> = {
  id: '3d-tiles',
  name: '3D Tiles tileset',
  extensions: ['json'],
  test: () => false,
  readInfo: (path) => openTileset(path),
  async sourceInfo(path: string, options?: SourceOptions): Promise<EpochSourceInfo> {
    const tileset = await openTileset(path, options?.crs);
    const spacing = options?.sampleSpacing ?? DEFAULT_SAMPLE_SPACING;
    const tiles: ContentTile[] = [];
    for await (const tile of tileset.contentTiles()) tiles.push(tile);
    const plan = tiles.reduce((s, t) => s + (t.bounds.maxX - t.bounds.minX) * (t.bounds.maxY - t.bounds.minY), 0);
    const pointCount = Math.round((plan * SURFACE_PER_PLAN) / (spacing * spacing));
    return {
      file: path,
      format: '3d-tiles',
      kind: `3D Tiles tileset (${tiles.length} content tile${tiles.length === 1 ? '' : 's'}${tileset.frame.ecef ? ', Earth-centred' : ''}; point count estimated)`,
      pointCount,
      bounds: tileset.bounds,
      crs: tileset.frame.georef.crs,
      splittable: false,
      boundsPlausible: true,
      warnings: [],
    };
  },
  async *parseInBatches(path: string, options: SourceReadOptions = {}): AsyncGenerator<PointChunk> {
    const tileset = await openTileset(path, options.crs);
    const sampler = new SurfaceSampler(options.sampleSpacing ?? DEFAULT_SAMPLE_SPACING, options.batchSize ?? 1 << 17, options.area);
    const warnings: string[] = [];
    for await (const tile of tileset.contentTiles(options.area, options.signal)) {
      options.onOpen?.(tile.url);
      for (const part of await tileset.readTile(tile, warnings)) {
        for (const chunk of sampler.sample(part)) {
          options.signal?.throwIfAborted();
          yield chunk;
        }
      }
    }
    yield* sampler.flush();
  },
};
