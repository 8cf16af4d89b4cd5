/**
 * The occlusion rule on a hand-built scene: absence of points is not evidence of absence.
 * Epoch A: flat ground with one house. Epoch B: the same, shifted 8 cm (misregistration), with
 * a new box on open ground, a new box inside A's data hole, and a patch B did not see at all.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { detectChanges } from '../../core/detect';
import { createLasWriter } from '../../core/io/las/writer';
import type { PointChunk } from '../../core/io/types';

type Box = { x0: number; y0: number; x1: number; y1: number; h?: number };
const X0 = 500_000;
const Y0 = 2_500_000;
const GROUND = 20;

/** Ground and flat-roofed boxes sampled at `density` points/m², skipping `holes`. */
function scene(boxes: Box[], holes: Box[], density: number, shift: number, seed: number): PointChunk {
  let s = seed;
  const rand = () => (s = (s * 1664525 + 1013904223) >>> 0) / 2 ** 32;
  const xs: number[] = [];
  const ys: number[] = [];
  const zs: number[] = [];
  const n = 60 * 60 * density;
  for (let i = 0; i < n; i++) {
    const x = rand() * 60;
    const y = rand() * 60;
    if (holes.some((h) => x >= h.x0 && x < h.x1 && y >= h.y0 && y < h.y1)) continue;
    const top = boxes.find((b) => x >= b.x0 && x < b.x1 && y >= b.y0 && y < b.y1);
    xs.push(X0 + x + shift);
    ys.push(Y0 + y);
    zs.push(GROUND + (top?.h ?? 0) + (rand() - 0.5) * 0.06);
  }
  const count = xs.length;
  return {
    count,
    x: Float64Array.from(xs),
    y: Float64Array.from(ys),
    z: Float64Array.from(zs),
    rgb: new Uint16Array(count * 3).fill(30000),
  };
}

async function write(path: string, chunk: PointChunk) {
  const w = createLasWriter(path, { version: '1.2', pointFormat: 3, scale: [0.001, 0.001, 0.001], offset: [X0, Y0, 0], epsg: 4547 });
  await w.write(chunk);
  await w.close();
}

