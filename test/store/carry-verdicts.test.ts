/** Settled verdicts carried to the same structures in a later run (reviews-repo.ts carryVerdicts), on hand-made runs. */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import type { HeightPatch } from '../../core/changes/patches';
import type { ChangeObject } from '../../core/changes/types';
import { DEFAULT_OPTIONS } from '../../core/detect';
import { reasonZh } from '../../core/review/reasons-zh';
import { createProjectDb } from '../../core/store/db';
import { LocalProject } from '../../core/store/project';
import { carryVerdicts, setVerdicts } from '../../core/store/reviews-repo';
import { insertRun } from '../../core/store/runs-repo';
import { syntheticChange } from '../../samples/synthetic-project';

const X0 = 513_000;
const Y0 = 2_494_000;
const overview: HeightPatch = {
  x0: X0,
  y0: Y0,
  cell: 2,
  width: 4,
  height: 4,
  before: new Float32Array(16).fill(30),
  after: new Float32Array(16).fill(30),
  ground: new Float32Array(16).fill(30),
};

it('names the earlier run with the change a verdict came from, and with a grown structure’s', async () => {
  const file = join(mkdtempSync(join(tmpdir(), 'voxwatch-carry-')), 'carry.voxwatch');
  const db = createProjectDb(file, { name: 'carry', created_at: new Date().toISOString() });
  const stats = JSON.stringify({ points: 0, bounds: { minX: X0, minY: Y0, minZ: 0, maxX: X0 + 200, maxY: Y0 + 200, maxZ: 100 } });
  const epoch = db.prepare(
    'INSERT INTO epochs (label, survey_date, sources, orthophoto, crs, stats, added_at) VALUES (?, ?, ?, NULL, NULL, ?, ?)',
  );
  for (const [label, date] of [
    ['a', '2024-03-01'],
    ['b', '2024-09-01'],
    ['c', '2025-03-01'],
  ])
    epoch.run(label, date, '[]', stats, new Date().toISOString());
  const run = (after: number, changes: ChangeObject[]) =>
    db.transaction(() =>
      insertRun(db, {
        beforeEpoch: 1,
        afterEpoch: after,
        software: 'test',
        startedAt: new Date().toISOString(),
        summary: { warnings: [], alignment: null },
        result: {
          parameters: DEFAULT_OPTIONS,
          timings: {},
          suppressed: [],
          uncertain: [],
          changes,
          views: { overview, changes: {}, watched: {} },
        },
      }),
    )();
  const run1 = run(2, [
    syntheticChange('C001', X0 + 10, Y0 + 10, 10, 300, 'rooftop_structure'),
    syntheticChange('C002', X0 + 100, Y0 + 10, 10, 300, 'new_building'),
  ]);
  setVerdicts(db, [1, 2], 'false_positive', '李工');
  // The later run numbers its changes afresh: its C001 is run 1's C002, its C002 run 1's C001 built 3 m higher.
  const run2 = run(3, [
    syntheticChange('C001', X0 + 100.5, Y0 + 10, 10, 300, 'new_building'),
    syntheticChange('C002', X0 + 10, Y0 + 10, 10, 600, 'rooftop_structure'),
  ]);
  carryVerdicts(db, run2, 'VoxWatch');
  db.close();
  const p = LocalProject.open(file, 'test');
  try {
    const [same, grown] = (await p.listChanges({ runId: run2 })).items;
    expect(same).toMatchObject({ id: 'C001', verdict: 'false_positive', verdictCarriedFrom: `run ${run1} C002` });
    expect((await p.changeHistory(same.key)).map((e) => [e.kind, e.text])).toEqual([['carried', `run ${run1} C002`]]);
    expect(grown).toMatchObject({ id: 'C002', verdict: 'unreviewed', verdictCarriedFrom: null });
    const reason = `judged false positive as run ${run1} C001, but 3.0 m taller than when it was judged: review again`;
    expect(grown.evidence.reasons).toContain(reason);
    expect(reasonZh(reason)).toBe(`批次 ${run1} C001 曾判为“误报”，但比当时高出 3.0 m，需重新核查`);
  } finally {
    await p.close();
  }
});
