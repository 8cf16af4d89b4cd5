import type { PointChunk } from '../types';

/** Attributes a caller can ask for beyond x, y, z; fewer fields decode faster. */
export type PointField = 'intensity' | 'classification' | 'returns' | 'rgb' | 'gpsTime';
export const ALL_FIELDS: readonly PointField[] = ['intensity', 'classification', 'returns', 'rgb', 'gpsTime'];

/** Where each attribute sits in a record of a given point format (byte offsets). */
export interface RecordLayout {
  legacy: boolean;
  gpsTime?: number;
  rgb?: number;
}

export function recordLayout(pointFormat: number): RecordLayout {
  switch (pointFormat) {
    case 0:
      return { legacy: true };
    case 1:
    case 4:
      return { legacy: true, gpsTime: 20 };
    case 2:
      return { legacy: true, rgb: 20 };
    case 3:
    case 5:
      return { legacy: true, gpsTime: 20, rgb: 28 };
    case 6:
    case 9:
      return { legacy: false, gpsTime: 22 };
    case 7:
    case 8:
    case 10:
      return { legacy: false, gpsTime: 22, rgb: 30 };
    default:
      throw new Error(`unsupported point data record format ${pointFormat}`);
  }
}

export interface DecodeParams {
  pointFormat: number;
  recordLength: number;
  scale: readonly [number, number, number];
  offset: readonly [number, number, number];
  fields: readonly PointField[];
  /** 8 when the file stores colour in 0–255 (scaled up to 16 bits here), else 16. */
  rgbBits: 8 | 16;
}

/**
 * Scales like 0.01 are not exact in binary: dividing by 100 gives the double nearest to the
 * stored value (853240.32), where multiplying by 0.01 can land one ulp off (853240.3200000001).
 * Returns the divisor to use: 1/scale when it is an integer, else 1/scale as is.
 */
export function exactDivisor(scale: number): number {
  const inverse = 1 / scale;
  const rounded = Math.round(inverse);
  return rounded !== 0 && Math.abs(inverse - rounded) < 1e-9 * Math.abs(inverse) ? rounded : inverse;
}

/**
 * Decodes `count` raw point records into typed arrays. This is the reader's hot loop: one
 * DataView, no per-point allocation, only the requested fields.
 */
export function decodeRecords(bytes: Uint8Array, count: number, p: DecodeParams, reuse?: ChunkBuffers): PointChunk {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const layout = recordLayout(p.pointFormat);
  const len = p.recordLength;
  const [dx, dy, dz] = p.scale.map(exactDivisor);
  const [ox, oy, oz] = p.offset;
  const f64 = (key: 'x' | 'y' | 'z' | 'gpsTime', per = 1) => take(reuse, key, count * per, Float64Array);
  const x = f64('x');
  const y = f64('y');
  const z = f64('z');
  for (let i = 0, at = 0; i < count; i++, at += len) {
    x[i] = view.getInt32(at, true) / dx + ox;
    y[i] = view.getInt32(at + 4, true) / dy + oy;
    z[i] = view.getInt32(at + 8, true) / dz + oz;
  }
  const chunk: PointChunk = { count, x, y, z };
  const want = new Set(p.fields);
  if (want.has('intensity')) {
    const intensity = take(reuse, 'intensity', count, Uint16Array);
    for (let i = 0, at = 12; i < count; i++, at += len) intensity[i] = view.getUint16(at, true);
    chunk.intensity = intensity;
  }
  if (want.has('classification')) {
    const classification = take(reuse, 'classification', count, Uint8Array);
    if (layout.legacy) {
      for (let i = 0, at = 15; i < count; i++, at += len) classification[i] = bytes[at] & 0x1f;
    } else {
      for (let i = 0, at = 16; i < count; i++, at += len) classification[i] = bytes[at];
    }
    chunk.classification = classification;
  }
  if (want.has('returns')) {
    const returnNumber = take(reuse, 'returnNumber', count, Uint8Array);
    const numberOfReturns = take(reuse, 'numberOfReturns', count, Uint8Array);
    const [rnMask, nrShift, nrMask] = layout.legacy ? [0x07, 3, 0x07] : [0x0f, 4, 0x0f];
    for (let i = 0, at = 14; i < count; i++, at += len) {
      const b = bytes[at];
      returnNumber[i] = b & rnMask;
      numberOfReturns[i] = (b >> nrShift) & nrMask;
    }
    chunk.returnNumber = returnNumber;
    chunk.numberOfReturns = numberOfReturns;
  }
  if (want.has('rgb') && layout.rgb !== undefined) {
    const rgb = take(reuse, 'rgb', count * 3, Uint16Array);
    const factor = p.rgbBits === 8 ? 257 : 1;
    for (let i = 0, at = layout.rgb, o = 0; i < count; i++, at += len, o += 3) {
      // Clamp: an "8-bit" file may still hold a stray value above 255.
      rgb[o] = Math.min(65535, view.getUint16(at, true) * factor);
      rgb[o + 1] = Math.min(65535, view.getUint16(at + 2, true) * factor);
      rgb[o + 2] = Math.min(65535, view.getUint16(at + 4, true) * factor);
    }
    chunk.rgb = rgb;
  }
  if (want.has('gpsTime') && layout.gpsTime !== undefined) {
    const gpsTime = f64('gpsTime');
    for (let i = 0, at = layout.gpsTime; i < count; i++, at += len) gpsTime[i] = view.getFloat64(at, true);
    chunk.gpsTime = gpsTime;
  }
  return chunk;
}

