/** RGB images in memory and their encoding for the PDF (sharp: JPEG for photos, palette PNG for flat colours). */
import sharp from 'sharp';
import { crc32, deflateSync } from 'node:zlib';

/** Interleaved r, g, b bytes, rows from the top down. */
export interface RgbImage {
  width: number;
  height: number;
  rgb: Uint8Array;
}

export type Rgb = [number, number, number];

export function blankImage(width: number, height: number, background: Rgb = [255, 255, 255]): RgbImage {
  const rgb = new Uint8Array(width * height * 3);
  for (let i = 0; i < width * height; i++) rgb.set(background, 3 * i);
  return { width, height, rgb };
}

/**
 * Photographic content (orthophotos, shaded views): baseline JPEG, 4:2:0, optimised Huffman
 * tables (mozjpeg's trellis quantisation saves ~25 % more but is ~20× slower).
 */
export function encodeJpeg(image: RgbImage, quality = 72): Promise<Buffer> {
  return sharp(image.rgb, { raw: { width: image.width, height: image.height, channels: 3 } })
    .jpeg({ quality, optimiseCoding: true, chromaSubsampling: '4:2:0' })
    .toBuffer();
}

/**
 * Flat-colour content (height-change maps): a truecolour PNG, lossless and sharp-edged, written
 * here with the "up" filter (cells drawn as pixel blocks repeat rows, which then deflate to
 * almost nothing): cheaper than a round trip through sharp for these small images.
 */
export function encodePng(image: RgbImage): Buffer {
  const { width, height, rgb } = image;
  const stride = width * 3;
  const filtered = Buffer.alloc((stride + 1) * height);
  for (let y = 0; y < height; y++) {
    const row = y * (stride + 1);
    filtered[row] = y === 0 ? 0 : 2; // None for the first row, Up after
    const at = y * stride;
    if (y === 0) filtered.set(rgb.subarray(0, stride), row + 1);
    else for (let i = 0; i < stride; i++) filtered[row + 1 + i] = (rgb[at + i] - rgb[at - stride + i]) & 0xff;
  }
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.set([8, 2, 0, 0, 0], 8); // 8-bit, truecolour, deflate, adaptive filtering, no interlace
  return Buffer.concat([
    PNG_SIGNATURE,
    pngChunk('IHDR', header),
    pngChunk('IDAT', deflateSync(filtered, { level: 6 })),
    pngChunk('IEND', Buffer.alloc(0)),
  ]);
}

const PNG_SIGNATURE = Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]);

function pngChunk(type: string, data: Buffer): Buffer {
  const out = Buffer.alloc(12 + data.length);
  out.writeUInt32BE(data.length, 0);
  out.write(type, 4, 'ascii');
  data.copy(out, 8);
  out.writeUInt32BE(crc32(out.subarray(4, 8 + data.length)), 8 + data.length);
  return out;
}

/** An app snapshot (any format sharp reads) fitted within `maxSide` pixels, re-encoded as JPEG. */
export async function fitSnapshot(bytes: Uint8Array, maxSide: number): Promise<{ jpeg: Buffer; width: number; height: number }> {
  const { data, info } = await sharp(bytes)
    .flatten({ background: '#ffffff' })
    .resize({ width: maxSide, height: maxSide, fit: 'inside', withoutEnlargement: true })
    .jpeg({ quality: 78, optimiseCoding: true })
    .toBuffer({ resolveWithObject: true });
  return { jpeg: data, width: info.width, height: info.height };
}

/** Linear interpolation between colour stops placed at 0…1. */
export function ramp(stops: Rgb[], t: number): Rgb {
  const x = Math.min(1, Math.max(0, t)) * (stops.length - 1);
  const i = Math.min(stops.length - 2, Math.floor(x));
  const f = x - i;
  const a = stops[i];
  const b = stops[i + 1];
  return [a[0] + (b[0] - a[0]) * f, a[1] + (b[1] - a[1]) * f, a[2] + (b[2] - a[2]) * f];
}

export function hexToRgb(hex: string): Rgb {
  const v = parseInt(hex.slice(1), 16);
  return [(v >> 16) & 255, (v >> 8) & 255, v & 255];
}

/** Like encodeJpeg, shrinking to `width` × `height` first (supersampled renders lose their jaggies). */
export function encodeJpegResized(image: RgbImage, width: number, height: number, quality = 75): Promise<Buffer> {
  return sharp(image.rgb, { raw: { width: image.width, height: image.height, channels: 3 } })
    .resize(width, height, { kernel: 'lanczos3' })
    .jpeg({ quality, optimiseCoding: true, chromaSubsampling: '4:2:0' })
    .toBuffer();
}
