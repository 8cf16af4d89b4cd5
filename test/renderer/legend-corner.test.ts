// Where the legend goes (renderer/legend-corner.ts): the first corner that covers none of what the analyst is
// looking at — the selected change and the panels over the view.
import { describe, expect, it } from 'vitest';
import { legendCorner } from '../../renderer/legend-corner';

const view = { width: 656, height: 690 };
const legend = { w: 160, h: 220 };
const bottomRightChange = { left: 560, top: 560, right: 620, bottom: 640 };
/** The not-flagged panel with a candidate's card open: the view's left, reaching its lower half. */
const tallPanel = { left: 8, top: 44, right: 258, bottom: 520 };

describe('the legend’s corner', () => {
  it('is the bottom right when nothing is to be kept clear, or nothing is there', () => {
    expect(legendCorner(view, legend, [])).toBe('bottom-right');
    expect(legendCorner(view, legend, [tallPanel])).toBe('bottom-right');
  });

  it('leaves the selected change for the bottom left, unless a panel reaches down there', () => {
    expect(legendCorner(view, legend, [bottomRightChange])).toBe('bottom-left');
    expect(legendCorner(view, legend, [bottomRightChange, tallPanel])).toBe('top-right');
  });

  it('takes the corner covering least when none is free', () => {
    // A change filling the lower right, the panel reaching 58 px into the lower left, a toolbar over the upper right.
    const bigChange = { left: 400, top: 300, right: 656, bottom: 690 };
    const everywhere = [bigChange, tallPanel, { left: 480, top: 0, right: 656, bottom: 100 }];
    expect(legendCorner(view, legend, everywhere)).toBe('bottom-left'); // 160 × 58 covered, more in the others
  });
});
