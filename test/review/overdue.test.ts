/** The overdue rule (core/review/overdue.ts) the ledger, the change detail and the PDF report share. */
import { describe, expect, it } from 'vitest';
import { bureauDay, overdueDays } from '../../core/review/overdue';
import { CASE_STATUSES, type CaseStatus } from '../../core/review/types';

const open = (dueDate: string | null, status: CaseStatus = 'rectification_due') => ({ status, dueDate });

describe('overdueDays', () => {
  it('counts from the day after the due date, on the bureau day of the moment given', () => {
    // Noon in Shenzhen (04:00 UTC) each day.
    expect(overdueDays(open('2025-01-31'), '2025-01-30T04:00:00Z')).toBeNull();
    expect(overdueDays(open('2025-01-31'), '2025-01-31T04:00:00Z')).toBeNull();
    expect(overdueDays(open('2025-01-31'), '2025-02-01T04:00:00Z')).toBe(1);
    expect(overdueDays(open('2025-01-31'), '2025-03-01T04:00:00Z')).toBe(29);
    // Across a leap day and a year: the report of the user's review, dated 2026-11-28.
    expect(overdueDays(open('2024-02-28'), '2024-03-01T04:00:00Z')).toBe(2);
    expect(overdueDays(open('2025-01-31'), '2026-11-28T04:00:00Z')).toBe(666);
  });

  it('reads the day on the bureau clock (UTC+8), not in UTC, around midnight', () => {
    // 15:59 UTC on the 31st is 23:59 on the 31st in Shenzhen: the due day itself.
    expect(overdueDays(open('2025-01-31'), '2025-01-31T15:59:00Z')).toBeNull();
    // 16:00 UTC on the 31st is already 00:00 on 1 February in Shenzhen: a day overdue, though UTC still says the 31st.
    expect(overdueDays(open('2025-01-31'), '2025-01-31T16:00:00Z')).toBe(1);
    expect(overdueDays(open('2025-01-31'), new Date('2025-01-31T16:00:00Z'))).toBe(1);
    // 23:30 UTC on 1 February is 07:30 on the 2nd in Shenzhen.
    expect(overdueDays(open('2025-01-31'), '2025-02-01T23:30:00Z')).toBe(2);
    expect(overdueDays(open('2025-01-31'), '2025-02-01T00:30:00+08:00')).toBe(1);
    expect(bureauDay('2025-01-31T16:00:00Z')).toBe('2025-02-01');
    expect(bureauDay('2025-01-31T15:59:59Z')).toBe('2025-01-31');
  });

  it('never calls a rectified or closed case overdue; every other status is open', () => {
    const late = '2026-11-28T04:00:00Z';
    for (const status of CASE_STATUSES) {
      const days = overdueDays(open('2025-01-31', status), late);
      expect(days, status).toBe(status === 'rectified' || status === 'closed' ? null : 666);
    }
  });

  it('is not overdue without a due date, with a due date that is no day, or at a time that is no time', () => {
    expect(overdueDays(open(null), '2026-11-28T04:00:00Z')).toBeNull();
    expect(overdueDays({ status: 'open', dueDate: undefined }, '2026-11-28T04:00:00Z')).toBeNull();
    expect(overdueDays(open('2025-02-30'), '2026-11-28T04:00:00Z')).toBeNull();
    expect(overdueDays(open('31/01/2025'), '2026-11-28T04:00:00Z')).toBeNull();
    expect(overdueDays(open('2025-01-31'), 'not a time')).toBeNull();
    expect(overdueDays(open('2025-01-31'), new Date(Number.NaN))).toBeNull();
    expect(bureauDay('not a time')).toBeNull();
  });
});
