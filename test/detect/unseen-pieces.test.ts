/**
 * The unseen pieces a tile lists: every piece big enough to be an uncertain area, and every piece
 * touching a seam side of the tile's core however small (joined across the seam it may grow past
 * the minimum); the one-cell holes of a sparse survey elsewhere are never listed.
 */
import { describe, expect, it } from 'vitest';
import { SegmentBuffers } from '../../core/changes/segment';
import { unseenPieces, type SeamSides } from '../../core/changes/uncertain';
import type { Grid } from '../../core/diff/grid';
import type { EpochSurface } from '../../core/diff/surfaces';

const grid: Grid = { x0: 0, y0: 0, cell: 1, nx: 40, ny: 30 };
const n = grid.nx * grid.ny;
/** The tile's core within its window: cells 5–34 across, 5–24 up. */
const core = { x0: 5, y0: 5, x1: 35, y1: 25 };

/** A surface seen everywhere but in `holes` (x, y cells), with tops 12 m above a flat ground. */
function surface(holes: [number, number][]): EpochSurface {
  const observed = new Uint8Array(n).fill(1);
  for (const [x, y] of holes) observed[y * grid.nx + x] = 0;
  const top = new Float32Array(n).fill(12);
  return { top, observed } as EpochSurface;
}

/** Cells x0..x1 × y0..y1, inclusive. */
function block(x0: number, y0: number, x1: number, y1: number): [number, number][] {
  const cells: [number, number][] = [];
  for (let y = y0; y <= y1; y++) for (let x = x0; x <= x1; x++) cells.push([x, y]);
  return cells;
}

function pieces(before: [number, number][], after: [number, number][], seams: SeamSides) {
  const ground = new Float32Array(n);
  const found = unseenPieces(grid, surface(before), surface(after), ground, core, new SegmentBuffers(n), { minArea: 25, seams });
  return found.map((p) => ({
    unseenIn: p.unseenIn,
    first: [p.cells[0] % grid.nx, Math.floor(p.cells[0] / grid.nx)],
    cells: p.cells.length,
  }));
}

describe('the unseen pieces of a tile', () => {
  // Holes in the before epoch: a 5 × 5 patch (25 m², just big enough), one-cell holes inside the
  // core, one on each side of the core, and one outside the core (never a piece of this tile).
  const before = [...block(15, 10, 19, 14), [25, 15], [30, 20], [5, 12], [34, 8], [20, 5], [22, 24], [2, 2]] as [number, number][];
  const after: [number, number][] = [[12, 18], ...block(26, 18, 27, 19)];

  it('lists only the pieces big enough to report when no side is a seam', () => {
    expect(pieces(before, after, { west: false, east: false, south: false, north: false })).toEqual([
      { unseenIn: 'before', first: [15, 10], cells: 25 },
    ]);
  });

  it('also lists the small pieces that touch a seam side, and only those sides', () => {
    expect(pieces(before, after, { west: true, east: false, south: true, north: false })).toEqual([
      { unseenIn: 'before', first: [20, 5], cells: 1 },
      { unseenIn: 'before', first: [15, 10], cells: 25 },
      { unseenIn: 'before', first: [5, 12], cells: 1 },
    ]);
    expect(pieces(before, after, { west: false, east: true, south: false, north: true })).toEqual([
      { unseenIn: 'before', first: [34, 8], cells: 1 },
      { unseenIn: 'before', first: [15, 10], cells: 25 },
      { unseenIn: 'before', first: [22, 24], cells: 1 },
    ]);
  });

  it('keeps a small piece of the other epoch when it reaches a seam', () => {
    const edge: [number, number][] = block(33, 18, 34, 19);
    expect(pieces([], [...after, ...edge], { west: false, east: true, south: false, north: false })).toEqual([
      { unseenIn: 'after', first: [33, 18], cells: 4 },
    ]);
  });

  it('gives the height the other epoch saw over most of a piece, not its one highest point (a bird)', () => {
    const after = surface([]);
    after.top[17 * grid.nx + 12] = 75; // one cell of the 25 under a stray point
    const found = unseenPieces(grid, surface(block(10, 15, 14, 19)), after, new Float32Array(n), core, new SegmentBuffers(n), {
      minArea: 25,
      seams: { west: false, east: false, south: false, north: false },
    });
    expect(found.map((p) => [p.cells.length, p.height])).toEqual([[25, 12]]);
  });
});
