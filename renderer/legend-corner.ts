// Where the colour legend stands over the 3D view (renderer/legend.ts): the first corner that covers none of what the
// analyst is looking at. No DOM here, so a unit test can check it.

export interface ScreenBox {
  left: number;
  top: number;
  right: number;
  bottom: number;
}

export const CORNERS = ['bottom-right', 'bottom-left', 'top-right'] as const;
export type Corner = (typeof CORNERS)[number];
/** The gap between the legend and the view's edges (style.css places it so). */
const MARGIN = 8;

const overlap = (a: ScreenBox, b: ScreenBox) =>
  Math.max(0, Math.min(a.right, b.right) - Math.max(a.left, b.left)) * Math.max(0, Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top));

/**
 * The corner of a `width` × `height` view where a `w` × `h` legend covers least of the `avoid` boxes (the first free
 * one in CORNERS' order: bottom right, where nothing else sits, unless the selected change or a panel is there).
 */
export function legendCorner(view: { width: number; height: number }, legend: { w: number; h: number }, avoid: ScreenBox[]): Corner {
  if (avoid.length === 0) return CORNERS[0];
  const boxOf = (corner: Corner): ScreenBox => {
    const left = corner.endsWith('right') ? view.width - MARGIN - legend.w : MARGIN;
    const top = corner.startsWith('bottom') ? view.height - MARGIN - legend.h : MARGIN;
    return { left, top, right: left + legend.w, bottom: top + legend.h };
  };
  let best: Corner = CORNERS[0];
  let least = Infinity;
  for (const corner of CORNERS) {
    const covered = avoid.reduce((sum, box) => sum + overlap(boxOf(corner), box), 0);
    if (covered === 0) return corner;
    if (covered < least) [best, least] = [corner, covered];
  }
  return best;
}
