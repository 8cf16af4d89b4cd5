/**
 * Carrying verdicts to a later run (reviews-repo.ts carryVerdicts) never brings back a judgement the analyst has
 * revised since, and never picks one of two that disagree.
 */
import { expect, it } from 'vitest';
import { caseBasisOf, updateCase } from '../../core/store/cases-repo';
import { LocalProject } from '../../core/store/project';
import { setNote, setVerdicts } from '../../core/store/reviews-repo';
import { syntheticChange } from '../../samples/synthetic-project';
import { handMadeProject, X0, Y0 } from '../helpers/hand-made-runs';

/** A project with four epochs; `run(after, changes)` stores a run from the first to `after` and carries verdicts. */
const project = () => handMadeProject(['2024-01-01', '2024-06-01', '2025-01-01', '2025-06-01']);

it('does not bring back an older verdict the analyst revised in a later run', async () => {
  const { file, db, run } = project();
  const shed = () => [syntheticChange('C001', X0 + 10, Y0 + 10, 10, 300, 'new_building')];
  run(2, shed());
  setVerdicts(db, [1], 'false_positive', '李工');
  run(3, shed()); // change 2: the false positive carried
  // On a closer look at the second run the analyst is no longer sure: a site visit is needed.
  setVerdicts(db, [2], 'needs_site_visit', '李工', '看起来像新加建，需现场核查');
  const run3 = run(4, shed());
  db.close();
  const p = LocalProject.open(file, 'test');
  try {
    const [c] = (await p.listChanges({ runId: run3 })).items;
    // Unreviewed, not dismissed again as the first run's false positive.
    expect(c).toMatchObject({ verdict: 'unreviewed', verdictCarriedFrom: null });
    expect(await p.getChange(2)).toMatchObject({ verdict: 'needs_site_visit', note: '看起来像新加建，需现场核查' });
  } finally {
    await p.close();
  }
});

it('carries neither of two verdicts that disagree on what is now one structure, and says why', async () => {
  const { file, db, run } = project();
  const run1 = run(2, [
    syntheticChange('C001', X0 + 10, Y0 + 10, 10, -300, 'demolished'),
    syntheticChange('C002', X0 + 20, Y0 + 10, 10, -300, 'demolished'),
  ]);
  setVerdicts(db, [1], 'confirmed', '李工');
  setVerdicts(db, [2], 'false_positive', '李工');
  // The later run sees the two removals as one.
  const run2 = run(3, [syntheticChange('C001', X0 + 12, Y0 + 10, 16, -500, 'demolished')]);
  db.close();
  const p = LocalProject.open(file, 'test');
  try {
    const [c] = (await p.listChanges({ runId: run2 })).items;
    expect(c).toMatchObject({ verdict: 'unreviewed', verdictCarriedFrom: null });
    expect(c.evidence.reasons).toContain(`judged confirmed as run ${run1} C001, but false positive as run ${run1} C002: review again`);
  } finally {
    await p.close();
  }
});

it('still carries a verdict when the later run splits the structure in two', async () => {
  const { file, db, run } = project();
  run(2, [syntheticChange('C001', X0 + 10, Y0 + 10, 20, 1200, 'new_building')]);
  setVerdicts(db, [1], 'permitted', '李工');
  const halves = [
    syntheticChange('C001', X0 + 10, Y0 + 10, 10, 300, 'new_building'),
    syntheticChange('C002', X0 + 20, Y0 + 20, 10, 300, 'new_building'),
  ];
  const run2 = run(3, halves);
  db.close();
  const p = LocalProject.open(file, 'test');
  try {
    const items = (await p.listChanges({ runId: run2 })).items;
    expect(items.map((c) => c.verdict)).toEqual(['permitted', 'permitted']);
  } finally {
    await p.close();
  }
});

