/**
 * The review loop on a generated district, against the generator's truth: a project with three
 * epochs, zones and leads; verdicts that persist across reopening and carry to later runs; the
 * case ledger checked by a later epoch (demolished violations proposed as rectified, the rest
 * raised again); zone tags, permits and statistics; complaint leads answered.
 */
import { mkdtempSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { ChangeRecord, RunRecord } from '../../core/api';
import { areaOf, intersectionArea } from '../../core/geo/polygons';
import { CASE_AWAITING, summarise } from '../../core/report/summary';
import { ledgerZh } from '../../core/review/ledger-zh';
import { SYSTEM_ACTOR } from '../../core/review/terms';
import { errorZh } from '../../core/review/errors-zh';
import { LocalProject } from '../../core/store/project';
import { REVIEW_FILES, writeSampleDistrict } from '../../samples/generator/index';
import type { TransitionTruth } from '../../samples/generator/truth';

const dir = mkdtempSync(join(tmpdir(), 'voxwatch-workflow-'));
const path = join(dir, 'district.voxwatch');
let t12: TransitionTruth;
let t23: TransitionTruth;
let run12: RunRecord;
let changes12: ChangeRecord[];

/** The detected change that best overlaps a truth footprint. */
function matchTruth(changes: ChangeRecord[], ring: [number, number][]): ChangeRecord | undefined {
  const scored = changes.map((c) => ({ c, o: intersectionArea(c.footprint, [[ring]]) / areaOf([[ring]]) }));
  const best = scored.sort((a, b) => b.o - a.o)[0];
  return best && best.o > 0.25 ? best.c : undefined;
}

beforeAll(async () => {
  await writeSampleDistrict(dir, { seed: 5, size: 200, withOrthophoto: false, withDsm: false });
  [t12, t23] = await Promise.all(
    [1, 2].map(async (k) => JSON.parse(await readFile(join(dir, `truth-${k}-${k + 1}.json`), 'utf8')) as TransitionTruth),
  );
  const p = LocalProject.create(path, { name: '测试项目', district: '罗湖区' }, 'test');
  for (const k of [1, 2, 3]) await p.addEpoch({ label: `e${k}`, files: [join(dir, `epoch-${k}.las`)] });
  await p.importZones(join(dir, REVIEW_FILES.subDistricts), { kind: 'admin', category: 'sub_district' });
  await p.importZones(join(dir, REVIEW_FILES.protectedZones), { kind: 'protected', category: 'ecological_control_line' });
  await p.importZones(join(dir, REVIEW_FILES.permits), { kind: 'permit' });
  await p.importLeads(join(dir, REVIEW_FILES.leads));
  run12 = await p.detect('e1', 'e2');
  changes12 = (await p.listChanges({ runId: run12.id })).items;
  await p.close();
}, 120_000);

describe('a project on a generated district', () => {
  it('stores every change of the run, with the survey dates from the files', async () => {
    const p = LocalProject.open(path, 'test');
    const info = await p.info();
    expect(info.epochs.map((e) => e.date)).toEqual(['2024-03-01', '2024-09-01', '2025-03-01']);
    // Dated by when their points were flown (GPS time), which is sure enough to refuse a run the wrong way round.
    expect(info.epochs.map((e) => e.dateFrom)).toEqual(['gps', 'gps', 'gps']);
    expect(info.crs?.epsg).toBe(4547);
    expect(run12.changeCount).toBe(changes12.length);
    expect(changes12.length).toBeGreaterThanOrEqual(t12.changes.length * 0.9);
    for (const t of t12.changes) expect(matchTruth(changes12, t.footprint), t.id).toBeDefined();
    await p.close();
  });

  it('filters and sorts in the store', async () => {
    const p = LocalProject.open(path, 'test');
    const byVolume = (await p.listChanges({ sort: '-volume' })).items.map((c) => c.volume_m3);
    expect(byVolume).toEqual([...byVolume].sort((a, b) => b - a));
    const added = await p.listChanges({ types: ['new_building', 'storeys_added'] });
    expect(added.total).toBe(changes12.filter((c) => c.type === 'new_building' || c.type === 'storeys_added').length);
    const big = await p.listChanges({ minVolume: 500 });
    expect(big.items.every((c) => Math.abs(c.volume_m3) >= 500)).toBe(true);
    const page = await p.listChanges({ sort: 'code', limit: 3, offset: 2 });
    expect(page.items.map((c) => c.id)).toEqual(changes12.slice(2, 5).map((c) => c.id));
    expect(page.total).toBe(changes12.length);
    await p.close();
  });

  it('tags changes with sub-districts, protected land and permits, and ranks them', () => {
    for (const c of changes12) expect(['桂园街道', '东门街道']).toContain(c.subDistrict);
    const eco = changes12.filter((c) => c.zones.some((z) => z.category === 'ecological_control_line'));
    expect(eco.length).toBeGreaterThanOrEqual(1);
    for (const c of eco.filter((c) => c.volume_m3 > 0)) expect(c.priority).toBe('high');
    // The expired temporary-building permit covers a rooftop structure: a violation now.
    const expired = changes12.filter((c) => c.permitStatus === 'expired');
    expect(expired.map((c) => c.type)).toEqual(['rooftop_structure']);
    expect(expired[0].priority).toBe('high');
    const permitted = changes12.filter((c) => c.permitStatus === 'permitted');
    expect(permitted.map((c) => c.type)).toEqual(['new_building']);
    expect(permitted[0].priority).toBe('low');
  });

  it('keeps verdicts and notes across reopening, and opens cases for confirmed additions', async () => {
    const p = LocalProject.open(path, 'test');
    const additions = changes12.filter((c) => c.volume_m3 > 0);
    const permitted = additions.filter((c) => c.permitStatus === 'permitted');
    const dismissed = additions.find((c) => c.type === 'rooftop_structure' && c.permitStatus === 'none')!;
    const confirmed = additions.filter((c) => !permitted.includes(c) && c !== dismissed);
    await p.setVerdict(
      confirmed.map((c) => c.key),
      'confirmed',
      { actor: 'wang' },
    );
    await p.setVerdict(
      permitted.map((c) => c.key),
      'permitted',
    );
    await p.setVerdict([dismissed.key], 'false_positive', { note: '空调外机平台，非建筑' });
    await p.close();

    const again = LocalProject.open(path, 'test');
    const stored = new Map((await again.listChanges()).items.map((c) => [c.key, c]));
    for (const c of confirmed) expect(stored.get(c.key)!.verdict).toBe('confirmed');
    expect(stored.get(dismissed.key)).toMatchObject({ verdict: 'false_positive', note: '空调外机平台，非建筑' });
    await again.addAttachment(confirmed[0].key, join(dir, '现场照片-01.jpg'));
    expect((await again.getChange(confirmed[0].key)).attachments).toEqual([join(dir, '现场照片-01.jpg')]);
    const cases = await again.listCases();
    expect(cases.map((c) => c.changeKey).sort()).toEqual(confirmed.map((c) => c.key).sort());
    for (const c of cases) expect(c.status).toBe('open');
    const stats = await again.stats(run12.id);
    expect(stats.byVerdict.confirmed.count).toBe(confirmed.length);
    expect(Object.values(stats.bySubDistrict).reduce((s, t) => s + t.count, 0)).toBe(changes12.length);
    const log = await again.auditLog(1000);
    expect(log.filter((a) => a.action === 'verdict' && a.actor === 'wang')).toHaveLength(confirmed.length);
    await again.close();
  });

  it('moves cases through their lifecycle and refuses a step that skips it', async () => {
    const p = LocalProject.open(path, 'test');
    const [first] = await p.listCases();
    const notified = await p.updateCase(first.id, { status: 'notified', dueDate: '2025-01-31', subDistrict: '东门街道' });
    expect(notified).toMatchObject({ status: 'notified', dueDate: '2025-01-31', subDistrict: '东门街道' });
    expect(notified.history.map((h) => h.to)).toEqual(['open', 'notified']);
    await expect(p.updateCase(first.id, { status: 'open' })).rejects.toThrow(/can move to/);
    await expect(p.updateCase(first.id, { dueDate: '31/01/2025' })).rejects.toThrow(/yyyy-mm-dd/);
    await p.close();
  });

  it('refuses a run from a later survey to an earlier one, which would read every change backwards', async () => {
    const p = LocalProject.open(path, 'test');
    const runs = (await p.info()).runs.length;
    const refusal = await p
      .detect('e3', 'e2')
      .then(() => null)
      .catch((e: Error) => e.message);
    expect(refusal).toContain(
      'e3 was surveyed on 2025-03-01, after e2 (2024-09-01): a run compares an earlier survey (before) with a later one (after); give e2 first, or correct a wrong date (voxwatch project set-date)',
    );
    expect(errorZh(refusal!)).toBe(
      'e3 测于 2025-03-01，晚于 e2（2024-09-01）：检测须以较早的一期为前期，请先选 e2；日期有误时用 voxwatch project set-date 更正',
    );
    expect((await p.info()).runs).toHaveLength(runs);
    // A wrong date can be corrected (and is audited); a date that is none is refused.
    await expect(p.setEpochDate('e3', '2025-02-30')).rejects.toThrow('survey date "2025-02-30" is not yyyy-mm-dd');
    expect(await p.setEpochDate('e3', '2024-01-15')).toMatchObject({ date: '2024-01-15', dateFrom: 'given' });
    expect((await p.auditLog(5)).find((a) => a.action === 'epoch_date')).toMatchObject({ target: 'e3' });
    await p.setEpochDate('e3', '2025-03-01');
    await p.close();
  });

  it('checks every open case against the next epoch: demolished ones proposed as rectified, the rest raised again', async () => {
    const p = LocalProject.open(path, 'test');
    const run23 = await p.detect('e2', 'e3');
    const cases = await p.listCases();
    const rectifiedTruth = new Set(t23.changes.map((c) => c.rectifies).filter(Boolean));
    let rectifiedSeen = 0;
    for (const c of cases) {
      const change = changes12.find((x) => x.key === c.changeKey)!;
      const truth = t12.changes.find((t) => matchTruth([change], t.footprint));
      expect(c.proposal, `case ${c.id}`).not.toBeNull();
      if (truth && rectifiedTruth.has(truth.id)) {
        expect(c.proposal!.outcome, `${c.code} was demolished in epoch 3`).toBe('rectified');
        rectifiedSeen++;
      } else expect(['still_standing', 'grew'], `${c.code} still stands`).toContain(c.proposal!.outcome);
    }
    expect(rectifiedSeen).toBeGreaterThanOrEqual(1);
    const rectified = cases.find((c) => c.proposal!.outcome === 'rectified' && c.proposal!.changes?.length)!;
    const removals = rectified.proposal!.changes!;
    // The removals are run 2's, whose ids run 1's changes (the case's own among them) also have: named with their run.
    expect(rectified.proposal!.detail).toMatch(new RegExp(`^[\\d,]+ m³ removed \\(run ${run23.id} ${removals.join(', ')}\\), of the`));
    expect(ledgerZh(rectified.proposal!.detail)).toContain(`（批次 ${run23.id} ${removals.join('、')}）`);
    // The analyst confirmed it; the later run's check is the software's doing, and says so.
    expect(rectified.history[0]).toMatchObject({ to: 'open', runId: null, actor: 'wang' });
    expect(rectified.history.at(-1)).toMatchObject({ runId: run23.id, actor: SYSTEM_ACTOR });
    for (const c of cases) expect(c.history.filter((h) => h.runId === run23.id).map((h) => h.actor)).toEqual([SYSTEM_ACTOR]);
    expect((await p.acceptProposal(rectified.id)).status).toBe('rectified');
    // Accepted, the proposal is gone; the report of the run that showed the demolition still
    // names the case on the removal's page.
    const report = await p.reportInput(rectified.proposal!.runId, { lang: 'zh-CN' });
    const listed = (await p.listChanges({ runId: rectified.proposal!.runId })).items;
    for (const code of removals) {
      const removal = report.changes.find((c) => c.id === code)!;
      expect(removal.volume_m3).toBeLessThan(0);
      expect(removal.caseChecks).toContainEqual({ caseId: rectified.id, outcome: 'rectified' });
      expect(listed.find((c) => c.id === code)!.caseChecks).toEqual(removal.caseChecks); // the review UI's record too
    }
    expect(listed.filter((c) => c.caseChecks.length > 0).length).toBeGreaterThanOrEqual(removals.length);
    // The report of the run that found the violation says its case is rectified on the later survey's word, and
    // names it; a case only its confirmation speaks for names nothing.
    const first = await p.reportInput(run12.id, { lang: 'en' });
    expect(first.changes.find((c) => c.id === rectified.code)!.caseBasis).toEqual({
      runId: run23.id,
      label: 'e3',
      date: '2025-03-01',
    });
    const untouched = first.changes.filter((c) => c.case?.status === 'open');
    expect(untouched.length).toBeGreaterThan(0);
    for (const c of untouched) expect(c.caseBasis, c.id).toBeNull();
    await p.close();
  });

  it('carries false-positive and permitted verdicts to the same structures in a later run', async () => {
    const p = LocalProject.open(path, 'test');
    const run13 = await p.detect('e1', 'e3');
    const later = (await p.listChanges({ runId: run13.id })).items;
    const dismissed = changes12.find((c) => c.type === 'rooftop_structure' && c.permitStatus === 'none')!;
    const same = later.find((c) => intersectionArea(c.footprint, dismissed.footprint) > 0.5 * dismissed.area_m2)!;
    expect(same).toMatchObject({ verdict: 'false_positive', verdictCarriedFrom: `run ${run12.id} ${dismissed.id}` });
    // Carried by the software, not by whoever ran detection.
    expect((await p.changeHistory(same.key)).map((e) => [e.kind, e.actor, e.text])).toEqual([
      ['carried', SYSTEM_ACTOR, `run ${run12.id} ${dismissed.id}`],
    ]);
    const automatic = (await p.auditLog(10_000)).filter((a) => a.action === 'verdict_carried' || a.action === 'case_checked');
    expect(automatic.length).toBeGreaterThan(0);
    expect(new Set(automatic.map((a) => a.actor))).toEqual(new Set([SYSTEM_ACTOR]));
    for (const c of later.filter((c) => c.verdict !== 'unreviewed')) expect(c.verdictCarriedFrom).not.toBeNull();
    // The cases were found on epoch 2: this run from epoch 1 holds each violation as added
    // volume, which is the violation itself, not growth. It proposes what 2 → 3 did.
    const rectifiedTruth = new Set(t23.changes.map((c) => c.rectifies).filter(Boolean));
    for (const c of await p.listCases()) {
      if (c.status === 'rectified') continue;
      expect(c.proposal, `case ${c.id}`).toMatchObject({ runId: run13.id });
      const truth = t12.changes.find((t) => matchTruth([changes12.find((x) => x.key === c.changeKey)!], t.footprint));
      const expected = truth && rectifiedTruth.has(truth.id) ? ['rectified'] : ['still_standing', 'unverifiable'];
      expect(expected, `${c.code}: ${c.proposal!.detail}`).toContain(c.proposal!.outcome);
    }
    // Structures first built between epochs 2 and 3 were never judged.
    const fresh = t23.changes.filter((t) => t.type === 'new_building');
    for (const t of fresh) {
      const c = matchTruth(later, t.footprint);
      if (c) expect(c.verdict, c.id).toBe('unreviewed');
    }
    // A confirmed structure keeps its case in the later run: the same case, not none or a new one.
    const cases = await p.listCases();
    const carriedConfirmed = later.filter((c) => c.verdict === 'confirmed' && c.volume_m3 > 0 && c.verdictCarriedFrom);
    expect(carriedConfirmed.length).toBeGreaterThan(1);
    for (const c of carriedConfirmed) {
      const source = changes12.find((x) => `run ${run12.id} ${x.id}` === c.verdictCarriedFrom)!;
      expect(c.case?.id, c.id).toBe(cases.find((k) => k.changeKey === source.key)!.id);
    }
    // Withdrawn on the later run's change, its case closes; confirmed again, the same case takes
    // up where it was in its lifecycle.
    const one = carriedConfirmed.find((c) => cases.find((k) => k.id === c.case!.id)!.status !== 'open') ?? carriedConfirmed[0];
    const was = cases.find((k) => k.id === one.case!.id)!.status;
    // A site visit pending leaves the case where it was; a false positive withdraws it.
    await p.setVerdict([one.key], 'needs_site_visit');
    expect((await p.listCases()).find((k) => k.id === one.case!.id)!.status).toBe(was);
    await p.setVerdict([one.key], 'false_positive');
    expect((await p.listCases()).find((k) => k.id === one.case!.id)!.status).toBe('closed');
    await p.setVerdict([one.key], 'confirmed');
    const after = await p.listCases();
    expect(after.length).toBe(cases.length);
    expect(after.find((k) => k.id === one.case!.id)!.status).toBe(was);
    expect(was, 'a case past open, so that resuming is seen').not.toBe('open');
    await p.close();
  });

  it('answers complaint leads: one at a change, one at a tree, one where nothing happened', async () => {
    const p = LocalProject.open(path, 'test');
    const leads = await p.listLeads();
    expect(leads.map((l) => l.code)).toEqual(expect.arrayContaining(['L001', 'L003']));
    const atChange = leads.find((l) => l.code === 'L001')!;
    expect(atChange.answer!.found[0]).toMatchObject({ type: 'storeys_added' });
    expect(atChange.answer!.found[0].distance_m).toBeLessThan(10);
    const nothing = leads.find((l) => l.code === 'L003')!;
    expect(nothing.answer!.found).toEqual([]);
    expect(nothing.answer!.evidence.join(' ')).toMatch(/seen by both epochs/);
    const tree = leads.find((l) => l.code === 'L002');
    if (tree) {
      expect(tree.answer!.found.filter((f) => f.distance_m < 3)).toEqual([]);
      expect(tree.answer!.evidence.join(' ')).toMatch(/vegetation/);
      // Nearest first: what stands at the spot leads.
      const distances = tree.answer!.evidence.flatMap((e) => {
        const m = /^a change (?:(\d+) m away|at the spot)/.exec(e);
        return m ? [Number(m[1] ?? 0)] : [];
      });
      expect(distances.length).toBeGreaterThan(1);
      expect(distances).toEqual([...distances].sort((a, b) => a - b));
    }
    await p.close();
  });

  it('keeps watching a rectified case: a rerun links its removal again, a later epoch where it stands again raises it (拆后复建)', async () => {
    const p = LocalProject.open(path, 'test');
    const rectified = (await p.listCases()).find((c) => c.status === 'rectified')!;
    expect(rectified, 'a case was accepted as rectified above').toBeDefined();
    // The same comparison again: its removal is evidence for the case again, with nothing to accept.
    const rerun = await p.detect('e2', 'e3');
    const again = (await p.listCases()).find((c) => c.id === rectified.id)!;
    expect(again.proposal).toMatchObject({ runId: rerun.id, outcome: 'rectified', status: 'rectified' });
    expect(again.proposal!.changes!.length).toBeGreaterThan(0);
    const listed = (await p.listChanges({ runId: rerun.id })).items;
    for (const code of again.proposal!.changes!) {
      expect(listed.find((c) => c.id === code)!.caseChecks).toContainEqual({ caseId: rectified.id, outcome: 'rectified' });
    }
    // A later survey where the structure stands again: epoch 2's points, surveyed after epoch 3.
    await p.addEpoch({ label: 'e4', files: [join(dir, 'epoch-2.las')], date: '2025-09-01' });
    const run34 = await p.detect('e3', 'e4');
    const rebuilt = (await p.listCases()).find((c) => c.id === rectified.id)!;
    expect(rebuilt.proposal).toMatchObject({ runId: run34.id, outcome: 'rebuilt', status: 'not_rectified' });
    expect(rebuilt.proposal!.changes!.length, 'the addition that rebuilt it').toBeGreaterThan(0);
    // Its report, made before the analyst decides, says the case is rectified with a proposal
    // pending, and tallies the rebuilt structure apart from the rectified ones.
    const report34 = await p.reportInput(run34.id, { lang: 'zh-CN' });
    const carrying = report34.changes.filter((c) => c.case?.id === rectified.id);
    expect(carrying.length).toBeGreaterThan(0);
    for (const c of carrying) expect(c.case).toMatchObject({ status: 'rectified', proposed: 'not_rectified' });
    const byStatus = summarise(report34.changes).byCaseStatus;
    const awaiting = report34.changes.filter((c) => c.case?.proposed && c.verdict !== 'false_positive');
    expect(awaiting.length).toBeGreaterThanOrEqual(carrying.length);
    expect(byStatus.find((r) => r.key === CASE_AWAITING)?.count).toBe(awaiting.length);
    expect(byStatus.find((r) => r.key === 'rectified')?.added ?? 0).toBe(0);
    // A comparison to an older survey says nothing newer: the proposal from epoch 4 stays.
    const run13 = await p.detect('e1', 'e3');
    const kept = (await p.listCases()).find((c) => c.id === rectified.id)!;
    expect(kept.proposal).toMatchObject({ runId: run34.id, outcome: 'rebuilt' });
    expect(kept.history.at(-1)!.detail).toMatch(new RegExp(`^run ${run13.id}: .*evidence only: e3 was surveyed before e4`));
    expect((await p.acceptProposal(rectified.id)).status).toBe('not_rectified');
    // Nor does the comparison that showed the removal, run again: it links its removal, proposes nothing.
    const again23 = await p.detect('e2', 'e3');
    const after23 = (await p.listCases()).find((c) => c.id === rectified.id)!;
    expect(after23).toMatchObject({ status: 'not_rectified', proposal: null });
    const removals = (await p.listChanges({ runId: again23.id })).items.filter((c) =>
      c.caseChecks.some((k) => k.caseId === rectified.id && k.outcome === 'rectified'),
    );
    expect(removals.length).toBeGreaterThan(0);
    // Rebuilt and so found again, 3 → 4 once more reads it as standing, not as grown further.
    await p.detect('e3', 'e4');
    const standing = (await p.listCases()).find((c) => c.id === rectified.id)!;
    expect(standing.proposal).toMatchObject({ outcome: 'still_standing', status: 'not_rectified' });
    await p.close();
  });
});
