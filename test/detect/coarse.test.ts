/**
 * The first pass's coarse sums: a worker sums a part into blocks allocated where its points fall,
 * the main thread keeps of each epoch only the lowest heights, a saturating count and the sampled
 * sums. Both must give exactly what one plain raster of the whole area gives.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { makeGrid } from '../../core/diff/grid';
import { createLasWriter } from '../../core/io/las/writer';
import { COARSE_BLOCK, coarseGeometry, EpochCoarse } from '../../core/tiles/coarse';
import { scanEpoch } from '../../core/tiles/scan';

/** A generator of repeatable pseudo-random numbers in [0, 1). */
function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

describe('the coarse sums of the first pass', () => {
  it('match a plain raster of the whole area, part by part, block seams and the grid edge included', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'voxwatch-coarse-'));
    // 700 × 500 m at 0.5 m: 350 × 250 coarse cells, 6 × 4 blocks, the last ones partly outside the grid.
    const grid = makeGrid(0, 0, 700, 500, 0.5);
    const g = coarseGeometry(grid);
    expect(g.cx % COARSE_BLOCK).not.toBe(0);
    const next = random(7);
    // Two parts: a patch across block seams, and points scattered over the whole area (a part in no spatial order).
    const parts = [
      { n: 40_000, x: (r: number) => 118 + 20 * r, y: (r: number) => 120 + 20 * r }, // across the seam at 128 m
      { n: 20_000, x: (r: number) => 700 * r, y: (r: number) => 500 * r },
    ];
    const ref = { count: new Uint32Array(g.cx * g.cy), sum: new Float64Array(g.cx * g.cy), min1: [] as number[][] };
    const epoch = new EpochCoarse(g);
    for (const [k, part] of parts.entries()) {
      const [x, y, z] = [new Float64Array(part.n), new Float64Array(part.n), new Float64Array(part.n)];
      for (let i = 0; i < part.n; i++) [x[i], y[i], z[i]] = [part.x(next()), part.y(next()), 10 + 20 * next()];
      const file = join(dir, `part-${k}.las`);
      const w = createLasWriter(file, { version: '1.2', pointFormat: 3, scale: [0.001, 0.001, 0.001], offset: [0, 0, 0] });
      await w.write({ count: part.n, x, y, z });
      await w.close();
      const scanned = await scanEpoch({
        sources: [{ path: file }],
        grid,
        tileCells: 1024,
        haloCells: 0,
        zBase: 0,
        zToMetres: 1,
        spillPaths: [join(dir, `t-${k}.bin`)],
      });
      expect(scanned.totals.points).toBe(part.n);
      const crop = scanned.coarse.take();
      // Reused for the next part: empty again, its crop no bigger than what it touched.
      expect(scanned.coarse.take().w).toBe(0);
      if (k === 0) expect([crop.w, crop.h]).toEqual([11, 11]);
      epoch.add(crop);
      // The reference, from the heights as the file holds them (millimetres).
      for (let i = 0; i < part.n; i++) {
        const [mx, my, mz] = [Math.round(x[i] * 1000), Math.round(y[i] * 1000), Math.round(z[i] * 1000)];
        const c = Math.floor(Math.floor(my / 500) / g.factor) * g.cx + Math.floor(Math.floor(mx / 500) / g.factor);
        ref.count[c]++;
        ref.sum[c] += mz;
        (ref.min1[c] ??= []).push(mz / 1000);
      }
    }
    let cells = 0;
    for (let c = 0; c < g.cx * g.cy; c++) {
      const n = ref.count[c];
      expect(epoch.count8[c]).toBe(Math.min(255, n));
      if (n === 0) {
        expect(epoch.min1[c]).toBe(Infinity);
        continue;
      }
      cells++;
      const lows = ref.min1[c].sort((a, b) => a - b);
      expect(epoch.min1[c]).toBeCloseTo(lows[0], 5);
      if (n === 1) expect(epoch.min2[c]).toBe(Infinity);
      else expect(epoch.min2[c]).toBeCloseTo(lows[1], 5);
      if (c % epoch.step === 0) {
        expect(epoch.samples.count[c / epoch.step]).toBe(n);
        expect(epoch.samples.sum[c / epoch.step]).toBe(ref.sum[c]);
      }
    }
    expect(cells).toBeGreaterThan(10_000);
    expect(Math.max(...epoch.count8)).toBe(255); // the dense patch saturates the count
  });
});
