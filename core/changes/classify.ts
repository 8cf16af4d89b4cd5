import { eachNeighbour } from '../diff/grid';
import { standingHost } from './host';
import { roughnessScale, type Measurement, type MeasureContext, type SurfaceClues } from './measure';
import type { ChangeType, ClassifyOptions, SuppressionReason } from './types';

export type { ClassifyOptions } from './types';

/** Votes needed to call a candidate vegetation: colour plus one shape clue, or three shape clues. */
export const VEGETATION_SCORE = 2.5;

/**
 * Excess-green (ExG) of a candidate's colour that votes for vegetation (greenish, green, strongly
 * green) and against it (red tiles, brick, rust). The report's guide quotes them.
 */
export const EXG = { greenish: 0.05, green: 0.12, strong: 0.25, notVegetation: -0.15 } as const;

/** Plane residual (m, at 0.5 m voxels; roughnessScale for others) above which a top votes as rough. */
export const ROUGH_TOP = 0.15;

/** Height above ground below which a surface counts as bare ground (kerbs, low walls, noise). */
const BARE = 1.0;
/** Height above ground from which a surface counts as a building. */
const BUILT = 2.2;
/** Lowest standing structure (a one-storey shed) counted as a building at ground level. */
const MIN_STRUCTURE_HEIGHT = 2.0;

export interface Verdict {
  suppressed?: { reason: SuppressionReason; detail: string };
  type: ChangeType;
  storeys: number;
  confidence: number;
  reasons: string[];
  vegetationScore: number;
}

const ONE_DECIMAL = new Intl.NumberFormat('en-US', {
  minimumFractionDigits: 1,
  maximumFractionDigits: 1,
  useGrouping: false,
  signDisplay: 'negative',
});
/**
 * A measure in a reason, as the report prints the object's own figure: kept to two decimals (objects.ts), then one, half
 * away from zero. toFixed on the raw value said "over 23.6 m²" beside an area of 23.65 printed as 23.7.
 */
export const f1 = (v: number) => ONE_DECIMAL.format(Math.round(v * 100) / 100 + 0);
const f2 = (v: number) => v.toFixed(2);

/**
 * Votes for "this is vegetation": colour (against it too, when clearly not foliage-coloured),
 * roughness, missing roof planes, vertical scatter of points, the file's own classes, and a
 * crown-like (not box-like) profile. Only a top domed nearly everywhere decides alone (at
 * coarse voxels, only if not planar); the other clues need company, so a green steel roof
 * (planar) or an uncoloured tree (rough, scattered) come out right.
 */
