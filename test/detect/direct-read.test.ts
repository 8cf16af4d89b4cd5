import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { addLasRecords, addRecords, ColumnBuffers, columnStatsIn, type ColumnStats } from '../../core/diff/columns';
import { makeGrid } from '../../core/diff/grid';
import { LasFile, newReadWorkspace } from '../../core/io/las/reader';
import { makeTileLayout, windowGrid } from '../../core/tiles/layout';
import { BLOCK_FIELDS, scanEpoch } from '../../core/tiles/scan';
import { readSpill, recordViews, RECORD_BYTES } from '../../core/tiles/spill';

const DATA = join(__dirname, '../../../shared/data');
const dir = mkdtempSync(join(tmpdir(), 'voxwatch-direct-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const FIELDS = [
  'count',
  'max1',
  'max2',
  'min1',
  'min2',
  'mean',
  'm2',
  'greenSum',
  'brightnessSum',
  'vegetationCount',
  'groundCount',
] as const;

/** The fields of the statistics whose bytes differ: the two ways in must agree to the bit. */
function differing(a: ColumnStats, b: ColumnStats): string[] {
  const bytes = (x: ArrayBufferView) => Buffer.from(x.buffer, x.byteOffset, x.byteLength);
  return FIELDS.filter((f) => !bytes(a[f]).equals(bytes(b[f])));
}

// Real files with colour (8-bit in one, 16-bit in another), classes and noise, and heights in feet.
const FILES = [
  { file: 'autzen-bmx-2010-2023/autzen-bmx-2023.las', zToMetres: 1 },
  { file: 'las-conformance/liblas/certainty3d-color-utm-feet-navd88.las', zToMetres: 0.3048 },
  { file: 'las-conformance/laspy/vegetation_1_3.las', zToMetres: 1 },
  { file: 'toronto-ttp-2015-2023/ttp-2023.las', zToMetres: 1 },
];

describe('a tile reading an indexed LAS part again', () => {
  for (const { file, zToMetres } of FILES) {
    it(`bins ${file.split('/').pop()} exactly as its spilled records would be binned, tile by tile`, async () => {
      const path = join(DATA, file);
      const las = await LasFile.open(path);
      const b = las.info.header.bounds;
      await las.close();
      // A grid of about 400 cells a side a little inside the file's bounds, so that some points fall outside it.
      const [ix, iy] = [(b.maxX - b.minX) * 0.03, (b.maxY - b.minY) * 0.03];
      const cell = Math.max(0.5, Math.round((b.maxX - b.minX) / 400));
      const grid = makeGrid(b.minX + ix, b.minY + iy, b.maxX - ix, b.maxY - iy, cell);
      const tileCells = Math.ceil(Math.max(grid.nx, grid.ny) / 2);
      const layout = makeTileLayout(grid, tileCells, 16);
      const zBase = Math.floor(b.minZ * zToMetres);
      const spillPaths = layout.tiles.map((t) => join(dir, `${file.replace(/\W/g, '_')}-t${t.index}.bin`));
      const job = { sources: [{ path }], grid, tileCells, haloCells: 16, zBase, zToMetres };
      const spilled = await scanEpoch({ ...job, spillPaths });
      const indexed = await scanEpoch({ ...job, spillPaths: [], blockPoints: 4096 });
      expect(indexed.totals).toEqual(spilled.totals);
      expect(spilled.totals.outside).toBeGreaterThan(0);
      const [coarseIndexed, coarseSpilled] = [indexed.coarse.take(), spilled.coarse.take()];
      expect(coarseIndexed.w * coarseIndexed.h).toBeGreaterThan(0);
      for (const k of ['x0', 'y0', 'w', 'h', 'count', 'sum', 'sumSq', 'min1', 'min2'] as const)
        expect(coarseIndexed[k]).toEqual(coarseSpilled[k]);

      const blocks = indexed.blocks!;
      expect(blocks.length / BLOCK_FIELDS).toBe(Math.ceil(spilled.totals.points / 4096));
      let compared = 0;
      for (const tile of layout.tiles) {
        const wg = windowGrid(grid, tile.window);
        const fromSpill = columnStatsIn(new ColumnBuffers(wg.nx * wg.ny), wg, zBase);
        const views = recordViews(new ArrayBuffer(1000 * RECORD_BYTES));
        readSpill(spillPaths[tile.index], views, (n) => addRecords(fromSpill, views, n));
        // Only the blocks whose cells reach the window, as the run reads them.
        const ranges: { first: number; count: number }[] = [];
        for (let k = 0; k < blocks.length; k += BLOCK_FIELDS) {
          const [x0, y0, x1, y1] = [blocks[k + 3], blocks[k + 4], blocks[k + 5], blocks[k + 6]];
          if (x1 < tile.window.x0 || x0 >= tile.window.x1 || y1 < tile.window.y0 || y0 >= tile.window.y1) continue;
          ranges.push({ first: blocks[k + 1], count: blocks[k + 2] });
        }
        const direct = columnStatsIn(new ColumnBuffers(wg.nx * wg.ny), wg, zBase);
        const file = await LasFile.open(path);
        for await (const { bytes, count } of file.records({ ranges, workspace: newReadWorkspace() })) {
          addLasRecords(direct, bytes, count, file.decodeParams(['classification', 'rgb']), grid, tile.window, zToMetres);
        }
        await file.close();
        expect(differing(direct, fromSpill)).toEqual([]);
        compared += fromSpill.count.reduce((n, c) => n + c, 0);
      }
      // Every kept point was compared, halo points once per tile that holds them.
      expect(compared).toBeGreaterThanOrEqual(spilled.totals.points - spilled.totals.outside - spilled.totals.noise);
    });
  }
});
