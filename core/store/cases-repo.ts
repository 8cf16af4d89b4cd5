import type { Database } from 'better-sqlite3';
import type { CaseProposal, CaseRecord, CaseUpdate } from '../api';
import type { ChangeObject } from '../changes/types';
import type { CaseBasis } from '../report/model';
import { SYSTEM_ACTOR } from '../review/terms';
import { calendarDate } from '../review/zoning';
import { CASE_STATUSES, CASE_TRANSITIONS, type CaseStatus } from '../review/types';
import { audit, stamp } from './audit';
import { ProjectFileError, writeTransaction } from './db';

/** Which status may follow which (the 台账 lifecycle); `closed` ends a case. */
const NEXT = CASE_TRANSITIONS;

/** Statuses a later epoch still needs to check. */
export const ACTIVE_STATUSES: CaseStatus[] = ['open', 'notified', 'rectification_due', 'not_rectified'];

function event(
  db: Database,
  caseId: number,
  actor: string,
  at: string,
  from: CaseStatus | null,
  to: CaseStatus,
  runId: number | null,
  detail: string | null,
) {
  db.prepare('INSERT INTO case_events (case_id, at, actor, from_status, to_status, run_id, detail) VALUES (?, ?, ?, ?, ?, ?, ?)').run(
    caseId,
    at,
    actor,
    from,
    to,
    runId,
    detail,
  );
}

/**
 * The case of a change: the one opened on it, or the one of the structure whose confirmation was
 * carried to it from an earlier run (reviews.case_id), so a structure keeps one case in every run.
 */
export function caseOfChange(db: Database, changeKey: number): { id: number; status: CaseStatus } | undefined {
  return db
    .prepare(
      `SELECT id, status FROM cases WHERE change_id = ?
       UNION ALL SELECT cs.id, cs.status FROM reviews rv JOIN cases cs ON cs.id = rv.case_id WHERE rv.change_id = ?`,
    )
    .get(changeKey, changeKey) as { id: number; status: CaseStatus } | undefined;
}

export function openCaseFor(db: Database, changeKey: number, subDistrict: string | null, actor: string, at: string): void {
  const existing = caseOfChange(db, changeKey);
  if (existing && existing.status !== 'closed') return;
  if (existing) {
    // Closed because its confirmation was withdrawn, it takes up where it was (notified, not
    // rectified…): that progress was real. Closed through the lifecycle, it starts again.
    const closing = db
      .prepare("SELECT from_status, detail FROM case_events WHERE case_id = ? AND to_status = 'closed' ORDER BY id DESC LIMIT 1")
      .get(existing.id) as { from_status: CaseStatus | null; detail: string | null } | undefined;
    const withdrawn = closing?.detail?.startsWith(WITHDRAWN) && closing.from_status !== null && closing.from_status !== 'closed';
    const status: CaseStatus = withdrawn ? closing!.from_status! : 'open';
    db.prepare('UPDATE cases SET status = ?, updated_at = ? WHERE id = ?').run(status, at, existing.id);
    event(db, existing.id, actor, at, 'closed', status, null, 'confirmed again');
    return;
  }
  const id = Number(
    db
      .prepare("INSERT INTO cases (change_id, status, sub_district, opened_at, updated_at) VALUES (?, 'open', ?, ?, ?)")
      .run(changeKey, subDistrict, at, at).lastInsertRowid,
  );
  event(db, id, actor, at, null, 'open', null, 'confirmed as a violation');
  audit(db, actor, 'case_opened', `case ${id}`, { change: changeKey });
}

/** How a case closed by a withdrawn confirmation is noted (closeCaseOf's `why` starts so). */
export const WITHDRAWN = 'verdict changed to';

export function closeCaseOf(db: Database, changeKey: number, actor: string, at: string, why: string): void {
  const c = caseOfChange(db, changeKey);
  if (!c || c.status === 'closed') return;
  db.prepare("UPDATE cases SET status = 'closed', updated_at = ?, proposal = NULL WHERE id = ?").run(at, c.id);
  event(db, c.id, actor, at, c.status, 'closed', null, why);
  audit(db, actor, 'case_closed', `case ${c.id}`, { why });
}

interface CaseRow {
  id: number;
  change_id: number;
  status: CaseStatus;
  due_date: string | null;
  sub_district: string | null;
  opened_at: string;
  updated_at: string;
  proposal: string | null;
  note: string | null;
  run_id: number;
  code: string;
  object: string;
}

const SELECT_CASES = `SELECT cs.*, ch.run_id, ch.code, ch.object FROM cases cs JOIN changes ch ON ch.id = cs.change_id`;

