/** The known answer of a generated district: changes that must be found, distractors that must not. */
import type { OrientedRect, Ring, Vec2 } from './geometry';
import { groundZ, type Terrain } from './scene';

export type ChangeType = 'new_building' | 'storeys_added' | 'rooftop_structure' | 'extension' | 'demolished' | 'height_decrease';

export interface TruthChange {
  id: string;
  type: ChangeType;
  /** Closed ring (EPSG:4547) of the changed part only. */
  footprint: Ring;
  area_m2: number;
  /** Solid volume, signed: + added, − removed. */
  volume_m3: number;
  height_change_m: number;
  /** Top of the changed part before/after: roof height, or mean terrain height under it. */
  before_top_z: number;
  after_top_z: number;
  /** Signed, 3 m per storey. */
  storeys: number;
  buildingId: string;
  /** Id of the box (part) added or removed, when the change is a part of a building. */
  structureId?: string;
  /** For removals in a later transition: the id of the earlier change they undo. */
  rectifies?: string;
  description: string;
}

export type DistractorKind = 'tree_grown' | 'tree_cut' | 'tree_planted' | 'car_moved' | 'car_added' | 'car_removed' | 'data_hole';

export interface TruthDistractor {
  id: string;
  kind: DistractorKind;
  /** Where it is (for a moved car: where it went; for trees: the larger crown). */
  footprint: Ring;
  /** A moved car's former place. */
  from_footprint?: Ring;
  /** Trees: crown centre and radii. */
  center?: Vec2;
  radius?: number;
  radius_before?: number;
  radius_after?: number;
  /** Data holes: the epoch that has no points there. */
  epoch?: number;
}

export interface EpochSurveyInfo {
  epoch: number;
  date: string;
  file: string;
  /** Points per m² on roofs and ground before occlusion. */
  density: number;
  noise: { horizontal: number; vertical: number };
  /** Misregistration applied to every point of the epoch, metres. */
  shift: [number, number, number];
}

export interface TransitionTruth {
  from: number;
  to: number;
  crs: string;
  seed: number;
  epochs: EpochSurveyInfo[];
  changes: TruthChange[];
  distractors: TruthDistractor[];
}

/**
 * ∫ (top − terrain) over a rectangle, by the midpoint rule on a grid of about `step` metres in the
 * rectangle's own frame (exact area, terrain curvature integrated).
 */
export function solidAboveTerrain(
  terrain: Terrain,
  rect: OrientedRect,
  topZ: number,
  step = 0.25,
): { volume: number; meanGround: number; area: number } {
  const nu = Math.max(1, Math.ceil((2 * rect.hw) / step));
  const nv = Math.max(1, Math.ceil((2 * rect.hd) / step));
  const du = (2 * rect.hw) / nu;
  const dv = (2 * rect.hd) / nv;
  const c = Math.cos(rect.angle);
  const s = Math.sin(rect.angle);
  let groundSum = 0;
  for (let i = 0; i < nu; i++) {
    const u = -rect.hw + (i + 0.5) * du;
    for (let j = 0; j < nv; j++) {
      const v = -rect.hd + (j + 0.5) * dv;
      groundSum += groundZ(terrain, rect.cx + u * c - v * s, rect.cy + u * s + v * c);
    }
  }
  const area = 4 * rect.hw * rect.hd;
  const meanGround = groundSum / (nu * nv);
  return { volume: area * (topZ - meanGround), meanGround, area };
}
