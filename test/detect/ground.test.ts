import { describe, expect, it } from 'vitest';
import { estimateGround } from '../../core/diff/ground';
import { groundBands, groundOnWorkers, runGroundStep, type GroundJob } from '../../core/tiles/ground-job';

/** Terrain rising 5 % eastwards and `north` metres a 2 m cell northwards, with gentle waves. */
function terrain(x: number, y: number, north = 0): number {
  return 20 + 0.1 * x + north * y + 0.8 * Math.sin(y / 25) + 0.5 * Math.cos(x / 40);
}

/**
 * The lowest heights of a district on 2 m cells: one building in each 80 m block, 6 to 60 m
 * wide, 3 to 30 m high, placed pseudo-randomly (fixed seed); holes where nothing was seen.
 */
function district(cx: number, cy: number, north = 0): { lows: Float32Array; building: Uint8Array } {
  const lows = new Float32Array(cx * cy);
  const building = new Uint8Array(cx * cy);
  for (let y = 0; y < cy; y++) for (let x = 0; x < cx; x++) lows[y * cx + x] = terrain(x, y, north);
  let s = 7;
  const next = () => (s = (Math.imul(s, 1103515245) + 12345) >>> 0) / 2 ** 32;
  const block = 40;
  for (let by = 0; by + block <= cy; by += block) {
    for (let bx = 0; bx + block <= cx; bx += block) {
      const w = 3 + Math.floor(next() * 28);
      const h = 3 + Math.floor(next() * 28);
      const [x0, y0, height] = [bx + Math.floor(next() * (block - w)), by + Math.floor(next() * (block - h)), 3 + next() * 27];
      for (let y = y0; y < y0 + h; y++) {
        for (let x = x0; x < x0 + w; x++) {
          lows[y * cx + x] = terrain(x, y, north) + height;
          building[y * cx + x] = 1;
        }
      }
    }
  }
  for (let i = 0; i < lows.length; i++) if (next() < 0.03) lows[i] = NaN;
  return { lows, building };
}

/** A ground job over `lows` as the first pass gives it (one epoch, three points a cell). */
function job(lows: Float32Array, cx: number, cy: number): GroundJob {
  const min = Float32Array.from(lows, (v) => (Number.isNaN(v) ? Infinity : v));
  const count8 = Uint8Array.from(lows, (v) => (Number.isNaN(v) ? 0 : 3));
  return { epochs: [{ min1: min, min2: min.slice(), count8 }], cx, cy, cell: 0.5, factor: 4, zBase: 0 };
}

describe('ground model', () => {
  const [cx, cy] = [180, 640];
  const { lows, building } = district(cx, cy);

  it('sees through buildings up to 60 m wide to the terrain, away from the edges', () => {
    const m = estimateGround(lows, cx, cy, 0.5, 4);
    // Within one largest window (64 cells) of an edge the openings are cut short, and on a
    // slope they take the terrain for an object: that margin is left out here.
    const margin = 64;
    let [worst, under] = [0, 0];
    for (let y = margin; y < cy - margin; y++) {
      for (let x = margin; x < cx - margin; x++) {
        worst = Math.max(worst, Math.abs(m.values[y * cx + x] - terrain(x, y)));
        if (building[y * cx + x]) under++;
      }
    }
    expect(under).toBeGreaterThan(0.1 * (cx - 2 * margin) * (cy - 2 * margin));
    // 0.3 m is the filter's first height band.
    expect(worst).toBeLessThan(0.3);
  });

  it('gives the same model in bands of rows on any number of workers as on the whole area at once', async () => {
    // A steep slope across the bands' seams: a band that read too few rows beyond its own
    // would cut the openings short there and take its own terrain for objects.
    const steep = district(cx, cy, 0.15).lows;
    const whole = estimateGround(steep, cx, cy, 0.5, 4);
    for (const workers of [2, 3, 5]) {
      // More than one band must actually run for this to test anything.
      expect(groundBands(cy, 126, workers).length).toBe(workers);
      const banded = await groundOnWorkers(job(steep, cx, cy), workers, async (s) => runGroundStep(s));
      expect(Array.from(banded.values)).toEqual(Array.from(whole.values));
      expect(banded.values.buffer).toBeInstanceOf(SharedArrayBuffer);
    }
  });

  it('keeps to one band where the rows a band reads around it would outnumber its own', () => {
    expect(groundBands(100, 126, 2)).toEqual([[0, 100]]);
    expect(groundBands(600, 126, 2)).toEqual([
      [0, 300],
      [300, 600],
    ]);
  });
});
