import type { Grid } from '../diff/grid';

/** A rectangle of grid cells: x in [x0, x1), y in [y0, y1). */
export interface CellRect {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
}

/**
 * One ground tile: the core it owns (objects anchored there are its to report) and the window
 * it models, the core grown by the halo (clipped to the grid), so that filters, objects that
 * cross the core's edge and their height windows see their neighbourhood.
 */
export interface Tile {
  index: number;
  core: CellRect;
  window: CellRect;
}

export interface TileLayout {
  grid: Grid;
  tileCells: number;
  haloCells: number;
  /** Tiles per row and per column. */
  ntx: number;
  nty: number;
  tiles: Tile[];
  /**
   * For each grid column (row), the first and last tile column (row) whose window holds it:
   * a point lands in every tile of that small range (more than one only in a halo).
   */
  xLo: Int32Array;
  xHi: Int32Array;
  yLo: Int32Array;
  yHi: Int32Array;
  /** Largest window, cells: what a worker's buffers must hold. */
  maxWindowCells: number;
}

/** Splits the grid into square tiles of `tileCells` with a halo of `haloCells` (both in cells). */
export function makeTileLayout(grid: Grid, tileCells: number, haloCells: number): TileLayout {
  if (!(tileCells >= 1 && haloCells >= 0)) throw new Error(`bad tile layout: ${tileCells} cells, halo ${haloCells}`);
  const ntx = Math.ceil(grid.nx / tileCells);
  const nty = Math.ceil(grid.ny / tileCells);
  const axis = (n: number, nt: number) => {
    const lo = new Int32Array(n);
    const hi = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      // Tile t's window holds i when t·T − H ≤ i < (t+1)·T + H.
      lo[i] = Math.max(0, Math.ceil((i - haloCells - tileCells + 1) / tileCells));
      hi[i] = Math.min(nt - 1, Math.floor((i + haloCells) / tileCells));
    }
    return { lo, hi };
  };
  const x = axis(grid.nx, ntx);
  const y = axis(grid.ny, nty);
  const tiles: Tile[] = [];
  let maxWindowCells = 0;
  for (let ty = 0; ty < nty; ty++) {
    for (let tx = 0; tx < ntx; tx++) {
      const core = {
        x0: tx * tileCells,
        y0: ty * tileCells,
        x1: Math.min(grid.nx, (tx + 1) * tileCells),
        y1: Math.min(grid.ny, (ty + 1) * tileCells),
      };
      const window = {
        x0: Math.max(0, core.x0 - haloCells),
        y0: Math.max(0, core.y0 - haloCells),
        x1: Math.min(grid.nx, core.x1 + haloCells),
        y1: Math.min(grid.ny, core.y1 + haloCells),
      };
      maxWindowCells = Math.max(maxWindowCells, (window.x1 - window.x0) * (window.y1 - window.y0));
      tiles.push({ index: tiles.length, core, window });
    }
  }
  return { grid, tileCells, haloCells, ntx, nty, tiles, xLo: x.lo, xHi: x.hi, yLo: y.lo, yHi: y.hi, maxWindowCells };
}

/** The grid of a tile's window: the run's cells, re-origined, so every raster tool works unchanged. */
export function windowGrid(grid: Grid, w: CellRect): Grid {
  return { x0: grid.x0 + w.x0 * grid.cell, y0: grid.y0 + w.y0 * grid.cell, cell: grid.cell, nx: w.x1 - w.x0, ny: w.y1 - w.y0 };
}
