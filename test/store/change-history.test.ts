/** A change's review history (ProjectApi.changeHistory): its verdicts, notes and case events from the store, in order. */
import Database from 'better-sqlite3';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { LocalProject } from '../../core/store/project';
import { seedProject } from '../../samples/synthetic-project';

describe('the history of one change', () => {
  it('lists its verdicts, notes and its case’s events, oldest first, and nothing of other changes', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'voxwatch-history-')), 'history.voxwatch');
    seedProject(file, 1, 8);
    const p = LocalProject.open(file, 'test');
    try {
      const changes = (await p.listChanges()).items;
      const [added, other] = changes.filter((c) => c.volume_m3 > 0);
      const key = added.key;
      expect(await p.changeHistory(key)).toEqual([]);

      await p.setVerdict([key], 'false_positive', { actor: '李工' });
      await p.setNote(key, '空调机位', '李工');
      await p.setVerdict([other.key], 'permitted', { actor: '李工' });
      await p.setVerdict([key], 'confirmed', { actor: '王工', note: '现场已核实' });
      const caseId = (await p.getChange(key)).case!.id;
      await p.updateCase(caseId, { status: 'notified' }, '王工');
      await p.setVerdict([key], 'permitted', { actor: '王工' });

      const history = await p.changeHistory(key);
      expect(history.map((e) => [e.kind, e.actor, e.from, e.to])).toEqual([
        ['verdict', '李工', 'unreviewed', 'false_positive'],
        ['note', '李工', null, null],
        ['verdict', '王工', 'false_positive', 'confirmed'],
        ['case', '王工', null, 'open'],
        ['case', '王工', 'open', 'notified'],
        ['verdict', '王工', 'confirmed', 'permitted'],
        ['case', '王工', 'notified', 'closed'],
      ]);
      expect(history[1].text).toBe('空调机位');
      expect(history[2].text).toBe('现场已核实');
      expect(history[6]).toMatchObject({ caseId, text: 'verdict changed to permitted' });
      for (const e of history) expect(Number.isNaN(Date.parse(e.at))).toBe(false);
      expect(await p.changeHistory(other.key)).toMatchObject([{ kind: 'verdict', to: 'permitted' }]);
      await expect(p.changeHistory(999_999)).rejects.toThrow(/no change with key 999999/);
      // Read through the index on the audit's target, not by scanning the whole log.
      const db = new Database(file, { readonly: true });
      const plan = db
        .prepare('EXPLAIN QUERY PLAN SELECT at, actor, action, detail FROM audit WHERE target = ? ORDER BY id')
        .all('change 1');
      db.close();
      expect(JSON.stringify(plan)).toMatch(/USING (COVERING )?INDEX audit_target/);
    } finally {
      await p.close();
    }
  });
});

describe('the order of actions within one millisecond', () => {
  it('keeps a case moved on before a verdict changed in that order, with the clock standing still', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'voxwatch-history-')), 'history.voxwatch');
    seedProject(file, 1, 8);
    const p = LocalProject.open(file, 'test');
    // A fast machine does both within one millisecond: stand the clock still to make it so.
    vi.useFakeTimers({ toFake: ['Date'], now: new Date('2026-11-27T10:00:00.000Z') });
    try {
      const key = (await p.listChanges()).items.find((c) => c.volume_m3 > 0)!.key;
      await p.setVerdict([key], 'confirmed', { actor: '王工' });
      await p.updateCase((await p.getChange(key)).case!.id, { status: 'notified' }, '王工');
      await p.setVerdict([key], 'permitted', { actor: '王工' });
      const history = await p.changeHistory(key);
      expect(history.map((e) => [e.kind, e.from, e.to])).toEqual([
        ['verdict', 'unreviewed', 'confirmed'],
        ['case', null, 'open'],
        ['case', 'open', 'notified'],
        ['verdict', 'confirmed', 'permitted'],
        ['case', 'notified', 'closed'],
      ]);
      // Each action has its own time, later than the one before (a verdict and the case event it caused share one).
      expect(new Set(history.map((e) => e.at)).size).toBe(3);
    } finally {
      vi.useRealTimers();
      await p.close();
    }
  });
});

describe('the uncertain areas of a run', () => {
  it('are the run’s stored patches, the newest run’s by default; an unknown run is refused by name', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'voxwatch-uncertain-')), 'uncertain.voxwatch');
    seedProject(file, 2, 3);
    const p = LocalProject.open(file, 'test');
    try {
      expect(await p.uncertainAreas(1)).toEqual([]); // the synthetic runs record none
      expect(await p.uncertainAreas()).toEqual([]);
      await expect(p.uncertainAreas(9)).rejects.toThrow(/no run 9/);
    } finally {
      await p.close();
    }
  });
});
