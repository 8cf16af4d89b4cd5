/**
 * A minimal GeoTIFF writer for north-up rasters in a projected CRS: 8- or 16-bit RGB images
 * (orthophotos) and single-band Float32 heights (DSMs) with a nodata value. Classic
 * little-endian TIFF, 256 × 256 tiles, Deflate (compression 8) with the horizontal (RGB) or
 * floating-point (heights) predictor, and the three GeoTIFF tags that place the image (pixel
 * scale, tie point, GeoKeyDirectory). npm has no maintained writer of tiled, compressed
 * GeoTIFFs (geotiff.js writes single uncompressed strips), hence this one.
 */
import { writeFile } from 'node:fs/promises';
import { deflateSync } from 'node:zlib';

/** Where a raster lies: the part of the options every GeoTIFF shares. */
interface GeoPlacement {
  width: number;
  height: number;
  /** Upper-left corner of the upper-left pixel, in CRS units. */
  originX: number;
  originY: number;
  /** Pixel size in CRS units (square pixels). */
  pixelSize: number;
  /** EPSG code of a projected CRS. */
  epsg: number;
  /** Tile edge in pixels, a multiple of 16; default 256. */
  tileSize?: number;
  /** Differencing before Deflate (TIFF predictor 2 for RGB, 3 for floats); default true. */
  predictor?: boolean;
  /** zlib level 1–9; default 6. */
  compressionLevel?: number;
}

export interface GeoTiffRgbOptions extends GeoPlacement {
  /** Interleaved r, g, b samples, rows from the top (north) down: bytes, or 16-bit samples. */
  rgb: Uint8Array | Uint16Array;
}

export interface GeoTiffHeightsOptions extends GeoPlacement {
  /** Heights row by row from the top (north) down; NaN where there is none. */
  heights: Float32Array;
  /** The value written for NaN and declared as GDAL_NODATA; default −9999. */
  nodata?: number;
  /** TIFF DateTime, e.g. the survey date. */
  date?: Date;
}

const ASCII = 2;
const SHORT = 3;
const LONG = 4;
const DOUBLE = 12;
const TYPE_SIZE: Record<number, number> = { [ASCII]: 1, [SHORT]: 2, [LONG]: 4, [DOUBLE]: 8 };

interface Entry {
  tag: number;
  type: number;
  values: number[] | string;
}

export async function writeGeoTiffRgb(path: string, options: GeoTiffRgbOptions): Promise<void> {
  await writeFile(path, encodeGeoTiffRgb(options));
}

export function encodeGeoTiffRgb(options: GeoTiffRgbOptions): Buffer {
  const { width, height, rgb } = options;
  const tileSize = options.tileSize ?? 256;
  const predictor = options.predictor ?? true;
  if (!(width > 0 && height > 0) || rgb.length !== width * height * 3) {
    throw new RangeError(`GeoTIFF: rgb holds ${rgb.length} samples, expected ${width} × ${height} × 3`);
  }
  if (tileSize % 16 !== 0) throw new RangeError(`GeoTIFF: tile size ${tileSize} is not a multiple of 16`);
  const tiles = encodeTiles(options, tileSize, predictor);
  const bits = rgb instanceof Uint16Array ? 16 : 8;
  return assemble(options, tileSize, tiles, [
    { tag: 258, type: SHORT, values: [bits, bits, bits] }, // BitsPerSample
    { tag: 262, type: SHORT, values: [2] }, // PhotometricInterpretation: RGB
    { tag: 277, type: SHORT, values: [3] }, // SamplesPerPixel
    { tag: 317, type: SHORT, values: [predictor ? 2 : 1] }, // Predictor
    { tag: 339, type: SHORT, values: [1, 1, 1] }, // SampleFormat: unsigned
  ]);
}

export async function writeGeoTiffHeights(path: string, options: GeoTiffHeightsOptions): Promise<void> {
  await writeFile(path, encodeGeoTiffHeights(options));
}

