// Days and times in the UI (renderer/time.ts): YYYY-MM-DD whatever the language and the browser's locale, times with
// their UTC offset as the PDF report gives them, and days typed in the forms Chinese analysts use.
import { describe, expect, it } from 'vitest';
import { formatDateTime } from '../../core/report/i18n';
import { localTime, parseDay, utcOffset } from '../../renderer/time';

describe('times in the UI', () => {
  it('read to the minute with their offset, as the report writes them for the bureau’s clock', () => {
    const at = '2025-03-01T06:02:41.512Z';
    expect(localTime(new Date(at), true, 480)).toBe('2025-03-01 14:02 (UTC+8)');
    expect(localTime(new Date(at), true, 480)).toBe(formatDateTime(at));
    // Late in the day in UTC is the next day in Shenzhen.
    expect(localTime(new Date('2025-01-31T17:30:00Z'), false, 480)).toBe('2025-02-01');
    expect(localTime(new Date('2025-01-31T17:30:00Z'), true, 0)).toBe('2025-01-31 17:30 (UTC+0)');
    expect(localTime(new Date('2025-01-31T17:30:00Z'), true, -210)).toBe('2025-01-31 14:00 (UTC−3:30)');
  });

  it('show a stored time that is no time as a dash, without throwing', () => {
    expect(localTime(new Date('not a time'), true)).toBe('—');
    expect(localTime(new Date(Number.NaN))).toBe('—');
  });

  it('read the bureau’s clock by default, as the report does, whatever the browser’s', () => {
    const late = '2025-06-15T20:30:00Z';
    expect(localTime(new Date(late), true)).toBe('2025-06-16 04:30 (UTC+8)');
    expect(localTime(new Date(late), true)).toBe(formatDateTime(late));
    expect(localTime(new Date(late))).toBe('2025-06-16');
  });

  it('name offsets as the report does', () => {
    expect([utcOffset(480), utcOffset(330), utcOffset(-180), utcOffset(0), utcOffset(345)]).toEqual([
      'UTC+8',
      'UTC+5:30',
      'UTC−3',
      'UTC+0',
      'UTC+5:45',
    ]);
  });
});

describe('a day typed by the analyst', () => {
  it('is read year first in the forms in use, as YYYY-MM-DD', () => {
    for (const text of ['2025-01-31', '2025/1/31', '2025.01.31', ' 2025-1-31 ', '2025年1月31日', '20250131'])
      expect(parseDay(text), text).toBe('2025-01-31');
  });

  it('is refused when it is no day of the calendar or not year first', () => {
    for (const text of ['2025-02-30', '2025-13-01', '2024-02-30', '01/31/2025', '31.01.2025', '2025-01', 'tomorrow', ''])
      expect(parseDay(text), text).toBeNull();
    expect(parseDay('2024-02-29')).toBe('2024-02-29'); // a leap day
  });
});
