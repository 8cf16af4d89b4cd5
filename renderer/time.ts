// Days and times as the UI shows them: days as YYYY-MM-DD in every language (never the browser's locale, 01/31/2025),
// times to the minute with their UTC offset, on the bureau's clock as the PDF report writes them ("2025-03-01 14:02 (UTC+8)"). No DOM here,
// so a unit test can check it.
import { BUREAU_UTC_OFFSET_MINUTES, utcOffset } from '../core/review/clock';

export { utcOffset };

/**
 * A time as the bureau's clock reads it (core/review/clock.ts), as the reports write it: the day (YYYY-MM-DD), or to
 * the minute with the clock's offset. Another offset may be given.
 */
export function localTime(date: Date, toMinute = false, minutesEast = BUREAU_UTC_OFFSET_MINUTES): string {
  // A stored time that is no time (a hand-edited project) shows as a dash, not as an error that stops the page.
  if (Number.isNaN(date.getTime())) return '—';
  const iso = new Date(date.getTime() + minutesEast * 60_000).toISOString();
  return toMinute ? `${iso.slice(0, 10)} ${iso.slice(11, 16)} (${utcOffset(minutesEast)})` : iso.slice(0, 10);
}

/**
 * A day as an analyst types it, as YYYY-MM-DD: 2025-01-31, also 2025/1/31, 2025.1.31, 2025年1月31日 and 20250131.
 * Null when it is no day of the calendar (2025-02-30) or not written year first.
 */
export function parseDay(text: string): string | null {
  const m = /^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$/.exec(text.trim()) ?? /^(\d{4})(\d{2})(\d{2})$/.exec(text.trim());
  if (!m) return null;
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const date = new Date(Date.UTC(year, month - 1, day));
  if (date.getUTCFullYear() !== year || date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day) return null;
  return date.toISOString().slice(0, 10);
}
