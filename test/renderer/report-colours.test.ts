// The colours a report's 3D snapshot paints changes in (renderer/colours.ts) are the report's own: red added, blue
// removed, the same values as its oblique views (core/report/oblique.ts), whatever the UI colours changes by.
import { describe, expect, it } from 'vitest';
import { cssColour, SIGN_COLOURS } from '../../core/report/sign-colours';
import { REPORT_SIGN_COLOURS, reportColour } from '../../renderer/colours';

describe('the report’s colours in the UI’s snapshots', () => {
  it('are the report’s oblique view colours of added and removed volume', () => {
    expect(REPORT_SIGN_COLOURS).toEqual({ added: '#de4b2d', removed: '#3a76ce' });
    expect([cssColour(SIGN_COLOURS.added), cssColour(SIGN_COLOURS.removed)]).toEqual([
      REPORT_SIGN_COLOURS.added,
      REPORT_SIGN_COLOURS.removed,
    ]);
  });

  it('go by the change’s sign', () => {
    expect(reportColour({ volume_m3: 120 })).toBe(REPORT_SIGN_COLOURS.added);
    expect(reportColour({ volume_m3: -8000 })).toBe(REPORT_SIGN_COLOURS.removed);
  });
});
