import { describe, expect, it } from 'vitest';
import { declutter, type LabelBox } from '../../renderer/declutter';

const at = (x: number, y: number, w = 40, h = 16): LabelBox => ({ left: x, top: y, right: x + w, bottom: y + h });

describe('decluttering the change labels', () => {
  it('hides a label that overlaps one shown before it, and keeps those that touch nothing', () => {
    expect(declutter([at(0, 0), at(20, 8), at(100, 0), at(100, 16)])).toEqual([true, false, true, true]);
  });

  it('lets the first (the selected change) win, and a label hidden by it does not hide a third', () => {
    // b overlaps a and c; c overlaps only b: with b hidden, c shows.
    expect(declutter([at(0, 0), at(30, 0), at(60, 0)])).toEqual([true, false, true]);
    expect(declutter([at(30, 0), at(0, 0), at(60, 0)])).toEqual([true, false, false]);
  });

  it('finds overlaps across grid cells and skips labels off the screen', () => {
    expect(declutter([at(60, 60, 10, 10), null, at(66, 66, 10, 10), at(-500, -500)])).toEqual([true, false, false, true]);
  });
});
