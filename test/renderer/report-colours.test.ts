// The colours a report's 3D snapshot paints changes in (renderer/colours.ts) are the report's own: red added, blue
// removed, the same values as its oblique views (core/report/oblique.ts), whatever the UI colours changes by.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { REPORT_SIGN_COLOURS, reportColour } from '../../renderer/colours';

const hex = (rgb: number[]) => `#${rgb.map((v) => v.toString(16).padStart(2, '0')).join('')}`;

describe('the report’s colours in the UI’s snapshots', () => {
  it('are the report’s oblique view colours of added and removed volume', () => {
    const source = readFileSync(new URL('../../core/report/oblique.ts', import.meta.url), 'utf8');
    const rgb = (name: string) => JSON.parse(new RegExp(`const ${name}: Rgb = (\\[[^\\]]+\\])`).exec(source)![1]) as number[];
    expect(REPORT_SIGN_COLOURS.added).toBe(hex(rgb('ADDED')));
    expect(REPORT_SIGN_COLOURS.removed).toBe(hex(rgb('REMOVED')));
  });

  it('go by the change’s sign', () => {
    expect(reportColour({ volume_m3: 120 })).toBe(REPORT_SIGN_COLOURS.added);
    expect(reportColour({ volume_m3: -8000 })).toBe(REPORT_SIGN_COLOURS.removed);
  });
});
