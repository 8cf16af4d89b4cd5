import { describe, expect, it } from 'vitest';
import { fillNaN, labelComponents, median, quantile, squareFilter } from '../../core/diff/raster';

/** Pseudo-random raster with NaN holes. */
function raster(nx: number, ny: number, seed: number): Float32Array {
  const a = new Float32Array(nx * ny);
  let s = seed;
  for (let i = 0; i < a.length; i++) {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    a[i] = s % 7 === 0 ? NaN : (s % 1000) / 10;
  }
  return a;
}

function bruteForce(a: Float32Array, nx: number, ny: number, r: number, kind: 'min' | 'max'): Float32Array {
  const out = new Float32Array(a.length);
  for (let y = 0; y < ny; y++) {
    for (let x = 0; x < nx; x++) {
      let m = NaN;
      for (let dy = -r; dy <= r; dy++) {
        for (let dx = -r; dx <= r; dx++) {
          const xx = x + dx;
          const yy = y + dy;
          if (xx < 0 || yy < 0 || xx >= nx || yy >= ny) continue;
          const v = a[yy * nx + xx];
          if (!Number.isNaN(v) && (Number.isNaN(m) || (kind === 'min' ? v < m : v > m))) m = v;
        }
      }
      out[y * nx + x] = m;
    }
  }
  return out;
}

describe('raster toolbox', () => {
  for (const r of [1, 2, 5]) {
    for (const kind of ['min', 'max'] as const) {
      it(`square ${kind} filter of radius ${r} equals the brute force, NaN-aware`, () => {
        const a = raster(37, 23, r * 31 + (kind === 'min' ? 1 : 2));
        expect(Array.from(squareFilter(a, 37, 23, r, kind))).toEqual(Array.from(bruteForce(a, 37, 23, r, kind)));
      });
    }
  }

  // Wide windows run on strips of 64 columns and blocks of 2r + 1 cells: cross both, and a
  // window wider than the raster, with whole rows and columns of NaN.
  for (const [nx, ny, r] of [
    [150, 41, 4],
    [130, 70, 16],
    [67, 9, 40],
  ]) {
    for (const kind of ['min', 'max'] as const) {
      it(`square ${kind} filter of radius ${r} on ${nx} × ${ny} cells equals the brute force`, () => {
        const a = raster(nx, ny, nx + ny + r);
        for (let x = 0; x < nx; x++) a[5 * nx + x] = NaN;
        for (let y = 0; y < ny; y++) a[y * nx + 64] = NaN;
        expect(Array.from(squareFilter(a, nx, ny, r, kind))).toEqual(Array.from(bruteForce(a, nx, ny, r, kind)));
      });
    }
  }

  it('gives NaN only where a whole window is NaN', () => {
    const a = new Float32Array(12 * 12).fill(NaN);
    a[0] = 3;
    const out = squareFilter(a, 12, 12, 2, 'max');
    expect(out[2 * 12 + 2]).toBe(3);
    expect(Number.isNaN(out[3 * 12 + 3])).toBe(true);
  });

  it('fills holes without touching measured cells', () => {
    const a = raster(40, 30, 5);
    const filled = fillNaN(a, 40, 30);
    for (let i = 0; i < a.length; i++) {
      if (Number.isNaN(a[i])) expect(Number.isFinite(filled[i])).toBe(true);
      else expect(filled[i]).toBe(a[i]);
    }
  });

  it('labels 8-connected components', () => {
    // Two blobs touching diagonally are one; a separate cell is another.
    const mask = Uint8Array.from([1, 0, 0, 0, 0, 1, 0, 1, 0, 0, 0, 0]);
    const { labels, count } = labelComponents(mask, 4, 3);
    expect(count).toBe(2);
    expect(labels[0]).toBe(labels[5]);
    expect(labels[7]).not.toBe(labels[0]);
  });

  it('medians and quantiles ignore NaN', () => {
    expect(median([3, NaN, 1, 2])).toBe(2);
    expect(quantile([0, 10, NaN], 0.25)).toBe(2.5);
    expect(Number.isNaN(median([NaN]))).toBe(true);
  });
});
