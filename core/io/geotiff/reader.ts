/**
 * Reads windows of a georeferenced GeoTIFF (an orthophoto) without decoding the whole image:
 * a world bounding box becomes a pixel window of the full image or of the coarsest overview that
 * still gives the asked output resolution, and only the tiles under it are decoded.
 */
import { stat } from 'node:fs/promises';
import { BaseDecoder, fromFile, getDecoder, type GeoTIFF, type GeoTIFFImage } from 'geotiff';
import { inflateSync } from 'node:zlib';
import { crsFromGeoKeys, type GeoKeys } from '../../geo/crs';
import { SourceError, type CrsInfo } from '../types';

/** A world-coordinate rectangle in the raster's CRS. */
export interface WorldBox {
  minX: number;
  minY: number;
  maxX: number;
  maxY: number;
}

export interface GeoRasterInfo {
  file: string;
  width: number;
  height: number;
  bands: number;
  bitsPerSample: number;
  /**
   * Bits the samples actually use: 16-bit orthophotos from 10-, 12- or 14-bit sensors leave the
   * top bits empty, and their high byte alone would be nearly black (see valueBitsOf).
   */
  valueBits: number;
  /** Upper-left corner of the upper-left pixel, CRS units. */
  originX: number;
  originY: number;
  /** Pixel size along x and y (both positive: the image is north-up). */
  pixelWidth: number;
  pixelHeight: number;
  /** World extent of the image. */
  extent: WorldBox;
  crs: CrsInfo | undefined;
  /** Reduced-resolution images stored in the file, finest first (widths). */
  overviewWidths: number[];
}

/** An RGB window: interleaved r, g, b bytes, rows from the top (north) down. */
export interface RgbWindow {
  width: number;
  height: number;
  rgb: Uint8Array;
  /** Share of the window's area the image covers (0–1); the rest is filled with `fill`. */
  covered: number;
  /** Width of the source pixels used, CRS units (the full image's or an overview's). */
  sourcePixelSize: number;
}

export interface ReadWindowOptions {
  /** Output size in pixels. */
  width: number;
  height: number;
  /** Grey level of the parts outside the image; default 235. */
  fill?: number;
  signal?: AbortSignal;
}

export class GeoTiffRaster {
  private constructor(
    readonly info: GeoRasterInfo,
    private readonly tiff: GeoTIFF,
    /** The full image first, then its overviews, finest first. */
    private readonly images: GeoTIFFImage[],
  ) {}

  private readonly cache = new Map<string, Uint8Array>();
  private cachedBytes = 0;
  private readonly decoders = new Map<number, Promise<BaseDecoder>>();

  /** Opens a GeoTIFF and reads its georeferencing; SourceError when it is missing, not a TIFF or not placed on the map. */
  static async open(file: string): Promise<GeoTiffRaster> {
    const { tiff, main, overviews } = await openTiffFile(file);
    try {
      const info = describe(file, main, overviews);
      if (info.bitsPerSample === 16) info.valueBits = await valueBitsOf(file, main, overviews.at(-1) ?? main);
      return new GeoTiffRaster(info, tiff, [main, ...overviews]);
    } catch (e) {
      await tiff.close();
      throw e;
    }
  }