function toCase(db: Database, r: CaseRow): CaseRecord {
  const o = JSON.parse(r.object) as ChangeObject;
  const history = db
    .prepare('SELECT at, actor, from_status, to_status, run_id, detail FROM case_events WHERE case_id = ? ORDER BY id')
    .all(r.id) as {
    at: string;
    actor: string;
    from_status: CaseStatus | null;
    to_status: CaseStatus;
    run_id: number | null;
    detail: string | null;
  }[];
  return {
    id: r.id,
    changeKey: r.change_id,
    code: r.code,
    runId: r.run_id,
    type: o.type,
    volume_m3: o.volume_m3,
    centroid: o.centroid,
    status: r.status,
    dueDate: r.due_date,
    subDistrict: r.sub_district,
    openedAt: r.opened_at,
    updatedAt: r.updated_at,
    note: r.note,
    proposal: r.proposal ? (JSON.parse(r.proposal) as CaseProposal) : null,
    history: history.map((h) => ({ at: h.at, actor: h.actor, from: h.from_status, to: h.to_status, runId: h.run_id, detail: h.detail })),
  };
}

export function listCases(db: Database, statuses?: CaseStatus[]): CaseRecord[] {
  const rows = (
    statuses?.length
      ? db.prepare(`${SELECT_CASES} WHERE cs.status IN (${statuses.map(() => '?').join(',')}) ORDER BY cs.id`).all(...statuses)
      : db.prepare(`${SELECT_CASES} ORDER BY cs.id`).all()
  ) as CaseRow[];
  return rows.map((r) => toCase(db, r));
}

