/**
 * DSM epochs against the generator's truth: a DSM pair, or a DSM against a point cloud, finds the
 * same changes as the point clouds do, at the detection floor (F1 ≥ 0.95 at IoU ≥ 0.25, median
 * volume error ≤ 10 %, the sign always right). And a DSM's nodata is unseen, never empty.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { detectChanges, type DetectionResult, type EpochInput } from '../../core/detect';
import { writeGeoTiffHeights } from '../../core/io/geotiff/writer';
import { LasFormat } from '../../core/io/las/reader';
import { createLasWriter } from '../../core/io/las/writer';
import { formatScore, iou, scoreChanges } from '../../samples/evaluate';
import { writeDistrict, type WrittenDistrict } from '../helpers/district';

const ring = (x0: number, y0: number, x1: number, y1: number): [number, number][] => [
  [x0, y0],
  [x1, y0],
  [x1, y1],
  [x0, y1],
  [x0, y0],
];

describe('a DSM epoch: nodata is unseen, not empty', () => {
  it('flags the box both DSMs saw and reports the boxes inside nodata as uncertain', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'voxwatch-dsm-occlusion-'));
    const X0 = 500_000;
    const Y0 = 2_500_000;
    const px = 0.25;
    const n = 240; // 60 m
    type Box = { x0: number; y0: number; x1: number; y1: number; h: number };
    const house: Box = { x0: 5, y0: 5, x1: 17, y1: 15, h: 12 };
    const newBox: Box = { x0: 30, y0: 8, x1: 38, y1: 14, h: 6 };
    const boxInHole: Box = { x0: 10, y0: 35, x1: 18, y1: 41, h: 9 };
    const holeInA = { x0: 6, y0: 32, x1: 22, y1: 44, h: 0 };
    const render = (boxes: Box[], holes: Box[], seed: number) => {
      let s = seed;
      const rand = () => (s = (s * 1664525 + 1013904223) >>> 0) / 2 ** 32;
      const heights = new Float32Array(n * n);
      for (let r = 0; r < n; r++) {
        const y = (n - r - 0.5) * px;
        for (let c = 0; c < n; c++) {
          const x = (c + 0.5) * px;
          const inside = (b: Box) => x >= b.x0 && x < b.x1 && y >= b.y0 && y < b.y1;
          const top = boxes.find(inside);
          heights[r * n + c] = holes.some(inside) ? NaN : 20 + (top?.h ?? 0) + (rand() - 0.5) * 0.06;
        }
      }
      return heights;
    };
    const write = (name: string, heights: Float32Array) =>
      writeGeoTiffHeights(join(dir, name), { width: n, height: n, heights, originX: X0, originY: Y0 + n * px, pixelSize: px, epsg: 4547 });
    await write('a.tif', render([house], [holeInA], 1));
    await write('b.tif', render([house, newBox, boxInHole], [], 2));
    const r = await detectChanges({ files: [join(dir, 'a.tif')] }, { files: [join(dir, 'b.tif')] }, {}, { workers: 1 });
    expect(r.changes).toHaveLength(1);
    const [c] = r.changes;
    expect(c.type).toBe('new_building');
    expect(iou([ring(X0 + 30, Y0 + 8, X0 + 38, Y0 + 14)], c.footprint as never)).toBeGreaterThan(0.8);
    expect(c.volume_m3).toBeGreaterThan(0.9 * 48 * 6);
    expect(c.volume_m3).toBeLessThan(1.1 * 48 * 6);
    // The box built inside A's nodata is neither claimed nor ruled out: an uncertain area covers it.
    const unseen = r.uncertain.filter((u) => u.unseenIn === 'before');
    expect(unseen.some((u) => iou([ring(X0 + 6, Y0 + 32, X0 + 22, Y0 + 44)], u.footprint as never) > 0.7)).toBe(true);
    expect(r.epochs[0].files[0].kind).toBe('GeoTIFF DSM Float32, 240 × 240 px of 0.25 m');

    // A 2 m DSM inside the 60 m one: nearly all of the large one lies outside, yet not all of it.
    await writeGeoTiffHeights(join(dir, 'tiny.tif'), {
      width: 8,
      height: 8,
      heights: new Float32Array(64).fill(20),
      originX: X0 + 40,
      originY: Y0 + 42,
      pixelSize: px,
      epsg: 4547,
    });
    const tiny = await detectChanges({ files: [join(dir, 'a.tif')] }, { files: [join(dir, 'tiny.tif')] }, {}, { workers: 1 });
    expect(tiny.warnings).toContain('more than 99 % of the before epoch lies outside the area both epochs cover');
  });
});

const scenes = [
  { name: 'the sample district (seed 1, 300 m)', options: { seed: 1 } },
  { name: 'another seed (21, 180 m)', options: { seed: 21, size: 180 } },
];

/** A copy of a LAS file with every point's colour set to black (no usable colour), as from a scanner without a camera. */
async function withoutColour(path: string, out: string): Promise<string> {
  const w = createLasWriter(out, {
    version: '1.2',
    pointFormat: 3,
    scale: [0.001, 0.001, 0.001],
    offset: [513000, 2494000, 0],
    epsg: 4547,
  });
  for await (const c of LasFormat.parseInBatches(path)) await w.write({ ...c, rgb: new Uint16Array(c.count * 3) });
  await w.close();
  return out;
}