/** A single-band Float32 DSM: NaN heights are written as the nodata value, which GDAL_NODATA declares. */
export function encodeGeoTiffHeights(options: GeoTiffHeightsOptions): Buffer {
  const { width, height, heights } = options;
  const tileSize = options.tileSize ?? 256;
  const predictor = options.predictor ?? true;
  const nodata = options.nodata ?? -9999;
  if (!(width > 0 && height > 0) || heights.length !== width * height) {
    throw new RangeError(`GeoTIFF: heights hold ${heights.length} values, expected ${width} × ${height}`);
  }
  if (tileSize % 16 !== 0) throw new RangeError(`GeoTIFF: tile size ${tileSize} is not a multiple of 16`);
  const tiles = encodeFloatTiles(options, tileSize, predictor, nodata);
  const extra: Entry[] = [
    { tag: 258, type: SHORT, values: [32] }, // BitsPerSample
    { tag: 262, type: SHORT, values: [1] }, // PhotometricInterpretation: min-is-black
    { tag: 277, type: SHORT, values: [1] }, // SamplesPerPixel
    { tag: 317, type: SHORT, values: [predictor ? 3 : 1] }, // Predictor: floating point
    { tag: 339, type: SHORT, values: [3] }, // SampleFormat: IEEE float
    { tag: 42113, type: ASCII, values: `${nodata}\0` }, // GDAL_NODATA
  ];
  if (options.date) {
    const d = options.date.toISOString();
    extra.push({ tag: 306, type: ASCII, values: `${d.slice(0, 4)}:${d.slice(5, 7)}:${d.slice(8, 10)} ${d.slice(11, 19)}\0` }); // DateTime
  }
  return assemble(options, tileSize, tiles, extra);
}

/** The TIFF around encoded tiles: header, one IFD (tags in ascending order), out-of-line values, tiles. */
function assemble(p: GeoPlacement, tileSize: number, tiles: Buffer[], extra: Entry[]): Buffer {
  const entriesFor = (offsets: number[]): Entry[] =>
    [
      ...extra,
      { tag: 256, type: LONG, values: [p.width] }, // ImageWidth
      { tag: 257, type: LONG, values: [p.height] }, // ImageLength
      { tag: 259, type: SHORT, values: [8] }, // Compression: Deflate
      { tag: 284, type: SHORT, values: [1] }, // PlanarConfiguration: chunky
      { tag: 322, type: SHORT, values: [tileSize] }, // TileWidth
      { tag: 323, type: SHORT, values: [tileSize] }, // TileLength
      { tag: 324, type: LONG, values: offsets }, // TileOffsets
      { tag: 325, type: LONG, values: tiles.map((t) => t.length) }, // TileByteCounts
      { tag: 33550, type: DOUBLE, values: [p.pixelSize, p.pixelSize, 0] }, // ModelPixelScaleTag
      { tag: 33922, type: DOUBLE, values: [0, 0, 0, p.originX, p.originY, 0] }, // ModelTiepointTag
      {
        tag: 34735, // GeoKeyDirectoryTag: header, then {key, location 0, count 1, value}
        type: SHORT,
        values: [1, 1, 0, 3, 1024, 0, 1, 1, 1025, 0, 1, 1, 3072, 0, 1, p.epsg],
        // GTModelTypeGeoKey = projected, GTRasterTypeGeoKey = PixelIsArea, ProjectedCSTypeGeoKey = EPSG
      },
    ].sort((a, b) => a.tag - b.tag);

  // Layout: header, IFD, out-of-line values (8-byte aligned), then the tiles.
  const draft = entriesFor(tiles.map(() => 0));
  const ifdAt = 8;
  let cursor = align8(ifdAt + 2 + 12 * draft.length + 4);
  const valueAt = draft.map((e) => {
    const bytes = e.values.length * TYPE_SIZE[e.type];
    if (bytes <= 4) return -1;
    const at = cursor;
    cursor = align8(cursor + bytes);
    return at;
  });
  const offsets: number[] = [];
  for (const tile of tiles) {
    offsets.push(cursor);
    cursor += tile.length;
  }
  if (cursor > 0xffffffff) throw new RangeError('GeoTIFF: image too large for classic TIFF');

  const out = Buffer.alloc(cursor);
  out.write('II', 0, 'ascii');
  out.writeUInt16LE(42, 2);
  out.writeUInt32LE(ifdAt, 4);
  const entries = entriesFor(offsets);
  out.writeUInt16LE(entries.length, ifdAt);
  entries.forEach((entry, i) => {
    const at = ifdAt + 2 + 12 * i;
    out.writeUInt16LE(entry.tag, at);
    out.writeUInt16LE(entry.type, at + 2);
    out.writeUInt32LE(entry.values.length, at + 4);
    if (valueAt[i] < 0) writeValues(out, at + 8, entry);
    else {
      out.writeUInt32LE(valueAt[i], at + 8);
      writeValues(out, valueAt[i], entry);
    }
  });
  out.writeUInt32LE(0, ifdAt + 2 + 12 * entries.length); // no next IFD
  tiles.forEach((tile, i) => tile.copy(out, offsets[i]));
  return out;
}

