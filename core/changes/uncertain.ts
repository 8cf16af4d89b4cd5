import type { Grid } from '../diff/grid';
import { labelComponents } from '../diff/raster';
import type { EpochSurface } from '../diff/surfaces';
import { traceFootprint } from './footprint';
import type { UncertainArea } from './types';

/**
 * Patches that one epoch saw and the other did not (data holes, new occlusions): a change
 * there can be neither claimed nor ruled out, so the analyst is told where to look.
 */
export function findUncertainAreas(
  grid: Grid,
  a: EpochSurface,
  b: EpochSurface,
  ground: Float32Array,
  o: { minUncertainArea: number; voxel: number },
): UncertainArea[] {
  const n = grid.nx * grid.ny;
  const out: UncertainArea[] = [];
  const cellArea = grid.cell * grid.cell;
  for (const unseenIn of ['before', 'after'] as const) {
    const [missing, other] = unseenIn === 'before' ? [a, b] : [b, a];
    const mask = new Uint8Array(n);
    for (let k = 0; k < n; k++) if (!missing.observed[k] && other.observed[k]) mask[k] = 1;
    const { labels, count } = labelComponents(mask, grid.nx, grid.ny);
    const members: number[][] = Array.from({ length: count }, () => []);
    for (let k = 0; k < n; k++) if (labels[k]) members[labels[k] - 1].push(k);
    for (const cells of members) {
      const area = cells.length * cellArea;
      if (area < o.minUncertainArea) continue;
      let height = 0;
      let sx = 0;
      let sy = 0;
      for (const k of cells) {
        height = Math.max(height, other.top[k] - ground[k]);
        const x = k % grid.nx;
        sx += grid.x0 + (x + 0.5) * grid.cell;
        sy += grid.y0 + ((k - x) / grid.nx + 0.5) * grid.cell;
      }
      out.push({
        footprint: traceFootprint(cells, grid, o.voxel * 0.75),
        centroid: [Math.round((sx / cells.length) * 100) / 100, Math.round((sy / cells.length) * 100) / 100],
        area_m2: Math.round(area * 100) / 100,
        unseenIn,
        otherHeight_m: Math.round(height * 100) / 100,
      });
    }
  }
  return out;
}