describe.each(scenes)('DSM epochs on $name', ({ options }) => {
  let district: WrittenDistrict;
  beforeAll(async () => {
    district = await writeDistrict({ ...options, withDsm: true, withOrthophoto: true });
  }, 240_000);

  const epoch = (files: string, n: 1 | 2 | 3): EpochInput => ({ files: [files], orthophoto: district.ortho(n) });

  for (const from of [1, 2] as const) {
    const to = (from + 1) as 2 | 3;
    it(`epochs ${from} → ${to}: DSM vs points, points vs DSM and DSM vs DSM find what points vs points finds`, async () => {
      const truth = await district.truth(from);
      expect(truth.changes.length, 'the scenario has changes to find').toBeGreaterThanOrEqual(5);
      const score = (r: DetectionResult) => scoreChanges(r.changes, truth.changes, truth.distractors);
      const reference = score(await detectChanges(epoch(district.epoch(from), from), epoch(district.epoch(to), to)));
      const pairs: [string, string, string][] = [
        ['DSM vs points', district.dsm(from), district.epoch(to)],
        ['points vs DSM', district.epoch(from), district.dsm(to)],
        ['DSM vs DSM', district.dsm(from), district.dsm(to)],
      ];
      for (const [label, a, b] of pairs) {
        const result = await detectChanges(epoch(a, from), epoch(b, to));
        const s = score(result);
        const report = `${label}: ${formatScore(s)}`;
        expect(s.f1, report).toBeGreaterThanOrEqual(0.95);
        expect(s.medianVolumeError, report).toBeLessThanOrEqual(0.1);
        expect(s.signErrors, report).toBe(0);
        // The same truth objects as the point clouds find (a DSM finds no fewer).
        const ids = (x: typeof s) => x.matches.map((m) => m.truth.id).sort();
        expect(ids(s), report).toEqual(expect.arrayContaining(ids(reference)));
        // No tree, car, or data hole (nodata, occlusion) is flagged.
        expect(
          s.flaggedDistractors.map((d) => d.distractor.id),
          report,
        ).toEqual([]);
        expect(result.warnings, report).toEqual([]);
      }
    }, 300_000);
  }

  if (options.seed === 1) {
    it("judges trees by the orthophoto's greenness when the points have no colour, and says so", async () => {
      // Epochs 2 → 3 lose two trees (D23-08, D23-09): without colour they look like sheds torn down.
      const truth = await district.truth(2);
      const grey = [2, 3].map((n) => withoutColour(district.epoch(n as 2 | 3), join(district.dir, `grey-${n}.las`)));
      const [a, b] = await Promise.all(grey);
      const bare = scoreChanges((await detectChanges({ files: [a] }, { files: [b] })).changes, truth.changes, truth.distractors);
      expect(
        bare.flaggedDistractors.map((d) => d.distractor.kind),
        formatScore(bare),
      ).toContain('tree_cut');

      const result = await detectChanges({ files: [a], orthophoto: district.ortho(2) }, { files: [b], orthophoto: district.ortho(3) });
      const s = scoreChanges(result.changes, truth.changes, truth.distractors);
      expect(s.flaggedDistractors, formatScore(s)).toEqual([]);
      // The real buildings are all still found.
      expect(s.recall, formatScore(s)).toBe(1);
      expect(s.f1, formatScore(s)).toBeGreaterThanOrEqual(0.95);
      // The evidence says where the colour came from.
      for (const c of result.changes) {
        expect(c.evidence.greennessSource).toBe('orthophoto');
        expect(c.evidence.orthoGreenness).toBe(c.evidence.greenness);
        expect(c.evidence.reasons.join(' ')).toMatch(/vegetation-green in the orthophoto|green in the orthophoto/);
      }
      const trees = result.suppressed.filter((x) => x.reason === 'vegetation' && /green in the orthophoto/.test(x.detail));
      expect(trees.length).toBeGreaterThanOrEqual(2);

      // A DSM pair without orthophotos is told to bring them.
      const plain = await detectChanges({ files: [district.dsm(2)] }, { files: [district.dsm(3)] });
      expect(plain.warnings).toContain(
        'the before epoch is a DSM without colour: trees are told from buildings by shape alone; give its orthophoto too',
      );
    }, 300_000);
  }
});
