/** The height-change map of a change: after − before per cell on a diverging ramp, unseen cells hatched. */
import type { HeightPatch } from '../changes/patches';
import { hexToRgb, type RgbImage } from './raster';

/** Blue (lower) through near-white (unchanged) to red (higher): ColorBrewer RdBu, reversed. */
export const HEIGHT_RAMP_HEX = ['#2166ac', '#67a9cf', '#d1e5f0', '#f7f7f7', '#fddbc7', '#ef8a62', '#b2182b'];
const STOPS = HEIGHT_RAMP_HEX.map(hexToRgb);
const NICE = [2, 3, 4, 5, 6, 8, 10, 12, 15, 20, 25, 30, 40, 50, 75, 100];

/**
 * A symmetric range (metres) for the ramp of a change's map: its own height change (the 95th
 * percentile of its top's change) rounded up to a round number. The map is about that change: a
 * taller neighbour in view must not wash it out, and is drawn at the ramp's end (clampedEnds).
 */
export function heightChangeRange(heightChange: number): number {
  const p = Math.abs(heightChange);
  if (!Number.isFinite(p)) return NICE[0];
  return NICE.find((n) => n >= p) ?? Math.ceil(p / 50) * 50;
}

/** Whether some seen cell of the map lies beyond the ramp's low and high ends (the legend then says ≤ and ≥). */
export function clampedEnds(patch: HeightPatch, range: number): { below: boolean; above: boolean } {
  let [below, above] = [false, false];
  for (let i = 0; i < patch.before.length; i++) {
    const v = patch.after[i] - patch.before[i];
    if (v < -range) below = true;
    else if (v > range) above = true;
  }
  return { below, above };
}

/**
 * The map at `pxPerCell` pixels per cell (nearest: cells stay crisp squares), north up.
 * Unseen cells (NaN in either epoch) are hatched grey: change there is unknown, not zero.
 */
export function heightChangeImage(patch: HeightPatch, range: number, pxPerCell: number): RgbImage {
  const k = Math.max(1, Math.floor(pxPerCell));
  const width = patch.width * k;
  const height = patch.height * k;
  const rgb = new Uint8Array(width * height * 3);
  const colours = new Uint8Array(patch.width * patch.height * 3);
  const unseen = new Uint8Array(patch.width * patch.height);
  for (let i = 0; i < patch.width * patch.height; i++) {
    const d = patch.after[i] - patch.before[i];
    if (!Number.isFinite(d)) {
      unseen[i] = 1;
      continue;
    }
    const t = (d / range + 1) / 2;
    const x = Math.min(1, Math.max(0, t)) * (STOPS.length - 1);
    const s = Math.min(STOPS.length - 2, Math.floor(x));
    const f = x - s;
    for (let c = 0; c < 3; c++) colours[3 * i + c] = STOPS[s][c] + (STOPS[s + 1][c] - STOPS[s][c]) * f + 0.5;
  }
  for (let y = 0; y < height; y++) {
    const row = patch.height - 1 - Math.floor(y / k); // image rows run north → south, patch rows south → north
    for (let x = 0; x < width; x++) {
      const cell = row * patch.width + Math.floor(x / k);
      const o = 3 * (y * width + x);
      if (unseen[cell]) {
        const v = (x + y) % 6 === 0 ? 160 : 228;
        rgb[o] = rgb[o + 1] = rgb[o + 2] = v;
      } else {
        rgb[o] = colours[3 * cell];
        rgb[o + 1] = colours[3 * cell + 1];
        rgb[o + 2] = colours[3 * cell + 2];
      }
    }
  }
  return { width, height, rgb };
}
