// The ground's height under the overlays laid on it (the uncertain areas, the suppressed candidates), from the points
// drawn now: one grid over all of them, so a layer of many patches asks the drawn points once.
import type * as THREE from 'three';
import type { PolygonCoords } from '../core/changes/types';
import { terrainHeights } from './terrain';

/** Cells of the grid (each patch is set on the ground under its centre). */
const GROUND_CELLS = 32;

/**
 * The ground's height (scene coordinates) at a scene point, over the box of `footprints` (world coordinates); `floorZ`
 * where nothing is drawn (no points loaded yet, or a cell without any).
 */
export function groundUnder(
  scene: THREE.Scene,
  origin: readonly number[],
  footprints: PolygonCoords[][],
  floorZ: number,
): (x: number, y: number) => number {
  const [ox, oy] = origin;
  // A loop, not Math.min(...xs): a district's thousands of candidates are more vertices than a call takes arguments.
  const box = { minX: Infinity, minY: Infinity, maxX: -Infinity, maxY: -Infinity };
  for (const footprint of footprints)
    for (const polygon of footprint)
      for (const [x, y] of polygon[0]) {
        box.minX = Math.min(box.minX, x - ox - 1);
        box.minY = Math.min(box.minY, y - oy - 1);
        box.maxX = Math.max(box.maxX, x - ox + 1);
        box.maxY = Math.max(box.maxY, y - oy + 1);
      }
  if (box.minX === Infinity) return () => floorZ;
  const n = GROUND_CELLS;
  // terrainHeights takes world coordinates and an origin: with a zero origin, the scene's own.
  const heights = terrainHeights(scene, [0, 0, 0], box, n);
  if (!heights) return () => floorZ;
  return (x, y) => {
    const i = Math.round(((x - box.minX) / (box.maxX - box.minX)) * n);
    const j = Math.round(((y - box.minY) / (box.maxY - box.minY)) * n);
    const z = heights[Math.min(n, Math.max(0, j)) * (n + 1) + Math.min(n, Math.max(0, i))];
    return Number.isFinite(z) ? z : floorZ;
  };
}
