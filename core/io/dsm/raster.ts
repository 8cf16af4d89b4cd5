/**
 * A GeoTIFF as VoxWatch sees it before using it: what kind of raster it is (heights, an
 * orthophoto, or some other image), how it is stored, and where it lies. Heights are then read
 * block by block (tile or strip), so a DSM of any size is never held whole in memory.
 */
import { stat } from 'node:fs/promises';
import { type BaseDecoder, type GeoTIFF, type GeoTIFFImage } from 'geotiff';
import { crsFromGeoKeys } from '../../geo/crs';
import { geoKeysOf, makeDecoder, openTiffFile } from '../geotiff/reader';
import { SourceError, type CrsInfo } from '../types';

/** What a GeoTIFF holds, as far as VoxWatch is concerned. */
export type RasterKind = 'heights' | 'orthophoto' | 'image';

export interface GeoTiffFacts {
  file: string;
  fileSize: number;
  width: number;
  height: number;
  bands: number;
  bitsPerSample: number;
  sampleFormat: 'unsigned' | 'signed' | 'float';
  /** TIFF PhotometricInterpretation by name ("RGB", "min-is-black", …). */
  photometric: string;
  compression: string;
  tiled: boolean;
  /** Tile size, or strip width × rows per strip. */
  blockWidth: number;
  blockHeight: number;
  /** Reduced-resolution images in the file (width × height), finest first. */
  overviews: { width: number; height: number }[];
  /** The GDAL nodata value, when declared (NaN is a valid declaration). */
  nodata: number | null;
  /** Band 1 scale and offset from the GDAL metadata (value = stored × scale + offset). */
  scale: number;
  offset: number;
  georeferenced: boolean;
  crs: CrsInfo | undefined;
  /** Upper-left corner of the upper-left pixel (GDAL's convention, also for PixelIsPoint files). */
  originX: number;
  originY: number;
  pixelWidth: number;
  pixelHeight: number;
  extent: { minX: number; minY: number; maxX: number; maxY: number };
  /** The file's TIFF DateTime as yyyy-mm-dd, when it has one. */
  created?: string;
  kind: RasterKind;
  /** Why it is that kind, in a few words ("1 band of Float32", "3 bands of 8-bit RGB"). */
  kindReason: string;
  warnings: string[];
}

const COMPRESSION: Record<number, string> = {
  1: 'none',
  5: 'LZW',
  6: 'JPEG (old)',
  7: 'JPEG',
  8: 'Deflate',
  32946: 'Deflate',
  32773: 'PackBits',
  34887: 'LERC',
  34925: 'LZMA',
  50000: 'ZSTD',
  50001: 'WebP',
};
const PHOTOMETRIC: Record<number, string> = {
  0: 'min-is-white',
  1: 'min-is-black',
  2: 'RGB',
  3: 'palette',
  4: 'mask',
  5: 'CMYK',
  6: 'YCbCr',
  8: 'CIELab',
};

/** Values this far from zero are fill values a writer forgot to declare (e.g. −3.4e38), never heights. */
const UNDECLARED_FILL = 1e30;

/**
 * Fill values writers use without declaring them, never heights on Earth: read as no height when
 * the file declares no nodata (a −9999 taken for a height made roofs 10 km high).
 */
const FILL_SENTINELS = new Set([-9999, -99999, -32767, -32768]);
const NO_SENTINELS = new Set<number>();

/** The facts of a GeoTIFF from its header (no pixel decoded). SourceError when it is not a readable TIFF. */
export async function describeGeoTiff(file: string): Promise<GeoTiffFacts> {
  const opened = await openTiff(file);
  try {
    return opened.facts;
  } finally {
    await opened.tiff.close();
  }
}

async function openTiff(file: string): Promise<{ tiff: GeoTIFF; image: GeoTIFFImage; facts: GeoTiffFacts }> {
  const { tiff, main, overviews, fileSize } = await openTiffFile(file);
  try {
    const sizes = overviews.map((im) => ({ width: im.getWidth(), height: im.getHeight() }));
    return { tiff, image: main, facts: await factsOf(file, fileSize, main, sizes) };
  } catch (e) {
    await tiff.close();
    if (e instanceof SourceError) throw e;
    throw new SourceError(file, `is a damaged TIFF file (${(e as Error).message})`);
  }
}

