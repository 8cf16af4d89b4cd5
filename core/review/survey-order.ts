/**
 * Which of two epochs a run may take as "before". A run reads the later survey against the earlier one: the other
 * way round every new building would read as demolished, and verdicts and cases would follow that. A project refuses
 * it when both dates are known for sure (given by the analyst, or the points' GPS time); a date read from a file's
 * creation day can be months late, so that order is only questioned. Shared by the store and the review UI.
 */
export type DateSource = 'given' | 'gps' | 'file';

export interface DatedEpochRecord {
  date: string | null;
  dateFrom: DateSource | null;
}

// A project from before the source was recorded refused on any two dates: it still does.
const sure = (e: DatedEpochRecord) => e.dateFrom !== 'file';

/** 'refused': the before epoch is the later survey; 'doubtful': a date read off a file says so; else null. */
export function laterFirst(before: DatedEpochRecord, after: DatedEpochRecord): 'refused' | 'doubtful' | null {
  if (before.date === null || after.date === null || before.date <= after.date) return null;
  return sure(before) && sure(after) ? 'refused' : 'doubtful';
}
