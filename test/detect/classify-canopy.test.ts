/**
 * Colourless lidar of a tree: its top can read as a plane over much of it while its points lie
 * metres deep (returns from inside the canopy). Measured on an independent generator's park
 * (a 48 m² crown cut down, read as a demolished building): 60 % planar cells, 1.6 m of scatter
 * inside, no colour. A roof's interior scatters centimetres (0.02–0.2 m on that generator's 1,015
 * building changes), so the same object with a roof's scatter is still a building.
 */
import { describe, expect, it } from 'vitest';
import { classify } from '../../core/changes/classify';
import type { MeasureContext, Measurement } from '../../core/changes/measure';
import { makeGrid } from '../../core/diff/grid';
import type { EpochSurface } from '../../core/diff/surfaces';
import { DEFAULT_OPTIONS } from '../../core/detect';

/** A 20 × 20 grid of 0.5 m cells: flat ground at 20 m; before, a 4.2 m structure over the middle 10 × 10 cells. */
function demolition(spreadInside: number, planarShare: number): { m: Measurement; ctx: MeasureContext } {
  const grid = makeGrid(0, 0, 10, 10, 0.5);
  const n = grid.nx * grid.ny;
  const cells: number[] = [];
  for (let y = 5; y < 15; y++) for (let x = 5; x < 15; x++) cells.push(y * grid.nx + x);
  const surface = (structure: boolean): EpochSurface => {
    const top = new Float32Array(n).fill(20);
    if (structure) for (const k of cells) top[k] = 24.2;
    const nan = new Float32Array(n).fill(NaN);
    return {
      top,
      mean: top.slice(),
      low: new Float32Array(n).fill(20),
      observed: new Uint8Array(n).fill(1),
      spread: new Float32Array(n).fill(0.02),
      greenness: nan,
      vegetationShare: nan.slice(),
      typicalCount: 6,
      minCount: 2,
    };
  };
  const [a, b] = [surface(true), surface(false)];
  const ctx: MeasureContext = {
    grid,
    a,
    b,
    countsA: new Uint32Array(n).fill(6),
    countsB: new Uint32Array(n).fill(6),
    diff: Float32Array.from(b.top, (v, k) => v - a.top[k]),
    ground: new Float32Array(n).fill(20),
    threshold: 1.2,
  };
  const m: Measurement = {
    sign: -1,
    cells: Int32Array.from(cells),
    weights: new Float32Array(cells.length).fill(1),
    areaM2: 48.3,
    volumeM3: -206.8,
    meanChange: -4.28,
    maxChange: -4.4,
    groundZ: 20,
    beforeTop: 24.2,
    afterTop: 20.1,
    beforeHeight: 4.2,
    afterHeight: 0.1,
    coverage: 1,
    supportShare: 1,
    pointsBefore: 1200,
    pointsAfter: 1100,
    greenness: NaN,
    orthoGreenness: NaN,
    greennessFromOrtho: false,
    roughness: 0.111,
    planarShare,
    spread: spreadInside,
    spreadInside,
    vegetationClassShare: NaN,
    fillRatio: 0.92,
    coreCells: 64,
    curvedShare: 0.372,
    domeCurvature: NaN,
    unseenBorder: { areaM2: 0, beyondShadowM2: 0 },
    unseenBeyondM2: 0,
  };
  return { m, ctx };
}

describe('a colourless canopy the survey saw into', () => {
  it('is vegetation when its points lie metres deep inside, though 60 % of its top reads as planar', () => {
    const { m, ctx } = demolition(1.59, 0.6);
    const v = classify(m, ctx, DEFAULT_OPTIONS);
    expect(v.suppressed?.reason).toBe('vegetation');
    expect(v.suppressed?.detail).toBe(
      'points scattered 1.6 m deep, as through a canopy, with no colour or roof surface (60 % planar) to say otherwise',
    );
  });

  it('is a building when its interior scatters as a roof does, or when most of its top is planar', () => {
    for (const [spread, planar] of [
      [0.15, 0.6],
      [1.59, 0.8],
    ]) {
      const { m, ctx } = demolition(spread, planar);
      const v = classify(m, ctx, DEFAULT_OPTIONS);
      expect(v.suppressed, `scatter ${spread} m, ${planar * 100} % planar`).toBeUndefined();
      expect(v.type).toBe('demolished');
    }
  });
});
