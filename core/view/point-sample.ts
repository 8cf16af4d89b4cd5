/**
 * A decimated sample of an epoch's points for the viewer: at most `maxPoints` points inside a box, drawn uniformly
 * (reservoir sampling, so one streaming pass with bounded memory whatever the file size), as Float32 coordinates
 * relative to a local origin (projected coordinates of 2.5e6 m would lose decimetres in Float32) and 8-bit colour.
 */
import type { ProjectApi } from '../api';
import { ApiArgumentError } from '../api-args';
import { LasFile } from '../io/las/reader';

export interface BoxXY {
  minX: number;
  minY: number;
  maxX: number;
  maxY: number;
}

export interface PointSampleRequest {
  /** Only points inside this box (all points when absent). */
  box?: BoxXY;
  maxPoints: number;
  /** Subtracted from every point; the box's south-west corner at z 0 when absent. */
  origin?: [number, number, number];
  signal?: AbortSignal;
}

export interface PointSample {
  origin: [number, number, number];
  count: number;
  /** Points inside the box before decimation. */
  inBox: number;
  /** x, y, z per point, relative to origin. */
  xyz: Float32Array;
  /** r, g, b per point, or null when the files carry no colour. */
  rgb: Uint8Array | null;
}

/** The most a single request may ask for: beyond this THREE.Points needs LOD (potree), out of scope. */
export const MAX_SAMPLE_POINTS = 2_000_000;

/** mulberry32: a small seeded generator, so the same request gives the same sample (stable views, cacheable). */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export async function samplePoints(files: string[], request: PointSampleRequest): Promise<PointSample> {
  const max = Math.max(0, Math.min(MAX_SAMPLE_POINTS, Math.floor(request.maxPoints)));
  const box = request.box;
  const origin = request.origin ?? (box ? [box.minX, box.minY, 0] : [0, 0, 0]);
  const xyz = new Float32Array(max * 3);
  let rgb: Uint8Array | null = null;
  const next = random(0x766f78);
  let seen = 0;
  for (const file of files) {
    const las = await LasFile.open(file);
    try {
      if (las.info.hasRgb && rgb === null) rgb = new Uint8Array(max * 3);
      for await (const chunk of las.chunks({ fields: ['rgb'], signal: request.signal, reuseBuffers: true })) {
        for (let i = 0; i < chunk.count; i++) {
          const x = chunk.x[i];
          const y = chunk.y[i];
          if (box && (x < box.minX || x > box.maxX || y < box.minY || y > box.maxY)) continue;
          // Algorithm R: the n-th point replaces a random kept one with probability max / n.
          const slot = seen < max ? seen : Math.floor(next() * (seen + 1));
          seen++;
          if (slot >= max) continue;
          xyz[slot * 3] = x - origin[0];
          xyz[slot * 3 + 1] = y - origin[1];
          xyz[slot * 3 + 2] = chunk.z[i] - origin[2];
          if (rgb && chunk.rgb) {
            rgb[slot * 3] = chunk.rgb[i * 3] >> 8;
            rgb[slot * 3 + 1] = chunk.rgb[i * 3 + 1] >> 8;
            rgb[slot * 3 + 2] = chunk.rgb[i * 3 + 2] >> 8;
          }
        }
      }
    } finally {
      await las.close();
    }
  }
  const count = Math.min(seen, max);
  return { origin, count, inBox: seen, xyz: xyz.subarray(0, count * 3), rgb: rgb ? rgb.subarray(0, count * 3) : null };
}

/** Binary layout: "VXP1", u32 count, f64 inBox, 3 × f64 origin, u32 flags (1: colour), u32 0, f32 xyz…, u8 rgb…. */
export const POINT_SAMPLE_MAGIC = 'VXP1';
export const POINT_SAMPLE_HEADER_BYTES = 48;

export function encodePointSample(s: PointSample): Uint8Array {
  const xyzBytes = s.count * 12;
  const out = new Uint8Array(POINT_SAMPLE_HEADER_BYTES + xyzBytes + (s.rgb ? s.count * 3 : 0));
  const view = new DataView(out.buffer);
  for (let i = 0; i < 4; i++) out[i] = POINT_SAMPLE_MAGIC.charCodeAt(i);
  view.setUint32(4, s.count, true);
  view.setFloat64(8, s.inBox, true);
  s.origin.forEach((v, i) => view.setFloat64(16 + i * 8, v, true));
  view.setUint32(40, s.rgb ? 1 : 0, true);
  new Float32Array(out.buffer, POINT_SAMPLE_HEADER_BYTES, s.count * 3).set(s.xyz.subarray(0, s.count * 3));
  if (s.rgb) out.set(s.rgb.subarray(0, s.count * 3), POINT_SAMPLE_HEADER_BYTES + xyzBytes);
  return out;
}

export interface EpochPointsQuery {
  box?: BoxXY;
  maxPoints: number;
  origin?: [number, number, number];
}

/**
 * Encoded point samples of a project's epochs, the last few kept in memory: a page reload or the swipe asks for
 * the same samples again, and reading an epoch costs a pass over its files.
 */
export class EpochPointSampler {
  private readonly cache = new Map<string, Promise<Uint8Array>>();

  constructor(
    private readonly epochFiles: (epochId: number) => Promise<string[]>,
    private readonly keep = 8,
  ) {}

  /** A sampler of a project's epochs; an unknown epoch id is the caller's mistake (ApiArgumentError). */
  static forProject(project: Pick<ProjectApi, 'info'>): EpochPointSampler {
    return new EpochPointSampler(async (id) => {
      const epoch = (await project.info()).epochs.find((e) => e.id === id);
      if (!epoch) throw new ApiArgumentError(`no epoch ${id} in this project`);
      return epoch.files;
    });
  }

  sample(epochId: number, query: EpochPointsQuery): Promise<Uint8Array> {
    const key = JSON.stringify([epochId, query.box, query.maxPoints, query.origin]);
    let hit = this.cache.get(key);
    if (hit) this.cache.delete(key); // re-inserted below: most recently used last
    hit ??= this.epochFiles(epochId).then(async (files) => encodePointSample(await samplePoints(files, query)));
    this.cache.set(key, hit);
    hit.catch(() => this.cache.delete(key)); // a failure is not remembered
    while (this.cache.size > this.keep) this.cache.delete(this.cache.keys().next().value!);
    return hit;
  }
}
