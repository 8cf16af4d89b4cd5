/** Settled verdicts carried to the same structures in a later run (reviews-repo.ts carryVerdicts), on hand-made runs. */
import { expect, it } from 'vitest';
import { reasonZh } from '../../core/review/reasons-zh';
import { LocalProject } from '../../core/store/project';
import { setVerdicts } from '../../core/store/reviews-repo';
import { syntheticChange } from '../../samples/synthetic-project';
import { handMadeProject, X0, Y0 } from '../helpers/hand-made-runs';

it('names the earlier run with the change a verdict came from, and with a grown structure’s', async () => {
  const { file, db, run } = handMadeProject(['2024-03-01', '2024-09-01', '2025-03-01']);
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
