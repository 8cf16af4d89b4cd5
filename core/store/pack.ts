import { deflateSync, inflateSync } from 'node:zlib';
import type { HeightPatch } from '../changes/patches';

/**
 * HeightPatches are stored as BLOBs: a small JSON header, then the three Float32 rasters,
 * deflated (unseen cells are NaN runs and flat roofs repeat, so they shrink several-fold).
 */
export function packPatch(p: HeightPatch): Buffer {
  const header = Buffer.from(JSON.stringify({ x0: p.x0, y0: p.y0, cell: p.cell, width: p.width, height: p.height }));
  const n = p.width * p.height * 4;
  const body = Buffer.alloc(4 + header.length + 3 * n);
  body.writeUInt32LE(header.length, 0);
  header.copy(body, 4);
  let at = 4 + header.length;
  for (const r of [p.before, p.after, p.ground]) {
    Buffer.from(r.buffer, r.byteOffset, n).copy(body, at);
    at += n;
  }
  return deflateSync(body, { level: 6 });
}

export function unpackPatch(blob: Uint8Array): HeightPatch {
  const body = inflateSync(blob);
  const len = body.readUInt32LE(0);
  const h = JSON.parse(body.subarray(4, 4 + len).toString()) as Omit<HeightPatch, 'before' | 'after' | 'ground'>;
  const n = h.width * h.height;
  // Copy into fresh, aligned arrays (the inflated buffer's offset need not be a multiple of 4).
  const raster = (k: number) => {
    const start = 4 + len + k * n * 4;
    const out = new Float32Array(n);
    new Uint8Array(out.buffer).set(body.subarray(start, start + n * 4));
    return out;
  };
  return { ...h, before: raster(0), after: raster(1), ground: raster(2) };
}
