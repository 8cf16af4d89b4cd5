/**
 * Whether a case is past its rectification date (整改期限) and by how many days: one rule for the review UI's ledger,
 * its change detail and the PDF report. Pure: the moment to judge by is given, read on the bureau's clock.
 */
import { onBureauClock } from './clock';
import type { CaseStatus } from './types';

/** Statuses that settle a case: once rectified or closed it is never overdue, whatever its due date. */
export const SETTLED_CASE_STATUSES: readonly CaseStatus[] = ['rectified', 'closed'];

const DAY = /^(\d{4})-(\d{2})-(\d{2})$/;

/** A YYYY-MM-DD day as days since 1970-01-01, or null when it is no day of the calendar. */
function dayNumber(day: string): number | null {
  const m = DAY.exec(day);
  if (!m) return null;
  const [year, month, date] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const t = Date.UTC(year, month - 1, date);
  const d = new Date(t);
  if (d.getUTCFullYear() !== year || d.getUTCMonth() !== month - 1 || d.getUTCDate() !== date) return null;
  return t / 86_400_000;
}

/** The day (YYYY-MM-DD) a moment falls on by the bureau's clock (UTC+8): a report dated 23:30 UTC reads the next day. */
export function bureauDay(at: string | Date): string | null {
  const iso = typeof at === 'string' ? at : Number.isNaN(at.getTime()) ? '' : at.toISOString();
  const day = onBureauClock(iso).slice(0, 10);
  return dayNumber(day) === null ? null : day;
}

/**
 * How many days an open case is overdue on the bureau's day of `at`: 1 the day after its due date, null when it is not
 * overdue (no due date, due that day or later, rectified or closed, or a due date or time that is no day).
 */
export function overdueDays(kase: { status: CaseStatus; dueDate: string | null | undefined }, at: string | Date): number | null {
  if (!kase.dueDate || SETTLED_CASE_STATUSES.includes(kase.status)) return null;
  const today = bureauDay(at);
  const due = dayNumber(kase.dueDate);
  if (today === null || due === null) return null;
  const days = (dayNumber(today) as number) - due;
  return days > 0 ? days : null;
}
