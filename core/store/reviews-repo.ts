import type { Database } from 'better-sqlite3';
import type { ChangeObject } from '../changes/types';
import { onBureauClock } from '../review/clock';
import { matchStructure, NEAR_OVERLAP, sharedShare, type Match } from '../review/match';
import { ofRun } from '../review/run-ref';
import { SYSTEM_ACTOR } from '../review/terms';
import { VERDICTS, withdrawsCase, type Verdict } from '../review/types';
import { audit, stamp } from './audit';
import { ProjectFileError, writeTransaction } from './db';
import { caseOfChange, closeCaseOf, openCaseFor, WITHDRAWN } from './cases-repo';

/** A verdict as the store's sentences write it: "false positive", "needs site visit". */
const spoken = (v: Verdict) => v.replaceAll('_', ' ');

/**
 * Sets one verdict on many changes in one transaction; returns how many it changed. Confirming an
 * added structure opens a case in the ledger; withdrawing a confirmation (false positive,
 * permitted, back to unreviewed) closes its case with the reason, while a site visit pending
 * leaves it open. The case is the structure's: a revision in an older run leaves it alone when a
 * later run's change of the structure was judged by an analyst (their judgement is the latest).
 * The same verdict again changes nothing, except on a carried verdict, which the analyst then
 * makes their own. Copies of the verdict that later runs carried follow it (carriedCopies).
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
  const previous = db.prepare('SELECT verdict, note, carried_from, updated_at, updated_by FROM reviews WHERE change_id = ?');
  const upsert = db.prepare(`
    INSERT INTO reviews (change_id, verdict, note, carried_from, updated_at, updated_by) VALUES (?, ?, ?, NULL, ?, ?)
    ON CONFLICT(change_id) DO UPDATE SET verdict = excluded.verdict, note = COALESCE(excluded.note, reviews.note),
      carried_from = NULL, updated_at = excluded.updated_at, updated_by = excluded.updated_by`);
  const lineage = structureLineage(db);
  let changed = 0;
  writeTransaction(db, () => {
    for (const key of keys) {
      const row = exists.get(key) as
        { id: number; run_id: number; code: string; volume_m3: number; sub_district: string | null } | undefined;
      if (!row) throw new ProjectFileError('verdict', `no change with key ${key} in this project`);
      const review = previous.get(key) as
        { verdict: Verdict; note: string | null; carried_from: number | null; updated_at: string; updated_by: string } | undefined;
      const before = review?.verdict ?? 'unreviewed';
      // Two analysts (or a window left open) on one project: the later press must not silently undo the other's.
      if (expected !== undefined && before !== expected)
        throw new ProjectFileError(
          'verdict',
          `${ofRun(row.run_id, row.code)} was set to ${spoken(before)} by ${review?.updated_by ?? 'someone'} at ${review ? onBureauClock(review.updated_at) : 'an unknown time'} since it was shown to you; nothing was changed: look at it again`,
        );
      if (before === verdict && (review?.carried_from ?? null) === null) {
        // The analyst's own verdict again: nothing to record but a note given with it.
        if (note !== undefined && note !== review?.note) setNote(db, key, note, actor);
        continue;
      }
      upsert.run(key, verdict, note ?? null, now, actor);
      if (!lineage.judgedLater(key)) {
        if (verdict === 'confirmed' && row.volume_m3 > 0) openCaseFor(db, key, row.sub_district, actor, now);
        if (withdrawsCase(before, verdict)) closeCaseOf(db, key, actor, now, `${WITHDRAWN} ${verdict}`);
      }
      audit(db, actor, 'verdict', `change ${key}`, { from: before, to: verdict, note: note ?? undefined }, now);
      lineage.follow(key, now);
      changed++;
    }
  });
  return changed;
}

/**
 * The later runs' reviews of the structure a change shows, through `structure_from` (the change
 * a review's structure was carried from, kept after an analyst judges it). A copy still carried
 * (`carried_from` set) speaks for its source; one an analyst judged speaks for itself, and so do
 * the copies carried from it.
 */
