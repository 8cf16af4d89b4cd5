/**
 * The bureau's clock: China Standard Time (UTC+8, no summer time). The PDF reports and the review UI both write times
 * on it, so a run finished late in the evening reads the same day in both, whatever clock the workstation keeps.
 */
export const BUREAU_UTC_OFFSET_MINUTES = 480;

/** A UTC offset, minutes east of Greenwich, as reports and the UI name it: UTC+8, UTC+5:30, UTC−3, UTC+0. */
export function utcOffset(minutesEast: number): string {
  const m = Math.abs(Math.round(minutesEast));
  const [hours, minutes] = [Math.floor(m / 60), m % 60];
  return `UTC${minutesEast < 0 ? '−' : '+'}${hours}${minutes ? `:${String(minutes).padStart(2, '0')}` : ''}`;
}

/** An ISO time as the bureau's clock reads it to the minute, with its offset: "2026-11-26 13:50 (UTC+8)"; else as given. */
export function onBureauClock(iso: string): string {
  const t = Date.parse(iso);
  if (!Number.isFinite(t)) return iso;
  const local = new Date(t + BUREAU_UTC_OFFSET_MINUTES * 60_000).toISOString();
  return `${local.slice(0, 10)} ${local.slice(11, 16)} (${utcOffset(BUREAU_UTC_OFFSET_MINUTES)})`;
}
