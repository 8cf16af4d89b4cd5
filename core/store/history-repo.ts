import type { Database } from 'better-sqlite3';
import type { ChangeEvent } from '../api';
import type { CaseStatus, Verdict } from '../review/types';
import { caseOfChange } from './cases-repo';

interface AuditRow {
  at: string;
  actor: string;
  action: string;
  detail: string | null;
}

/** What each review action of a change left in the audit log (reviews-repo.ts, project.ts addAttachment). */
type ReviewDetail = { from?: string; to?: Verdict; note?: string; verdict?: Verdict; path?: string };

function fromAudit(r: AuditRow): ChangeEvent | null {
  const d = (r.detail === null ? {} : JSON.parse(r.detail)) as ReviewDetail;
  const base = { at: r.at, actor: r.actor, caseId: null };
  if (r.action === 'verdict') return { ...base, kind: 'verdict', from: d.from ?? null, to: d.to ?? null, text: d.note ?? null };
  if (r.action === 'verdict_carried') return { ...base, kind: 'carried', from: null, to: d.verdict ?? null, text: d.from ?? null };
  if (r.action === 'note') return { ...base, kind: 'note', from: null, to: null, text: d.note ?? '' };
  if (r.action === 'attachment') return { ...base, kind: 'attachment', from: null, to: null, text: d.path ?? null };
  return null;
}

/**
 * A change's review history, oldest first: its verdicts, notes and attachments from the audit log, and the events of
 * its case (its own, or the one its confirmation was carried with), read-only.
 */
export function changeHistory(db: Database, key: number): ChangeEvent[] {
  const reviews = (
    db.prepare('SELECT at, actor, action, detail FROM audit WHERE target = ? ORDER BY id').all(`change ${key}`) as AuditRow[]
  ).flatMap((r) => fromAudit(r) ?? []);
  const own = caseOfChange(db, key);
  const caseEvents = own
    ? (
        db.prepare('SELECT at, actor, from_status, to_status, detail FROM case_events WHERE case_id = ? ORDER BY id').all(own.id) as {
          at: string;
          actor: string;
          from_status: CaseStatus | null;
          to_status: CaseStatus;
          detail: string | null;
        }[]
      ).map((e): ChangeEvent => ({
        at: e.at,
        actor: e.actor,
        kind: 'case',
        caseId: own.id,
        from: e.from_status,
        to: e.to_status,
        text: e.detail,
      }))
    : [];
  // A verdict and the case event it caused share their time (reviews-repo.ts): the stable sort keeps the verdict first.
  return [...reviews, ...caseEvents].sort((a, b) => a.at.localeCompare(b.at));
}
