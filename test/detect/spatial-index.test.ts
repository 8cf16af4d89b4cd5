/**
 * Several files per epoch and the spatial index (issue 4): detection reads only the files whose
 * bounds meet the compared area, and a tileset only the tiles that do.
 */
import { cpSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { detectChanges, type DetectHooks } from '../../core/detect';
import { describeSource } from '../../core/io/formats';
import { LasFile } from '../../core/io/las/reader';
import { createLasWriter } from '../../core/io/las/writer';
import type { PointChunk } from '../../core/io/types';
import { Tileset } from '../../core/io/tiles3d/tileset';
import { writeDistrict } from '../helpers/district';

/** Rewrites a LAS file keeping the points `keep` accepts, moved by (dx, dy). */
async function rewrite(from: string, to: string, keep: (x: number, y: number) => boolean, dx = 0, dy = 0): Promise<void> {
  const file = await LasFile.open(from);
  const writer = createLasWriter(to, {
    version: '1.2',
    epsg: 4547,
    offset: [513000 + dx, 2494000 + dy, 0],
    creationDate: new Date('2024-01-01'),
  });
  try {
    for await (const c of file.chunks({ fields: ['rgb'] })) {
      const idx = [...Array(c.count).keys()].filter((i) => keep(c.x[i], c.y[i]));
      const out: PointChunk = {
        count: idx.length,
        x: Float64Array.from(idx, (i) => c.x[i] + dx),
        y: Float64Array.from(idx, (i) => c.y[i] + dy),
        z: Float64Array.from(idx, (i) => c.z[i]),
        rgb: Uint16Array.from(idx.flatMap((i) => [c.rgb![3 * i], c.rgb![3 * i + 1], c.rgb![3 * i + 2]])),
      };
      if (out.count > 0) await writer.write(out);
    }
  } finally {
    await writer.close();
    await file.close();
  }
}

function readTotals(): { hooks: DetectHooks; last: () => { done: number; total: number } } {
  let last = { done: 0, total: 0 };
  return { hooks: { onProgress: (p) => p.phase === 'read' && (last = p) }, last: () => last };
}

describe('spatial index over the files of an epoch', () => {
  it('never reads a file whose bounds miss the compared area, and finds the same changes', async () => {
    const d = await writeDistrict({ seed: 15, size: 100 });
    const far = join(d.dir, 'far-away.las');
    await rewrite(d.epoch(1), far, () => true, 5000, 0);
    const [e1, e2, farInfo] = await Promise.all([d.epoch(1), d.epoch(2), far].map((f) => describeSource(f)));
    expect(farInfo.bounds.minX).toBeGreaterThan(e2.bounds.maxX);

    const plain = readTotals();
    const alone = await detectChanges({ files: [d.epoch(1)] }, { files: [d.epoch(2)] }, {}, plain.hooks);
    const withFar = readTotals();
    const result = await detectChanges({ files: [d.epoch(1), far] }, { files: [d.epoch(2)] }, {}, withFar.hooks);
    // Read progress counts only the files read: the far file's points are not among them.
    expect(withFar.last()).toMatchObject({ done: e1.pointCount + e2.pointCount, total: e1.pointCount + e2.pointCount });
    expect(plain.last()).toEqual(withFar.last());
    expect(result.epochs[0].files.map((f) => f.path)).toEqual([d.epoch(1), far]);
    expect(result.changes.map((c) => [c.id, c.type, c.volume_m3])).toEqual(alone.changes.map((c) => [c.id, c.type, c.volume_m3]));
  }, 300_000);

  it('reads only the tiles of a tileset that meet the area: a missing tile elsewhere does no harm', async () => {
    const d = await writeDistrict({ seed: 16, size: 120, withMesh: true });
    const copy = join(d.dir, 'tiles-copy');
    cpSync(join(d.mesh.tileset, '..'), copy, { recursive: true });
    const tileset = join(copy, 'tileset.json');
    const ts = await Tileset.open(tileset);
    const tiles = [];
    for await (const t of ts.contentTiles()) tiles.push(t);
    const sw = tiles.find((t) => t.url.endsWith('tile_0_0.b3dm'))!;
    const others = tiles.filter((t) => t !== sw);
    // The later survey covers only the south-west corner, clear of the other tiles' volumes.
    const east = others.find((t) => t.url.endsWith('tile_1_0.glb'))!;
    const north = others.find((t) => t.url.endsWith('tile_0_1.b3dm'))!;
    const corner = join(d.dir, 'corner.las');
    await rewrite(d.epoch(3), corner, (x, y) => x < east.bounds.minX - 3 && y < north.bounds.minY - 3);
    for (const t of others) rmSync(t.url);
    const result = await detectChanges({ files: [tileset] }, { files: [corner] });
    expect(result.epochs[0].pointsInArea).toBeGreaterThan(0);
    // The same run on the whole tileset fails on the first missing tile, by name.
    await expect(detectChanges({ files: [tileset] }, { files: [d.epoch(3)] })).rejects.toThrow(/tile content not found/);
  }, 300_000);
});
