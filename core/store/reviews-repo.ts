import type { Database } from 'better-sqlite3';
import type { ChangeObject } from '../changes/types';
import { matchStructure, type Match } from '../review/match';
import { ofRun } from '../review/run-ref';
import { SYSTEM_ACTOR } from '../review/terms';
import { VERDICTS, withdrawsCase, type Verdict } from '../review/types';
import { audit, stamp } from './audit';
import { ProjectFileError, writeTransaction } from './db';
import { caseOfChange, closeCaseOf, openCaseFor, WITHDRAWN } from './cases-repo';

/** A verdict as the store's sentences write it: "false positive", "needs site visit". */
const spoken = (v: Verdict) => v.replaceAll('_', ' ');

/**
 * Sets one verdict on many changes in one transaction. Confirming an added structure opens a
 * case in the ledger; withdrawing a confirmation (false positive, permitted, back to unreviewed)
 * closes its case with the reason, while a site visit pending leaves it open. The same verdict
 * again changes nothing (a note given with it is kept). Copies of the verdict that later runs
 * carried, and no one has judged since, follow it.
 */
export function setVerdicts(
  db: Database,
  keys: number[],
  verdict: Verdict,
  actor: string,
  note?: string,
  /** The verdict the caller saw: when another hand has changed it since, nothing is set and the error says who. */
  expected?: Verdict,
): number {
  if (!VERDICTS.includes(verdict))
    throw new ProjectFileError('verdict', `"${String(verdict)}" is not a verdict; use one of ${VERDICTS.join(', ')}`);
  const now = stamp(db);
  const exists = db.prepare('SELECT id, run_id, code, volume_m3, sub_district FROM changes WHERE id = ?');
  const previous = db.prepare('SELECT verdict, updated_at, updated_by FROM reviews WHERE change_id = ?');
  const upsert = db.prepare(`
    INSERT INTO reviews (change_id, verdict, note, carried_from, updated_at, updated_by) VALUES (?, ?, ?, NULL, ?, ?)
    ON CONFLICT(change_id) DO UPDATE SET verdict = excluded.verdict, note = COALESCE(excluded.note, reviews.note),
      carried_from = NULL, updated_at = excluded.updated_at, updated_by = excluded.updated_by`);
  let changed = 0;
  writeTransaction(db, () => {
    for (const key of keys) {
      const row = exists.get(key) as
        { id: number; run_id: number; code: string; volume_m3: number; sub_district: string | null } | undefined;
      if (!row) throw new ProjectFileError('verdict', `no change with key ${key} in this project`);
      const review = previous.get(key) as { verdict: Verdict; updated_at: string; updated_by: string } | undefined;
      const before = review?.verdict ?? 'unreviewed';
      // Two analysts (or a window left open) on one project: the later press must not silently undo the other's.
      if (expected !== undefined && before !== expected)
        throw new ProjectFileError(
          'verdict',
          `${ofRun(row.run_id, row.code)} was set to ${spoken(before)} by ${review?.updated_by ?? 'someone'} at ${review?.updated_at ?? 'an unknown time'} since it was shown to you; nothing was changed: look at it again`,
        );
      changed++;
      if (before === verdict) {
        // Pressing the same verdict again is no judgement: it keeps where a carried verdict came from.
        if (note !== undefined) setNote(db, key, note, actor);
        continue;
      }
      upsert.run(key, verdict, note ?? null, now, actor);
      if (verdict === 'confirmed' && row.volume_m3 > 0) openCaseFor(db, key, row.sub_district, actor, now);
      if (withdrawsCase(before, verdict)) closeCaseOf(db, key, actor, now, `${WITHDRAWN} ${verdict}`);
      audit(db, actor, 'verdict', `change ${key}`, { from: before, to: verdict, note: note ?? undefined }, now);
      followRevision(db, key, verdict, now);
    }
  });
  return changed;
}

/**
 * A revised verdict of change `key` reaches the copies later runs carried from it (and the copies
 * of those) that still stand as carried, untouched by an analyst: they state what the analyst
 * thinks of the structure now. A copy someone judged since keeps that judgement.
 */