function structureLineage(db: Database) {
  const next = db.prepare('SELECT change_id, carried_from, updated_by FROM reviews WHERE structure_from = ?');
  const current = db.prepare('SELECT verdict, note FROM reviews WHERE change_id = ?');
  const source = db.prepare('SELECT run_id, code FROM changes WHERE id = ?');
  const update = db.prepare('UPDATE reviews SET verdict = ?, case_id = COALESCE(?, case_id), updated_at = ? WHERE change_id = ?');
  const updateNote = db.prepare('UPDATE reviews SET note = ? WHERE change_id = ?');
  type Next = { change_id: number; carried_from: number | null; updated_by: string };
  /** Visits the copies carried from `key`, run after run, stopping at those an analyst judged. */
  const carriedCopies = (key: number, visit: (copy: Next, from: number) => void, judged?: (r: Next) => void) => {
    const seen = new Set<number>([key]);
    const queue = [key];
    while (queue.length > 0) {
      const from = queue.shift()!;
      for (const r of next.all(from) as Next[]) {
        if (seen.has(r.change_id)) continue;
        seen.add(r.change_id);
        if (r.carried_from === null) judged?.(r);
        else {
          visit(r, from);
          queue.push(r.change_id);
        }
      }
    }
  };
  return {
    /** Whether an analyst judged this structure in a later run (through copies carried from `key`). */
    judgedLater(key: number): boolean {
      let found = false;
      carriedCopies(
        key,
        () => undefined,
        () => (found = true),
      );
      return found;
    },
    /**
     * The copies still carried from `key` take its verdict (with its case, when confirmed) and,
     * where no one has written on them since they were carried, its note.
     */
    follow(key: number, now: string): void {
      const { verdict, note } = current.get(key) as { verdict: Verdict; note: string | null };
      const caseId = verdict === 'confirmed' ? (caseOfChange(db, key)?.id ?? null) : null;
      const { run_id, code } = source.get(key) as { run_id: number; code: string };
      carriedCopies(key, (copy) => {
        update.run(verdict, caseId, now, copy.change_id);
        if (copy.updated_by === SYSTEM_ACTOR) updateNote.run(note, copy.change_id);
        audit(db, SYSTEM_ACTOR, 'verdict_carried', `change ${copy.change_id}`, { verdict, from: ofRun(run_id, code) }, now);
      });
    },
    /** The copies still carried from `key` that no one has written on take its note. */
    followNote(key: number, note: string): void {
      carriedCopies(key, (copy) => {
        if (copy.updated_by === SYSTEM_ACTOR) updateNote.run(note, copy.change_id);
      });
    },
  };
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
    structureLineage(db).followNote(key, note);
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
    `INSERT INTO reviews (change_id, verdict, note, carried_from, structure_from, case_id, updated_at, updated_by)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
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
    // Judged structures it only partly covers (it moved, or was cut differently): named, so no verdict is dropped unseen.
    let near: { e: Reviewed; share: number } | null = null;
    for (const e of earlier) {
      if (matches.length > 0 && e.run_id !== matches[0].e.run_id) break;
      const judged = JSON.parse(objectOf.get(e.id) as string) as ChangeObject;
      const m = matchStructure(judged, later);
      if (m) matches.push({ e, m });
      else if (CARRIED.includes(e.verdict) && (near === null || e.run_id === near.e.run_id)) {
        const share = sharedShare(judged, later);
        if (share >= NEAR_OVERLAP && share > (near?.share ?? 0)) near = { e, share };
      }
    }
    if (matches.length === 0 && near) {
      later.evidence.reasons.push(
        `judged ${spoken(near.e.verdict)} as ${ofRun(near.e.run_id, near.e.code)}, which shares ${Math.round(near.share * 100)} % of its footprint: too little to carry the verdict; review again`,
      );
      updateObject.run(JSON.stringify(later), c.id);
      continue;
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
      insert.run(c.id, e.verdict, e.note, e.id, e.id, caseOfChange(db, e.id)?.id ?? null, now, actor);
      audit(db, actor, 'verdict_carried', `change ${c.id}`, { verdict: e.verdict, from: ofRun(e.run_id, e.code) });
      carried++;
      continue;
    }
    updateObject.run(JSON.stringify(later), c.id);
  }
  return { carried, grown, conflicting };
}
