/**
 * A DSM GeoTIFF as an epoch source: one point per pixel with a height, at the pixel's centre.
 * Nodata pixels yield nothing, so detection sees them as unseen, never as empty ground.
 */
import type { EpochSourceInfo, PointFormatDescriptor } from '../formats';
import type { PointChunk } from '../types';
import type { GeoTiffFacts, HeightSummary } from './raster';

/** geotiff loads only when a DSM is read: every CLI command and worker imports the descriptors. */
const loadRaster = () => import('./raster');

export interface DsmFileInfo {
  facts: GeoTiffFacts;
  heights: HeightSummary;
}

/** Points per yielded chunk: blocks are gathered up to this many valid pixels. */
const BATCH = 1 << 18;

const TIFF_MAGIC = [
  [0x49, 0x49, 0x2a, 0x00], // II*\0 classic little-endian
  [0x4d, 0x4d, 0x00, 0x2a], // MM\0* classic big-endian
  [0x49, 0x49, 0x2b, 0x00], // II+\0 BigTIFF
  [0x4d, 0x4d, 0x00, 0x2b], // MM\0+ BigTIFF big-endian
];

export function isTiff(head: Uint8Array): boolean {
  return head.length >= 4 && TIFF_MAGIC.some((m) => m.every((b, i) => head[i] === b));
}

/** "GeoTIFF DSM Float32, 1200 × 1200 px of 0.25 m" */
export function dsmKind(f: GeoTiffFacts): string {
  const type = f.sampleFormat === 'float' ? `Float${f.bitsPerSample}` : `${f.sampleFormat === 'signed' ? 'Int' : 'UInt'}${f.bitsPerSample}`;
  return `GeoTIFF DSM ${type}, ${f.width} × ${f.height} px of ${+f.pixelWidth.toPrecision(4)}${f.crs?.unit && !/^met/.test(f.crs.unit) ? ' ' + f.crs.unit : ' m'}`;
}

export const DsmFormat: PointFormatDescriptor<DsmFileInfo> = {
  id: 'dsm',
  name: 'GeoTIFF DSM (heights)',
  extensions: ['tif', 'tiff'],
  magic: TIFF_MAGIC[0],
  test: isTiff,
  async readInfo(path) {
    const { HeightRaster, summariseHeights } = await loadRaster();
    const raster = await HeightRaster.open(path);
    try {
      return { facts: raster.facts, heights: await summariseHeights(raster) };
    } finally {
      await raster.close();
    }
  },
  async sourceInfo(path): Promise<EpochSourceInfo> {
    const { facts: f, heights } = await DsmFormat.readInfo(path);
    const warnings = [...f.warnings];
    if (heights.valid === 0) warnings.push('every pixel is nodata: the DSM holds no heights');
    warnings.push(...(await loadRaster()).fillWarnings(heights));
    return {
      file: f.file,
      format: 'dsm',
      kind: dsmKind(f),
      pointCount: heights.valid,
      // Points sit at pixel centres: half a pixel inside the image's edges.
      bounds: {
        minX: f.extent.minX + f.pixelWidth / 2,
        maxX: f.extent.maxX - f.pixelWidth / 2,
        minY: f.extent.minY + f.pixelHeight / 2,
        maxY: f.extent.maxY - f.pixelHeight / 2,
        minZ: heights.minZ,
        maxZ: heights.maxZ,
      },
      crs: f.crs,
      splittable: false,
      created: f.created,
      boundsPlausible: true,
      warnings,
      gridSpacing: Math.max(f.pixelWidth, f.pixelHeight),
    };
  },
  async *parseInBatches(path, options = {}) {
    const raster = await (await loadRaster()).HeightRaster.open(path);
    try {
      const f = raster.facts;
      let chunk = emptyChunk(BATCH);
      for await (const b of raster.blocks(options.signal)) {
        const y0 = f.originY - (b.row0 + 0.5) * f.pixelHeight;
        const x0 = f.originX + (b.col0 + 0.5) * f.pixelWidth;
        for (let r = 0; r < b.height; r++) {
          const y = y0 - r * f.pixelHeight;
          for (let c = 0; c < b.width; c++) {
            const z = b.values[r * b.width + c];
            if (Number.isNaN(z)) continue;
            const n = chunk.count++;
            chunk.x[n] = x0 + c * f.pixelWidth;
            chunk.y[n] = y;
            chunk.z[n] = z;
            if (chunk.count === BATCH) {
              yield chunk;
              chunk = emptyChunk(BATCH);
            }
          }
        }
      }
      if (chunk.count > 0) yield trim(chunk);
    } finally {
      await raster.close();
    }
  },
};

function emptyChunk(capacity: number): PointChunk {
  return { count: 0, x: new Float64Array(capacity), y: new Float64Array(capacity), z: new Float64Array(capacity) };
}

function trim(c: PointChunk): PointChunk {
  return { count: c.count, x: c.x.subarray(0, c.count), y: c.y.subarray(0, c.count), z: c.z.subarray(0, c.count) };
}
