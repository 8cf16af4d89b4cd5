// A lead's linked change at the lead's own spot reads 'at the spot' (该位置), not '0 m away', wherever it is said
// (core/review/away.ts: the lead's evidence, the CLI and the leads panel).
import { describe, expect, it } from 'vitest';
import { awayText } from '../../core/review/away';

describe('a linked change’s distance from the lead', () => {
  it('is “at the spot” under half a metre (0 m once rounded), metres away beyond', () => {
    expect(awayText(0, 'zh-CN')).toBe('该位置');
    expect(awayText(0.4, 'en')).toBe('at the spot');
    expect(awayText(0, 'en')).toBe('at the spot');
    expect(awayText(0.5, 'en')).toBe('1 m away');
    expect(awayText(23.2, 'zh-CN')).toBe('23 米');
    expect(awayText(23.2, 'en')).toBe('23 m away');
  });
});