describe('occlusion-aware diff', () => {
  it('flags only the box both epochs could see, and reports the unseen patches as uncertain', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'voxwatch-occlusion-'));
    const house: Box = { x0: 5, y0: 5, x1: 17, y1: 15, h: 12 };
    const newBox: Box = { x0: 30, y0: 8, x1: 38, y1: 14, h: 6 };
    const boxInHole: Box = { x0: 10, y0: 35, x1: 18, y1: 41, h: 9 };
    const holeInA: Box = { x0: 6, y0: 32, x1: 22, y1: 44 };
    const holeInB: Box = { x0: 40, y0: 40, x1: 52, y1: 52 };
    await write(join(dir, 'a.las'), scene([house], [holeInA], 16, 0, 1));
    await write(join(dir, 'b.las'), scene([house, newBox, boxInHole], [holeInB], 16, 0.08, 2));
    const r = await detectChanges({ files: [join(dir, 'a.las')] }, { files: [join(dir, 'b.las')] });

    expect(r.changes).toHaveLength(1);
    const c = r.changes[0];
    expect(c.type).toBe('new_building');
    expect(c.centroid[0] - X0).toBeCloseTo(34, 0);
    expect(c.centroid[1] - Y0).toBeCloseTo(11, 0);
    expect(c.area_m2).toBeGreaterThan(48 * 0.9);
    expect(c.area_m2).toBeLessThan(48 * 1.1);
    expect(c.volume_m3).toBeGreaterThan(288 * 0.9);
    expect(c.volume_m3).toBeLessThan(288 * 1.1);
    expect(c.storeys).toBe(2);
    // The house's walls moved 8 cm between epochs: no sliver may become a change, and the
    // box built inside A's data hole is not claimed, only reported as uncertain.
    const unseenBefore = r.uncertain.filter((u) => u.unseenIn === 'before');
    const unseenAfter = r.uncertain.filter((u) => u.unseenIn === 'after');
    expect(unseenBefore).toHaveLength(1);
    expect(unseenBefore[0].area_m2).toBeGreaterThan(16 * 12 * 0.8);
    expect(unseenBefore[0].otherHeight_m).toBeGreaterThan(8);
    expect(unseenAfter).toHaveLength(1);
    expect(unseenAfter[0].otherHeight_m).toBeLessThan(1);
  });

  it('says when a change runs on into a hole of the epoch it is absent from, and is less sure of it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'voxwatch-occlusion-'));
    const whole: Box = { x0: 8, y0: 8, x1: 20, y1: 18, h: 9 };
    // A new box whose west half lies in a hole of the earlier survey: only its east half can
    // be compared, and the later survey shows its roof going on into the hole.
    const cut: Box = { x0: 30, y0: 30, x1: 46, y1: 40, h: 9 };
    const holeInA: Box = { x0: 27, y0: 27, x1: 38, y1: 43 };
    await write(join(dir, 'a.las'), scene([], [holeInA], 20, 0, 3));
    await write(join(dir, 'b.las'), scene([whole, cut], [], 20, 0.05, 4));
    const r = await detectChanges({ files: [join(dir, 'a.las')] }, { files: [join(dir, 'b.las')] }, { voxel: 0.5 });

    expect(r.changes).toHaveLength(2);
    const [seen, clipped] = [...r.changes].sort((p, q) => p.centroid[0] - q.centroid[0]);
    expect(seen.type).toBe('new_building');
    expect(seen.evidence.reasons.some((x) => x.startsWith('runs on'))).toBe(false);
    expect(clipped.type).toBe('new_building');
    // Measured as the part east of the hole (x 38–46: 80 m²) …
    expect(clipped.area_m2).toBeGreaterThan(80 * 0.85);
    expect(clipped.area_m2).toBeLessThan(80 * 1.15);
    // … and said to go on into the 8 × 10 m under the hole.
    const said = clipped.evidence.reasons.find((x) => x.startsWith('runs on'));
    expect(said).toMatch(/^runs on into [\d.]+ m² the before epoch did not see: it may be larger than measured$/);
    const beyond = Number(/into ([\d.]+) m²/.exec(said!)![1]);
    expect(beyond).toBeGreaterThan(80 * 0.8);
    expect(beyond).toBeLessThan(80 * 1.2);
    expect(clipped.confidence).toBeLessThan(seen.confidence - 0.2);
  });

  it('says when a change borders a hole of the epoch it stands in that reaches beyond its own shadow', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'voxwatch-occlusion-'));
    // A new 9 m box with the later survey's shadow beside it (3 m wide: within half its height)…
    const shaded: Box = { x0: 8, y0: 8, x1: 20, y1: 18, h: 9 };
    const shadow: Box = { x0: 20, y0: 8, x1: 23, y1: 18 };
    // … and one whose west half lies in a hole of the later survey reaching 4 m beyond it.
    const cut: Box = { x0: 30, y0: 30, x1: 46, y1: 40, h: 9 };
    const holeInB: Box = { x0: 26, y0: 26, x1: 38, y1: 44 };
    await write(join(dir, 'a.las'), scene([], [], 20, 0, 5));
    await write(join(dir, 'b.las'), scene([shaded, cut], [shadow, holeInB], 20, 0.05, 6));
    const r = await detectChanges({ files: [join(dir, 'a.las')] }, { files: [join(dir, 'b.las')] }, { voxel: 0.5 });

    expect(r.changes).toHaveLength(2);
    const [seen, clipped] = [...r.changes].sort((p, q) => p.centroid[0] - q.centroid[0]);
    expect(seen.evidence.reasons.filter((x) => x.includes('did not see'))).toEqual([]);
    const said = clipped.evidence.reasons.find((x) => x.startsWith('borders'));
    expect(said).toMatch(/^borders [\d.]+ m² the after epoch did not see, more than its shadow: it may extend there$/);
    // The hole beside it: 12 × 18 m less the box's part already measured (nothing: unseen).
    const gap = Number(/borders ([\d.]+) m²/.exec(said!)![1]);
    expect(gap).toBeGreaterThan(12 * 18 * 0.8);
    expect(gap).toBeLessThan(12 * 18 * 1.2);
    expect(clipped.confidence).toBeLessThan(seen.confidence - 0.2);
  });
});