  /**
   * Reads the part of the image under `box`, resampled to `width` × `height` pixels (area-averaged
   * when shrinking, bilinear when enlarging). Parts of the box outside the image are filled; a box
   * wholly outside is a SourceError saying so.
   */
  async readRgb(box: WorldBox, options: ReadWindowOptions): Promise<RgbWindow> {
    const { width, height } = options;
    if (!(Number.isInteger(width) && Number.isInteger(height) && width > 0 && height > 0 && box.maxX > box.minX && box.maxY > box.minY)) {
      throw new RangeError(`GeoTIFF window: empty box or bad output size (${width} × ${height})`);
    }
    const info = this.info;
    const e = info.extent;
    const ix = Math.max(0, Math.min(box.maxX, e.maxX) - Math.max(box.minX, e.minX));
    const iy = Math.max(0, Math.min(box.maxY, e.maxY) - Math.max(box.minY, e.minY));
    const covered = (ix * iy) / ((box.maxX - box.minX) * (box.maxY - box.minY));
    if (covered <= 0) {
      throw new SourceError(
        info.file,
        `the window ${fmtBox(box)} lies outside the image, which covers ${fmtBox(e)}${info.crs?.epsg ? ` (EPSG:${info.crs.epsg})` : ''}`,
      );
    }
    // The coarsest image whose pixels are still at most the output's pixel size.
    const wanted = Math.min((box.maxX - box.minX) / width, (box.maxY - box.minY) / height);
    let level = 0;
    for (let i = 1; i < this.images.length; i++) if ((info.pixelWidth * info.width) / this.images[i].getWidth() <= wanted) level = i;
    const image = this.images[level];
    const sx = image.getWidth() / info.width;
    const sy = image.getHeight() / info.height;
    // The window in the chosen image's pixel coordinates (fractional; may reach outside it).
    const win = {
      x0: snap(((box.minX - info.originX) / info.pixelWidth) * sx),
      y0: snap(((info.originY - box.maxY) / info.pixelHeight) * sy),
      x1: snap(((box.maxX - info.originX) / info.pixelWidth) * sx),
      y1: snap(((info.originY - box.minY) / info.pixelHeight) * sy),
    };
    const fill = options.fill ?? 235;
    const rgb =
      image.planarConfiguration === 1
        ? await this.resampleFromTiles(level, win, width, height, fill, options.signal)
        : await readViaGeotiff(image, info, win, width, height, fill, options.signal);
    return { width, height, rgb, covered, sourcePixelSize: info.pixelWidth / sx };
  }

  /** Output pixels from cached decoded tiles: area average when shrinking, bilinear when enlarging. */
  private async resampleFromTiles(level: number, win: PixelWindow, width: number, height: number, fill: number, signal?: AbortSignal) {
    const image = this.images[level];
    const iw = image.getWidth();
    const ih = image.getHeight();
    const px0 = Math.max(0, Math.floor(win.x0));
    const py0 = Math.max(0, Math.floor(win.y0));
    const px1 = Math.min(iw, Math.ceil(win.x1));
    const py1 = Math.min(ih, Math.ceil(win.y1));
    const kx = width / (win.x1 - win.x0);
    const ky = height / (win.y1 - win.y0);
    const out = new Uint8Array(width * height * 3);
    if (Number.isInteger(win.x0) && Number.isInteger(win.y0) && win.x1 - win.x0 === width && win.y1 - win.y0 === height) {
      // Native resolution on whole pixels: copy rows, fill what lies outside the image.
      out.fill(fill);
      await this.eachTileSpan(level, px0, py0, px1, py1, signal, (tile, span) => {
        for (let y = span.yStart; y < span.yEnd; y++) {
          const from = 3 * ((y - span.tileY0) * span.tileWidth + span.xStart - span.tileX0);
          out.set(tile.subarray(from, from + 3 * (span.xEnd - span.xStart)), 3 * ((y - win.y0) * width + span.xStart - win.x0));
        }
      });
      return out;
    }
    if (kx <= 1 && ky <= 1) {
      // Shrinking: every source pixel adds to the output pixel its centre falls in.
      const sum = new Uint32Array(width * height * 3);
      const count = new Uint32Array(width * height);
      // The output column and row of each source column and row (−1: outside the output).
      const outX = new Int32Array(px1 - px0);
      for (let x = px0; x < px1; x++) outX[x - px0] = clampIndex(Math.floor((x + 0.5 - win.x0) * kx), width);
      const outY = new Int32Array(py1 - py0);
      for (let y = py0; y < py1; y++) outY[y - py0] = clampIndex(Math.floor((y + 0.5 - win.y0) * ky), height);
      await this.eachTileSpan(level, px0, py0, px1, py1, signal, (tile, span) =>
        accumulate(tile, span, outX, outY, px0, py0, width, sum, count),
      );
      averageInto(out, sum, count, fill);
      return out;
    }
    // Enlarging: gather the window's pixels, then sample them bilinearly.
    const gw = px1 - px0;
    const gh = py1 - py0;
    const grid = new Uint8Array(gw * gh * 3);
    await this.eachTileSpan(level, px0, py0, px1, py1, signal, (tile, span) => {
      for (let y = span.yStart; y < span.yEnd; y++) {
        const from = 3 * ((y - span.tileY0) * span.tileWidth + span.xStart - span.tileX0);
        grid.set(tile.subarray(from, from + 3 * (span.xEnd - span.xStart)), 3 * ((y - py0) * gw + span.xStart - px0));
      }
    });
    sampleBilinear(grid, gw, gh, px0, py0, iw, ih, win, kx, ky, out, width, height, fill);
    return out;
  }

