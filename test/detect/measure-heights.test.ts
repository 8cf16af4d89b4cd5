/**
 * The height change of a change object: a flat roof's mean heights can read a few centimetres
 * more change than its top does (the top is a robust maximum, the mean weighs every point), and
 * the report printed "max +3.06 m, mean +3.09 m" (sample district, C009). The max is never below
 * the mean.
 */
import { describe, expect, it } from 'vitest';
import { makeGrid } from '../../core/diff/grid';
import type { EpochSurface } from '../../core/diff/surfaces';
import { measureCandidate } from '../helpers/measure-candidate';

const grid = makeGrid(0, 0, 20, 20, 0.5);
const n = grid.nx * grid.ny;
const box = (k: number) => k % grid.nx >= 10 && k % grid.nx < 30 && Math.floor(k / grid.nx) >= 10 && Math.floor(k / grid.nx) < 30;

function surface(top: (k: number) => number, mean: (k: number) => number): EpochSurface {
  return {
    top: Float32Array.from({ length: n }, (_, k) => top(k)),
    mean: Float32Array.from({ length: n }, (_, k) => mean(k)),
    low: new Float32Array(n).fill(20),
    observed: new Uint8Array(n).fill(1),
    spread: new Float32Array(n).fill(0.03),
    greenness: new Float32Array(n).fill(NaN),
    vegetationShare: new Float32Array(n).fill(NaN),
    typicalCount: 12,
    minCount: 3,
  };
}

describe('the height change of a new flat-roofed block', () => {
  for (const sign of [1, -1] as const) {
    it(`${sign > 0 ? 'built' : 'demolished'}: the max is never below the mean`, () => {
      const ground = surface(
        () => 20,
        () => 20,
      );
      // The roof's top 3.00 m up, its points' mean 3.09 m (the top is the second-highest point, the mean is not).
      const block = surface(
        (k) => (box(k) ? 23 : 20),
        (k) => (box(k) ? 23.09 : 20),
      );
      const [a, b] = sign > 0 ? [ground, block] : [block, ground];
      const { m } = measureCandidate(grid, a, b, 20, sign);
      expect(m.meanChange * sign).toBeCloseTo(3.09, 2);
      expect(m.maxChange * sign).toBeGreaterThanOrEqual(m.meanChange * sign);
    });
  }
});