it('finds the judged structure wherever its box lies: across grid cells, far larger than a cell, or far away', async () => {
  const { file, db, run } = project();
  const judged = [
    syntheticChange('C001', X0 + 60, Y0 + 60, 10, 300, 'new_building'), // straddles the corner of four cells
    syntheticChange('C002', X0 - 5000, Y0 + 50_000, 9000, 9000 * 9000 * 3, 'new_building'), // a district-wide box
    syntheticChange('C003', X0 + 180_000, Y0 + 10, 10, -300, 'demolished'), // 180 km east
  ];
  run(2, judged);
  setVerdicts(db, [1], 'false_positive', '李工');
  setVerdicts(db, [2], 'permitted', '李工');
  setVerdicts(db, [3], 'permitted', '李工');
  const run2 = run(3, [
    syntheticChange('C001', X0 + 60.5, Y0 + 59.5, 10, 300, 'new_building'),
    syntheticChange('C002', X0 - 5000, Y0 + 50_000, 9000, 9000 * 9000 * 3, 'new_building'),
    syntheticChange('C003', X0 + 180_000.5, Y0 + 10, 10, -300, 'demolished'),
  ]);
  db.close();
  const p = LocalProject.open(file, 'test');
  try {
    const items = (await p.listChanges({ runId: run2, sort: 'code' })).items;
    expect(items.map((c) => [c.id, c.verdict, c.verdictCarriedFrom])).toEqual([
      ['C001', 'false_positive', 'run 1 C001'],
      ['C002', 'permitted', 'run 1 C002'],
      ['C003', 'permitted', 'run 1 C003'],
    ]);
  } finally {
    await p.close();
  }
});

it('brings the analyst’s note with a carried verdict, and a later revision reaches the copies no one has judged since', async () => {
  const { file, db, run } = project();
  const shed = () => [syntheticChange('C001', X0 + 10, Y0 + 10, 10, 300, 'new_building')];
  const other = () => syntheticChange('C002', X0 + 120, Y0 + 120, 10, 300, 'new_building');
  const run1 = run(2, [...shed(), other()]); // changes 1, 2
  setVerdicts(db, [1, 2], 'false_positive', '李工', '空调外机平台，非建筑');
  const run2 = run(3, [...shed(), other()]); // changes 3, 4: both carried, with the note
  // The analyst judges the second structure again in run 2: that judgement is theirs, and the latest.
  setVerdicts(db, [4], 'permitted', '李工');
  const run3 = run(4, [...shed(), other()]); // changes 5 (carried from 3), 6 (carried from 4)
  // On a site visit the first structure turns out to be a new room on the roof: confirmed in run 1, where it was judged.
  setVerdicts(db, [1], 'confirmed', '王工', '现场核实：屋顶加建房间');
  // Someone confirms the second in run 1 too; run 2's own judgement (permitted) speaks for it now.
  setVerdicts(db, [2], 'confirmed', '王工');
  db.close();
  const p = LocalProject.open(file, 'test');
  try {
    const [c1, c2] = (await p.listChanges({ runId: run1, sort: 'code' })).items;
    expect(c1.case?.status).toBe('open');
    // No case is opened on a structure every later judgement calls permitted.
    expect(c2.case).toBeNull();
    for (const runId of [run2, run3]) {
      const [first, second] = (await p.listChanges({ runId, sort: 'code' })).items;
      // The copies follow, with the case the confirmation opened and the note it was given, and keep where they came
      // from.
      expect(first).toMatchObject({ verdict: 'confirmed', note: '现场核实：屋顶加建房间' });
      expect(first.verdictCarriedFrom).toMatch(/^run \d+ C001$/);
      expect(first.case?.id).toBe(c1.case!.id);
      expect(second.verdict).toBe('permitted');
    }
    // What happened to a copy is in its history, as the software's doing.
    const history = await p.changeHistory(5);
    expect(history.map((e) => `${e.kind} ${e.to} ${e.actor}`)).toEqual([
      'carried false_positive VoxWatch',
      'carried confirmed VoxWatch',
      'case open 王工',
    ]);
  } finally {
    await p.close();
  }
});

it('leaves the case to the latest judgement: a revision in an older run neither closes nor opens it over a later one', async () => {
  const { file, db, run } = project();
  const shed = () => [syntheticChange('C001', X0 + 10, Y0 + 10, 10, 300, 'new_building')];
  const other = () => syntheticChange('C002', X0 + 120, Y0 + 120, 10, 300, 'new_building');
  run(2, [...shed(), other()]); // changes 1, 2
  setVerdicts(db, [1], 'confirmed', '李工'); // case 1
  setVerdicts(db, [2], 'false_positive', '李工');
  const run2 = run(3, [...shed(), other()]); // changes 3 (confirmed, case 1), 4 (false positive): carried
  // In run 2 the analyst wants a site visit for the first, and presses false positive again on the second: both are
  // their judgements now.
  setVerdicts(db, [3], 'needs_site_visit', '李工', '业主称已拆除，需现场核实');
  expect(setVerdicts(db, [4], 'false_positive', '李工')).toBe(1);
  // Someone revises run 1 the other way round.
  setVerdicts(db, [1], 'false_positive', '王工');
  setVerdicts(db, [2], 'confirmed', '王工');
  db.close();
  const p = LocalProject.open(file, 'test');
  try {
    const [first, second] = (await p.listChanges({ runId: run2, sort: 'code' })).items;
    expect(first).toMatchObject({ verdict: 'needs_site_visit', note: '业主称已拆除，需现场核实', verdictCarriedFrom: null });
    expect(first.case?.status).toBe('open');
    expect(second).toMatchObject({ verdict: 'false_positive', verdictCarriedFrom: null, case: null });
    expect(await p.listCases()).toHaveLength(1);
  } finally {
    await p.close();
  }
});

