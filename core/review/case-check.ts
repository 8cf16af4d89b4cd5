import type { HeightPatch } from '../changes/patches';
import type { ChangeType } from '../changes/types';
import { containsPoint, intersectionArea, areaOf, type MultiPolygonCoords } from '../geo/polygons';
import { grouped } from './format';
import { ofRun } from './run-ref';
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
   * Whether the run's earlier epoch already held the violation, from the epochs' order (default
   * true), for when the run's own heights cannot tell: then its changes say what happened to it
   * since. A run from before it (1 → 3 for a case found on 1 → 2) finds the violation itself as
   * added volume, which is not growth, and what it removed stood before the violation.
   */
  changesSinceCase?: boolean;
  /**
   * The case stands rectified (a survey showed it removed): the run looks for the structure
   * standing again (拆后复建); a rerun of the comparison that showed the removal links it again.
   */
  rectified?: boolean;
  /**
   * The later run's number. The changes a finding names are that run's and the case is another
   * run's, so they are named with it ("run 2 C003"): every run numbers its changes from C001.
   */
  run?: number;
}

/**
 * What a later run says about a confirmed violation: demolished (its volume removed), grown
 * further, still standing (its height still there), standing again after its removal, or not
 * verifiable (the later epoch did not see it). `view` is the run's height window over the
 * case's footprint, before and after. The run's changes count only when its earlier epoch held
 * the structure (its heights there say so, or else the epochs' order): otherwise the run's added
 * volume is the structure being built, not growth.
 */
export function checkCase(
  subject: CaseSubject,
  later: LaterChange[],
  view: HeightPatch | null,
  context: CaseCheckContext = {},
): CaseFinding {
  const area = Math.max(1e-9, areaOf(subject.footprint));
  const overlapping = later.filter((c) => intersectionArea(subject.footprint, c.footprint) / area >= 0.3);
  const additions = overlapping.filter((c) => c.volume_m3 > 0);
  const held = heightShares(subject, view, 'before');
  if (held ? held.share >= 0.5 : (context.changesSinceCase ?? true)) {
    const removals = overlapping.filter((c) => c.volume_m3 < 0);
    const removed = -removals.reduce((s, c) => s + c.volume_m3, 0);
    if (removed >= 0.5 * Math.abs(subject.volume_m3)) {
      return {
        outcome: 'rectified',
        status: 'rectified',
        detail: `${grouped(removed)} m³ removed (${codesOf(removals, context)}), of the ${grouped(Math.abs(subject.volume_m3))} m³ violation`,
        changes: removals.map((c) => c.code),
      };
    }
    if (additions.length > 0 && !context.rectified) {
      return {
        outcome: 'grew',
        status: 'not_rectified',
        detail: `grew further by ${volumeOf(additions)} m³ (${codesOf(additions, context)})`,
        changes: additions.map((c) => c.code),
      };
    }
  }
  const standing = heightShares(subject, view, 'after');
  if (context.rectified) return checkRemoved(subject, standing, additions, context);
  if (standing === null) return unverifiable();
  const top = topOf(standing);
  // Built higher since (another storey, a shed on it), whether or not the run's changes say so:
  // a run from before the violation cannot tell growth from the violation itself.
  if (standing.higherShare >= 0.3) {
    return {
      outcome: 'grew',
      status: 'not_rectified',
      detail: `${percent(standing.higherShare)} % of the footprint stands ${GREW_BY_M} m or more above its top when confirmed (${topOf({ top: standing.higherTop })})`,
      changes: [],
    };
  }
  if (standing.share >= 0.5) {
    return {
      outcome: 'still_standing',
      status: 'not_rectified',
      detail: `${percent(standing.share)} % of the footprint keeps its height (${top})`,
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

const unverifiable = (): CaseFinding => ({
  outcome: 'unverifiable',
  status: null,
  detail: 'the later epoch did not see this footprint well enough to tell',
  changes: [],
});

/**
 * A rectified case: rebuilt when half its footprint is back at its height (a shed put on the
 * cleared lot is a change of its own, not the structure back), or, unseen, when the run added
 * half its volume over it; the additions over it are the evidence.
 */
function checkRemoved(
  subject: CaseSubject,
  standing: ReturnType<typeof heightShares>,
  additions: LaterChange[],
  context: CaseCheckContext,
): CaseFinding {
  const evidence = additions.map((c) => c.code);
  if (standing === null) {
    const added = additions.reduce((s, c) => s + c.volume_m3, 0);
    if (added < 0.5 * Math.abs(subject.volume_m3)) return unverifiable();
    return {
      outcome: 'rebuilt',
      status: 'not_rectified',
      detail: `${volumeOf(additions)} m³ built over its footprint again (${codesOf(additions, context)})`,
      changes: evidence,
    };
  }
  if (standing.share >= 0.5) {
    return {
      outcome: 'rebuilt',
      status: 'not_rectified',
      detail: `${percent(standing.share)} % of the footprint back at its height (${topOf(standing)})`,
      changes: evidence,
    };
  }
  return {
    outcome: 'rectified',
    status: 'rectified',
    detail: `still removed: ${percent(standing.share)} % of the footprint at its former height`,
    changes: [],
  };
}

const percent = (share: number) => Math.round(share * 100);
/** The later run's changes, with that run when it is known: "run 2 C001, C003". */
const codesOf = (changes: LaterChange[], context: CaseCheckContext) => {
  const codes = changes.map((c) => c.code);
  return context.run === undefined ? codes.join(', ') : ofRun(context.run, codes);
};
const volumeOf = (changes: LaterChange[]) => grouped(changes.reduce((s, c) => s + c.volume_m3, 0));
/** The surface most of the footprint stands at (its median), an elevation (the survey's heights), not a height above the ground. */
const topOf = (standing: { top: number }) => `top at ${grouped(standing.top, 1)} m elevation`;

/** Height above the violation's top that counts as built higher since: most of a storey. */
const GREW_BY_M = 2.5;

/**
 * Shares of the footprint cells seen in one epoch of the run (`before` or `after`) whose top is
 * within 1.5 m of the violation's top or above it (`share`), and GREW_BY_M or more above it
 * (`higherShare`); null when that epoch saw less than half the footprint.
 */
function heightShares(
  subject: CaseSubject,
  view: HeightPatch | null,
  epoch: 'before' | 'after',
): { share: number; higherShare: number; top: number; higherTop: number } | null {
  if (!view) return null;
  let inside = 0;
  const seen: number[] = [];
  const higher: number[] = [];
  let kept = 0;
  for (let r = 0; r < view.height; r++) {
    const y = view.y0 + (r + 0.5) * view.cell;
    for (let c = 0; c < view.width; c++) {
      const x = view.x0 + (c + 0.5) * view.cell;
      if (!containsPoint(subject.footprint, x, y)) continue;
      inside++;
      const z = view[epoch][r * view.width + c];
      if (Number.isNaN(z)) continue;
      seen.push(z);
      if (z >= subject.after_top_z - 1.5) kept++;
      if (z >= subject.after_top_z + GREW_BY_M) higher.push(z);
    }
  }
  if (inside === 0 || seen.length < 0.5 * inside) return null;
  // The height the footprint stands at, not its highest cell: an extension's outline takes in a cell or two of the
  // taller house it leans on, whose roof would otherwise be given as the extension's top.
  return { share: kept / seen.length, higherShare: higher.length / seen.length, top: median(seen), higherTop: median(higher) };
}

function median(values: number[]): number {
  if (values.length === 0) return NaN;
  const sorted = Float64Array.from(values).sort();
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}
