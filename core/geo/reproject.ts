/**
 * Reprojection of epoch points with proj4 (definitions from the bundled EPSG index: CGCS2000,
 * its Gauss-Krüger zones, WGS 84 / UTM and the rest are known without a network).
 *
 * proj4 per point costs microseconds, hours for hundreds of millions of points. Over one chunk a
 * projection change is smooth, so a coarse grid of control points is projected exactly and the
 * points between are interpolated bilinearly; the interpolation is checked against exact proj4 at
 * the middle of every grid cell, the grid refined where that misses by more than a millimetre, and
 * the chunk projected point by point as a last resort.
 */
import proj4 from 'proj4';
import type { Bounds3, CrsInfo, PointChunk } from '../io/types';
import { lookupEpsg } from './epsg';

/** Largest interpolation error accepted, in target units (metres for the CRSs VoxWatch works in). */
export const MAX_INTERPOLATION_ERROR = 0.001;

/** Thrown when a CRS cannot be used for reprojection (unknown code, no projection definition). */
export class ReprojectionError extends Error {
  override name = 'ReprojectionError';
}

export interface ChunkStats {
  /** Points interpolated from control grids, and points projected one by one. */
  interpolated: number;
  exact: number;
  /** Largest error seen at the control checks, target units. */
  maxCheckedError: number;
}

/** A CrsInfo for an EPSG code the user named (`--crs EPSG:4547`). */
export function crsFromEpsg(epsg: number): CrsInfo {
  const entry = lookupEpsg(epsg);
  if (!entry || !entry.kind.startsWith('CRS-'))
    throw new ReprojectionError(`EPSG:${epsg} is not a coordinate reference system VoxWatch knows`);
  return { epsg, name: entry.name, source: 'user', unit: entry.unit };
}

/** Parses "EPSG:4547" or "4547". */
export function parseEpsg(text: string): number {
  const m = /^\s*(?:epsg:)?(\d+)\s*$/i.exec(text);
  if (!m) throw new ReprojectionError(`"${text}" is not an EPSG code: write it as EPSG:4547`);
  return Number(m[1]);
}

function definition(epsg: number): string {
  const entry = lookupEpsg(epsg);
  if (!entry?.proj4) throw new ReprojectionError(`EPSG:${epsg} has no projection definition VoxWatch can use for reprojection`);
  return entry.proj4;
}

export class Reprojector {
  readonly stats: ChunkStats = { interpolated: 0, exact: 0, maxCheckedError: 0 };
  private readonly converter: proj4.Converter;
  /** The error allowed, in target units: a millimetre, or its equivalent in degrees. */
  private readonly tolerance: number;

  constructor(
    readonly from: number,
    readonly to: number,
  ) {
    this.converter = proj4(definition(from), definition(to));
    this.tolerance = lookupEpsg(to)?.unit?.toLowerCase().startsWith('degree') ? 1e-8 : MAX_INTERPOLATION_ERROR;
  }

  /** One point, exactly. */
  exact(x: number, y: number): [number, number] {
    const [px, py] = this.converter.forward([x, y]);
    return [px, py];
  }

  /**
   * The bounds of the reprojected area: the edges of `b` sampled densely (a projection change
   * bends straight edges), heights kept.
   */
  bounds(b: Bounds3): Bounds3 {
    const out = { minX: Infinity, minY: Infinity, maxX: -Infinity, maxY: -Infinity, minZ: b.minZ, maxZ: b.maxZ };
    const n = 32;
    for (let i = 0; i <= n; i++) {
      const t = i / n;
      for (const [x, y] of [
        [b.minX + t * (b.maxX - b.minX), b.minY],
        [b.minX + t * (b.maxX - b.minX), b.maxY],
        [b.minX, b.minY + t * (b.maxY - b.minY)],
        [b.maxX, b.minY + t * (b.maxY - b.minY)],
      ]) {
        const [px, py] = this.exact(x, y);
        out.minX = Math.min(out.minX, px);
        out.maxX = Math.max(out.maxX, px);
        out.minY = Math.min(out.minY, py);
        out.maxY = Math.max(out.maxY, py);
      }
    }
    return out;
  }