/**
 * Float tiles with TIFF predictor 3: each row's floats are split into byte planes (most
 * significant first) and the bytes differenced left to right, which Deflate then packs well.
 */
function encodeFloatTiles(options: GeoTiffHeightsOptions, tileSize: number, predictor: boolean, nodata: number): Buffer[] {
  const { width, height, heights } = options;
  const across = Math.ceil(width / tileSize);
  const down = Math.ceil(height / tileSize);
  const values = new Float32Array(tileSize * tileSize);
  const bytes = new Uint8Array(values.buffer);
  const row = Buffer.alloc(tileSize * 4);
  const tile = Buffer.alloc(tileSize * tileSize * 4);
  const tiles: Buffer[] = [];
  for (let ty = 0; ty < down; ty++) {
    for (let tx = 0; tx < across; tx++) {
      values.fill(nodata);
      const x0 = tx * tileSize;
      const columns = Math.min(tileSize, width - x0);
      for (let r = 0; r < tileSize && ty * tileSize + r < height; r++) {
        const from = (ty * tileSize + r) * width + x0;
        for (let c = 0; c < columns; c++) {
          const v = heights[from + c];
          values[r * tileSize + c] = Number.isNaN(v) ? nodata : v;
        }
      }
      if (!predictor) {
        tiles.push(deflateSync(Buffer.from(bytes), { level: options.compressionLevel ?? 6 }));
        continue;
      }
      for (let r = 0; r < tileSize; r++) {
        // Byte planes: byte 3 (the sign and exponent) of every float first, byte 0 last.
        for (let c = 0; c < tileSize; c++) {
          const at = 4 * (r * tileSize + c);
          for (let b = 0; b < 4; b++) row[b * tileSize + c] = bytes[at + 3 - b];
        }
        for (let k = row.length - 1; k >= 1; k--) row[k] = (row[k] - row[k - 1]) & 0xff;
        row.copy(tile, r * tileSize * 4);
      }
      tiles.push(deflateSync(tile, { level: options.compressionLevel ?? 6 }));
    }
  }
  return tiles;
}

/** Tiles in row-major order, padded with zeros at the right and bottom edges, deflated (16-bit samples little-endian). */
function encodeTiles(options: GeoTiffRgbOptions, tileSize: number, predictor: boolean): Buffer[] {
  const { width, height, rgb } = options;
  const across = Math.ceil(width / tileSize);
  const down = Math.ceil(height / tileSize);
  const rowSamples = tileSize * 3;
  const tiles: Buffer[] = [];
  const tile = rgb instanceof Uint16Array ? new Uint16Array(tileSize * rowSamples) : new Uint8Array(tileSize * rowSamples);
  const mask = rgb instanceof Uint16Array ? 0xffff : 0xff;
  for (let ty = 0; ty < down; ty++) {
    for (let tx = 0; tx < across; tx++) {
      tile.fill(0);
      const x0 = tx * tileSize;
      const columns = Math.min(tileSize, width - x0);
      for (let r = 0; r < tileSize && ty * tileSize + r < height; r++) {
        const from = ((ty * tileSize + r) * width + x0) * 3;
        tile.set(rgb.subarray(from, from + columns * 3), r * rowSamples);
      }
      if (predictor) {
        // Each sample becomes its difference from the same sample of the pixel to its left.
        for (let r = 0; r < tileSize; r++) {
          const start = r * rowSamples;
          for (let k = start + rowSamples - 1; k >= start + 3; k--) tile[k] = (tile[k] - tile[k - 3]) & mask;
        }
      }
      tiles.push(deflateSync(new Uint8Array(tile.buffer), { level: options.compressionLevel ?? 6 }));
    }
  }
  return tiles;
}

function writeValues(out: Buffer, at: number, entry: Entry): void {
  if (typeof entry.values === 'string') {
    out.write(entry.values, at, 'latin1');
    return;
  }
  entry.values.forEach((value, i) => {
    if (entry.type === SHORT) out.writeUInt16LE(value, at + 2 * i);
    else if (entry.type === LONG) out.writeUInt32LE(value, at + 4 * i);
    else out.writeDoubleLE(value, at + 8 * i);
  });
}

function align8(value: number): number {
  return Math.ceil(value / 8) * 8;
}
