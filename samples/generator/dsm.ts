/**
 * The DSM a photogrammetry package would deliver with an epoch's point cloud: the highest
 * surface in each pixel (roofs, crowns, cars, ground), from the same scene, with the epoch's
 * misregistration and vertical noise, and nodata wherever the simulated flight saw nothing
 * (too few views, or the epoch's data holes), exactly where its point cloud has no top points.
 */
import type { BBox } from './geometry';
import { rngFor } from './rng';
import type { Scene } from './scene';
import { SceneIndex, SOLID_CROWN, type Solid } from './surface';
import { MIN_VIEWS } from './survey';
import { VisibilityModel } from './visibility';

export interface DsmRaster {
  width: number;
  height: number;
  /** Heights row by row from the north edge down; NaN where nothing was seen. */
  heights: Float32Array;
  originX: number;
  originY: number;
  pixelSize: number;
}

export interface DsmParams {
  seed: number;
  epoch: number;
  pixelSize: number;
  /** Vertical noise σ, metres. */
  noise: number;
  /** The epoch's misregistration, metres. */
  shift: [number, number, number];
  holes: BBox[];
}

/**
 * Samples per pixel side: the pixel keeps the highest of them, as a DSM rasterised with "max"
 * from a dense cloud takes a roof that covers any part of the pixel.
 */
const SUB = 4;

export function renderDsm(scene: Scene, p: DsmParams): DsmRaster {
  const index = new SceneIndex(scene);
  const visibility = new VisibilityModel(index);
  const { extent } = scene;
  const { pixelSize } = p;
  const width = Math.round((extent.maxX - extent.minX) / pixelSize);
  const height = Math.round((extent.maxY - extent.minY) / pixelSize);
  const heights = new Float32Array(width * height);
  const rng = rngFor(p.seed, 'dsm', p.epoch);
  const [dx, dy, dz] = p.shift;
  for (let row = 0; row < height; row++) {
    // The scene point a pixel shows: the epoch's shift moves the whole survey, DSM included.
    const y = extent.maxY - (row + 0.5) * pixelSize - dy;
    for (let col = 0; col < width; col++) {
      const x = extent.minX + (col + 0.5) * pixelSize - dx;
      const o = row * width + col;
      const centre = index.topAt(x, y);
      if (inHole(p.holes, x, y) || visibility.topViews(x, y, centre) < MIN_VIEWS) {
        heights[o] = NaN;
        continue;
      }
      let top = -Infinity;
      // One matching depth per pixel on foliage (see foliageTop).
      const depth = 1 - FOLIAGE_DEPTH * rng.next();
      for (let sj = 0; sj < SUB; sj++) {
        for (let si = 0; si < SUB; si++) {
          const sx = x + ((si + 0.5) / SUB - 0.5) * pixelSize;
          const sy = y + ((sj + 0.5) / SUB - 0.5) * pixelSize;
          let z = index.topAt(sx, sy);
          const hit = index.hit >= 0 ? index.solids[index.hit] : null;
          if (hit?.kind === SOLID_CROWN) z = Math.max(index.groundAt(sx, sy), foliageTop(hit, sx, sy, depth));
          if (z > top) top = z;
        }
      }
      heights[o] = top + dz + p.noise * rng.normal();
    }
  }
  return { width, height, heights, originX: extent.minX, originY: extent.maxY, pixelSize };
}

/** How deep into a crown dense matching may find the leaves, as a share of its radius. */
const FOLIAGE_DEPTH = 0.4;

/**
 * Dense matching on foliage finds leaves at varying depth inside the crown, not its smooth hull
 * (the survey's crown points are likewise a shell down to 30 % of the radius deep): each pixel
 * sees the crown at its own depth, so a DSM's crowns are rough where its roofs are planes.
 */
function foliageTop(crown: Solid, x: number, y: number, depth: number): number {
  const q = ((x - crown.cx) ** 2 + (y - crown.cy) ** 2) / (crown.r * crown.r);
  return crown.cz + crown.rv * Math.sqrt(Math.max(0, depth * depth - q));
}

function inHole(holes: BBox[], x: number, y: number): boolean {
  for (const h of holes) if (x >= h.minX && x <= h.maxX && y >= h.minY && y <= h.maxY) return true;
  return false;
}
