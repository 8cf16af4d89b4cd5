// Which side to look at a change from when flying to it: where its surroundings leave it open to view, not through
// the building it is attached to. Pure (no DOM, no Three.js), so a unit test can check the choice.

/** Where the camera stands, seen from the change it looks at. */
export interface ViewSide {
  /** Unit horizontal direction from the change towards the camera (scene x east, y north). */
  dx: number;
  dy: number;
  /** The camera's height above the horizontal as seen from the change, radians. */
  elevation: number;
}

/** Obliquely from the south: the view of a change that nothing around hides (a new building in the open, a shed on a roof). */
export const DEFAULT_SIDE: ViewSide = { dx: 0, dy: -1, elevation: Math.atan2(1, 0.8) };

/** How far around the change's outline the surroundings count, metres. */
export const REACH_M = 20;
/** Points this close outside the outline belong to the change (its walls, the voxels' jagged edge), metres. */
const OWN_MARGIN_M = 1;
/** Directions tried around the change. */
const SECTORS = 16;
/** The n-th highest point of a sector is its obstruction: a stray point (a bird, noise) does not close a side. */
const ROBUST_RANK = 3;
/** A side this much more obstructed than the best (radians of elevation) is as good as the best. */
const TOLERANCE = (5 * Math.PI) / 180;
/** The camera looks over the chosen side's obstruction by at least this much. */
const CLEARANCE = (8 * Math.PI) / 180;
/** Never steeper than this (a view straight down shows no walls). */
const MAX_ELEVATION = (78 * Math.PI) / 180;
/** Fewer points around the change than this: nothing to judge by (its points not loaded yet). */
const MIN_POINTS = 30;

type Ring = readonly (readonly number[])[];

/**
 * The side to view a change from. `rings` are the outer rings of its footprint (scene x, y), `targetZ` the height the
 * camera aims at (scene), `xyz` the drawn points around it, interleaved x, y, z in scene coordinates (both epochs: a
 * side closed in either hides the change in that epoch).
 *
 * Around the change, each of 16 directions gets the elevation angle, seen from the aimed point, of its highest
 * surface within REACH_M of the outline (its third-highest point). A direction is scored by that angle blended with
 * its neighbours' (the camera sees the change's whole width, and the middle of an open side is better than its
 * edge). The default side (south) is kept when it scores within TOLERANCE of the best; otherwise the best side is
 * taken, and the camera is raised above what that side still has in the way. Null while there are too few points
 * around the change to judge by (none loaded there yet).
 */
export function viewSide(rings: readonly Ring[], targetZ: number, xyz: ArrayLike<number>): ViewSide | null {
  const outline = rings.filter((r) => r.length >= 3);
  if (outline.length === 0) return DEFAULT_SIDE;
  let [minX, minY, maxX, maxY] = [Infinity, Infinity, -Infinity, -Infinity];
  for (const ring of outline)
    for (const [x, y] of ring) [minX, minY, maxX, maxY] = [Math.min(minX, x), Math.min(minY, y), Math.max(maxX, x), Math.max(maxY, y)];
  const [cx, cy] = [(minX + maxX) / 2, (minY + maxY) / 2];
  let radius = 0;
  for (const ring of outline) for (const [x, y] of ring) radius = Math.max(radius, Math.hypot(x - cx, y - cy));
  const reach = radius + REACH_M;

  // The ROBUST_RANK highest angles of each sector, highest first.
  const highest: number[][] = Array.from({ length: SECTORS }, () => []);
  let counted = 0;
  for (let i = 0; i + 2 < xyz.length; i += 3) {
    const [x, y, z] = [xyz[i], xyz[i + 1], xyz[i + 2]];
    const [dx, dy] = [x - cx, y - cy];
    if (Math.abs(dx) > reach || Math.abs(dy) > reach) continue;
    const d = Math.hypot(dx, dy);
    if (d > reach) continue;
    const near = x > minX - OWN_MARGIN_M && x < maxX + OWN_MARGIN_M && y > minY - OWN_MARGIN_M && y < maxY + OWN_MARGIN_M;
    if (near && ownPoint(outline, x, y)) continue;
    counted++;
    const angle = Math.atan2(z - targetZ, Math.max(d, 0.5));
    const sector = ((Math.round(Math.atan2(dy, dx) / ((2 * Math.PI) / SECTORS)) % SECTORS) + SECTORS) % SECTORS;
    const top = highest[sector];
    if (top.length < ROBUST_RANK || angle > top[top.length - 1]) {
      top.push(angle);
      top.sort((a, b) => b - a);
      if (top.length > ROBUST_RANK) top.pop();
    }
  }
  if (counted < MIN_POINTS) return null;
  // A side without any point (a data hole, an edge of the survey) counts as level: neither open nor closed.
  const obstruction = highest.map((top) => (top.length > 0 ? top[top.length - 1] : 0));
  const at = (s: number) => obstruction[((s % SECTORS) + SECTORS) % SECTORS];
  const weights = [1, 2, 4, 2, 1];
  const score = obstruction.map((_, s) => weights.reduce((sum, w, k) => sum + w * at(s + k - 2), 0) / 10);
  const south = Math.round((3 * SECTORS) / 4); // −90°: the sector pointing south
  let best = 0;
  for (let s = 1; s < SECTORS; s++) if (score[s] < score[best]) best = s;
  const chosen = score[south] <= score[best] + TOLERANCE ? south : best;
  // What the chosen side still has in the way: its own sector and its two neighbours.
  const blocking = Math.max(at(chosen - 1), at(chosen), at(chosen + 1));
  const elevation = Math.min(MAX_ELEVATION, Math.max(DEFAULT_SIDE.elevation, blocking + CLEARANCE));
  if (chosen === south) return { ...DEFAULT_SIDE, elevation };
  const azimuth = (chosen * 2 * Math.PI) / SECTORS;
  return { dx: Math.cos(azimuth), dy: Math.sin(azimuth), elevation };
}

/** Whether (x, y) lies inside the outline or within OWN_MARGIN_M of it. */
function ownPoint(rings: readonly Ring[], x: number, y: number): boolean {
  let inside = false;
  for (const ring of rings)
    for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
      const [xi, yi] = ring[i];
      const [xj, yj] = ring[j];
      if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside;
      if (segmentDistance(x, y, xi, yi, xj, yj) <= OWN_MARGIN_M) return true;
    }
  return inside;
}

function segmentDistance(px: number, py: number, ax: number, ay: number, bx: number, by: number): number {
  const [vx, vy] = [bx - ax, by - ay];
  const length2 = vx * vx + vy * vy;
  const t = length2 > 0 ? Math.min(1, Math.max(0, ((px - ax) * vx + (py - ay) * vy) / length2)) : 0;
  return Math.hypot(px - (ax + t * vx), py - (ay + t * vy));
}
