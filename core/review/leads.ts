import type { HeightPatch } from '../changes/patches';
import type { ChangeType, SuppressedCandidate, UncertainArea } from '../changes/types';
import { containsPoint, distanceToPoint, type MultiPolygonCoords } from '../geo/polygons';
import { awayText } from './away';
import { grouped } from './format';

export interface LeadCandidate {
  key: number;
  code: string;
  type: ChangeType;
  footprint: MultiPolygonCoords;
}

export interface LeadFinding {
  found: { key: number; code: string; type: ChangeType; distance_m: number }[];
  evidence: string[];
  /**
   * When no building change was found: how many changes near the spot were judged not a building (vegetation, a car…).
   * The answer is then "no building change", not "no change": a shed under green netting is what a complainant sees.
   */
  judgedNotBuilding: number;
}

/** A complaint's location is approximate (a phone, an address): changes this close answer it. */
export const LEAD_RADIUS_M = 30;

/**
 * Answers a complaint lead from one run: the changes near it, or, when there are none, what the
 * run knows of the spot (seen by both epochs? something there that was judged not a building?
 * a patch one epoch could not see?), so "nothing found" is an answer with its evidence.
 */
export function answerLead(
  x: number,
  y: number,
  changes: LeadCandidate[],
  suppressed: SuppressedCandidate[],
  uncertain: UncertainArea[],
  overview: HeightPatch | null,
): LeadFinding {
  const found = changes
    .map((c) => ({ key: c.key, code: c.code, type: c.type, distance_m: Math.round(distanceToPoint(c.footprint, x, y) * 10) / 10 }))
    .filter((c) => c.distance_m <= LEAD_RADIUS_M)
    .sort((p, q) => p.distance_m - q.distance_m);
  if (found.length > 0) return { found, evidence: [], judgedNotBuilding: 0 };
  const evidence: string[] = [];
  if (overview) {
    const c = Math.floor((x - overview.x0) / overview.cell);
    const r = Math.floor((y - overview.y0) / overview.cell);
    if (c < 0 || r < 0 || c >= overview.width || r >= overview.height) evidence.push('outside the area both epochs cover');
    else {
      const [b, a] = [overview.before[r * overview.width + c], overview.after[r * overview.width + c]];
      evidence.push(
        Number.isNaN(b) || Number.isNaN(a)
          ? 'the spot itself was not seen by both epochs'
          : `seen by both epochs: surface at ${grouped(b, 1)} m elevation before, ${grouped(a, 1)} m after`,
      );
    }
  }
  evidence.push(`no building change within ${LEAD_RADIUS_M} m`);
  // Nearest first: the one at the spot is most likely what the complainant saw.
  const near = suppressed
    .map((s) => ({ s, d: distanceToPoint(s.footprint, x, y) }))
    .filter(({ d }) => d <= LEAD_RADIUS_M)
    .sort((p, q) => p.d - q.d);
  for (const { s, d } of near) {
    evidence.push(`a change ${awayText(d, 'en')} was judged not a building: ${s.reason} (${s.detail})`);
  }
  for (const u of uncertain) {
    if (containsPoint(u.footprint, x, y))
      evidence.push(
        `inside a ${grouped(u.area_m2)} m² patch ${u.unseenIn === 'both' ? 'neither epoch could see' : `the ${u.unseenIn} epoch could not see`}`,
      );
  }
  return { found, evidence, judgedNotBuilding: near.length };
}