it('keeps a note written on a carried copy, and its own verdict pressed again records nothing', async () => {
  const { file, db, run } = project();
  const shed = () => [syntheticChange('C001', X0 + 10, Y0 + 10, 10, 300, 'new_building')];
  run(2, shed());
  setVerdicts(db, [1], 'false_positive', '李工', '空调外机平台');
  const run2 = run(3, shed()); // change 2: carried
  setNote(db, 2, '二期复核：仍为空调外机平台', '李工');
  setVerdicts(db, [1], 'false_positive', '李工', '空调外机平台，非建筑');
  setVerdicts(db, [1], 'permitted', '王工');
  // The analyst's own verdict pressed again, without a note: nothing to record.
  expect(setVerdicts(db, [1], 'permitted', '王工')).toBe(0);
  db.close();
  const p = LocalProject.open(file, 'test');
  try {
    // Still carried (it follows the verdict), with the note written on it.
    const [c] = (await p.listChanges({ runId: run2 })).items;
    expect(c).toMatchObject({ verdict: 'permitted', note: '二期复核：仍为空调外机平台' });
    expect(c.verdictCarriedFrom).toMatch(/^run \d+ C001$/);
    expect((await p.changeHistory(1)).filter((e) => e.kind === 'verdict').map((e) => `${e.from} → ${e.to}`)).toEqual([
      'unreviewed → false_positive',
      'false_positive → permitted',
    ]);
  } finally {
    await p.close();
  }
});

it('keeps a case open while a site visit is pending', async () => {
  const { file, db, run } = project();
  const shed = () => [syntheticChange('C001', X0 + 10, Y0 + 10, 10, 300, 'new_building')];
  run(2, shed());
  setVerdicts(db, [1], 'confirmed', '李工');
  const run2 = run(3, shed()); // change 2: the confirmation carried, with its case
  setVerdicts(db, [2], 'needs_site_visit', '李工', '业主称已拆除，需现场核实');
  db.close();
  const p = LocalProject.open(file, 'test');
  try {
    const [c] = (await p.listChanges({ runId: run2 })).items;
    expect(c).toMatchObject({ verdict: 'needs_site_visit', note: '业主称已拆除，需现场核实' });
    expect(c.case?.status).toBe('open');
  } finally {
    await p.close();
  }
});

it('names what a case’s status rests on: nothing while only its confirmation does, then the last hand that moved it', () => {
  const { db, run } = project();
  run(2, [syntheticChange('C001', X0 + 10, Y0 + 10, 10, 300, 'new_building')]);
  setVerdicts(db, [1], 'confirmed', '李工');
  const [{ id }] = db.prepare('SELECT id FROM cases').all() as { id: number }[];
  expect(caseBasisOf(db, id)).toBeNull();
  updateCase(db, id, { status: 'notified' }, '李工');
  const basis = caseBasisOf(db, id)!;
  expect(basis).toMatchObject({ runId: null });
  expect(basis.date).toMatch(/^\d{4}-\d{2}-\d{2}T/);
  db.close();
});

it('names a judged structure a change only partly covers, rather than dropping its verdict unseen', async () => {
  const { file, db, run } = project();
  const run1 = run(2, [syntheticChange('C001', X0 + 10, Y0 + 10, 10, 300, 'new_building')]);
  setVerdicts(db, [1], 'false_positive', '李工');
  // The later run cuts it differently: a 10 m square moved 7 m east shares 30 % of it.
  const run2 = run(3, [syntheticChange('C001', X0 + 17, Y0 + 10, 10, 300, 'new_building')]);
  db.close();
  const p = LocalProject.open(file, 'test');
  try {
    const [c] = (await p.listChanges({ runId: run2 })).items;
    expect(c.verdict).toBe('unreviewed');
    expect(c.evidence.reasons.at(-1)).toBe(
      `judged false positive as run ${run1} C001, which shares 30 % of its footprint: too little to carry the verdict; review again`,
    );
  } finally {
    await p.close();
  }
});
