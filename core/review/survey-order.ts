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

const sure = (e: DatedEpochRecord) => e.dateFrom === 'given' || e.dateFrom === 'gps';

/** 'refused': the before epoch is surely the later survey; 'doubtful': its date says so, from a file; else null. */
export function laterFirst(before: DatedEpochRecord, after: DatedEpochRecord): 'refused' | 'doubtful' | null {
  if (before.date === null || after.date === null || before.date <= after.date) return null;
  return sure(before) && sure(after) ? 'refused' : 'doubtful';
}
