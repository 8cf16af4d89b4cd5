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
import { createLasWriter } from '../../core/io/las/writer';
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

  it('gives the same result whatever the number of workers, and leaves nothing in its temporary folder', async () => {
    const tempDir = mkdtempSync(join(tmpdir(), 'voxwatch-temp-'));
    const [one, three] = [await run(tiny, { workers: 1, tempDir }), await run(tiny, { workers: 3 })];
    expect(comparable(three)).toEqual(comparable(one));
    // The spill and the height windows parked while the tiles ran are gone.
    expect(Object.keys(one.views.changes)).toHaveLength(one.changes.length);
    expect(readdirSync(tempDir)).toEqual([]);
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

  it('reads an uncompressed LAS again in its tiles instead of spilling it, and spills a file in no spatial order', async () => {
    // The same points in random order: every block of the file then spans every tile.
    const shuffled = join(mkdtempSync(join(tmpdir(), 'voxwatch-shuffled-')), 'epoch-1-shuffled.las');
    const file = await LasFile.open(district.epoch(1));
    const chunks = [];
    for await (const c of file.chunks({ fields: ['classification', 'rgb'] })) chunks.push(c);
    const h = file.info.header;
    await file.close();
    const n = chunks.reduce((k, c) => k + c.count, 0);
    const [x, y, z, classification, rgb] = [
      new Float64Array(n),
      new Float64Array(n),
      new Float64Array(n),
      new Uint8Array(n),
      new Uint16Array(3 * n),
    ];
    const order = Array.from({ length: n }, (_, i) => i);
    let seed = 7;
    for (let i = n - 1; i > 0; i--) {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      const j = seed % (i + 1);
      [order[i], order[j]] = [order[j], order[i]];
    }
    let k = 0;
    for (const c of chunks) {
      for (let i = 0; i < c.count; i++, k++) {
        const o = order[k];
        [x[o], y[o], z[o], classification[o]] = [c.x[i], c.y[i], c.z[i], c.classification![i]];
        rgb.set(c.rgb!.subarray(3 * i, 3 * i + 3), 3 * o);
      }
    }
    const w = createLasWriter(shuffled, { version: '1.2', scale: [...h.scale], offset: [...h.offset] });
    await w.write({ count: n, x, y, z, classification, rgb });
    await w.close();

    const spilled: Record<string, number> = {};
    const runWith = async (epoch1: string, name: string) => {
      const workDir = mkdtempSync(join(tmpdir(), `voxwatch-${name}-`));
      // 112 m tiles: 2 × 2 over the district (its file runs in rows, so each block spans both tile columns).
      return detectChanges(
        { files: [epoch1] },
        { files: [district.epoch(2)] },
        { tileCells: 224, halo: 32 },
        {
          workDir,
          onProgress: ({ phase }) => {
            if (phase === 'ground') spilled[name] = readdirSync(join(workDir, 'spill')).filter((f) => f.startsWith('e0-')).length;
          },
        },
      );
    };
    const [ordered, scattered] = [await runWith(district.epoch(1), 'ordered'), await runWith(shuffled, 'shuffled')];
    // The survey's own file is read again by the tiles: nothing of it spilled; the shuffled one is spilled.
    expect(spilled).toEqual({ ordered: 0, shuffled: 4 });
    // …and the user is told why, and what would make it faster.
    expect(scattered.warnings.filter((w) => w.includes('no spatial order'))).toEqual([expect.stringContaining(shuffled)]);
    expect(ordered.warnings.filter((w) => w.includes('no spatial order'))).toEqual([]);
    expect(comparable(ordered).changes).toEqual(comparable(single).changes);
    // The same changes from the shuffled points (heights summed in another order differ in the last bits).
    expect(scattered.changes.map((c) => [c.type, c.area_m2])).toEqual(ordered.changes.map((c) => [c.type, c.area_m2]));
    scattered.changes.forEach((c, i) => expect(c.volume_m3).toBeCloseTo(ordered.changes[i].volume_m3, 1));
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
