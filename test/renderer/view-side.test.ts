/**
 * Which side "Fly to" looks at a change from (renderer/view-side.ts): the side its surroundings leave open, not
 * through the building it is attached to; the default oblique view from the south where nothing is in the way.
 */
import { describe, expect, it } from 'vitest';
import { DEFAULT_SIDE, viewSide, type ViewSide } from '../../renderer/view-side';

interface Block {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
  top: number;
}

const inside = (b: Block, x: number, y: number) => x >= b.x0 && x < b.x1 && y >= b.y0 && y < b.y1;

/** A flat ground at z = 0 with blocks on it, sampled every half metre over ±half (scene coordinates), as xyz. */
function surface(blocks: Block[], half = 45): number[] {
  const xyz: number[] = [];
  for (let x = -half; x <= half; x += 0.5)
    for (let y = -half; y <= half; y += 0.5) {
      const z = Math.max(0, ...blocks.filter((b) => inside(b, x, y)).map((b) => b.top));
      xyz.push(x, y, z);
    }
  return xyz;
}

/** The side judged, asserted there was one (points around the change). */
function judged(rings: [number, number][][], targetZ: number, xyz: number[]): ViewSide {
  const side = viewSide(rings, targetZ, xyz);
  if (!side) throw new Error('no side judged');
  return side;
}

const ring = (b: Block): [number, number][] => [
  [b.x0, b.y0],
  [b.x1, b.y0],
  [b.x1, b.y1],
  [b.x0, b.y1],
  [b.x0, b.y0],
];

/** Whether the line of sight from the change's centre (at `z`) towards the camera passes through a block. */
function blocked(side: ViewSide, from: [number, number, number], blocks: Block[], distance = 80): boolean {
  const flat = Math.cos(side.elevation);
  for (let t = 0; t <= distance; t += 0.25) {
    const [x, y, z] = [from[0] + side.dx * flat * t, from[1] + side.dy * flat * t, from[2] + Math.sin(side.elevation) * t];
    if (blocks.some((b) => inside(b, x, y) && z < b.top)) return true;
  }
  return false;
}

// A 24 m block south of the origin; its 3.5 m extension on the north wall, centred on the origin.
const host: Block = { x0: -10, y0: -18.5, x1: 10, y1: -2.5, top: 24 };
const extension: Block = { x0: -5, y0: -2.5, x1: 5, y1: 2.5, top: 3.5 };

describe('the side a change is viewed from', () => {
  it('looks at an extension on the north side of a taller building from the north, over nothing', () => {
    const side = judged([ring(extension)], 1.75, surface([host, extension]));
    expect(side.dy).toBeGreaterThan(0.7); // the north, not the default south through the building
    expect(Math.hypot(side.dx, side.dy)).toBeCloseTo(1, 6);
    expect(blocked(side, [0, 0, 1.75], [host])).toBe(false);
    // The default side would look through the building: what the analyst saw before.
    expect(blocked(DEFAULT_SIDE, [0, 0, 1.75], [host])).toBe(true);
  });

  it('turns with the building: an extension on the east of one is seen from the east, on the west from the west', () => {
    const eastHost: Block = { x0: -18.5, y0: -10, x1: -2.5, y1: 10, top: 24 };
    const east = judged([ring(extension)], 1.75, surface([eastHost, extension]));
    expect(east.dx).toBeGreaterThan(0.7);
    expect(blocked(east, [0, 0, 1.75], [eastHost])).toBe(false);
    const westHost: Block = { x0: 2.5, y0: -10, x1: 18.5, y1: 10, top: 24 };
    const west = judged([ring(extension)], 1.75, surface([westHost, extension]));
    expect(west.dx).toBeLessThan(-0.7);
    expect(blocked(west, [0, 0, 1.75], [westHost])).toBe(false);
  });

  it('keeps the default view from the south for a change that nothing around hides', () => {
    const shed: Block = { x0: -3, y0: -3, x1: 3, y1: 3, top: 27 };
    const roof: Block = { x0: -15, y0: -15, x1: 15, y1: 15, top: 24 };
    expect(viewSide([ring(shed)], 25.5, surface([roof, shed]))).toEqual(DEFAULT_SIDE); // a shed on a roof
    const house: Block = { x0: -6, y0: -5, x1: 6, y1: 5, top: 9 };
    expect(viewSide([ring(house)], 4.5, surface([house]))).toEqual(DEFAULT_SIDE); // a new building in the open
    // An extension on the south side of its building is open to the south already.
    const northHost: Block = { x0: -10, y0: 2.5, x1: 10, y1: 18.5, top: 24 };
    expect(viewSide([ring(extension)], 1.75, surface([northHost, extension]))).toEqual(DEFAULT_SIDE);
  });

  it('says when no points are there to judge by; a change without an outline keeps the default side', () => {
    expect(viewSide([ring(extension)], 1.75, [])).toBeNull();
    expect(viewSide([ring(extension)], 1.75, [100, 100, 0])).toBeNull(); // points, but none near it
    expect(viewSide([], 1.75, surface([host]))).toEqual(DEFAULT_SIDE);
  });

  it('is not turned by a few stray high points (noise, a bird) on the open side', () => {
    const xyz = surface([host, extension]);
    xyz.push(0, 12, 40, 3, 12, 40); // two points 40 m up, north of the extension
    const side = judged([ring(extension)], 1.75, xyz);
    expect(side.dy).toBeGreaterThan(0.7);
  });

  it('looks down more steeply into a courtyard closed on every side, over the nearest roofs', () => {
    // A 20 m ring of buildings 8 m from a 3 m change in the middle of a courtyard.
    const yard: Block = { x0: -4, y0: -4, x1: 4, y1: 4, top: 3 };
    const walls: Block[] = [
      { x0: -30, y0: 12, x1: 30, y1: 30, top: 20 },
      { x0: -30, y0: -30, x1: 30, y1: -12, top: 20 },
      { x0: -30, y0: -12, x1: -12, y1: 12, top: 20 },
      { x0: 12, y0: -12, x1: 30, y1: 12, top: 20 },
    ];
    const side = judged([ring(yard)], 1.5, surface([...walls, yard]));
    expect(side.elevation).toBeGreaterThan(DEFAULT_SIDE.elevation);
    expect(side.elevation).toBeLessThan((80 * Math.PI) / 180);
    expect(blocked(side, [0, 0, 1.5], walls)).toBe(false);
    expect(blocked(DEFAULT_SIDE, [0, 0, 1.5], walls)).toBe(true);
  });
});
