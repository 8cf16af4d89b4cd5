/**
 * The ground grid both epochs are binned on: square cells of `cell` metres, row-major from the
 * south-west corner. Every raster of a detection run shares one Grid.
 */
export interface Grid {
  x0: number;
  y0: number;
  cell: number;
  nx: number;
  ny: number;
}

export function makeGrid(minX: number, minY: number, maxX: number, maxY: number, cell: number): Grid {
  // Snap the origin to a multiple of the cell so that runs over overlapping areas align.
  const x0 = Math.floor(minX / cell) * cell;
  const y0 = Math.floor(minY / cell) * cell;
  // floor + 1: a point exactly on the north or east edge still falls in a cell.
  const nx = Math.floor((maxX - x0) / cell) + 1;
  const ny = Math.floor((maxY - y0) / cell) + 1;
  return { x0, y0, cell, nx, ny };
}

/** Centre of cell (i, j) in world coordinates. */
export function cellCentre(g: Grid, index: number): [number, number] {
  const i = index % g.nx;
  const j = (index - i) / g.nx;
  return [g.x0 + (i + 0.5) * g.cell, g.y0 + (j + 0.5) * g.cell];
}

/** Calls `visit` with each of cell k's four neighbours inside a grid of nx × ny cells. */
export function eachNeighbour(k: number, nx: number, ny: number, visit: (n: number) => void): void {
  const x = k % nx;
  const y = (k - x) / nx;
  if (x > 0) visit(k - 1);
  if (x < nx - 1) visit(k + 1);
  if (y > 0) visit(k - nx);
  if (y < ny - 1) visit(k + nx);
}