export function getCase(db: Database, id: number): CaseRecord {
  const r = db.prepare(`${SELECT_CASES} WHERE cs.id = ?`).get(id) as CaseRow | undefined;
  if (!r) throw new ProjectFileError('case', `no case ${id} in this project`);
  return toCase(db, r);
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;

export function updateCase(
  db: Database,
  id: number,
  u: CaseUpdate,
  actor: string,
  runId: number | null = null,
  detail: string | null = null,
): CaseRecord {
  const now = stamp(db);
  writeTransaction(db, () => {
    const c = getCase(db, id);
    if (u.status !== undefined && u.status !== c.status) {
      if (!CASE_STATUSES.includes(u.status))
        throw new ProjectFileError('case', `"${String(u.status)}" is not a case status; use one of ${CASE_STATUSES.join(', ')}`);
      if (!NEXT[c.status].includes(u.status)) {
        throw new ProjectFileError(
          'case',
          `case ${id} is ${c.status}; it can move to ${NEXT[c.status].join(', ') || 'nothing (it is closed)'}, not ${u.status}`,
        );
      }
      db.prepare('UPDATE cases SET status = ?, proposal = NULL, updated_at = ? WHERE id = ?').run(u.status, now, id);
      event(db, id, actor, now, c.status, u.status, runId, detail);
    }
    if (u.dueDate !== undefined) {
      // calendarDate gives the day back only when it is one: 2025-02-30 would otherwise be stored.
      if (u.dueDate !== null && !(DATE.test(u.dueDate) && calendarDate(u.dueDate) === u.dueDate))
        throw new ProjectFileError('case', `due date "${u.dueDate}" is not a day of the calendar written yyyy-mm-dd`);
      db.prepare('UPDATE cases SET due_date = ?, updated_at = ? WHERE id = ?').run(u.dueDate, now, id);
    }
    if (u.subDistrict !== undefined)
      db.prepare('UPDATE cases SET sub_district = ?, updated_at = ? WHERE id = ?').run(u.subDistrict, now, id);
    if (u.note !== undefined) db.prepare('UPDATE cases SET note = ?, updated_at = ? WHERE id = ?').run(u.note, now, id);
    audit(db, actor, 'case_update', `case ${id}`, u);
  });
  return getCase(db, id);
}

/** Records what a later run found for a case; the analyst accepts it or not. */
export function proposeForCase(db: Database, id: number, proposal: CaseProposal, actor: string): void {
  const now = stamp(db);
  const c = getCase(db, id);
  db.prepare('UPDATE cases SET proposal = ?, updated_at = ? WHERE id = ?').run(JSON.stringify(proposal), now, id);
  linkEvidence(db, id, proposal);
  event(
    db,
    id,
    actor,
    now,
    c.status,
    c.status,
    proposal.runId,
    `run ${proposal.runId}: ${proposal.outcome.replace('_', ' ')}, ${proposal.detail}`,
  );
  audit(db, actor, 'case_checked', `case ${id}`, proposal);
}

/**
 * Records what a run of an older survey than the case's latest found: the changes it rested on
 * name the case in that run's report, but nothing is proposed (the case already knows better).
 */
export function noteEvidenceForCase(db: Database, id: number, finding: CaseProposal, why: string, actor: string): void {
  const c = getCase(db, id);
  linkEvidence(db, id, finding);
  const detail = `run ${finding.runId}: ${finding.outcome.replace('_', ' ')}, ${finding.detail} (evidence only: ${why})`;
  event(db, id, actor, stamp(db), c.status, c.status, finding.runId, detail);
  audit(db, actor, 'case_checked', `case ${id}`, { ...finding, evidenceOnly: why });
}

function linkEvidence(db: Database, id: number, finding: CaseProposal): void {
  const link = db.prepare('INSERT OR REPLACE INTO case_links (case_id, run_id, change_code, outcome) VALUES (?, ?, ?, ?)');
  for (const code of finding.changes ?? []) link.run(id, finding.runId, code, finding.outcome);
}

/** A survey epoch: what a case's knowledge is dated by. */
export interface SurveyRef {
  epochId: number | null;
  date: string | null;
  label: string;
}

/** The later epoch of run `runId`: the survey its findings rest on. */
function laterEpochOf(db: Database, runId: number) {
  return db.prepare('SELECT e.id, e.survey_date, e.label FROM runs r JOIN epochs e ON e.id = r.after_epoch WHERE r.id = ?').get(runId) as
    { id: number; survey_date: string | null; label: string } | undefined;
}

/**
 * What case `id`'s status rests on, for a report to say: the run whose finding last moved it,
 * with that run's later survey, or, when the last move was by hand (a status set, a confirmation
 * withdrawn), when that was (`date` is its time; the report writes the day). Null while only the
 * confirmation that opened it speaks for it.
 */
export function caseBasisOf(db: Database, id: number): CaseBasis | null {
  const c = getCase(db, id);
  for (const h of [...c.history].reverse()) {
    // The move that set the status it has; the software's own moves without a run (an upgrade reopening a case where
    // it was) restore a status, they are no one's finding.
    if (h.from === h.to || h.from === null || h.to !== c.status) continue;
    if (h.runId === null && h.actor === SYSTEM_ACTOR) continue;
    if (h.runId === null) return { runId: null, label: h.at, date: h.at };
    const e = laterEpochOf(db, h.runId)!;
    return { runId: h.runId, label: e.label, date: e.survey_date };
  }
  return null;
}

/**
 * The latest survey a case's standing rests on: the epoch of the run whose finding last moved
 * its status (or the day a status was set by hand to rectified or not rectified, after a site
 * visit), the epoch of the run its pending proposal comes from if later, else the epoch it was
 * confirmed on. A run to an earlier survey can say nothing newer about it.
 */
export function latestSurveyOf(db: Database, id: number): SurveyRef {
  const epochOfRun = (runId: number) => laterEpochOf(db, runId);
  const toRef = (e: { id: number; survey_date: string | null; label: string }): SurveyRef => ({
    epochId: e.id,
    date: e.survey_date,
    label: e.label,
  });
  const c = getCase(db, id);
  let basis: SurveyRef = toRef(epochOfRun(c.runId)!);
  for (const h of [...c.history].reverse()) {
    if (h.from === h.to || h.from === null) continue;
    if (h.runId !== null) {
      basis = toRef(epochOfRun(h.runId)!);
      break;
    }
    if (h.to === 'rectified' || h.to === 'not_rectified') {
      basis = { epochId: null, date: h.at.slice(0, 10), label: `${h.at.slice(0, 10)} (set by hand)` };
      break;
    }
  }
  const pending = c.proposal ? epochOfRun(c.proposal.runId) : undefined;
  return pending && pending.survey_date !== null && basis.date !== null && pending.survey_date > basis.date ? toRef(pending) : basis;
}

export function acceptProposal(db: Database, id: number, actor: string): CaseRecord {
  const c = getCase(db, id);
  if (!c.proposal || !c.proposal.status) throw new ProjectFileError('case', `case ${id} has no proposal to accept`);
  if (c.proposal.status === c.status) {
    db.prepare('UPDATE cases SET proposal = NULL WHERE id = ?').run(id);
    return getCase(db, id);
  }
  return updateCase(db, id, { status: c.proposal.status }, actor, c.proposal.runId, `accepted: ${c.proposal.detail}`);
}