  /** Calls `visit` with each decoded tile under [px0,px1)×[py0,py1) and the part of it inside. */
  private async eachTileSpan(
    level: number,
    px0: number,
    py0: number,
    px1: number,
    py1: number,
    signal: AbortSignal | undefined,
    visit: (tile: Uint8Array, span: Span) => void,
  ): Promise<void> {
    const image = this.images[level];
    const tw = image.getTileWidth();
    const th = image.getTileHeight();
    for (let ty = Math.floor(py0 / th); ty * th < py1; ty++) {
      for (let tx = Math.floor(px0 / tw); tx * tw < px1; tx++) {
        if (signal?.aborted) throw signal.reason;
        const tile = await this.tile(level, tx, ty, signal);
        visit(tile, {
          tileX0: tx * tw,
          tileY0: ty * th,
          tileWidth: tw,
          xStart: Math.max(px0, tx * tw),
          xEnd: Math.min(px1, (tx + 1) * tw),
          yStart: Math.max(py0, ty * th),
          yEnd: Math.min(py1, ty * th + image.getBlockHeight(ty)),
        });
      }
    }
  }

  /** One decoded tile (or strip) as r, g, b bytes, from a bounded cache: neighbouring changes share tiles. */
  private async tile(level: number, tx: number, ty: number, signal?: AbortSignal): Promise<Uint8Array> {
    const key = `${level}/${tx}/${ty}`;
    const hit = this.cache.get(key);
    if (hit) {
      // Map order is insertion order: re-inserting marks it most recently used.
      this.cache.delete(key);
      this.cache.set(key, hit);
      return hit;
    }
    const image = this.images[level];
    const decoder = await this.decoderFor(level);
    let raw: { data: ArrayBufferLike };
    try {
      raw = await image.getTileOrStrip(tx, ty, 0, decoder, signal);
    } catch (e) {
      if (signal?.aborted) throw e;
      throw new SourceError(this.info.file, `tile ${tx},${ty} cannot be decoded (${(e as Error).message})`);
    }
    const rgb = toRgb8(raw.data, image.getSamplesPerPixel(), this.info, image.getTileWidth() * image.getBlockHeight(ty));
    this.cache.set(key, rgb);
    this.cachedBytes += rgb.length;
    while (this.cachedBytes > TILE_CACHE_BYTES && this.cache.size > 1) {
      const [oldest, tile] = this.cache.entries().next().value as [string, Uint8Array];
      this.cache.delete(oldest);
      this.cachedBytes -= tile.length;
    }
    return rgb;
  }

  private decoderFor(level: number): Promise<BaseDecoder> {
    let d = this.decoders.get(level);
    if (!d) {
      d = makeDecoder(this.images[level], this.info.file);
      this.decoders.set(level, d);
    }
    return d;
  }

  async close(): Promise<void> {
    await this.tiff.close();
  }
}

