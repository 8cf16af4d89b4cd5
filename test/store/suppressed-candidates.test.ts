/** A run's suppressed candidates (ProjectApi.suppressedCandidates): what detection judged not to be a building change. */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { HeightPatch } from '../../core/changes/patches';
import type { SuppressedCandidate } from '../../core/changes/types';
import { DEFAULT_OPTIONS } from '../../core/detect';
import { openProjectDb } from '../../core/store/db';
import { LocalProject } from '../../core/store/project';
import { insertRun } from '../../core/store/runs-repo';
import { seedProject } from '../../samples/synthetic-project';

const square = (x: number, y: number, s: number): SuppressedCandidate['footprint'] => [
  [
    [
      [x, y],
      [x + s, y],
      [x + s, y + s],
      [x, y + s],
      [x, y],
    ],
  ],
];

const tree: SuppressedCandidate = {
  reason: 'vegetation',
  footprint: square(513_100, 2_494_100, 6),
  centroid: [513_103, 2_494_103],
  area_m2: 36,
  volume_m3: 140.5,
  height_change_mean_m: 3.9,
  detail: 'strongly green (ExG 0.21), rough top (0.42 m)',
};
const car: SuppressedCandidate = {
  reason: 'vehicle',
  footprint: square(513_200, 2_494_150, 3),
  centroid: [513_201.5, 2_494_151.5],
  area_m2: 9,
  volume_m3: -13.2,
  height_change_mean_m: -1.5,
  detail: 'vehicle-sized object (9.0 m², 1.5 m high) on the ground',
};

/** A 4 × 4 patch of flat ground: the run's overview heights, which these tests do not read. */
function flatPatch(): HeightPatch {
  const heights = () => new Float32Array(16).fill(30);
  return { x0: 513_000, y0: 2_494_000, cell: 2, width: 4, height: 4, before: heights(), after: heights(), ground: heights() };
}

/** Stores one more run between the seeded epochs with these candidates, as a detection would (insertRun). */
function addRun(file: string, suppressed: SuppressedCandidate[]): void {
  const db = openProjectDb(file);
  try {
    db.transaction(() =>
      insertRun(db, {
        beforeEpoch: 1,
        afterEpoch: 2,
        software: 'test',
        startedAt: new Date().toISOString(),
        summary: { warnings: [], alignment: null },
        result: {
          parameters: DEFAULT_OPTIONS,
          timings: {},
          suppressed,
          uncertain: [],
          changes: [],
          views: { overview: flatPatch(), changes: {}, watched: {} },
        },
      }),
    )();
  } finally {
    db.close();
  }
}

describe('the suppressed candidates of a run', () => {
  it('are the run’s own, with reason, detail and measures; the newest run’s by default; an unknown run is refused', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'voxwatch-suppressed-')), 'suppressed.voxwatch');
    seedProject(file, 1, 3); // run 1 records none
    addRun(file, [tree, car]); // run 2
    addRun(file, [car]); // run 3
    const p = LocalProject.open(file, 'test');
    try {
      expect(await p.suppressedCandidates(1)).toEqual([]);
      expect(await p.suppressedCandidates(2)).toEqual([tree, car]);
      expect(await p.suppressedCandidates()).toEqual([car]);
      // The run's statistics count the same list.
      expect((await p.stats(2)).suppressed).toEqual({ vegetation: 1, vehicle: 1 });
      await expect(p.suppressedCandidates(9)).rejects.toThrow(/no run 9/);
    } finally {
      await p.close();
    }
  });
});
