import { areaOf, intersectionArea, type MultiPolygonCoords } from '../geo/polygons';
import { grouped } from './format';

/** What the matcher needs of a change, from any run. */
export interface MatchableChange {
  footprint: MultiPolygonCoords;
  area_m2: number;
  volume_m3: number;
  after_top_z: number;
}

export type Match = { kind: 'same'; overlap: number } | { kind: 'grew'; overlap: number; detail: string } | null;

/** Footprints sharing this much of the smaller one are the same structure. */
export const MIN_OVERLAP = 0.5;
/** Taller than the earlier one by more than this (metres), or this much larger in plan, is growth. */
const HEIGHT_TOLERANCE = 1.0;
const AREA_GROWTH = 1.25;

/** Below MIN_OVERLAP, from this share of the smaller footprint on, a judged structure is worth naming beside a change. */
export const NEAR_OVERLAP = 0.1;

/** The share of the smaller footprint two changes of the same sign share (0 for changes of opposite signs). */
export function sharedShare(earlier: MatchableChange, later: MatchableChange): number {
  if (Math.sign(earlier.volume_m3) !== Math.sign(later.volume_m3)) return 0;
  const shared = intersectionArea(earlier.footprint, later.footprint);
  if (shared <= 0) return 0;
  return shared / Math.max(1e-9, Math.min(areaOf(earlier.footprint), areaOf(later.footprint)));
}

/**
 * Is `later` the same structure an analyst already judged as `earlier` (footprint overlap and
 * height)? A structure that grew since is reported as grown, so its verdict is not carried and
 * it is flagged again.
 */
export function matchStructure(earlier: MatchableChange, later: MatchableChange): Match {
  const overlap = sharedShare(earlier, later);
  if (overlap < MIN_OVERLAP) return null;
  const taller = later.after_top_z - earlier.after_top_z;
  if (later.volume_m3 > 0 && taller > HEIGHT_TOLERANCE) {
    return { kind: 'grew', overlap, detail: `${taller.toFixed(1)} m taller than when it was judged` };
  }
  if (later.volume_m3 > 0 && later.area_m2 > earlier.area_m2 * AREA_GROWTH + 5) {
    return { kind: 'grew', overlap, detail: `${grouped(later.area_m2 - earlier.area_m2)} m² larger than when it was judged` };
  }
  return { kind: 'same', overlap };
}
