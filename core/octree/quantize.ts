import type { Bounds3 } from '../io/types';

/**
 * Integer coordinates of an octree: every position is stored as round((v − offset) / scale) in int32, and the
 * octree's cube is exactly 2^bits integer steps wide. With a power-of-two cube, the node holding a point at level
 * l is the point's integers shifted right by (bits − l), and its child index is the next bit of x, y and z: node
 * membership is exact integer arithmetic, never a float comparison at a node's edge.
 */
export interface Quantization {
  /** The cube's minimum corner (metadata.json's offset and bounding box minimum). */
  offset: [number, number, number];
  /** Metres per integer step, the same on all axes; at most `MAX_STEP`. */
  scale: number;
  /** The cube is 2^bits steps wide. */
  bits: number;
}

/** Positions keep at least millimetre precision. */
export const MAX_STEP = 0.001;
/** int32 coordinates, and JavaScript's 32-bit shifts, must hold the whole cube. */
const MAX_BITS = 30;

export function quantizationFor(bounds: Bounds3, source: string): Quantization {
  const extent = Math.max(bounds.maxX - bounds.minX, bounds.maxY - bounds.minY, bounds.maxZ - bounds.minZ, MAX_STEP);
  if (!Number.isFinite(extent)) throw new Error(`${source}: the points have no finite bounds`);
  const bits = Math.ceil(Math.log2(extent / MAX_STEP + 1));
  if (bits > MAX_BITS)
    throw new Error(
      `${source}: the points span ${Math.round(extent)} m, more than one octree can hold at millimetre precision ` +
        `(${Math.round((2 ** MAX_BITS * MAX_STEP) / 1000)} km); check the files' coordinates or split the epoch`,
    );
  // The cube's last integer step still holds the maximum: scale = extent / (2^bits − 1) ≤ MAX_STEP.
  const scale = extent / (2 ** bits - 1);
  return { offset: [bounds.minX, bounds.minY, bounds.minZ], scale, bits };
}

/** The cube's side in metres. */
export function cubeSize(q: Quantization): number {
  return 2 ** q.bits * q.scale;
}

export function cubeBox(q: Quantization): { min: [number, number, number]; max: [number, number, number] } {
  const size = cubeSize(q);
  return { min: [...q.offset], max: [q.offset[0] + size, q.offset[1] + size, q.offset[2] + size] };
}