export function vegetationScore(m: SurfaceClues & Pick<Measurement, 'fillRatio'>, cell = 0.5): { score: number; clues: string[] } {
  let score = 0;
  const clues: string[] = [];
  const where = m.greennessFromOrtho ? ' in the orthophoto' : '';
  if (m.greenness > EXG.strong) {
    score += 2;
    clues.push(`strongly green${where} (ExG ${f2(m.greenness)})`);
  } else if (m.greenness > EXG.green) {
    score += 1.5;
    clues.push(`green${where} (ExG ${f2(m.greenness)})`);
  } else if (m.greenness > EXG.greenish) {
    score += 1;
    clues.push(`greenish${where} (ExG ${f2(m.greenness)})`);
  } else if (m.greenness < EXG.notVegetation) {
    // Red tiles, brick, rust: a colour foliage seldom has. Shape clues blur at coarse voxels.
    score -= 1;
    clues.push(`not vegetation-coloured${where} (ExG ${f2(m.greenness)})`);
  }
  if (m.roughness > ROUGH_TOP * roughnessScale(cell)) {
    score += 1;
    clues.push(`rough top (${f2(m.roughness)} m)`);
  }
  if (m.planarShare < 0.5) {
    score += 1;
    clues.push(`few planar cells (${Math.round(m.planarShare * 100)} %)`);
  }
  if (m.spread > 1.0) {
    // Points spread metres deep inside a cell: a canopy that lets the survey see into it.
    score += 2;
    clues.push(`points scattered ${f1(m.spread)} m deep, as through a canopy`);
  } else if (m.spread > 0.4) {
    score += 1;
    clues.push(`points scattered in depth (${f2(m.spread)} m)`);
  } else if (m.spread > 0.25) {
    score += 0.5;
    clues.push(`points somewhat scattered in depth (${f2(m.spread)} m)`);
  }
  if (m.vegetationClassShare >= 0.4) {
    score += 2;
    clues.push(`classed vegetation by the survey (${Math.round(m.vegetationClassShare * 100)} %)`);
  }
  if (m.curvedShare > 0.6) {
    // Roofs are planes meeting along lines; a top curved both ways nearly everywhere is a crown.
    // At coarse voxels a hipped roof's apex fills the lattice too: on a planar top it needs company.
    score += cell > 0.5 && m.planarShare >= 0.5 ? 1.5 : 2.5;
    clues.push(`dome-shaped top, like a crown (${Math.round(m.curvedShare * 100)} % curved both ways)`);
  } else if (m.curvedShare > 0.4) {
    score += 1.5;
    clues.push(`dome-shaped top (${Math.round(m.curvedShare * 100)} % curved both ways)`);
  }
  if (m.domeCurvature < -0.3) {
    // Too small for the share above: its whole top fitted bends down every way. With its points
    // scattered in depth too it is a crown: a small hipped or pyramid roof is clean planes
    // (0.02–0.13 m of scatter on the probe's roofs; 0.3 m and more in photogrammetry crowns).
    const scattered = m.spread > 0.25;
    score += scattered ? 2 : 1.5;
    clues.push(`small dome-shaped top (bending ${f2(-m.domeCurvature)} m over 1.5 m)${scattered ? ' of scattered points' : ''}`);
  }
  if (m.fillRatio < 0.6) {
    score += 0.5;
    clues.push(`crown-like profile (fill ${f2(m.fillRatio)})`);
  }
  return { score, clues };
}