function followRevision(db: Database, key: number, verdict: Verdict, now: string): void {
  const carriedFrom = db.prepare('SELECT change_id FROM reviews WHERE carried_from = ? AND updated_by = ?').pluck();
  const source = db.prepare('SELECT run_id, code FROM changes WHERE id = ?');
  const update = db.prepare('UPDATE reviews SET verdict = ?, case_id = COALESCE(?, case_id), updated_at = ? WHERE change_id = ?');
  const caseId = verdict === 'confirmed' ? (caseOfChange(db, key)?.id ?? null) : null;
  const seen = new Set<number>([key]);
  const queue = [key];
  while (queue.length > 0) {
    const from = queue.shift()!;
    const { run_id, code } = source.get(from) as { run_id: number; code: string };
    for (const copy of carriedFrom.all(from, SYSTEM_ACTOR) as number[]) {
      if (seen.has(copy)) continue;
      seen.add(copy);
      update.run(verdict, caseId, now, copy);
      audit(db, SYSTEM_ACTOR, 'verdict_carried', `change ${copy}`, { verdict, from: ofRun(run_id, code) }, now);
      queue.push(copy);
    }
  }
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

interface Box {
  min_x: number;
  min_y: number;
  max_x: number;
  max_y: number;
}

interface Reviewed extends Box {
  id: number;
  run_id: number;
  code: string;
  verdict: Verdict;
  note: string | null;
}

/** Grid cells (metres) of the index of reviewed changes. */
const CELL = 64;

/**
 * The reviewed changes of runs other than `runId`, indexed on a grid by their bounding boxes: a function giving those
 * whose box meets a box, latest run first. One read of the reviews instead of a query per new change, each of which
 * scanned every change west of it (a run of 20 000 changes over one as large held the write lock for a minute).
 */
function reviewedNear(db: Database, runId: number): (box: Box) => Reviewed[] {
  const rows = db
    .prepare(
      `SELECT ch.id, ch.run_id, ch.code, rv.verdict, rv.note, ch.min_x, ch.min_y, ch.max_x, ch.max_y
       FROM reviews rv JOIN changes ch ON ch.id = rv.change_id WHERE ch.run_id <> ?`,
    )
    .all(runId) as Reviewed[];
  const grid = new Map<string, Reviewed[]>();
  // Boxes spanning very many cells (or not finite) are kept apart and tried against every box.
  const large: Reviewed[] = [];
  const span = (b: Box) => [Math.floor(b.min_x / CELL), Math.floor(b.max_x / CELL), Math.floor(b.min_y / CELL), Math.floor(b.max_y / CELL)];
  const isLarge = ([x0, x1, y0, y1]: number[]) => !((x1 - x0 + 1) * (y1 - y0 + 1) <= 4096);
  const cells = ([x0, x1, y0, y1]: number[], visit: (key: string) => void) => {
    for (let gx = x0; gx <= x1; gx++) for (let gy = y0; gy <= y1; gy++) visit(`${gx},${gy}`);
  };
  for (const r of rows) {
    const s = span(r);
    if (isLarge(s)) large.push(r);
    else cells(s, (k) => (grid.get(k) ?? grid.set(k, []).get(k)!).push(r));
  }
  const meets = (r: Reviewed, b: Box) => r.min_x <= b.max_x && r.max_x >= b.min_x && r.min_y <= b.max_y && r.max_y >= b.min_y;
  return (b) => {
    const found = new Set<Reviewed>(large.filter((r) => meets(r, b)));
    const s = span(b);
    if (isLarge(s)) {
      for (const r of rows) if (meets(r, b)) found.add(r);
    } else {
      cells(s, (k) => {
        for (const r of grid.get(k) ?? []) if (meets(r, b)) found.add(r);
      });
    }
    return [...found].sort((x, y) => y.run_id - x.run_id || x.id - y.id);
  };
}

/** Verdicts worth carrying: the analyst's settled judgements of a structure. */
const CARRIED: Verdict[] = ['false_positive', 'permitted', 'confirmed'];

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
  const reviewed = reviewedNear(db, runId);
  const objectOf = db.prepare('SELECT object FROM changes WHERE id = ?').pluck();
  const insert = db.prepare(
    'INSERT INTO reviews (change_id, verdict, note, carried_from, case_id, updated_at, updated_by) VALUES (?, ?, ?, ?, ?, ?, ?)',
  );
  const updateObject = db.prepare('UPDATE changes SET object = ? WHERE id = ?');
  let carried = 0;
  let grown = 0;
  let conflicting = 0;
  for (const c of fresh) {
    const later = JSON.parse(c.object) as ChangeObject;
    const earlier = reviewed(c);
    // The matching reviewed changes of the latest run that has any.
    const matches: { e: Reviewed; m: NonNullable<Match> }[] = [];
    for (const e of earlier) {
      if (matches.length > 0 && e.run_id !== matches[0].e.run_id) break;
      const m = matchStructure(JSON.parse(objectOf.get(e.id) as string) as ChangeObject, later);
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
      // The structure keeps its case (a later run's change is not a new violation) and the analyst's note: the reason
      // a flag was dismissed or permitted belongs in every later report of it.
      insert.run(c.id, e.verdict, e.note, e.id, caseOfChange(db, e.id)?.id ?? null, now, actor);
      audit(db, actor, 'verdict_carried', `change ${c.id}`, { verdict: e.verdict, from: ofRun(e.run_id, e.code) });
      carried++;
      continue;
    }
    updateObject.run(JSON.stringify(later), c.id);
  }
  return { carried, grown, conflicting };
}