async function factsOf(file: string, fileSize: number, image: GeoTIFFImage, overviews: GeoTiffFacts['overviews']): Promise<GeoTiffFacts> {
  const dir = image.getFileDirectory();
  const warnings: string[] = [];
  const bands = image.getSamplesPerPixel();
  const bits = image.getBitsPerSample(0);
  const format = image.getSampleFormat(0);
  const sampleFormat = format === 3 ? 'float' : format === 2 ? 'signed' : 'unsigned';
  const photometricCode = (dir.getValue('PhotometricInterpretation') as number | undefined) ?? (bands >= 3 ? 2 : 1);
  const compressionCode = ((await dir.loadValue('Compression')) as number | undefined) ?? 1;
  const width = image.getWidth();
  const height = image.getHeight();

  const hasTiePoint = dir.hasTag('ModelTiepoint') && dir.hasTag('ModelPixelScale');
  const transformation = dir.getValue('ModelTransformation') as number[] | undefined;
  const georeferenced = hasTiePoint || !!transformation;
  let originX = 0;
  let originY = 0;
  let pixelWidth = 1;
  let pixelHeight = 1;
  const keys = georeferenced ? ((image.getGeoKeys() ?? {}) as Record<string, unknown>) : {};
  if (georeferenced) {
    if (transformation && (transformation[1] !== 0 || transformation[4] !== 0)) {
      throw new SourceError(
        file,
        'is rotated (ModelTransformation with rotation terms): only north-up rasters are supported; warp it north-up first (gdalwarp)',
      );
    }
    [originX, originY] = image.getOrigin();
    const [resX, resY] = image.getResolution();
    pixelWidth = Math.abs(resX);
    pixelHeight = Math.abs(resY);
    if (!(pixelWidth > 0 && pixelHeight > 0) || resY > 0) {
      throw new SourceError(
        file,
        `has an unusable pixel size (${resX}, ${resY}): only north-up rasters are supported; warp it north-up first (gdalwarp)`,
      );
    }
    // PixelIsPoint: the tie point names the centre of the first pixel; GDAL moves it to the corner.
    if (keys.GTRasterTypeGeoKey === 2) {
      originX -= pixelWidth / 2;
      originY += pixelHeight / 2;
    }
  }
  const noDataRaw = image.getGDALNoData();
  const nodata = noDataRaw === null ? null : noDataRaw;
  let scale = 1;
  let offset = 0;
  try {
    const meta = ((await image.getGDALMetadata(0)) ?? {}) as Record<string, string>;
    if (meta.SCALE !== undefined && Number.isFinite(Number(meta.SCALE)) && Number(meta.SCALE) !== 0) scale = Number(meta.SCALE);
    if (meta.OFFSET !== undefined && Number.isFinite(Number(meta.OFFSET))) offset = Number(meta.OFFSET);
  } catch {
    warnings.push('its GDAL metadata cannot be parsed; heights are read unscaled');
  }

  const typeName = sampleFormat === 'float' ? `Float${bits}` : `${sampleFormat === 'signed' ? 'Int' : 'UInt'}${bits}`;
  let kind: RasterKind;
  let kindReason: string;
  if (photometricCode === 3) {
    kind = 'image';
    kindReason = `a paletted ${bits}-bit image`;
  } else if ((bands >= 3 || photometricCode === 2 || photometricCode === 6) && sampleFormat === 'unsigned' && (bits === 8 || bits === 16)) {
    kind = 'orthophoto';
    kindReason = `${bands} bands of ${bits}-bit ${bands >= 4 ? 'RGBA' : photometricCode === 6 ? 'YCbCr' : 'RGB'}`;
  } else if (sampleFormat === 'unsigned' && bits <= 8) {
    kind = 'image';
    kindReason = `${bands === 1 ? 'a greyscale' : `a ${bands}-band`} ${bits}-bit image`;
  } else {
    kind = 'heights';
    kindReason = `${bands === 1 ? '1 band' : `${bands} bands`} of ${typeName}`;
    if (bands > 1) warnings.push(`has ${bands} bands: heights are read from band 1`);
    if (sampleFormat === 'unsigned')
      warnings.push(`stores heights as unsigned ${bits}-bit integers: check that they are heights (not an image)`);
  }
  const crs = georeferenced ? crsFromGeoKeys(geoKeysOf(image)) : undefined;
  const dateTime = (await dir.loadValue('DateTime')) as string | undefined;
  const m = typeof dateTime === 'string' ? /^(\d{4}):(\d{2}):(\d{2})/.exec(dateTime) : null;
  return {
    file,
    fileSize,
    width,
    height,
    bands,
    bitsPerSample: bits,
    sampleFormat,
    photometric: PHOTOMETRIC[photometricCode] ?? `code ${photometricCode}`,
    compression: COMPRESSION[compressionCode] ?? `code ${compressionCode}`,
    tiled: image.isTiled,
    blockWidth: image.getTileWidth(),
    blockHeight: image.getTileHeight(),
    overviews,
    nodata,
    scale,
    offset,
    georeferenced,
    crs,
    originX,
    originY,
    pixelWidth,
    pixelHeight,
    extent: { minX: originX, maxX: originX + width * pixelWidth, minY: originY - height * pixelHeight, maxY: originY },
    created: m && Number(m[1]) > 1990 ? `${m[1]}-${m[2]}-${m[3]}` : undefined,
    kind,
    kindReason,
    warnings,
  };
}