export function classify(m: Measurement, ctx: MeasureContext, o: ClassifyOptions): Verdict {
  const reasons: string[] = [];
  const veg = vegetationScore(m, ctx.grid.cell);
  const verdict = (type: ChangeType): Verdict => ({
    type,
    storeys: storeys(m, o),
    confidence: confidence(m, veg.score, o),
    reasons,
    vegetationScore: veg.score,
  });
  const suppress = (reason: SuppressionReason, detail: string): Verdict => ({ ...verdict('other'), suppressed: { reason, detail } });

  if (m.coreCells === 0)
    return suppress('sliver', `thin strip ${f1(m.areaM2)} m² with no interior: an edge seen slightly apart in the two epochs`);
  if (Math.abs(m.meanChange) < o.minHeight * 0.75 && Math.abs(m.maxChange) < o.minHeight) {
    return suppress('too_small', `height change ${f2(m.meanChange)} m below ${o.minHeight} m`);
  }
  if (m.areaM2 < o.minArea) return suppress('too_small', `area ${f1(m.areaM2)} m² below ${o.minArea} m²`);
  if (Math.abs(m.volumeM3) < o.minVolume) return suppress('too_small', `volume ${f1(Math.abs(m.volumeM3))} m³ below ${o.minVolume} m³`);
  if (m.coverage < o.minCoverage)
    return suppress('low_coverage', `only ${Math.round(m.coverage * 100)} % of the footprint seen in both epochs`);
  if (veg.score >= VEGETATION_SCORE) return suppress('vegetation', veg.clues.join(', '));
  // Points metres deep inside the footprint, with neither colour nor a mostly planar top to say
  // otherwise: a canopy the survey saw into, not a roof (a roof's interior scatters centimetres).
  // An object with no interior is read whole at fine voxels; at coarse ones its edge cells hold
  // its walls' points.
  const deepSpread = !Number.isNaN(m.spreadInside) ? m.spreadInside : ctx.grid.cell <= 0.5 ? m.spread : NaN;
  if (Number.isNaN(m.greenness) && !(m.planarShare >= 0.75) && deepSpread > 1.0) {
    const top = Number.isNaN(m.planarShare) ? 'roof surface' : `roof surface (${Math.round(m.planarShare * 100)} % planar)`;
    return suppress(
      'vegetation',
      `points scattered ${f1(deepSpread)} m deep, as through a canopy, with no colour or ${top} to say otherwise`,
    );
  }
  // Nothing to tell a building from a tree by: no colour, too small for its top to be judged,
  // and no points in depth (a DSM holds one height a pixel). Flagging it would be a guess: on
  // a colourless DSM of a park, 87 tree crowns of 14–77 m² came out as buildings at 1 m voxels.
  if (Number.isNaN(m.greenness) && Number.isNaN(m.planarShare) && Number.isNaN(m.spread)) {
    return suppress(
      'too_small',
      `nothing to tell a building from vegetation: no colour, and too small (${f1(m.areaM2)} m²) to judge its top at this voxel size; give the epoch's orthophoto`,
    );
  }
  const lowSide = m.sign > 0 ? m.beforeHeight : m.afterHeight;
  const highSide = m.sign > 0 ? m.afterHeight : m.beforeHeight;
  if (m.areaM2 <= 16 && highSide <= 2.3 && lowSide < BARE) {
    return suppress('vehicle', `vehicle-sized object (${f1(m.areaM2)} m², ${f1(highSide)} m high) on the ground`);
  }
  // A building change moves most of its footprint by the full height; terrain works, heaps
  // and vegetation change by a little here and there.
  if (m.supportShare < 0.5) {
    return suppress(
      'not_building',
      `diffuse change: only ${Math.round(m.supportShare * 100)} % of the area moved by more than ${o.minHeight} m`,
    );
  }
  if (lowSide < BARE && highSide < MIN_STRUCTURE_HEIGHT) {
    return suppress('not_building', `${f1(highSide)} m above the ground: too low for a building (heap, wall, hedge or terrain)`);
  }

  const grown = growthOfVegetation(m, ctx);
  if (grown) return suppress('vegetation', grown);

  const seen = `${Math.round(m.coverage * 100)} % of the footprint seen in both epochs`;
  const surface = Number.isNaN(m.planarShare)
    ? 'too small to judge its top surface'
    : `${m.planarShare >= 0.5 ? 'planar' : 'uneven'} top (${Math.round(m.planarShare * 100)} % planar cells, roughness ${f2(m.roughness)} m)`;
  const where = m.greennessFromOrtho ? ' in the orthophoto' : '';
  const colour = Number.isNaN(m.greenness)
    ? 'no colour to judge vegetation'
    : m.greenness > EXG.greenish
      ? `green${where} (ExG ${f2(m.greenness)}) but built-like (vegetation score ${veg.score} of ${VEGETATION_SCORE} needed)`
      : `not vegetation-green${where} (ExG ${f2(m.greenness)})`;
  let type: ChangeType;
  if (m.sign > 0) {
    reasons.push(`surface rose ${f1(m.meanChange)} m on average (up to ${f1(m.maxChange)} m) over ${f1(m.areaM2)} m²`);
    if (m.beforeHeight < BARE) {
      const contact = contactWithStandingBuilding(m, ctx);
      if (contact >= 0.1) {
        type = 'extension';
        reasons.push(`on former ground, against a building standing in both epochs (${Math.round(contact * 100)} % of its outline)`);
      } else {
        type = 'new_building';
        reasons.push(`on former ground (${f1(m.beforeHeight)} m above terrain), free-standing`);
      }
    } else {
      const roofShare = shareOfRoof(m, ctx, 'before');
      if (roofShare >= 0.6 || (roofShare >= 0.4 && m.meanChange >= 2.5 && m.areaM2 >= 40)) {
        type = 'storeys_added';
        reasons.push(`raises ${Math.round(roofShare * 100)} % of a roof that stood ${f1(m.beforeHeight)} m high`);
      } else {
        type = 'rooftop_structure';
        reasons.push(`covers ${Math.round(roofShare * 100)} % of a roof that stood ${f1(m.beforeHeight)} m high`);
      }
    }
  } else {
    reasons.push(`surface fell ${f1(-m.meanChange)} m on average (up to ${f1(-m.maxChange)} m) over ${f1(m.areaM2)} m²`);
    if (m.afterHeight < BARE) {
      type = 'demolished';
      reasons.push(`bare ground now where a ${f1(m.beforeHeight)} m structure stood`);
    } else {
      // Symmetric to a rise: losing most of a roof is a storey taken off; losing a small part
      // of it is a rooftop structure demolished.
      const roofShare = shareOfRoof(m, ctx, 'after');
      if (roofShare >= 0.6 || (roofShare >= 0.4 && -m.meanChange >= 2.5 && m.areaM2 >= 40)) {
        type = 'height_decrease';
        reasons.push(
          `still ${f1(m.afterHeight)} m high after losing ${f1(-m.meanChange)} m over ${Math.round(roofShare * 100)} % of its roof`,
        );
      } else {
        type = 'demolished';
        reasons.push(`a structure removed from ${Math.round(roofShare * 100)} % of a roof that stands ${f1(m.afterHeight)} m high`);
      }
    }
  }
  if (highSide < BUILT && type !== 'rooftop_structure' && type !== 'height_decrease') {
    reasons.push(`low for a building (${f1(highSide)} m): check on site`);
  }
  reasons.push(surface, colour, seen);
  if (runsOnUnseen(m, o)) {
    reasons.push(
      `runs on into ${f1(m.unseenBeyondM2)} m² the ${m.sign > 0 ? 'before' : 'after'} epoch did not see: it may be larger than measured`,
    );
  } else if (bordersGap(m, o)) {
    reasons.push(
      `borders ${f1(m.unseenBorder.areaM2)} m² the ${m.sign > 0 ? 'after' : 'before'} epoch did not see, more than its shadow: it may extend there`,
    );
  }
  return verdict(type);
}

