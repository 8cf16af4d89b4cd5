/** Colour palettes of roofs, walls, vegetation, cars and ground, as seen from a UAV camera. */
import type { GroundMaterial, Rgb } from './scene';
import { hash2, type Rng } from './rng';

export const ROOF_COLORS: readonly Rgb[] = [
  [150, 150, 148], // concrete grey
  [118, 118, 122], // dark grey
  [172, 88, 62], // terracotta
  [186, 176, 160], // light render
  [132, 124, 112], // weathered grey-brown
];
export const STEEL_ROOF: Rgb = [72, 112, 162]; // blue steel sheet of light rooftop rooms
export const WALL_COLORS: readonly Rgb[] = [
  [218, 212, 200],
  [200, 188, 168],
  [222, 200, 190],
  [190, 192, 196],
];
export const CAR_COLORS: readonly Rgb[] = [
  [235, 235, 235],
  [30, 30, 34],
  [170, 172, 176],
  [160, 30, 30],
  [30, 60, 140],
  [90, 90, 95],
  [200, 170, 60],
];
export const TRUNK_COLOR: Rgb = [88, 70, 52];

const GROUND_COLORS: Record<GroundMaterial, Rgb> = {
  asphalt: [96, 96, 100],
  paving: [166, 156, 134],
  soil: [156, 128, 92],
  grass: [104, 128, 74],
};

export function pickTreeColor(rng: Rng): Rgb {
  return [Math.round(rng.range(52, 84)), Math.round(rng.range(98, 132)), Math.round(rng.range(38, 64))];
}

/**
 * Ground colour at a position: the material's colour modulated by stains a few metres across
 * (lattice noise), so that neither points nor orthophoto look like flat fills.
 */
export function groundColor(material: GroundMaterial, x: number, y: number, seed: number, out: Rgb): Rgb {
  const base = GROUND_COLORS[material];
  const stain = 0.88 + 0.24 * smoothNoise(seed, x / 4, y / 4);
  out[0] = base[0] * stain;
  out[1] = base[1] * stain;
  out[2] = base[2] * stain;
  return out;
}

/** Bilinear value noise on a unit lattice, in [0, 1). */
function smoothNoise(seed: number, x: number, y: number): number {
  const ix = Math.floor(x);
  const iy = Math.floor(y);
  const fx = x - ix;
  const fy = y - iy;
  const sx = fx * fx * (3 - 2 * fx);
  const sy = fy * fy * (3 - 2 * fy);
  const a = hash2(seed, ix, iy);
  const b = hash2(seed, ix + 1, iy);
  const c = hash2(seed, ix, iy + 1);
  const d = hash2(seed, ix + 1, iy + 1);
  return a + (b - a) * sx + (c - a) * sy + (a - b - c + d) * sx * sy;
}