  /** Reprojects a chunk's x and y in place (heights are kept: no vertical datum change). */
  transformChunk(c: PointChunk): void {
    const n = c.count;
    if (n === 0) return;
    if (n < 64) {
      this.exactAll(c);
      return;
    }
    let minX = Infinity;
    let minY = Infinity;
    let maxX = -Infinity;
    let maxY = -Infinity;
    for (let i = 0; i < n; i++) {
      const x = c.x[i];
      const y = c.y[i];
      if (x < minX) minX = x;
      if (x > maxX) maxX = x;
      if (y < minY) minY = y;
      if (y > maxY) maxY = y;
    }
    for (let cells = 4; cells <= 64; cells *= 4) {
      const grid = this.controlGrid(minX, minY, maxX, maxY, cells);
      if (grid) {
        interpolate(c, grid);
        this.stats.interpolated += n;
        return;
      }
    }
    this.exactAll(c);
  }

  private exactAll(c: PointChunk): void {
    for (let i = 0; i < c.count; i++) {
      const [px, py] = this.converter.forward([c.x[i], c.y[i]]);
      c.x[i] = px;
      c.y[i] = py;
    }
    this.stats.exact += c.count;
  }

  /** A (cells+1)² grid of exactly projected control points over the box, or null when bilinear misses by more than allowed. */
  private controlGrid(minX: number, minY: number, maxX: number, maxY: number, cells: number): ControlGrid | null {
    const w = Math.max(maxX - minX, 1e-9);
    const h = Math.max(maxY - minY, 1e-9);
    const side = cells + 1;
    const gx = new Float64Array(side * side);
    const gy = new Float64Array(side * side);
    for (let j = 0; j < side; j++) {
      for (let i = 0; i < side; i++) {
        const [px, py] = this.exact(minX + (i / cells) * w, minY + (j / cells) * h);
        gx[j * side + i] = px;
        gy[j * side + i] = py;
      }
    }
    const grid: ControlGrid = { minX, minY, sx: cells / w, sy: cells / h, cells, gx, gy };
    // Bilinear is worst mid-cell: check every cell's centre against proj4.
    let worst = 0;
    const probe = { count: 1, x: new Float64Array(1), y: new Float64Array(1), z: new Float64Array(1) };
    for (let j = 0; j < cells; j++) {
      for (let i = 0; i < cells; i++) {
        const x = minX + ((i + 0.5) / cells) * w;
        const y = minY + ((j + 0.5) / cells) * h;
        probe.x[0] = x;
        probe.y[0] = y;
        interpolate(probe, grid);
        const [ex, ey] = this.exact(x, y);
        worst = Math.max(worst, Math.hypot(probe.x[0] - ex, probe.y[0] - ey));
      }
    }
    this.stats.maxCheckedError = Math.max(this.stats.maxCheckedError, worst);
    return worst <= this.tolerance ? grid : null;
  }
}

interface ControlGrid {
  minX: number;
  minY: number;
  /** Grid cells per source unit along x and y. */
  sx: number;
  sy: number;
  cells: number;
  gx: Float64Array;
  gy: Float64Array;
}

/** Bilinear interpolation of the control grid at every point (the hot loop: plain arithmetic). */
function interpolate(c: PointChunk, g: ControlGrid): void {
  const { minX, minY, sx, sy, cells, gx, gy } = g;
  const side = cells + 1;
  const last = cells - 1;
  for (let p = 0; p < c.count; p++) {
    const fx = (c.x[p] - minX) * sx;
    const fy = (c.y[p] - minY) * sy;
    let i = Math.floor(fx);
    let j = Math.floor(fy);
    i = i < 0 ? 0 : i > last ? last : i;
    j = j < 0 ? 0 : j > last ? last : j;
    const u = fx - i;
    const v = fy - j;
    const k = j * side + i;
    const a = (1 - u) * (1 - v);
    const b = u * (1 - v);
    const d = (1 - u) * v;
    const e = u * v;
    c.x[p] = a * gx[k] + b * gx[k + 1] + d * gx[k + side] + e * gx[k + side + 1];
    c.y[p] = a * gy[k] + b * gy[k + 1] + d * gy[k + side] + e * gy[k + side + 1];
  }
}