/**
 * A change on top of something that stood in both epochs is judged by that object too: a tree
 * that grew adds a ring and a crest to its old crown, a thin patch too small to judge alone,
 * which reads as a storey on a 10 m "roof". When the object it rises from (or, for a fall, the
 * one left standing) reads as vegetation, and its own top is no roof, it is the tree growing or
 * cut back. Returns why, or null.
 */
function growthOfVegetation(m: Measurement, ctx: MeasureContext): string | null {
  const lowSide = m.sign > 0 ? m.beforeHeight : m.afterHeight;
  // Its own top a roof (planar), or coloured unlike foliage: building work whatever it stands on.
  if (lowSide < BARE || m.planarShare >= 0.5 || m.greenness < EXG.notVegetation) return null;
  const host = standingHost(m, ctx, BUILT);
  if (!host) return null;
  const h = host.clues;
  const veg = vegetationScore({ ...h, fillRatio: NaN }, ctx.grid.cell);
  const canopy = Number.isNaN(h.greenness) && !(h.planarShare >= 0.75) && h.spreadInside > 1.0;
  if (veg.score < VEGETATION_SCORE && !canopy) return null;
  const clues = veg.score >= VEGETATION_SCORE ? veg.clues.join(', ') : `points scattered ${f1(h.spreadInside)} m deep, as through a canopy`;
  const what = m.sign > 0 ? 'rises from' : 'leaves standing';
  return `${what} a ${f1(host.height)} m high object of ${f1(host.areaM2)} m² that reads as vegetation (${clues}): a tree ${m.sign > 0 ? 'growing' : 'cut back'}`;
}

function storeys(m: Measurement, o: ClassifyOptions): number {
  const n = Math.round(Math.abs(m.meanChange) / o.storeyHeight);
  return m.sign * Math.max(1, n);
}

/**
 * 0–1: how sure the flag is. Falls with unseen footprint, weak support, size near the
 * thresholds, roughness and vegetation clues.
 */
