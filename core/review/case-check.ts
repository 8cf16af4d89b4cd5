import type { HeightPatch } from '../changes/patches';
import type { ChangeType } from '../changes/types';
import { containsPoint, intersectionArea, areaOf, type MultiPolygonCoords } from '../geo/polygons';
import type { CaseOutcome, CaseStatus } from './types';

export interface CaseSubject {
  footprint: MultiPolygonCoords;
  volume_m3: number;
  after_height_m: number;
  after_top_z: number;
}

export interface LaterChange {
  code: string;
  type: ChangeType;
  footprint: MultiPolygonCoords;
  volume_m3: number;
}

export interface CaseFinding {
  outcome: CaseOutcome;
  status: CaseStatus | null;
  detail: string;
  /** The later run's changes (ids) the finding rests on: the removals that rectified it, the additions it grew by. */
  changes: string[];
}

/** How a case stands when a later run checks it. */
export interface CaseCheckContext {
  /**
   * The run's earlier epoch already held the violation (default): then its changes say what
   * happened to it since. A run from before it (1 → 3 for a case found on 1 → 2) finds the
   * violation itself as added volume, which is not growth; and what it removed stood before the
   * violation. Such a run is judged on the later heights alone.
   */
  changesSinceCase?: boolean;
  /**
   * The case already stands rectified (a later epoch showed it removed): the run looks for the
   * structure standing again (拆后复建), and a rerun of the comparison that showed the removal
   * links the removal again.
   */
  rectified?: boolean;
}

/**
 * What a later run says about a confirmed violation: demolished (its volume removed), grown
 * further, still standing (its height still there), standing again after its removal, or not
 * verifiable (the later epoch did not see it). `view` is the later run's height window over the
 * case's footprint.
 */
export function checkCase(
  subject: CaseSubject,
  later: LaterChange[],
  view: HeightPatch | null,
  context: CaseCheckContext = {},
): CaseFinding {
  const { changesSinceCase = true, rectified = false } = context;
  const area = Math.max(1e-9, areaOf(subject.footprint));
  const overlapping = changesSinceCase ? later.filter((c) => intersectionArea(subject.footprint, c.footprint) / area >= 0.3) : [];
  const removed = -overlapping.filter((c) => c.volume_m3 < 0).reduce((s, c) => s + c.volume_m3, 0);
  const added = overlapping.filter((c) => c.volume_m3 > 0);
  if (removed >= 0.5 * Math.abs(subject.volume_m3)) {
    const codes = overlapping.filter((c) => c.volume_m3 < 0).map((c) => c.code);
    return {
      outcome: 'rectified',
      status: 'rectified',
      detail: `${removed.toFixed(0)} m³ removed (${codes.join(', ')}), of the ${Math.abs(subject.volume_m3).toFixed(0)} m³ violation`,
      changes: codes,
    };
  }
  if (added.length > 0) {
    const more = added.reduce((s, c) => s + c.volume_m3, 0).toFixed(0);
    const codes = added.map((c) => c.code);
    return rectified
      ? {
          outcome: 'rebuilt',
          status: 'not_rectified',
          detail: `built again after its removal: ${more} m³ added (${codes.join(', ')})`,
          changes: codes,
        }
      : { outcome: 'grew', status: 'not_rectified', detail: `grew further by ${more} m³ (${codes.join(', ')})`, changes: codes };
  }
  const standing = heightStillThere(subject, view);
  if (standing === null)
    return { outcome: 'unverifiable', status: null, detail: 'the later epoch did not see this footprint well enough to tell', changes: [] };
  const percent = (share: number) => Math.round(share * 100);
  const top = standing.top.toFixed(1);
  if (rectified) {
    // Removed before this run's earlier epoch: the later heights say whether it stands again.
    if (standing.share >= 0.5) {
      return {
        outcome: 'rebuilt',
        status: 'not_rectified',
        detail: `standing again after its removal: ${percent(standing.share)} % of the footprint at its height or above (top ${top} m)`,
        changes: [],
      };
    }
    return {
      outcome: 'rectified',
      status: 'rectified',
      detail: `still removed: only ${percent(standing.share)} % of the footprint keeps its height`,
      changes: [],
    };
  }
  // Built higher since (another storey, a shed on it), whether or not the run's changes say so:
  // a run from before the violation cannot tell growth from the violation itself.
  if (standing.higherShare >= 0.3) {
    return {
      outcome: 'grew',
      status: 'not_rectified',
      detail: `${percent(standing.higherShare)} % of the footprint stands ${GREW_BY_M} m or more above its top when confirmed (top ${top} m)`,
      changes: [],
    };
  }
  if (standing.share >= 0.5) {
    return {
      outcome: 'still_standing',
      status: 'not_rectified',
      detail: `${percent(standing.share)} % of the footprint keeps its height (top ${top} m)`,
      changes: [],
    };
  }
  return {
    outcome: 'rectified',
    status: 'rectified',
    detail: `only ${percent(standing.share)} % of the footprint keeps its height: removed below the detection threshold`,
    changes: [],
  };
}

/** Height above the violation's top that counts as built higher since: most of a storey. */
const GREW_BY_M = 2.5;

/**
 * Shares of the seen footprint cells whose later top is within 1.5 m of the violation's top or
 * above it (`share`), and GREW_BY_M or more above it (`higherShare`).
 */
function heightStillThere(subject: CaseSubject, view: HeightPatch | null): { share: number; higherShare: number; top: number } | null {
  if (!view) return null;
  let inside = 0;
  let seen = 0;
  let kept = 0;
  let higher = 0;
  let top = -Infinity;
  for (let r = 0; r < view.height; r++) {
    const y = view.y0 + (r + 0.5) * view.cell;
    for (let c = 0; c < view.width; c++) {
      const x = view.x0 + (c + 0.5) * view.cell;
      if (!containsPoint(subject.footprint, x, y)) continue;
      inside++;
      const z = view.after[r * view.width + c];
      if (Number.isNaN(z)) continue;
      seen++;
      if (z >= subject.after_top_z - 1.5) kept++;
      if (z >= subject.after_top_z + GREW_BY_M) higher++;
      top = Math.max(top, z);
    }
  }
  if (inside === 0 || seen < 0.5 * inside) return null;
  return { share: kept / seen, higherShare: higher / seen, top };
}