/** One decoded block of heights: NaN where there is no height (nodata, fill values). */
export interface HeightBlock {
  /** Pixel column and row of the block's upper-left pixel. */
  col0: number;
  row0: number;
  width: number;
  height: number;
  /** Heights row by row (width × height), after scale and offset. */
  values: Float64Array;
}

/** The hint that turns a wrong raster into the right use of it. */
export function notHeightsProblem(f: GeoTiffFacts): string {
  if (f.kind === 'orthophoto') {
    return `is an orthophoto (${f.kindReason}), not a DSM: give it as the epoch's orthophoto (voxwatch detect --before-ortho/--after-ortho, or project add-epoch --ortho), and a DSM or point cloud as the epoch`;
  }
  return `is ${f.kindReason}, not heights: a DSM epoch needs a single-band GeoTIFF of heights (Float32, Float64 or Int16)`;
}

/**
 * An open height raster (DSM). Refuses, by name and with the fix, a TIFF that cannot be placed
 * on the map or that holds an image rather than heights.
 */
export class HeightRaster {
  private decoder: Promise<BaseDecoder> | null = null;
  /** Pixels read so far that held an undeclared fill value (FILL_SENTINELS), by value. */
  readonly undeclaredFills = new Map<number, number>();

  private constructor(
    readonly facts: GeoTiffFacts,
    private readonly tiff: GeoTIFF,
    private readonly image: GeoTIFFImage,
  ) {}

  static async open(file: string): Promise<HeightRaster> {
    const { tiff, image, facts } = await openTiff(file);
    try {
      if (!facts.georeferenced) {
        throw new SourceError(
          file,
          'has no georeferencing (no ModelTiepoint/ModelPixelScale or ModelTransformation tags), so its heights cannot be placed on the map: write it as a GeoTIFF with its position and CRS (e.g. gdal_translate -a_srs EPSG:4547 -a_ullr <left> <top> <right> <bottom>)',
        );
      }
      if (facts.kind !== 'heights') throw new SourceError(file, notHeightsProblem(facts));
      return new HeightRaster(facts, tiff, image);
    } catch (e) {
      await tiff.close();
      throw e;
    }
  }

  /** Blocks across, down. */
  get blockGrid(): { across: number; down: number } {
    const f = this.facts;
    return { across: Math.ceil(f.width / f.blockWidth), down: Math.ceil(f.height / f.blockHeight) };
  }

  /** Every block in row-major order (north to south, west to east); checks `signal` between blocks. */
  async *blocks(signal?: AbortSignal): AsyncGenerator<HeightBlock> {
    const { across, down } = this.blockGrid;
    for (let by = 0; by < down; by++) {
      for (let bx = 0; bx < across; bx++) {
        if (signal?.aborted) throw signal.reason ?? abortError();
        yield await this.block(bx, by, signal);
      }
    }
  }