/**
 * Arrays a streaming reader hands out again and again: fresh memory is expensive (every page
 * faults on first touch), so a consumer that is done with a chunk before asking for the next
 * lets the reader decode into the same arrays.
 */
export type ChunkBuffers = Partial<
  Record<'x' | 'y' | 'z' | 'gpsTime', Float64Array> &
    Record<'intensity' | 'rgb', Uint16Array> &
    Record<'classification' | 'returnNumber' | 'numberOfReturns', Uint8Array>
>;

type TypedCtor<T> = new (n: number) => T;

/** The buffers of a chunk's (or ChunkBuffers') arrays, each once: what a thread hands over when it sends them. */
export function transferList(arrays: PointChunk | ChunkBuffers): ArrayBuffer[] {
  const views = Object.values(arrays).filter((v): v is ArrayBufferView => ArrayBuffer.isView(v));
  return [...new Set(views.map((a) => a.buffer as ArrayBuffer))];
}

/** Whole-buffer arrays over a finished chunk's memory, to decode a later chunk into (see `take`). */
export function chunkBuffersOf(chunk: PointChunk): ChunkBuffers {
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(chunk)) {
    if (v instanceof Float64Array) out[key] = new Float64Array(v.buffer);
    else if (v instanceof Uint16Array) out[key] = new Uint16Array(v.buffer);
    else if (v instanceof Uint8Array) out[key] = new Uint8Array(v.buffer);
  }
  return out as ChunkBuffers;
}

function take<T extends Float64Array | Uint16Array | Uint8Array>(
  reuse: ChunkBuffers | undefined,
  key: keyof ChunkBuffers,
  n: number,
  Ctor: TypedCtor<T>,
): T {
  if (!reuse) return new Ctor(n);
  let a = reuse[key] as T | undefined;
  if (!a || a.length < n) {
    a = new Ctor(n);
    (reuse as Record<string, unknown>)[key] = a;
  }
  return a.subarray(0, n) as T;
}

/** Largest stored colour component over some records: tells 8-bit from 16-bit colour. */
export function maxColourComponent(bytes: Uint8Array, count: number, pointFormat: number, recordLength: number): number {
  const layout = recordLayout(pointFormat);
  if (layout.rgb === undefined) return 0;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let max = 0;
  for (let i = 0, at = layout.rgb; i < count; i++, at += recordLength) {
    max = Math.max(max, view.getUint16(at, true), view.getUint16(at + 2, true), view.getUint16(at + 4, true));
  }
  return max;
}
