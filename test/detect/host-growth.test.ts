/**
 * A change is judged by what it stands on too. On an independent generator's colourless lidar,
 * a 10 m tree that grew (crown 15 % wider, top 2 m higher) left a 50 m² ring around and over its
 * old crown: too thin for its own top to be judged, it read as "storeys added to 94 % of a roof
 * that stood 10.2 m high". The old crown it rises from is plain to read: points 4 m deep inside,
 * a domed, rough top. A shed on a flat roof, the same size and as little to judge by itself,
 * stands on a roof and stays a change.
 */
import { describe, expect, it } from 'vitest';
import { classify } from '../../core/changes/classify';
import { DEFAULT_OPTIONS } from '../../core/detect';
import { makeGrid } from '../../core/diff/grid';
import type { EpochSurface } from '../../core/diff/surfaces';
import { measureCandidate } from '../helpers/measure-candidate';

const GROUND = 20;
const grid = makeGrid(0, 0, 30, 30, 0.5);
const n = grid.nx * grid.ny;
const centre = (k: number): [number, number] => [((k % grid.nx) + 0.5) * grid.cell - 15, (Math.floor(k / grid.nx) + 0.5) * grid.cell - 15];

type Field = (x: number, y: number) => number;

/** A colourless lidar epoch: `height` above ground (≤ 0: ground), `spread` of the points where the object stands. */
function epoch(height: Field, spread: Field): EpochSurface {
  const top = new Float32Array(n);
  const spreadOf = new Float32Array(n);
  for (let k = 0; k < n; k++) {
    const [x, y] = centre(k);
    const h = height(x, y);
    top[k] = GROUND + Math.max(0, h);
    spreadOf[k] = h > 0 ? spread(x, y) : 0.02;
  }
  return {
    top,
    mean: top.slice(),
    low: new Float32Array(n).fill(GROUND),
    observed: new Uint8Array(n).fill(1),
    spread: spreadOf,
    greenness: new Float32Array(n).fill(NaN),
    vegetationShare: new Float32Array(n).fill(NaN),
    typicalCount: 12,
    minCount: 3,
  };
}

/** The candidate: cells that rose by more than the threshold, as the segmentation would give them. */
function judge(a: EpochSurface, b: EpochSurface, sign: 1 | -1 = 1) {
  const { m, ctx } = measureCandidate(grid, a, b, GROUND, sign);
  return { m, v: classify(m, ctx, DEFAULT_OPTIONS) };
}

/** A crown: a dome of `radius` whose top stands `top` m above the ground, its lowest leaves at 3 m. */
const crown =
  (radius: number, top: number): Field =>
  (x, y) => {
    const d2 = x * x + y * y;
    if (d2 >= radius * radius) return 0;
    return Math.max(3, top - radius + Math.sqrt(radius * radius - d2));
  };

/**
 * Where a crown's points lie: metres deep (returns from inside it) but in its outer 1.5 m, which
 * holds only its outer leaves (the generator's grown ring scattered 0.24 m).
 */
const leaves =
  (radius: number): Field =>
  (x, y) =>
    Math.hypot(x, y) < radius - 1.5 ? 4 : 0.2;
const roofScatter: Field = () => 0.03;

describe('a change is judged by the object it stands on', () => {
  // Wider by 15 %, its top 0.8 m higher: only a ring round the old crown rises past the threshold.
  const [before, after] = [crown(5, 10.2), crown(5.75, 11)];

  it('a crown that grew is vegetation: its old crown holds points metres deep under a domed top', () => {
    const { m, v } = judge(epoch(before, leaves(5)), epoch(after, leaves(5.75)));
    // The ring alone gives nothing to judge its top by: it is its host that decides.
    expect(m.planarShare).toBeNaN();
    expect(m.areaM2).toBeGreaterThan(30);
    expect(v.suppressed?.reason, v.reasons.join('; ')).toBe('vegetation');
    expect(v.suppressed?.detail).toMatch(
      /^rises from a \d\.\d m high object of \d+\.\d m² that reads as vegetation \(.*points scattered 4\.0 m deep, as through a canopy.*\): a tree growing$/,
    );
  });

  it('a shed on a roof between two trees stays a change, built or removed: the trees beyond the roof do not speak for it', () => {
    // A 10 × 8 m roof 6 m up; 7.5 m crowns (points 4 m deep) either side, their rims over its edges; a 2.5 × 3 m shed.
    const crowns: Field = (x, y) => Math.max(crown(5, 7.5)(x - 8.5, y), crown(5, 7.5)(x + 8.5, y));
    const roof: Field = (x, y) => (Math.abs(x) < 5 && Math.abs(y) < 4 ? 6 : 0);
    const shed: Field = (x, y) => (Math.abs(x + 2) < 1.25 && Math.abs(y) < 1.5 ? 8.8 : 0);
    const without: Field = (x, y) => Math.max(roof(x, y), crowns(x, y));
    const withShed: Field = (x, y) => Math.max(without(x, y), shed(x, y));
    const points: Field = (x, y) => (crowns(x, y) > Math.max(roof(x, y), shed(x, y)) && Math.abs(x) > 3.5 ? 4 : 0.03);
    const built = judge(epoch(without, points), epoch(withShed, points));
    expect(built.v.suppressed?.detail).toBeUndefined();
    expect(built.v.type).toBe('rooftop_structure');
    const removed = judge(epoch(withShed, points), epoch(without, points), -1);
    expect(removed.v.suppressed?.detail).toBeUndefined();
    expect(removed.v.type).toBe('demolished');
  });

  it('a ring built round the edge of a flat roof stays a change: the roof it stands on reads as a roof', () => {
    const roof = (x: number, y: number) => (Math.abs(x) < 8 && Math.abs(y) < 8 ? 10 : 0);
    const enclosed = (x: number, y: number) => (roof(x, y) > 0 && Math.max(Math.abs(x), Math.abs(y)) > 6.5 ? 12.8 : roof(x, y));
    const { m, v } = judge(epoch(roof, roofScatter), epoch(enclosed, roofScatter));
    expect(m.planarShare).toBeNaN();
    expect(v.suppressed, v.suppressed?.detail).toBeUndefined();
    expect(['storeys_added', 'rooftop_structure']).toContain(v.type);
  });
});
