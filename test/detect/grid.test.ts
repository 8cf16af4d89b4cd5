import { describe, expect, it } from 'vitest';
import { addChunk, createColumnStats } from '../../core/diff/columns';
import { makeGrid } from '../../core/diff/grid';

describe('the ground grid', () => {
  it('keeps points that lie exactly on the north and east edges of the compared area', () => {
    const grid = makeGrid(0, 0, 300, 300, 0.5);
    const stats = createColumnStats(grid, 0);
    const corner = { count: 3, x: Float64Array.of(0, 300, 150), y: Float64Array.of(0, 300, 300), z: Float64Array.of(1, 2, 3) };
    addChunk(stats, corner);
    expect(stats.totals.outside).toBe(0);
    expect(stats.count[grid.nx * grid.ny - 1]).toBe(1);
    expect(stats.count[0]).toBe(1);
  });

  it('snaps its origin to the cell size so overlapping runs line up', () => {
    const g = makeGrid(513200.37, 2494300.91, 513210, 2494310, 0.5);
    expect(g.x0).toBe(513200);
    expect(g.y0).toBe(2494300.5);
  });
});
