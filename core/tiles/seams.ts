import { finishUncertain, type UnseenPiece } from '../changes/uncertain';
import type { UncertainArea } from '../changes/types';
import type { TileLayout } from './layout';

/**
 * Uncertain patches are found per tile core; those touching a seam come back as raw pieces
 * (cells in the run's grid) and are joined here with the 8-connected pieces across the seam,
 * then judged once whole: a data hole across a seam is one uncertain area, as without tiles.
 */
export function mergeUncertain(
  finished: UncertainArea[],
  pieces: UnseenPiece[],
  layout: TileLayout,
  o: { minUncertainArea: number; voxel: number },
): UncertainArea[] {
  const { nx, ny } = layout.grid;
  const owner = new Map<number, number>();
  pieces.forEach((p, i) => {
    for (const k of p.cells) owner.set(k, i);
  });
  const parent = pieces.map((_, i) => i);
  const find = (i: number): number => {
    while (parent[i] !== i) i = parent[i] = parent[parent[i]];
    return i;
  };
  pieces.forEach((p, i) => {
    for (const k of p.cells) {
      const x = k % nx;
      const y = (k - x) / nx;
      for (let dy = -1; dy <= 1; dy++) {
        for (let dx = -1; dx <= 1; dx++) {
          const xx = x + dx;
          const yy = y + dy;
          if (xx < 0 || yy < 0 || xx >= nx || yy >= ny) continue;
          const j = owner.get(yy * nx + xx);
          if (j === undefined || pieces[j].unseenIn !== p.unseenIn) continue;
          const [ri, rj] = [find(i), find(j)];
          if (ri !== rj) parent[Math.max(ri, rj)] = Math.min(ri, rj);
        }
      }
    }
  });
  const groups = new Map<number, UnseenPiece>();
  pieces.forEach((p, i) => {
    const root = find(i);
    const g = groups.get(root);
    if (!g) groups.set(root, { unseenIn: p.unseenIn, cells: [...p.cells], height: p.height });
    else {
      for (const k of p.cells) g.cells.push(k);
      g.height = Math.max(g.height, p.height);
    }
  });
  const out = [...finished];
  for (const g of groups.values()) {
    // Cells in row order, as a single tile would have listed them.
    g.cells.sort((p, q) => p - q);
    const area = finishUncertain(g, layout.grid, o);
    if (area) out.push(area);
  }
  return out;
}
