// Which change labels the 3D view shows when they would overlap: the most important first, each one only where it
// covers none already shown. No DOM here, so a unit test can check it.

export interface LabelBox {
  left: number;
  top: number;
  right: number;
  bottom: number;
}

/** Pixels of one cell of the grid that finds a label's neighbours (about a label's width). */
const CELL = 64;

/**
 * `boxes` in order of importance (null: not on the screen). Returns which to show: each box that overlaps none of
 * those shown before it. A grid of screen cells keeps this linear in the number of labels.
 */
export function declutter(boxes: (LabelBox | null)[]): boolean[] {
  const grid = new Map<number, LabelBox[]>();
  const cells = (b: LabelBox) => {
    const out: number[] = [];
    for (let gy = Math.floor(b.top / CELL); gy <= Math.floor(b.bottom / CELL); gy++)
      for (let gx = Math.floor(b.left / CELL); gx <= Math.floor(b.right / CELL); gx++) out.push(gy * 100_003 + gx);
    return out;
  };
  return boxes.map((box) => {
    if (!box) return false;
    const mine = cells(box);
    const hit = mine.some((k) =>
      (grid.get(k) ?? []).some((o) => o.left < box.right && box.left < o.right && o.top < box.bottom && box.top < o.bottom),
    );
    if (hit) return false;
    for (const k of mine) grid.set(k, [...(grid.get(k) ?? []), box]);
    return true;
  });
}