function confidence(m: Measurement, vegScore: number, o: ClassifyOptions): number {
  const size = Math.min(1, m.areaM2 / (3 * o.minArea)) * Math.min(1, Math.abs(m.volumeM3) / (3 * o.minVolume));
  const height = Math.min(1, Math.abs(m.meanChange) / (2 * o.minHeight));
  const shape = 0.6 + 0.4 * (Number.isNaN(m.planarShare) ? 0.5 : m.planarShare);
  // A colour that speaks against vegetation makes the score negative: no more sure than none.
  const veg = 1 - Math.max(0, vegScore) / 5;
  // Part of it may lie in a data hole: as unsure as if that part were unseen inside it.
  const hidden = runsOnUnseen(m, o) ? m.unseenBeyondM2 : bordersGap(m, o) ? m.unseenBorder.areaM2 : 0;
  const beyond = Math.pow(m.areaM2 / (m.areaM2 + hidden), 0.7);
  const c = Math.pow(m.coverage, 0.7) * (0.5 + 0.5 * m.supportShare) * (0.6 + 0.4 * size) * (0.6 + 0.4 * height) * shape * veg * beyond;
  return Math.round(Math.min(0.99, Math.max(0.05, c)) * 100) / 100;
}

/**
 * The object goes on into a data hole of the epoch it is low in by more than a sliver: at least
 * half the smallest reportable area and a tenth of its own.
 */
function runsOnUnseen(m: Measurement, o: ClassifyOptions): boolean {
  return m.unseenBeyondM2 >= Math.max(o.minArea / 2, 0.1 * m.areaM2);
}

/**
 * The epoch the object stands in left a gap beside it reaching beyond its own shadow by half
 * the smallest reportable area or more: a data hole, which it may extend into.
 */
function bordersGap(m: Measurement, o: ClassifyOptions): boolean {
  return m.unseenBorder.beyondShadowM2 >= o.minArea / 2 && m.unseenBorder.areaM2 >= 0.1 * m.areaM2;
}

/** Share of the candidate's outline that touches a building standing, unchanged, in both epochs. */
function contactWithStandingBuilding(m: Measurement, ctx: MeasureContext): number {
  const { grid, a, b, ground } = ctx;
  const inside = new Set<number>(m.cells);
  let ring = 0;
  let touching = 0;
  const visited = new Set<number>();
  for (const k of m.cells) {
    eachNeighbour(k, grid.nx, grid.ny, (q) => {
      if (inside.has(q) || visited.has(q)) return;
      visited.add(q);
      ring++;
      const standing = a.top[q] - ground[q] > BUILT && b.top[q] - ground[q] > BUILT && Math.abs(b.top[q] - a.top[q]) < 1.0;
      if (standing) touching++;
    });
  }
  return ring > 0 ? touching / ring : 0;
}

/**
 * Share of a roof that a change covers: the roof is the connected patch of the lower surface
 * (before a rise, after a fall) at about the height of the candidate's base.
 */
function shareOfRoof(m: Measurement, ctx: MeasureContext, epoch: 'before' | 'after'): number {
  const { grid, ground } = ctx;
  const s = epoch === 'before' ? ctx.a : ctx.b;
  const base = epoch === 'before' ? m.beforeTop : m.afterTop;
  const inRoof = (q: number) => s.observed[q] > 0 && Math.abs(s.top[q] - base) < 0.8 && s.top[q] - ground[q] > BUILT;
  const roof = new Set<number>();
  const stack: number[] = [];
  for (const k of m.cells) {
    if (inRoof(k) && !roof.has(k)) {
      roof.add(k);
      stack.push(k);
    }
  }
  const limit = 400_000;
  while (stack.length > 0 && roof.size < limit) {
    eachNeighbour(stack.pop()!, grid.nx, grid.ny, (q) => {
      if (!roof.has(q) && inRoof(q)) {
        roof.add(q);
        stack.push(q);
      }
    });
  }
  // The candidate's own cells count as roof too (its base may sit slightly off the roof level).
  let union = roof.size;
  for (const k of m.cells) if (!roof.has(k)) union++;
  return m.cells.length / Math.max(1, union);
}
