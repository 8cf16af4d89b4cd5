import type { EpochSurface } from './surfaces';
import { quantile, sampleBilinear } from './raster';

export interface Alignment {
  /** Shift applied to the later epoch, metres (added to its coordinates). */
  dx: number;
  dy: number;
  dz: number;
  /** Stable cells used, and the residual of their height differences before and after. */
  stableCells: number;
  residualBefore: { medianAbs: number; rms: number };
  residualAfter: { medianAbs: number; rms: number };
}

const MAX_SAMPLES = 150_000;
/** Differences above this are real change or occlusion, not misregistration. */
const STABLE_BAND = 0.5;

/**
 * Fine alignment of the later epoch on the earlier one over stable surfaces (both seen, flat or
 * on a building edge, not changed): a robust vertical offset, then a horizontal search on the
 * surface model (the 2.5D form of point-to-plane ICP), then the vertical offset again.
 * Returns the shift and the residuals; `applyAlignment` resamples the later surface.
 */
export function estimateAlignment(a: EpochSurface, b: EpochSurface, nx: number, ny: number, cell: number, maxShift = 0.3): Alignment {
  const candidates: number[] = [];
  const step = Math.max(1, Math.floor((nx * ny) / MAX_SAMPLES));
  for (let k = 0; k < nx * ny; k += step) {
    if (a.observed[k] !== 1 || b.observed[k] !== 1) continue;
    if (Math.abs(b.top[k] - a.top[k]) > 2) continue;
    candidates.push(k);
  }
  const residuals = (dx: number, dy: number, dz: number) => {
    const out = new Float32Array(candidates.length);
    let n = 0;
    for (const k of candidates) {
      const x = k % nx;
      const y = (k - x) / nx;
      const vb = sampleBilinear(b.top, nx, ny, x - dx / cell, y - dy / cell);
      const d = vb + dz - a.top[k];
      if (Math.abs(d) < STABLE_BAND) out[n++] = d;
    }
    return out.subarray(0, n);
  };
  const score = (r: Float32Array) => {
    let s = 0;
    for (let i = 0; i < r.length; i++) s += Math.min(Math.abs(r[i]), STABLE_BAND);
    // Penalise candidates that keep fewer cells inside the band.
    return s / Math.max(1, r.length) + (STABLE_BAND * (candidates.length - r.length)) / Math.max(1, candidates.length);
  };
  const stats = (r: Float32Array) => {
    let ss = 0;
    const abs = new Float32Array(r.length);
    for (let i = 0; i < r.length; i++) {
      ss += r[i] * r[i];
      abs[i] = Math.abs(r[i]);
    }
    return { medianAbs: quantile(abs, 0.5) || 0, rms: Math.sqrt(ss / Math.max(1, r.length)) };
  };
  const before = residuals(0, 0, 0);
  let dz = -(quantile(before, 0.5) || 0);
  let best = { dx: 0, dy: 0, s: score(residuals(0, 0, dz)) };
  // Coarse-to-fine search of the horizontal shift.
  for (const stepM of [0.1, 0.05, 0.02]) {
    const cx = best.dx;
    const cy = best.dy;
    for (let i = -2; i <= 2; i++) {
      for (let j = -2; j <= 2; j++) {
        const dx = cx + i * stepM;
        const dy = cy + j * stepM;
        if (Math.abs(dx) > maxShift || Math.abs(dy) > maxShift) continue;
        const s = score(residuals(dx, dy, dz));
        if (s < best.s - 1e-6) best = { dx, dy, s };
      }
    }
  }
  const after0 = residuals(best.dx, best.dy, dz);
  dz -= quantile(after0, 0.5) || 0;
  const after = residuals(best.dx, best.dy, dz);
  return {
    dx: round(best.dx),
    dy: round(best.dy),
    dz: round(dz),
    stableCells: after.length,
    residualBefore: stats(before),
    residualAfter: stats(after),
  };
}

const round = (v: number) => Math.round(v * 1000) / 1000;

/**
 * Applies the alignment to the later epoch's surfaces: the vertical offset exactly, the
 * horizontal one to the nearest cell (a sub-cell shift is absorbed by the diff's one-cell
 * tolerance, and interpolating a step edge would invent heights that were never seen).
 */
export function applyAlignment(b: EpochSurface, al: Alignment, nx: number, ny: number, cell: number): void {
  const si = Math.round(al.dx / cell);
  const sj = Math.round(al.dy / cell);
  if (si !== 0 || sj !== 0) {
    for (const key of ['top', 'mean', 'low', 'spread', 'greenness', 'roughness', 'vegetationShare'] as const) {
      b[key] = shiftRaster(b[key], nx, ny, si, sj, NaN) as Float32Array;
    }
    b.observed = shiftRaster(b.observed, nx, ny, si, sj, 0) as Uint8Array;
  }
  if (al.dz !== 0) {
    for (let k = 0; k < b.top.length; k++) {
      b.top[k] += al.dz;
      b.mean[k] += al.dz;
      b.low[k] += al.dz;
    }
  }
}

function shiftRaster<T extends Float32Array | Uint8Array>(src: T, nx: number, ny: number, si: number, sj: number, fill: number): T {
  const out = src.slice().fill(fill) as T;
  for (let y = 0; y < ny; y++) {
    const ys = y - sj;
    if (ys < 0 || ys >= ny) continue;
    for (let x = 0; x < nx; x++) {
      const xs = x - si;
      if (xs >= 0 && xs < nx) out[y * nx + x] = src[ys * nx + xs];
    }
  }
  return out;
}
