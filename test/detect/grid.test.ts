import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { makeGrid } from '../../core/diff/grid';
import { createLasWriter } from '../../core/io/las/writer';
import { scanEpoch } from '../../core/tiles/scan';

describe('the ground grid', () => {
  it('keeps points that lie exactly on the north and east edges of the compared area', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'voxwatch-grid-'));
    const file = join(dir, 'corners.las');
    const w = createLasWriter(file, { version: '1.2', pointFormat: 3, scale: [0.01, 0.01, 0.01], offset: [0, 0, 0] });
    await w.write({ count: 3, x: Float64Array.of(0, 300, 150), y: Float64Array.of(0, 300, 300), z: Float64Array.of(1, 2, 3) });
    await w.close();
    const grid = makeGrid(0, 0, 300, 300, 0.5);
    const spillPaths = [join(dir, 'tile-0.bin')];
    const { totals, coarse } = await scanEpoch({
      sources: [{ path: file }],
      grid,
      tileCells: 1024,
      haloCells: 0,
      zBase: 0,
      zToMetres: 1,
      spillPaths,
    });
    expect(totals.outside).toBe(0);
    // The corners (0, 0) and (300, 300) and the north edge's middle, in the first and last coarse cells.
    const { cx, cy } = coarse.geometry;
    const crop = coarse.take();
    expect([crop.x0, crop.y0, crop.w, crop.h]).toEqual([0, 0, cx, cy]);
    expect(crop.count[cx * cy - 1]).toBe(1);
    expect(crop.count[0]).toBe(1);
    expect(crop.count.reduce((a, b) => a + b, 0)).toBe(3);
  });

  it('snaps its origin to the cell size so overlapping runs line up', () => {
    const g = makeGrid(513200.37, 2494300.91, 513210, 2494310, 0.5);
    expect(g.x0).toBe(513200);
    expect(g.y0).toBe(2494300.5);
  });
});