function describe(file: string, image: GeoTIFFImage, overviews: GeoTIFFImage[]): GeoRasterInfo {
  const dir = image.getFileDirectory();
  const hasTiePoint = dir.hasTag('ModelTiepoint') && dir.hasTag('ModelPixelScale');
  const transformation = dir.getValue('ModelTransformation') as number[] | undefined;
  if (!hasTiePoint && !transformation) {
    throw new SourceError(
      file,
      'has no georeferencing (neither ModelTiepoint with ModelPixelScale nor ModelTransformation): it cannot be placed on the map',
    );
  }
  if (transformation && (transformation[1] !== 0 || transformation[4] !== 0)) {
    throw new SourceError(file, 'is rotated (ModelTransformation with rotation terms): only north-up orthophotos are supported');
  }
  const bits = image.getBitsPerSample(0);
  if (bits !== 8 && bits !== 16) throw new SourceError(file, `has ${bits}-bit samples: only 8- and 16-bit orthophotos are supported`);
  const [originX, originY] = image.getOrigin();
  const [resX, resY] = image.getResolution();
  const pixelWidth = Math.abs(resX);
  const pixelHeight = Math.abs(resY);
  if (!(pixelWidth > 0 && pixelHeight > 0) || resY > 0) {
    throw new SourceError(file, `has an unusable pixel size (${resX}, ${resY}): only north-up orthophotos are supported`);
  }
  const width = image.getWidth();
  const height = image.getHeight();
  return {
    file,
    width,
    height,
    bands: image.getSamplesPerPixel(),
    bitsPerSample: bits,
    valueBits: bits,
    originX,
    originY,
    pixelWidth,
    pixelHeight,
    extent: { minX: originX, maxX: originX + width * pixelWidth, minY: originY - height * pixelHeight, maxY: originY },
    crs: crsFromGeoKeys(geoKeysOf(image)),
    overviewWidths: overviews.map((o) => o.getWidth()),
  };
}

/** geotiff.js names the keys; our CRS code takes them by role. */
export function geoKeysOf(image: GeoTIFFImage): GeoKeys {
  const k = (image.getGeoKeys() ?? {}) as Record<string, unknown>;
  const num = (v: unknown) => (typeof v === 'number' ? v : undefined);
  const str = (v: unknown) => (typeof v === 'string' ? v.replace(/[|\0]+$/, '').trim() || undefined : undefined);
  return {
    modelType: num(k.GTModelTypeGeoKey),
    projectedCs: num(k.ProjectedCSTypeGeoKey),
    geographicCs: num(k.GeographicTypeGeoKey),
    verticalCs: num(k.VerticalCSTypeGeoKey),
    linearUnits: num(k.ProjLinearUnitsGeoKey),
    verticalUnits: num(k.VerticalUnitsGeoKey),
    citation: str(k.PCSCitationGeoKey) ?? str(k.GTCitationGeoKey),
  };
}

function fmtBox(b: WorldBox): string {
  const f = (v: number) => v.toFixed(1);
  return `x ${f(b.minX)}–${f(b.maxX)}, y ${f(b.minY)}–${f(b.maxY)}`;
}

/** Decoded tiles kept per open raster: a few hundred 256² tiles, enough for the changes of a district. */
const TILE_CACHE_BYTES = 64 * 2 ** 20;

interface PixelWindow {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
}

/** The decoder geotiff.js would use for this image (its own parameter function is not exported). */
export async function makeDecoder(image: GeoTIFFImage, file: string): Promise<BaseDecoder> {
  const dir = image.getFileDirectory();
  const compression = (await dir.loadValue('Compression')) as number | undefined;
  const params: Record<string, unknown> = {
    tileWidth: image.getTileWidth(),
    tileHeight: image.getTileHeight(),
    planarConfiguration: image.planarConfiguration,
    bitsPerSample: await dir.loadValue('BitsPerSample'),
    predictor: (await dir.loadValue('Predictor')) || 1,
    samplesPerPixel: image.getSamplesPerPixel(),
  };
  if (compression === 7) params.JPEGTables = await dir.loadValue('JPEGTables');
  if (compression === 34887) params.LercParameters = await dir.loadValue('LercParameters');
  // Deflate through Node's zlib: several times faster than geotiff.js' pure-JS inflate.
  if (compression === 8 || compression === 32946) return new ZlibDeflateDecoder(params as never);
  // JPEG through sharp (libjpeg-turbo): about ten times faster than geotiff.js' pure-JS decoder.
  if (compression === 7) return new SharpJpegDecoder(params as never, (await getDecoder(7, params as never)) as BaseDecoder);
  try {
    return (await getDecoder(compression as number, params as never)) as BaseDecoder;
  } catch (e) {
    throw new SourceError(file, `uses a compression this reader cannot decode (${(e as Error).message})`);
  }
}

/**
 * A JPEG tile decoded by sharp. TIFF keeps the shared tables (JPEGTables) apart from the tiles'
 * abbreviated streams: the tables less their EOI, then the tile less its SOI, make a whole JPEG.
 * Anything sharp refuses goes to geotiff.js' own decoder.
 */
