import { cellCentre, type Grid } from '../diff/grid';
import { classify, type ClassifyOptions } from './classify';
import { traceFootprint } from './footprint';
import { measure, type MeasureContext, type Measurement } from './measure';
import type { Candidate } from './segment';
import type { ChangeObject, SuppressedCandidate } from './types';

/**
 * Judges one candidate: a change object, a suppressed candidate worth listing, or nothing
 * (a crumb too small to be either). Ids are given later, once every tile has reported.
 */
export function judgeCandidate(
  c: Candidate,
  ctx: MeasureContext,
  options: ClassifyOptions & { voxel: number },
): { change: ChangeObject } | { suppressed: SuppressedCandidate } | null {
  const { grid } = ctx;
  // Fewer cells than half the smallest reportable area can be neither a change nor worth
  // listing as suppressed: skip them before any measuring.
  const crumbCells = options.minArea / 2 / (grid.cell * grid.cell);
  if (c.cells.length + c.enclosedUnseen.length < crumbCells) return null;
  const m = measure(c, ctx);
  const v = classify(m, ctx, options);
  const footprint = traceFootprint(m.cells, grid, options.voxel * 0.75);
  const centroid = centroidOf(m, grid);
  if (!v.suppressed) return { change: toChangeObject(m, v, footprint, centroid) };
  // Crumbs (a few cells) are not worth listing; everything else is, so every decision can be explained.
  if (m.areaM2 < options.minArea / 2) return null;
  return {
    suppressed: {
      reason: v.suppressed.reason,
      detail: v.suppressed.detail,
      footprint,
      centroid,
      area_m2: round(m.areaM2, 2),
      volume_m3: round(m.volumeM3, 1),
      height_change_mean_m: round(m.meanChange, 2),
    },
  };
}

function centroidOf(m: Measurement, grid: Grid): [number, number] {
  // Weighted by how much of each cell the object covers, so partly covered edges do not pull it.
  let sx = 0;
  let sy = 0;
  let sw = 0;
  m.cells.forEach((k, i) => {
    const [x, y] = cellCentre(grid, k);
    const w = m.weights[i];
    sx += x * w;
    sy += y * w;
    sw += w;
  });
  if (sw === 0) {
    // Every edge weight vanished (a degenerate object): fall back to the plain cell centroid.
    const [cx, cy] = m.cells.reduce<[number, number]>(
      (acc, k) => {
        const [x, y] = cellCentre(grid, k);
        return [acc[0] + x, acc[1] + y];
      },
      [0, 0],
    );
    return [round(cx / m.cells.length, 2), round(cy / m.cells.length, 2)];
  }
  return [round(sx / sw, 2), round(sy / sw, 2)];
}

function toChangeObject(
  m: Measurement,
  v: ReturnType<typeof classify>,
  footprint: ChangeObject['footprint'],
  centroid: [number, number],
): ChangeObject {
  const nullIfNaN = (x: number) => (Number.isNaN(x) ? null : round(x, 3));
  return {
    id: '',
    type: v.type,
    footprint,
    centroid,
    area_m2: round(m.areaM2, 2),
    volume_m3: round(m.volumeM3, 1),
    height_change_max_m: round(m.maxChange, 2),
    height_change_mean_m: round(m.meanChange, 2),
    storeys: v.storeys,
    ground_z: round(m.groundZ, 2),
    before_top_z: round(m.beforeTop, 2),
    after_top_z: round(m.afterTop, 2),
    before_height_m: round(m.beforeHeight, 2),
    after_height_m: round(m.afterHeight, 2),
    confidence: v.confidence,
    evidence: {
      pointsBefore: m.pointsBefore,
      pointsAfter: m.pointsAfter,
      coverage: round(m.coverage, 3),
      supportShare: round(m.supportShare, 3),
      greenness: nullIfNaN(m.greenness),
      ...(Number.isNaN(m.greenness) ? {} : { greennessSource: m.greennessFromOrtho ? ('orthophoto' as const) : ('points' as const) }),
      ...(Number.isNaN(m.orthoGreenness) ? {} : { orthoGreenness: round(m.orthoGreenness, 3) }),
      roughness: nullIfNaN(m.roughness),
      planarShare: nullIfNaN(m.planarShare),
      curvedShare: nullIfNaN(m.curvedShare),
      verticalSpread: round(m.spread, 3),
      vegetationClassShare: nullIfNaN(m.vegetationClassShare),
      reasons: v.reasons,
    },
  };
}

function round(v: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(v * f) / f;
}
