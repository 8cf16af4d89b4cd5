import type { Database } from 'better-sqlite3';
import type { ChangeObject } from '../changes/types';
import { matchStructure, type Match } from '../review/match';
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

const spoken = (v: Verdict) => v.replace('_', ' ');

/**
 * Carries settled verdicts from earlier runs to the same structures in run `runId` (matched by
 * footprint overlap and height), so a false positive marked once stays dismissed. The latest run
 * whose reviewed changes match a structure speaks for it: a verdict the analyst revised there (to
 * needs a site visit, or back to unreviewed) stops an older one coming back. A structure that grew
 * since, or that was judged two ways (two judged structures now seen as one), is left unreviewed,
 * and its evidence says why.
 */
export function carryVerdicts(db: Database, runId: number, actor: string): { carried: number; grown: number; conflicting: number } {
  const now = stamp(db);
  const fresh = db.prepare('SELECT id, object, min_x, min_y, max_x, max_y FROM changes WHERE run_id = ?').all(runId) as {
    id: number;
    object: string;
    min_x: number;
    min_y: number;
    max_x: number;
    max_y: number;
  }[];
  const reviewed = db.prepare(`
    SELECT ch.id, ch.run_id, ch.code, ch.object, rv.verdict FROM changes ch JOIN reviews rv ON rv.change_id = ch.id
    WHERE ch.run_id <> ? AND ch.min_x <= ? AND ch.max_x >= ? AND ch.min_y <= ? AND ch.max_y >= ?
    ORDER BY ch.run_id DESC, ch.id`);
  const insert = db.prepare(
    'INSERT INTO reviews (change_id, verdict, note, carried_from, case_id, updated_at, updated_by) VALUES (?, ?, NULL, ?, ?, ?, ?)',
  );
  const updateObject = db.prepare('UPDATE changes SET object = ? WHERE id = ?');
  let carried = 0;
  let grown = 0;
  let conflicting = 0;
  for (const c of fresh) {
    const later = JSON.parse(c.object) as ChangeObject;
    const earlier = reviewed.all(runId, c.max_x, c.min_x, c.max_y, c.min_y) as {
      id: number;
      run_id: number;
      code: string;
      object: string;
      verdict: Verdict;
    }[];
    // The matching reviewed changes of the latest run that has any.
    const matches: { e: (typeof earlier)[number]; m: NonNullable<Match> }[] = [];
    for (const e of earlier) {
      if (matches.length > 0 && e.run_id !== matches[0].e.run_id) break;
      const m = matchStructure(JSON.parse(e.object) as ChangeObject, later);
      if (m) matches.push({ e, m });
    }
    if (matches.length === 0 || matches.some(({ e }) => !CARRIED.includes(e.verdict))) continue;
    const grew = matches.find(({ m }) => m.kind === 'grew');
    const other = matches.find(({ e }) => e.verdict !== matches[0].e.verdict);
    if (grew?.m.kind === 'grew') {
      later.evidence.reasons.push(
        `judged ${spoken(grew.e.verdict)} as ${ofRun(grew.e.run_id, grew.e.code)}, but ${grew.m.detail}: review again`,
      );
      grown++;
    } else if (other) {
      const first = matches[0].e;
      later.evidence.reasons.push(
        `judged ${spoken(first.verdict)} as ${ofRun(first.run_id, first.code)}, but ${spoken(other.e.verdict)} as ${ofRun(other.e.run_id, other.e.code)}: review again`,
      );
      conflicting++;
    } else {
      const e = matches[0].e;
      // The structure keeps its case: a later run's change is not a new violation.
      insert.run(c.id, e.verdict, e.id, caseOfChange(db, e.id)?.id ?? null, now, actor);
      audit(db, actor, 'verdict_carried', `change ${c.id}`, { verdict: e.verdict, from: ofRun(e.run_id, e.code) });
      carried++;
      continue;
    }
    updateObject.run(JSON.stringify(later), c.id);
  }
  return { carried, grown, conflicting };
}