class SharpJpegDecoder extends BaseDecoder {
  private readonly tables: Uint8Array | undefined;
  constructor(
    params: { JPEGTables?: ArrayLike<number> },
    private readonly fallback: BaseDecoder,
  ) {
    super(params as never);
    this.tables = params.JPEGTables && params.JPEGTables.length > 4 ? Uint8Array.from(params.JPEGTables) : undefined;
  }

  override async decodeBlock(buffer: ArrayBuffer): Promise<ArrayBuffer> {
    let bytes = new Uint8Array(buffer);
    if (this.tables) {
      const joined = new Uint8Array(this.tables.length - 2 + bytes.length - 2);
      joined.set(this.tables.subarray(0, this.tables.length - 2));
      joined.set(bytes.subarray(2), this.tables.length - 2);
      bytes = joined;
    }
    try {
      const sharp = (await import('sharp')).default;
      const data = await sharp(bytes).raw().toBuffer();
      const whole = data.byteOffset === 0 && data.byteLength === data.buffer.byteLength;
      return (whole ? data.buffer : data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength)) as ArrayBuffer;
    } catch {
      return this.fallback.decodeBlock(buffer) as ArrayBuffer;
    }
  }
}

class ZlibDeflateDecoder extends BaseDecoder {
  override decodeBlock(buffer: ArrayBuffer): ArrayBuffer {
    const b = inflateSync(new Uint8Array(buffer));
    return b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer;
  }
}

/**
 * A decoded chunky block as r, g, b bytes (grey repeated; 16-bit samples scaled from the bits
 * they use, brighter values saturating).
 */
function toRgb8(data: ArrayBufferLike, spp: number, info: Pick<GeoRasterInfo, 'bitsPerSample' | 'valueBits'>, pixels: number): Uint8Array {
  const out = new Uint8Array(pixels * 3);
  if (info.bitsPerSample === 16) {
    const shift = info.valueBits - 8;
    const v = new Uint16Array(data as ArrayBuffer, 0, Math.min(pixels * spp, Math.floor(data.byteLength / 2)));
    for (let p = 0; p < pixels && p * spp < v.length; p++) {
      for (let c = 0; c < 3; c++) out[3 * p + c] = Math.min(255, v[p * spp + (spp >= 3 ? c : 0)] >> shift);
    }
    return out;
  }
  const v = new Uint8Array(data as ArrayBuffer);
  if (spp === 3 && v.length >= pixels * 3) {
    out.set(v.subarray(0, pixels * 3));
    return out;
  }
  for (let p = 0; p < pixels && p * spp < v.length; p++) {
    for (let c = 0; c < 3; c++) out[3 * p + c] = v[p * spp + (spp >= 3 ? c : 0)];
  }
  return out;
}

/** Separate-plane images (rare for orthophotos): geotiff.js' own, slower, path. */
async function readViaGeotiff(
  image: GeoTIFFImage,
  info: GeoRasterInfo,
  win: PixelWindow,
  width: number,
  height: number,
  fill: number,
  signal?: AbortSignal,
): Promise<Uint8Array> {
  const samples = info.bands >= 3 ? [0, 1, 2] : [0];
  const data = (await image.readRasters({
    window: [Math.floor(win.x0), Math.floor(win.y0), Math.ceil(win.x1), Math.ceil(win.y1)],
    samples,
    width,
    height,
    interleave: true,
    fillValue: info.bitsPerSample === 16 ? fill << (info.valueBits - 8) : fill,
    resampleMethod: 'bilinear',
    signal,
  })) as ArrayLike<number>;
  const shift = info.bitsPerSample === 16 ? info.valueBits - 8 : 0;
  const rgb = new Uint8Array(width * height * 3);
  for (let p = 0; p < width * height; p++) {
    for (let c = 0; c < 3; c++) rgb[3 * p + c] = Math.min(255, data[p * samples.length + (samples.length === 3 ? c : 0)] >> shift);
  }
  return rgb;
}

/** Tiles of the coarsest image looked at to find the bits a 16-bit orthophoto uses. */
const VALUE_SAMPLE_TILES = 16;

/**
 * The bits a 16-bit image's values use (8–16): its MaxSampleValue when the writer set one below
 * 65535, else the 99.9th percentile of the colour samples of a few tiles spread over its coarsest
 * image, 0 and 65535 (nodata, margins) left out.
 */
