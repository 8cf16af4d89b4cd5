/**
 * UAV photogrammetry of one epoch's scene, as a stream of PointChunks (one per strip of the district).
 * Top surfaces (ground, roofs, car tops) are sampled by area on a jittered grid and kept only where
 * several oblique views see them; facades are sparse and start 0.5 m above the ground; tree crowns
 * are a shell of scattered points. Every point gets Gaussian noise and the epoch's misregistration
 * shift, and points inside the epoch's data holes are dropped. No point is classified.
 */
import type { PointChunk } from '../../core/io/types';
import { ChunkBuilder } from './chunk-builder';
import { TRUNK_COLOR } from './colors';
import type { BBox } from './geometry';
import { rngFor, type Rng } from './rng';
import { crownCenterZ, type Rgb, type Scene, type Tree } from './scene';
import { SceneIndex, SOLID_CAR, SOLID_CROWN, type Solid } from './surface';
import { VisibilityModel } from './visibility';

export interface SurveyParams {
  seed: number;
  epoch: number;
  /** Points per m² on roofs and ground before occlusion. */
  density: number;
  /** Standard deviations of the Gaussian noise, metres. */
  noise: { horizontal: number; vertical: number };
  /** Misregistration added to every point, metres. */
  shift: [number, number, number];
  /** Patches without any point in this epoch. */
  holes: BBox[];
  /** Adjusted standard GPS time of the first strip, seconds. */
  gpsTimeStart: number;
  /** Height of one strip (one chunk), metres; default 8. */
  stripHeight?: number;
  /** Facade density as a fraction of the roof density; default 0.12. */
  facadeRatio?: number;
}

/** Views (of 8) needed to reconstruct a surface point; between these, a partial chance. */
export const MIN_VIEWS = 2;
const FULL_VIEWS = 6;

export function* surveyEpoch(scene: Scene, params: SurveyParams): Generator<PointChunk> {
  yield* new SurveySimulator(scene, params).chunks();
}

class SurveySimulator {
  private readonly index: SceneIndex;
  private readonly visibility: VisibilityModel;
  private readonly spacing: number;
  private readonly cols: number;
  private readonly rows: number;
  private readonly rowsPerStrip: number;
  private readonly stripCount: number;
  private readonly wallsByStrip: Solid[][];
  private readonly treesByStrip: Tree[][];
  private holes: BBox[] = [];
  private rng!: Rng;
  private builder!: ChunkBuilder;
  private time = 0;
  private readonly color: Rgb = [0, 0, 0];

  constructor(
    private readonly scene: Scene,
    private readonly params: SurveyParams,
  ) {
    this.index = new SceneIndex(scene);
    this.visibility = new VisibilityModel(this.index);
    const { extent } = scene;
    this.spacing = 1 / Math.sqrt(params.density);
    this.cols = Math.ceil((extent.maxX - extent.minX) / this.spacing);
    this.rows = Math.ceil((extent.maxY - extent.minY) / this.spacing);
    this.rowsPerStrip = Math.max(1, Math.round((params.stripHeight ?? 8) / this.spacing));
    this.stripCount = Math.ceil(this.rows / this.rowsPerStrip);
    this.wallsByStrip = Array.from({ length: this.stripCount }, () => []);
    this.treesByStrip = Array.from({ length: this.stripCount }, () => []);
    for (const solid of this.index.solids) {
      if (solid.kind !== SOLID_CROWN) this.wallsByStrip[this.stripOf(solid.cy)].push(solid);
    }
    for (const tree of scene.trees) this.treesByStrip[this.stripOf(tree.cy)].push(tree);
  }

  *chunks(): Generator<PointChunk> {
    for (let strip = 0; strip < this.stripCount; strip++) {
      this.rng = rngFor(this.params.seed, 'survey', this.params.epoch, strip);
      this.builder = new ChunkBuilder(Math.ceil(this.rowsPerStrip * this.cols * 1.2) + 1024);
      this.time = this.params.gpsTimeStart + strip * 120;
      const y0 = this.scene.extent.minY + strip * this.rowsPerStrip * this.spacing;
      const y1 = y0 + this.rowsPerStrip * this.spacing;
      // Only the holes that touch this strip (with a margin for facades anchored here).
      this.holes = this.params.holes.filter((h) => h.maxY >= y0 - 50 && h.minY <= y1 + 50);
      this.sampleTops(strip);
      for (const solid of this.wallsByStrip[strip]) this.sampleWalls(solid);
      for (const tree of this.treesByStrip[strip]) this.sampleTree(tree);
      if (this.builder.count > 0) yield this.builder.finish();
    }
  }

  private stripOf(y: number): number {
    const strip = Math.floor((y - this.scene.extent.minY) / (this.rowsPerStrip * this.spacing));
    return Math.min(this.stripCount - 1, Math.max(0, strip));
  }

  /** Ground, roofs and car tops: one jittered sample per grid cell, kept if enough views see it. */
  private sampleTops(strip: number): void {
    const { extent } = this.scene;
    const { index, visibility, rng, spacing, color } = this;
    const rowEnd = Math.min(this.rows, (strip + 1) * this.rowsPerStrip);
    for (let j = strip * this.rowsPerStrip; j < rowEnd; j++) {
      for (let i = 0; i < this.cols; i++) {
        const x = extent.minX + (i + rng.next()) * spacing;
        const y = extent.minY + (j + rng.next()) * spacing;
        if (x >= extent.maxX || y >= extent.maxY || this.inHole(x, y)) continue;
        const z = index.topAt(x, y);
        const hit = index.hit;
        if (hit >= 0 && index.solids[hit].kind === SOLID_CROWN) continue; // crowns are sampled as volumes
        if (!this.reconstructed(visibility.topViews(x, y, z))) continue;
        if (hit < 0) index.groundColorAt(x, y, color);
        else {
          const c = index.solids[hit].color;
          color[0] = c[0];
          color[1] = c[1];
          color[2] = c[2];
        }
        this.emit(x, y, z, color, 0.08);
      }
    }
  }

