// World boxes around what the view flies to (changes, cases, leads).
import type { PolygonCoords } from '../core/changes/types';
import type { BoxXY } from './viewer';

export function footprintBox(footprint: PolygonCoords[], margin: number): BoxXY {
  const xs = footprint.flatMap((p) => p[0].map(([x]) => x));
  const ys = footprint.flatMap((p) => p[0].map(([, y]) => y));
  return { minX: Math.min(...xs) - margin, minY: Math.min(...ys) - margin, maxX: Math.max(...xs) + margin, maxY: Math.max(...ys) + margin };
}

export const pointBox = (x: number, y: number, radius: number): BoxXY => ({
  minX: x - radius,
  minY: y - radius,
  maxX: x + radius,
  maxY: y + radius,
});