async function valueBitsOf(file: string, main: GeoTIFFImage, coarsest: GeoTIFFImage): Promise<number> {
  const bitsFor = (max: number) => Math.min(16, Math.max(8, Math.ceil(Math.log2(max + 1))));
  const declared = (await main
    .getFileDirectory()
    .loadValue('MaxSampleValue')
    .catch(() => undefined)) as number | number[] | undefined;
  const max = Array.isArray(declared) || ArrayBuffer.isView(declared) ? Math.max(...(declared as number[])) : declared;
  if (typeof max === 'number' && max > 0 && max < 65535) return bitsFor(max);
  const across = Math.ceil(coarsest.getWidth() / coarsest.getTileWidth());
  const tiles = across * Math.ceil(coarsest.getHeight() / coarsest.getTileHeight());
  const histogram = new Uint32Array(65536);
  const decoder = await makeDecoder(coarsest, file);
  // A separate-plane image's tile holds its first band only.
  const spp = coarsest.planarConfiguration === 1 ? coarsest.getSamplesPerPixel() : 1;
  const channels = Math.min(3, spp);
  let n = 0;
  for (let i = 0; i < Math.min(tiles, VALUE_SAMPLE_TILES); i++) {
    const t = Math.floor(((i + 0.5) * tiles) / Math.min(tiles, VALUE_SAMPLE_TILES));
    let data: ArrayBufferLike;
    try {
      data = (await coarsest.getTileOrStrip(t % across, Math.floor(t / across), 0, decoder)).data;
    } catch {
      continue; // a damaged tile is reported when it is read for real
    }
    const v = new Uint16Array(data as ArrayBuffer, 0, Math.floor(data.byteLength / 2));
    for (let k = 0; k + spp <= v.length; k += spp) {
      for (let c = 0; c < channels; c++) {
        // Zero and 65535 are background or nodata in most orthophotos: they say nothing of the range.
        if (v[k + c] === 0 || v[k + c] === 65535) continue;
        histogram[v[k + c]]++;
        n++;
      }
    }
  }
  if (n === 0) return 16;
  let seen = 0;
  for (let value = 0; value < 65536; value++) {
    seen += histogram[value];
    if (seen >= 0.999 * n) return bitsFor(value);
  }
  return 16;
}

function clampIndex(i: number, n: number): number {
  return i >= 0 && i < n ? i : -1;
}

/** The source block [xStart,xEnd)×[yStart,yEnd) of a tile, pixel coordinates of the image. */
interface Span {
  tileX0: number;
  tileY0: number;
  tileWidth: number;
  xStart: number;
  xEnd: number;
  yStart: number;
  yEnd: number;
}

/** Adds a tile's pixels in `span` to the output pixels they fall in (the hot loop). */
function accumulate(
  tile: Uint8Array,
  span: Span,
  outX: Int32Array,
  outY: Int32Array,
  px0: number,
  py0: number,
  width: number,
  sum: Uint32Array,
  count: Uint32Array,
): void {
  for (let y = span.yStart; y < span.yEnd; y++) {
    const oy = outY[y - py0];
    if (oy < 0) continue;
    const row = (y - span.tileY0) * span.tileWidth - span.tileX0;
    const outRow = oy * width;
    for (let x = span.xStart; x < span.xEnd; x++) {
      const ox = outX[x - px0];
      if (ox < 0) continue;
      const o = outRow + ox;
      const t = 3 * (row + x);
      sum[3 * o] += tile[t];
      sum[3 * o + 1] += tile[t + 1];
      sum[3 * o + 2] += tile[t + 2];
      count[o]++;
    }
  }
}

function averageInto(out: Uint8Array, sum: Uint32Array, count: Uint32Array, fill: number): void {
  for (let o = 0; o < count.length; o++) {
    const n = count[o];
    if (n === 0) out[3 * o] = out[3 * o + 1] = out[3 * o + 2] = fill;
    else {
      out[3 * o] = (sum[3 * o] + (n >> 1)) / n;
      out[3 * o + 1] = (sum[3 * o + 1] + (n >> 1)) / n;
      out[3 * o + 2] = (sum[3 * o + 2] + (n >> 1)) / n;
    }
  }
}

