import type { Database } from 'better-sqlite3';
import type { ChangeObject } from '../changes/types';
import { matchStructure } from '../review/match';
import { ofRun } from '../review/run-ref';
import { VERDICTS, type Verdict } from '../review/types';
import { audit, stamp } from './audit';
import { ProjectFileError, writeTransaction } from './db';
import { caseOfChange, closeCaseOf, openCaseFor, WITHDRAWN } from './cases-repo';

/**
 * Sets one verdict on many changes in one transaction. Confirming an added structure opens a
 * case in the ledger; withdrawing a confirmation closes its case with the reason.
 */
export function setVerdicts(db: Database, keys: number[], verdict: Verdict, actor: string, note?: string): number {
  if (!VERDICTS.includes(verdict))
    throw new ProjectFileError('verdict', `"${String(verdict)}" is not a verdict; use one of ${VERDICTS.join(', ')}`);
  const now = stamp(db);
  const exists = db.prepare('SELECT id, volume_m3, sub_district FROM changes WHERE id = ?');
  const previous = db.prepare('SELECT verdict FROM reviews WHERE change_id = ?');
  const upsert = db.prepare(`
    INSERT INTO reviews (change_id, verdict, note, carried_from, updated_at, updated_by) VALUES (?, ?, ?, NULL, ?, ?)
    ON CONFLICT(change_id) DO UPDATE SET verdict = excluded.verdict, note = COALESCE(excluded.note, reviews.note),
      carried_from = NULL, updated_at = excluded.updated_at, updated_by = excluded.updated_by`);
  let changed = 0;
  writeTransaction(db, () => {
    for (const key of keys) {
      const row = exists.get(key) as { id: number; volume_m3: number; sub_district: string | null } | undefined;
      if (!row) throw new ProjectFileError('verdict', `no change with key ${key} in this project`);
      const before = (previous.get(key) as { verdict: Verdict } | undefined)?.verdict ?? 'unreviewed';
      upsert.run(key, verdict, note ?? null, now, actor);
      if (verdict === 'confirmed' && row.volume_m3 > 0) openCaseFor(db, key, row.sub_district, actor, now);
      if (before === 'confirmed' && verdict !== 'confirmed') closeCaseOf(db, key, actor, now, `${WITHDRAWN} ${verdict}`);
      audit(db, actor, 'verdict', `change ${key}`, { from: before, to: verdict, note: note ?? undefined }, now);
      changed++;
    }
  });
  return changed;
}

export function setNote(db: Database, key: number, note: string, actor: string): void {
  const now = stamp(db);
  writeTransaction(db, () => {
    if (!db.prepare('SELECT 1 FROM changes WHERE id = ?').get(key))
      throw new ProjectFileError('note', `no change with key ${key} in this project`);
    db.prepare(
      `INSERT INTO reviews (change_id, verdict, note, updated_at, updated_by) VALUES (?, 'unreviewed', ?, ?, ?)
       ON CONFLICT(change_id) DO UPDATE SET note = excluded.note, updated_at = excluded.updated_at, updated_by = excluded.updated_by`,
    ).run(key, note, now, actor);
    audit(db, actor, 'note', `change ${key}`, { note });
  });
}

/** Verdicts worth carrying: the analyst's settled judgements of a structure. */
const CARRIED: Verdict[] = ['false_positive', 'permitted', 'confirmed'];

/**
 * Carries settled verdicts from earlier runs to the same structures in run `runId` (matched by
 * footprint overlap and height), so a false positive marked once stays dismissed. A structure
 * that grew since is left unreviewed, and its evidence says why.
 */
export function carryVerdicts(db: Database, runId: number, actor: string): { carried: number; grown: number } {
  const now = stamp(db);
  const fresh = db.prepare('SELECT id, object, min_x, min_y, max_x, max_y FROM changes WHERE run_id = ?').all(runId) as {
    id: number;
    object: string;
    min_x: number;
    min_y: number;
    max_x: number;
    max_y: number;
  }[];
  const judged = db.prepare(`
    SELECT ch.id, ch.run_id, ch.code, ch.object, rv.verdict FROM changes ch JOIN reviews rv ON rv.change_id = ch.id
    WHERE ch.run_id <> ? AND rv.verdict IN (${CARRIED.map(() => '?').join(',')})
      AND ch.min_x <= ? AND ch.max_x >= ? AND ch.min_y <= ? AND ch.max_y >= ?
    ORDER BY ch.run_id DESC`);
  const insert = db.prepare(
    'INSERT INTO reviews (change_id, verdict, note, carried_from, case_id, updated_at, updated_by) VALUES (?, ?, NULL, ?, ?, ?, ?)',
  );
  const updateObject = db.prepare('UPDATE changes SET object = ? WHERE id = ?');
  let carried = 0;
  let grown = 0;
  for (const c of fresh) {
    const later = JSON.parse(c.object) as ChangeObject;
    const earlier = judged.all(runId, ...CARRIED, c.max_x, c.min_x, c.max_y, c.min_y) as {
      id: number;
      run_id: number;
      code: string;
      object: string;
      verdict: Verdict;
    }[];
    for (const e of earlier) {
      const m = matchStructure(JSON.parse(e.object) as ChangeObject, later);
      if (!m) continue;
      if (m.kind === 'same') {
        // The structure keeps its case: a later run's change is not a new violation.
        insert.run(c.id, e.verdict, e.id, caseOfChange(db, e.id)?.id ?? null, now, actor);
        audit(db, actor, 'verdict_carried', `change ${c.id}`, { verdict: e.verdict, from: ofRun(e.run_id, e.code) });
        carried++;
      } else {
        later.evidence.reasons.push(`judged ${e.verdict.replace('_', ' ')} as ${ofRun(e.run_id, e.code)}, but ${m.detail}: review again`);
        updateObject.run(JSON.stringify(later), c.id);
        grown++;
      }
      break;
    }
  }
  return { carried, grown };
}
