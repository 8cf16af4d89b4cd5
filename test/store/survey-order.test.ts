/** Which epoch a run may take as "before" (core/review/survey-order.ts), as the store and the review UI both decide. */
import { expect, it } from 'vitest';
import { laterFirst, type DateSource } from '../../core/review/survey-order';

const epoch = (date: string | null, dateFrom: DateSource | null) => ({ date, dateFrom });

it('refuses the later survey first only when both dates are sure, and questions a date read off a file', () => {
  expect(laterFirst(epoch('2025-03-01', 'gps'), epoch('2024-09-01', 'given'))).toBe('refused');
  expect(laterFirst(epoch('2025-03-01', 'file'), epoch('2024-09-01', 'gps'))).toBe('doubtful');
  // A project from before the date's source was recorded refused any such order, and still does.
  expect(laterFirst(epoch('2025-03-01', null), epoch('2024-09-01', 'gps'))).toBe('refused');
  expect(laterFirst(epoch('2024-09-01', 'gps'), epoch('2025-03-01', 'gps'))).toBeNull();
  // The same day, or a date missing, says nothing about the order.
  expect(laterFirst(epoch('2024-09-01', 'gps'), epoch('2024-09-01', 'gps'))).toBeNull();
  expect(laterFirst(epoch(null, null), epoch('2024-09-01', 'gps'))).toBeNull();
});
