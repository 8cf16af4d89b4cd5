/**
 * Detection in tiles: tiny tiles force objects across seams, and the result must be the one a
 * single tile gives (objects whole and reported once, uncertain patches joined); the result
 * must not depend on the number of workers; cancelling stops the worker threads.
 */
import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { detectChanges, type DetectHooks, type DetectionResult, type DetectOptions } from '../../core/detect';
import { LasFile, LasFormat } from '../../core/io/las/reader';
import { planParts } from '../../core/tiles/parts';
import { writeDistrict, type WrittenDistrict } from '../helpers/district';

let district: WrittenDistrict;
let single: DetectionResult;
// 24 m tiles (48 cells) over a 160 m district: 7 × 7 tiles, most buildings cross a seam.
const TILE_CELLS = 48;
const tiny: Partial<DetectOptions> = { tileCells: TILE_CELLS, halo: 48 };

const run = (options: Partial<DetectOptions>, hooks: DetectHooks = {}) =>
  detectChanges({ files: [district.epoch(1)] }, { files: [district.epoch(2)] }, options, hooks);

/** The result without what legitimately differs between runs (timings) or tilings (the option itself). */
const comparable = (r: DetectionResult) => ({ ...r, timings: {}, parameters: { ...r.parameters, tileCells: 0, halo: 0 } });

beforeAll(async () => {
  district = await writeDistrict({ seed: 11, size: 160 });
  single = await run({});
});

describe('detection in tiles', () => {
  it('finds the same objects with tiny tiles as with one tile, objects crossing seams whole and once', async () => {
    const tiled = await run(tiny);
    expect(single.changes.length).toBeGreaterThanOrEqual(5);
    // Some changes straddle a seam between tile cores (at multiples of 24 m from the grid origin).
    const seam = TILE_CELLS * single.grid.cell;
    const crossing = single.changes.filter((c) => {
      const xs = c.footprint.flatMap((p) => p[0].map(([x]) => x - single.grid.x0));
      const ys = c.footprint.flatMap((p) => p[0].map(([, y]) => y - single.grid.y0));
      const crosses = (v: number[]) => Math.floor(Math.min(...v) / seam) !== Math.floor((Math.max(...v) - 1e-6) / seam);
      return crosses(xs) || crosses(ys);
    });
    expect(crossing.length).toBeGreaterThanOrEqual(3);
    expect(tiled.warnings).toEqual(single.warnings);
    expect(tiled.changes).toEqual(single.changes);
    expect(tiled.suppressed).toEqual(single.suppressed);
    expect(tiled.uncertain.map((u) => [u.unseenIn, u.area_m2, u.centroid])).toEqual(
      single.uncertain.map((u) => [u.unseenIn, u.area_m2, u.centroid]),
    );
    expect(tiled.views.changes).toEqual(single.views.changes);
    const [o1, o2] = [single.views.overview, tiled.views.overview];
    expect([o2.width, o2.height, o2.cell]).toEqual([o1.width, o1.height, o1.cell]);
    for (let i = 0; i < o1.after.length; i += 97) {
      if (Number.isNaN(o1.after[i])) expect(o2.after[i]).toBeNaN();
      else expect(o2.after[i]).toBeCloseTo(o1.after[i], 4);
    }
  });

  it('gives the same result whatever the number of workers', async () => {
    const [one, three] = [await run(tiny, { workers: 1 }), await run(tiny, { workers: 3 })];
    expect(comparable(three)).toEqual(comparable(one));
  });

  it('stops its worker threads and removes its spill files when cancelled mid-run', async () => {
    const threads = () => readdirSync('/proc/self/task').length;
    const tempDir = mkdtempSync(join(tmpdir(), 'voxwatch-cancel-'));
    const before = threads();
    const controller = new AbortController();
    let busy = 0;
    const running = run(tiny, {
      workers: 2,
      tempDir,
      signal: controller.signal,
      onProgress: ({ phase }) => {
        // Cancel once the tile jobs are under way.
        if (phase === 'diff' && busy === 0) {
          busy = threads();
          controller.abort();
        }
      },
    });
    await expect(running).rejects.toThrow(/cancelled/);
    expect(busy).toBeGreaterThan(before);
    // A thread may take a moment to leave the process's list after it has ended.
    for (let i = 0; i < 100 && threads() > before; i++) await new Promise((r) => setTimeout(r, 50));
    expect(threads()).toBeLessThanOrEqual(before);
    expect(readdirSync(tempDir)).toEqual([]);
  });

  it('splits an epoch into first-pass parts that read every point once, in file order', async () => {
    const file = await LasFile.open(district.epoch(1));
    try {
      const n = file.info.header.pointCount;
      const info = await LasFormat.sourceInfo(district.epoch(1));
      const parts = planParts([info, info], Math.ceil(n / 3));
      expect(parts.length).toBe(6);
      const zs: number[] = [];
      for (const part of parts) {
        for (const { range } of part) {
          for await (const c of file.chunks({ fields: [], range })) for (let i = 0; i < c.count; i++) zs.push(c.z[i]);
        }
      }
      const whole: number[] = [];
      for await (const c of file.chunks({ fields: [] })) for (let i = 0; i < c.count; i++) whole.push(c.z[i]);
      expect(zs).toEqual([...whole, ...whole]);
    } finally {
      await file.close();
    }
  });
});
