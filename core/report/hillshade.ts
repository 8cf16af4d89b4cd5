/** A hillshade of a height patch: the map background when there is no orthophoto. */
import type { HeightPatch } from '../changes/patches';
import type { RgbImage } from './raster';

/**
 * Shaded relief of `which` surface (the other epoch, then the ground, fill its holes), lit from the
 * north-west at 45°, tinted light to dark grey-beige by height so that roofs stand out from streets.
 */
export function hillshade(patch: HeightPatch, which: 'before' | 'after' = 'after'): RgbImage {
  const { width, height, cell } = patch;
  const primary = patch[which];
  const secondary = which === 'after' ? patch.before : patch.after;
  const z = new Float32Array(width * height);
  let zMin = Infinity;
  let zMax = -Infinity;
  for (let i = 0; i < z.length; i++) {
    const v = Number.isFinite(primary[i]) ? primary[i] : Number.isFinite(secondary[i]) ? secondary[i] : patch.ground[i];
    z[i] = v;
    if (Number.isFinite(v)) {
      zMin = Math.min(zMin, v);
      zMax = Math.max(zMax, v);
    }
  }
  const span = zMax > zMin ? zMax - zMin : 1;
  const at = (c: number, r: number, fallback: number) => {
    const cc = Math.min(width - 1, Math.max(0, c));
    const rr = Math.min(height - 1, Math.max(0, r));
    const v = z[rr * width + cc];
    return Number.isFinite(v) ? v : fallback;
  };
  // Light from azimuth 315° (north-west), altitude 45°.
  const az = (315 * Math.PI) / 180;
  const alt = Math.PI / 4;
  const lx = Math.sin(az) * Math.cos(alt);
  const ly = Math.cos(az) * Math.cos(alt);
  const lz = Math.sin(alt);
  const rgb = new Uint8Array(width * height * 3);
  for (let r = 0; r < height; r++) {
    for (let c = 0; c < width; c++) {
      const v = z[r * width + c];
      const o = 3 * ((height - 1 - r) * width + c);
      if (!Number.isFinite(v)) {
        rgb[o] = rgb[o + 1] = rgb[o + 2] = 225;
        continue;
      }
      const dzdx = (at(c + 1, r, v) - at(c - 1, r, v)) / (2 * cell);
      const dzdy = (at(c, r + 1, v) - at(c, r - 1, v)) / (2 * cell);
      const n = Math.hypot(dzdx, dzdy, 1);
      const lambert = Math.max(0, (-dzdx * lx - dzdy * ly + lz) / n);
      const tint = (v - zMin) / span;
      const shade = 0.35 + 0.65 * lambert;
      rgb[o] = Math.min(255, (170 + 70 * tint) * shade + 20);
      rgb[o + 1] = Math.min(255, (165 + 65 * tint) * shade + 20);
      rgb[o + 2] = Math.min(255, (150 + 55 * tint) * shade + 20);
    }
  }
  return { width, height, rgb };
}
