/**
 * Which cameras see a point? Multi-view photogrammetry reconstructs a surface point only when several
 * images see it. We model a handful of oblique views (8 azimuths at a fixed zenith angle) over a height
 * raster of the scene. For each view a "shadow" raster holds the lowest height still visible from that
 * direction, computed in one sweep: S(p) = max(h(p+δ), S(p+δ)) − rise(δ). The steps δ are knight moves
 * on the raster (azimuths ≈ 26.6° off the axes), which land exactly on cells and, unlike axis-aligned
 * views, do not look straight down the axis-aligned alleys of a dense urban village.
 */
import type { SceneIndex } from './surface';

const KNIGHT_STEPS: readonly [number, number][] = [
  [1, 2],
  [2, 1],
  [2, -1],
  [1, -2],
  [-1, -2],
  [-2, -1],
  [-2, 1],
  [-1, 2],
];
const VIEW_COUNT = KNIGHT_STEPS.length;
/** Height tolerance: a point this far below the line of sight still counts as seen. */
const TOLERANCE = 0.1;
/** How far in front of a wall its visibility is judged (the wall's own cell holds the roof). */
const WALL_PROBE = 0.35;

export interface VisibilityOptions {
  /** Raster cell in metres. */
  cell?: number;
  /** Zenith angle of the oblique views in degrees. */
  zenithDeg?: number;
}

export class VisibilityModel {
  readonly cell: number;
  readonly nx: number;
  readonly ny: number;
  readonly heights: Float32Array;
  private readonly minX: number;
  private readonly minY: number;
  private readonly shadows: Float32Array[];
  private readonly dirX: Float64Array;
  private readonly dirY: Float64Array;

  constructor(index: SceneIndex, options: VisibilityOptions = {}) {
    this.cell = options.cell ?? 0.25;
    const extent = index.extent;
    this.minX = extent.minX;
    this.minY = extent.minY;
    this.nx = Math.ceil((extent.maxX - extent.minX) / this.cell);
    this.ny = Math.ceil((extent.maxY - extent.minY) / this.cell);
    this.heights = new Float32Array(this.nx * this.ny);
    for (let j = 0; j < this.ny; j++) {
      const y = this.minY + (j + 0.5) * this.cell;
      for (let i = 0; i < this.nx; i++) this.heights[j * this.nx + i] = index.topAt(this.minX + (i + 0.5) * this.cell, y);
    }
    const risePerMetre = 1 / Math.tan(((options.zenithDeg ?? 20) * Math.PI) / 180);
    this.dirX = new Float64Array(VIEW_COUNT);
    this.dirY = new Float64Array(VIEW_COUNT);
    this.shadows = KNIGHT_STEPS.map(([sx, sy], d) => {
      const length = Math.hypot(sx, sy);
      this.dirX[d] = sx / length;
      this.dirY[d] = sy / length;
      return this.sweepShadow(sx, sy, risePerMetre * length * this.cell);
    });
  }

  /** Number of views that see a point lying on the top surface at (x, y, z). */
  topViews(x: number, y: number, z: number): number {
    const cell = this.cellIndex(x, y);
    const seen = z + TOLERANCE;
    let count = 0;
    for (let d = 0; d < VIEW_COUNT; d++) if (seen >= this.shadows[d][cell]) count++;
    return count;
  }

  /** Number of views facing a wall (outward unit normal nx, ny) that see the wall point (x, y, z). */
  wallViews(x: number, y: number, z: number, nx: number, ny: number): number {
    const cell = this.cellIndex(x + nx * WALL_PROBE, y + ny * WALL_PROBE);
    const seen = z + TOLERANCE;
    if (seen < this.heights[cell]) return 0; // the wall is against another solid here
    let count = 0;
    for (let d = 0; d < VIEW_COUNT; d++) {
      if (this.dirX[d] * nx + this.dirY[d] * ny > 0.3 && seen >= this.shadows[d][cell]) count++;
    }
    return count;
  }

  private cellIndex(x: number, y: number): number {
    let i = Math.floor((x - this.minX) / this.cell);
    let j = Math.floor((y - this.minY) / this.cell);
    i = i < 0 ? 0 : i >= this.nx ? this.nx - 1 : i;
    j = j < 0 ? 0 : j >= this.ny ? this.ny - 1 : j;
    return j * this.nx + i;
  }

  /** Lowest visible height per cell for a view stepping (sx, sy) cells per `drop` metres of rise. */
  private sweepShadow(sx: number, sy: number, drop: number): Float32Array {
    const { nx, ny, heights } = this;
    const shadow = new Float32Array(nx * ny);
    // Every knight step changes the row, so processing rows from the camera side makes p+δ ready first.
    const rowStart = sy > 0 ? ny - 1 : 0;
    const rowStep = sy > 0 ? -1 : 1;
    for (let j = rowStart; j >= 0 && j < ny; j += rowStep) {
      const uj = j + sy;
      const rowInside = uj >= 0 && uj < ny;
      for (let i = 0; i < nx; i++) {
        const ui = i + sx;
        if (!rowInside || ui < 0 || ui >= nx) {
          shadow[j * nx + i] = -Infinity; // open sky beyond the surveyed extent
          continue;
        }
        const upstream = uj * nx + ui;
        const h = heights[upstream];
        const s = shadow[upstream];
        shadow[j * nx + i] = (h > s ? h : s) - drop;
      }
    }
    return shadow;
  }
}
