import { describe, expect, it } from 'vitest';
import { overviewPatch, patchAround } from '../../core/changes/patches';
import { makeGrid } from '../../core/diff/grid';

// A 40 m × 20 m grid of 1 m cells whose heights encode their position: z = i + 100 j.
const grid = makeGrid(1000, 2000, 1039.5, 2019.5, 1);
const coded = new Float32Array(grid.nx * grid.ny).map((_, k) => (k % grid.nx) + 100 * Math.floor(k / grid.nx));
const src = { grid, before: coded, after: coded.map((v) => v + 5), ground: new Float32Array(coded.length).fill(NaN) };

describe('height patches', () => {
  it('cuts a square window around a footprint, south-west origin, NaN outside the grid', () => {
    const square = [
      [
        [
          [1010, 2005],
          [1014, 2005],
          [1014, 2009],
          [1010, 2009],
          [1010, 2005],
        ],
      ],
    ] as [number, number][][][];
    const p = patchAround(src, square, 2);
    // 4 m object + 2 × max(2, 8) m margin = 20 m, centred on (1012, 2007).
    expect([p.x0, p.y0, p.width, p.height, p.cell]).toEqual([1002, 1997, 20, 20, 1]);
    const at = (x: number, y: number) => (y - p.y0) * p.width + (x - p.x0);
    expect(p.before[at(1010, 2005)]).toBe(10 + 100 * 5);
    expect(p.after[at(1010, 2005)]).toBe(10 + 100 * 5 + 5);
    expect(Number.isNaN(p.before[at(1010, 1998)])).toBe(true); // south of the grid
    expect(Number.isNaN(p.ground[at(1010, 2005)])).toBe(true);
  });

  it('averages the whole grid down to a bounded overview', () => {
    const p = overviewPatch(src, 10);
    expect([p.width, p.height, p.cell]).toEqual([10, 5, 4]);
    // The first block averages i = 0..3, j = 0..3: mean i 1.5, mean j 1.5.
    expect(p.before[0]).toBeCloseTo(1.5 + 150, 5);
    expect(p.after[p.width * p.height - 1]).toBeCloseTo(37.5 + 1750 + 5, 4);
  });
});