  /** The block at (bx, by), decoded and converted to heights (cropped to the image). */
  async block(bx: number, by: number, signal?: AbortSignal): Promise<HeightBlock> {
    const f = this.facts;
    const image = this.image;
    this.decoder ??= makeDecoder(image, f.file);
    const decoder = await this.decoder;
    let raw: { data: ArrayBufferLike };
    try {
      raw = await image.getTileOrStrip(bx, by, 0, decoder, signal);
    } catch (e) {
      if (signal?.aborted) throw e;
      throw new SourceError(f.file, `block ${bx},${by} cannot be decoded (${(e as Error).message})`);
    }
    const blockWidth = f.blockWidth;
    const col0 = bx * blockWidth;
    const row0 = by * f.blockHeight;
    const width = Math.min(blockWidth, f.width - col0);
    const height = Math.min(image.getBlockHeight(by), f.height - row0);
    const values = new Float64Array(width * height);
    const bytesPerPixel = image.planarConfiguration === 2 ? image.getSampleByteSize(0) : image.getBytesPerPixel();
    const data = raw.data as ArrayBuffer;
    const { nodata, scale, offset } = f;
    const noDataIsNumber = nodata !== null && !Number.isNaN(nodata);
    const sentinels = nodata === null ? FILL_SENTINELS : NO_SENTINELS;
    const store = (o: number, v: number) => {
      const sentinel = sentinels.has(v);
      if (sentinel) this.undeclaredFills.set(v, (this.undeclaredFills.get(v) ?? 0) + 1);
      const fill = sentinel || !Number.isFinite(v) || (noDataIsNumber && v === nodata) || Math.abs(v) >= UNDECLARED_FILL;
      values[o] = fill ? NaN : v * scale + offset;
    };
    if (image.littleEndian && bytesPerPixel === image.getSampleByteSize(0)) {
      // One sample per pixel in the machine's byte order: read it as a typed array.
      const typed = image.getArrayForSample(0, data);
      for (let r = 0; r < height; r++) for (let c = 0; c < width; c++) store(r * width + c, typed[r * blockWidth + c] as number);
    } else {
      const view = new DataView(data);
      const read = image.getReaderForSample(0);
      const le = image.littleEndian;
      for (let r = 0; r < height; r++) {
        for (let c = 0; c < width; c++) store(r * width + c, read.call(view, (r * blockWidth + c) * bytesPerPixel, le));
      }
    }
    return { col0, row0, width, height, values };
  }

  async close(): Promise<void> {
    await this.tiff.close();
  }
}

export interface HeightSummary {
  /** Pixels with a height. */
  valid: number;
  minZ: number;
  maxZ: number;
  /** Pixels holding a fill value the file does not declare (−9999…), read as no height, by value. */
  undeclaredFills: [number, number][];
}

const summaries = new Map<string, HeightSummary>();

/**
 * Valid pixels and height range of a DSM, from one pass over its blocks (what the epoch's facts
 * need before its points are read). Remembered per file version: detection asks for it once in
 * the main thread, and the project again when the epoch is added.
 */
export async function summariseHeights(raster: HeightRaster, signal?: AbortSignal): Promise<HeightSummary> {
  const s = await stat(raster.facts.file);
  const key = `${raster.facts.file}\0${s.mtimeMs}\0${s.size}`;
  const known = summaries.get(key);
  if (known) return known;
  let valid = 0;
  let minZ = Infinity;
  let maxZ = -Infinity;
  for await (const b of raster.blocks(signal)) {
    for (const v of b.values) {
      if (Number.isNaN(v)) continue;
      valid++;
      if (v < minZ) minZ = v;
      if (v > maxZ) maxZ = v;
    }
  }
  const summary = { valid, minZ: valid ? minZ : 0, maxZ: valid ? maxZ : 0, undeclaredFills: [...raster.undeclaredFills] };
  summaries.set(key, summary);
  return summary;
}

/** What a summary's undeclared fill values say to the user, one line a value. */
export function fillWarnings(h: HeightSummary): string[] {
  return h.undeclaredFills.map(
    ([value, pixels]) => `${pixels.toLocaleString('en-US')} pixels hold ${value}, read as no height: the file declares no nodata value`,
  );
}

function abortError(): Error {
  const e = new Error('cancelled');
  e.name = 'AbortError';
  return e;
}
