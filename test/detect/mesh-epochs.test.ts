/**
 * A 3D model as an epoch (issue 4): epoch 2 of generated districts written as an OBJ (vertex
 * colours, metadata.xml origin) and as an Earth-centred 3D Tiles tileset (b3dm and glb, textured),
 * sampled to points and compared with the point-cloud epochs on either side. Detection must find
 * the truth as points-vs-points does: F1 ≥ 0.95 at IoU ≥ 0.25, median volume error ≤ 10 %, no sign
 * wrong, no tree, car or hole flagged.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { detectChanges } from '../../core/detect';
import { formatScore, scoreChanges } from '../../samples/evaluate';
import { writeDistrict, type WrittenDistrict } from '../helpers/district';

const scenes = [
  { name: 'seed 11, 160 m', options: { seed: 11, size: 160 } },
  { name: 'seed 14, 180 m, dense and noisy', options: { seed: 14, size: 180, density: 30, noise: 0.04 } },
];

const pairs = (['obj', 'tileset'] as const).flatMap((model) => [
  { model, from: 1 as const, name: `points 1 → ${model} 2` },
  { model, from: 2 as const, name: `${model} 2 → points 3` },
]);

describe.each(scenes)('model epoch on a generated district: $name', ({ options }) => {
  let d: WrittenDistrict;
  beforeAll(async () => {
    d = await writeDistrict({ ...options, withMesh: true });
  }, 300_000);

  it.each(pairs)(
    '$name matches the truth',
    async ({ model, from }) => {
      const truth = await d.truth(from);
      const before = from === 1 ? d.epoch(1) : d.mesh[model];
      const after = from === 1 ? d.mesh[model] : d.epoch(3);
      const result = await detectChanges({ files: [before] }, { files: [after] });
      const score = scoreChanges(result.changes, truth.changes, truth.distractors);
      const report = `${model}, epochs ${from} → ${from + 1}: ${formatScore(score)}`;
      expect(truth.changes.length).toBeGreaterThanOrEqual(5);
      expect(score.f1, report).toBeGreaterThanOrEqual(0.95);
      expect(score.medianVolumeError, report).toBeLessThanOrEqual(0.1);
      expect(score.signErrors, report).toBe(0);
      expect(score.flaggedDistractors, report).toEqual([]);
    },
    300_000,
  );
});
