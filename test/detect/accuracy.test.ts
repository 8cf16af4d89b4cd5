/**
 * Detection against the generator's truth, on several seeds, sizes, densities, noise levels and
 * misregistrations (DESIGN.md "Detection"; issue: F1 ≥ 0.95 at IoU ≥ 0.25, median volume error
 * ≤ 10 %, the sign always right, no tree, car or data hole flagged).
 */
import { describe, expect, it } from 'vitest';
import { detectChanges } from '../../core/detect';
import { formatScore, scoreChanges } from '../../samples/evaluate';
import { writeDistrict } from '../helpers/district';

const scenes = [
  { name: 'default density, 160 m', options: { seed: 11, size: 160 }, voxel: 0.5 },
  { name: 'dense, noisy, 1 dm misregistration, 180 m', options: { seed: 12, size: 180, density: 35, noise: 0.05, shift: 2 }, voxel: 0.5 },
  // At 9–15 points/m² a 0.5 m column holds about 2–4 points: the run warns and names 0.75 m.
  {
    name: 'sparse (12 pts/m², 9 in epoch 2), 150 m, at the voxel the warning names',
    options: { seed: 13, size: 150, density: 12 },
    voxel: 0.75,
  },
  // No voxel given: at 8 points/m² a 0.5 m column holds two points and whole buildings fell apart
  // into edge slivers; the run picks the voxel the density calls for.
  { name: 'very sparse (8 pts/m², 6 in epoch 2), 150 m, no voxel given', options: { seed: 14, size: 150, density: 8 }, voxel: undefined },
];

describe.each(scenes)('generated district: $name', ({ options, voxel }) => {
  for (const from of [1, 2] as const) {
    it(`epochs ${from} → ${from + 1} match the truth`, async () => {
      const district = await writeDistrict(options);
      const truth = await district.truth(from);
      const result = await detectChanges(
        { files: [district.epoch(from)] },
        { files: [district.epoch((from + 1) as 2 | 3)] },
        voxel === undefined ? {} : { voxel },
      );
      if (voxel === undefined) {
        expect(result.grid.cell).toBeGreaterThan(0.5);
        expect(result.warnings).toContainEqual(expect.stringMatching(/^voxel [\d.]+ m chosen for about [\d.]+ points\/m²/));
      }
      const score = scoreChanges(result.changes, truth.changes, truth.distractors);
      const report = formatScore(score);
      expect(truth.changes.length, 'the scenario has changes to find').toBeGreaterThanOrEqual(5);
      expect(score.f1, report).toBeGreaterThanOrEqual(0.95);
      expect(score.medianVolumeError, report).toBeLessThanOrEqual(0.1);
      expect(score.signErrors, report).toBe(0);
      expect(score.flaggedDistractors, report).toEqual([]);
      // Every change explains itself.
      for (const c of result.changes) {
        expect(c.evidence.reasons.length).toBeGreaterThanOrEqual(3);
        expect(c.confidence).toBeGreaterThan(0);
        expect(c.confidence).toBeLessThanOrEqual(1);
        expect(Math.sign(c.volume_m3)).toBe(Math.sign(c.height_change_mean_m));
        // Its height window shows the change it reports: the largest difference at its centroid's
        // neighbourhood has the change's sign and about its size.
        const v = result.views.changes[c.id];
        const i = Math.floor((c.centroid[0] - v.x0) / v.cell);
        const j = Math.floor((c.centroid[1] - v.y0) / v.cell);
        let extreme = 0;
        for (let dj = -2; dj <= 2; dj++)
          for (let di = -2; di <= 2; di++) {
            const d = v.after[(j + dj) * v.width + i + di] - v.before[(j + dj) * v.width + i + di];
            if (Math.abs(d) > Math.abs(extreme)) extreme = d;
          }
        expect(Math.sign(extreme), c.id).toBe(Math.sign(c.volume_m3));
        expect(Math.abs(extreme), c.id).toBeGreaterThan(1);
      }
    });
  }
});
