// Decodes the epoch point samples the shells send (layout: core/view/point-sample.ts, encodePointSample).

export interface PointCloudData {
  origin: [number, number, number];
  count: number;
  /** Points inside the requested box before decimation. */
  inBox: number;
  xyz: Float32Array;
  rgb: Uint8Array | null;
}

const HEADER_BYTES = 48;

export function decodePointSample(buffer: ArrayBuffer): PointCloudData {
  const view = new DataView(buffer);
  const magic = String.fromCharCode(...new Uint8Array(buffer, 0, Math.min(4, buffer.byteLength)));
  if (magic !== 'VXP1' || buffer.byteLength < HEADER_BYTES) throw new Error('not a VoxWatch point sample');
  const count = view.getUint32(4, true);
  const hasRgb = (view.getUint32(40, true) & 1) === 1;
  const need = HEADER_BYTES + count * 12 + (hasRgb ? count * 3 : 0);
  if (buffer.byteLength < need) throw new Error(`point sample truncated: ${buffer.byteLength} of ${need} bytes`);
  return {
    origin: [view.getFloat64(16, true), view.getFloat64(24, true), view.getFloat64(32, true)],
    count,
    inBox: view.getFloat64(8, true),
    xyz: new Float32Array(buffer, HEADER_BYTES, count * 3),
    rgb: hasRgb ? new Uint8Array(buffer, HEADER_BYTES + count * 12, count * 3) : null,
  };
}
