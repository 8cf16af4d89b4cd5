/**
 * What `voxwatch info` says about a GeoTIFF, whatever it holds: storage (size, blocks, bands,
 * bit depth, compression, overviews, nodata), placement (CRS, resolution, bounds), what VoxWatch
 * takes it for (a DSM, an orthophoto, another image), and for a DSM its heights.
 */
import { describeGeoTiff, fillWarnings, HeightRaster, summariseHeights, type GeoTiffFacts, type HeightSummary } from './raster';

export interface GeoTiffInfo extends GeoTiffFacts {
  /** For a DSM: valid pixels and height range (one pass over its blocks). */
  heights: HeightSummary | null;
  /** How VoxWatch can use it, or why it cannot. */
  use: string;
}

export async function inspectGeoTiff(path: string, signal?: AbortSignal): Promise<GeoTiffInfo> {
  const facts = await describeGeoTiff(path);
  let heights: HeightSummary | null = null;
  let use: string;
  if (!facts.georeferenced) {
    use = 'none until georeferenced: it has no position on the map (gdal_translate -a_srs EPSG:xxxx -a_ullr …)';
  } else if (facts.kind === 'heights') {
    const raster = await HeightRaster.open(path);
    try {
      heights = await summariseHeights(raster, signal);
    } finally {
      await raster.close();
    }
    use = 'a DSM epoch (one point per valid pixel)';
  } else if (facts.kind === 'orthophoto') {
    use = "an epoch's orthophoto (--before-ortho/--after-ortho, project add-epoch --ortho)";
  } else {
    use = `none: ${facts.kindReason}, neither heights nor an RGB orthophoto`;
  }
  return { ...facts, heights, use, warnings: heights ? [...facts.warnings, ...fillWarnings(heights)] : facts.warnings };
}