  /** Facades of buildings and sides of cars: sparse, and only where views facing them see them. */
  private sampleWalls(solid: Solid): void {
    const isCar = solid.kind === SOLID_CAR;
    const density = this.params.density * (isCar ? 0.5 : (this.params.facadeRatio ?? 0.12));
    const minViews = isCar ? 1 : MIN_VIEWS;
    const { rng, index } = this;
    // Sides in the solid's frame: outward normal (nu, nv) and half-length of the side.
    const sides: [number, number, number][] = [
      [1, 0, solid.hd],
      [0, 1, solid.hw],
      [-1, 0, solid.hd],
      [0, -1, solid.hw],
    ];
    for (const [nu, nv, half] of sides) {
      const nx = nu * solid.cos - nv * solid.sin;
      const ny = nu * solid.sin + nv * solid.cos;
      const u0 = nu * solid.hw;
      const v0 = nv * solid.hd;
      // Ends of the side, to bound the terrain under it.
      const ex = -nv * half;
      const ey = nu * half;
      const endA = this.toWorld(solid, u0 + ex, v0 + ey);
      const endB = this.toWorld(solid, u0 - ex, v0 - ey);
      const bottomOffset = isCar ? 0.25 : 0.5;
      const bottom = solid.onGround
        ? Math.min(index.groundAt(endA[0], endA[1]), index.groundAt(endB[0], endB[1])) + bottomOffset
        : solid.bottom + 0.2;
      const top = solid.top;
      if (top <= bottom) continue;
      const expected = 2 * half * (top - bottom) * density;
      const n = Math.floor(expected + rng.next());
      for (let k = 0; k < n; k++) {
        const t = (rng.next() * 2 - 1) * half;
        const [x, y] = this.toWorld(solid, u0 - nv * t, v0 + nu * t);
        const z = bottom + rng.next() * (top - bottom);
        if (solid.onGround && z < index.groundAt(x, y) + bottomOffset) continue;
        if (this.inHole(x, y)) continue;
        if (this.visibility.wallViews(x, y, z, nx, ny) < minViews) continue;
        this.emit(x, y, z, solid.wall, 0.1);
      }
    }
  }

  /** A shell of points through the outer part of the crown, plus a few on the trunk. */
  private sampleTree(tree: Tree): void {
    const { rng, color } = this;
    const cz = crownCenterZ(tree);
    const n = Math.floor(this.params.density * Math.PI * tree.r * tree.r * 1.5 + rng.next());
    for (let k = 0; k < n; k++) {
      const cosT = -0.3 + 1.3 * rng.next(); // area-uniform on the sphere, down to ~17° below the equator
      const sinT = Math.sqrt(1 - cosT * cosT);
      const phi = 2 * Math.PI * rng.next();
      const depth = 1 - 0.3 * rng.next() ** 2; // mostly near the surface, some inside
      const x = tree.cx + tree.r * depth * sinT * Math.cos(phi);
      const y = tree.cy + tree.r * depth * sinT * Math.sin(phi);
      if (this.inHole(x, y)) continue;
      const z = cz + tree.rv * depth * cosT;
      const shade = 0.72 + 0.3 * ((cosT + 0.3) / 1.3) * depth;
      color[0] = tree.color[0] * shade;
      color[1] = tree.color[1] * shade * (0.92 + 0.16 * rng.next());
      color[2] = tree.color[2] * shade;
      this.emit(x, y, z, color, 0.2);
    }
    const trunkTop = cz - tree.rv * 0.8;
    const trunkPoints = 6 + Math.floor(tree.r * 2);
    for (let k = 0; k < trunkPoints; k++) {
      const a = 2 * Math.PI * rng.next();
      const x = tree.cx + 0.15 * Math.cos(a);
      const y = tree.cy + 0.15 * Math.sin(a);
      if (this.inHole(x, y)) continue;
      this.emit(x, y, tree.baseZ + 0.3 + rng.next() * (trunkTop - tree.baseZ - 0.3), TRUNK_COLOR, 0.15);
    }
  }

  private reconstructed(views: number): boolean {
    if (views >= FULL_VIEWS) return true;
    if (views < MIN_VIEWS) return false;
    return this.rng.next() < (views - MIN_VIEWS + 1) / (FULL_VIEWS - MIN_VIEWS + 1);
  }

  private inHole(x: number, y: number): boolean {
    for (const h of this.holes) if (x >= h.minX && x <= h.maxX && y >= h.minY && y <= h.maxY) return true;
    return false;
  }

  /** Adds noise, the epoch shift and a brightness jitter, and stores the point. */
  private emit(x: number, y: number, z: number, color: Rgb, jitter: number): void {
    const { rng, params } = this;
    const { horizontal, vertical } = params.noise;
    const [dx, dy, dz] = params.shift;
    const bright = 1 + (rng.next() - 0.5) * 2 * jitter;
    this.builder.push(
      x + horizontal * rng.normal() + dx,
      y + horizontal * rng.normal() + dy,
      z + vertical * rng.normal() + dz,
      color[0] * bright,
      color[1] * bright,
      color[2] * bright,
      this.time + (x - this.scene.extent.minX) / 10,
    );
  }

  private toWorld(solid: Solid, u: number, v: number): [number, number] {
    return [solid.cx + u * solid.cos - v * solid.sin, solid.cy + u * solid.sin + v * solid.cos];
  }
}