/** Bilinear samples of the gathered pixels `grid` (gw × gh, starting at image pixel px0, py0). */
function sampleBilinear(
  grid: Uint8Array,
  gw: number,
  gh: number,
  px0: number,
  py0: number,
  iw: number,
  ih: number,
  win: PixelWindow,
  kx: number,
  ky: number,
  out: Uint8Array,
  width: number,
  height: number,
  fill: number,
): void {
  // Per output column and row: the two source columns/rows and the weight of the second (−1: outside the image).
  const axis = (n: number, start: number, k: number, origin: number, size: number, gridSize: number) => {
    const lo = new Int32Array(n);
    const hi = new Int32Array(n);
    const w = new Float32Array(n);
    for (let o = 0; o < n; o++) {
      const f = start + (o + 0.5) / k - 0.5;
      if (f < -0.5 || f > size - 0.5) {
        lo[o] = -1;
        continue;
      }
      const g = Math.min(Math.max(f - origin, 0), gridSize - 1);
      lo[o] = Math.floor(g);
      hi[o] = Math.min(lo[o] + 1, gridSize - 1);
      w[o] = g - lo[o];
    }
    return { lo, hi, w };
  };
  const xs = axis(width, win.x0, kx, px0, iw, gw);
  const ys = axis(height, win.y0, ky, py0, ih, gh);
  for (let oy = 0; oy < height; oy++) {
    const y0 = ys.lo[oy];
    const ay = ys.w[oy];
    const r0 = y0 * gw;
    const r1 = ys.hi[oy] * gw;
    for (let ox = 0; ox < width; ox++) {
      const o = 3 * (oy * width + ox);
      const x0 = xs.lo[ox];
      if (y0 < 0 || x0 < 0) {
        out[o] = out[o + 1] = out[o + 2] = fill;
        continue;
      }
      const x1 = xs.hi[ox];
      const ax = xs.w[ox];
      const a = 3 * (r0 + x0);
      const b = 3 * (r0 + x1);
      const c = 3 * (r1 + x0);
      const d = 3 * (r1 + x1);
      for (let ch = 0; ch < 3; ch++) {
        const top = grid[a + ch] + (grid[b + ch] - grid[a + ch]) * ax;
        const bottom = grid[c + ch] + (grid[d + ch] - grid[c + ch]) * ax;
        out[o + ch] = top + (bottom - top) * ay + 0.5;
      }
    }
  }
}

/** Pixel edges computed from world coordinates land a hair off whole pixels: put them back. */
function snap(v: number): number {
  const r = Math.round(v);
  return Math.abs(v - r) < 1e-6 ? r : v;
}

/**
 * Opens a TIFF file with its full image and its overviews (same bands, smaller, finest first): SourceError when the
 * file is missing, not a TIFF or damaged. The caller closes `tiff`.
 */
export async function openTiffFile(
  file: string,
): Promise<{ tiff: GeoTIFF; main: GeoTIFFImage; overviews: GeoTIFFImage[]; fileSize: number }> {
  let fileSize: number;
  try {
    const s = await stat(file);
    if (!s.isFile()) throw new SourceError(file, 'is not a file');
    fileSize = s.size;
  } catch (e) {
    if (e instanceof SourceError) throw e;
    throw new SourceError(file, 'does not exist or cannot be read');
  }
  let tiff: GeoTIFF;
  try {
    tiff = await fromFile(file);
  } catch (e) {
    throw new SourceError(file, `is not a readable TIFF file (${(e as Error).message})`);
  }
  try {
    const count = await tiff.getImageCount();
    const all: GeoTIFFImage[] = [];
    for (let i = 0; i < count; i++) all.push(await tiff.getImage(i));
    const main = all[0];
    const overviews = all
      .slice(1)
      .filter((im) => im.getWidth() < main.getWidth() && im.getSamplesPerPixel() === main.getSamplesPerPixel())
      .sort((a, b) => b.getWidth() - a.getWidth());
    return { tiff, main, overviews, fileSize };
  } catch (e) {
    await tiff.close();
    throw new SourceError(file, `is a damaged TIFF file (${(e as Error).message})`);
  }
}
