/**
 * A query index over one epoch's scene: "what is the topmost surface at (x, y)?" answered exactly
 * (footprint tests, not a raster) through a coarse bin grid. Survey, visibility and orthophoto all
 * read the scene through it.
 */
import { groundColor } from './colors';
import { rectBBox, type BBox } from './geometry';
import { crownCenterZ, groundZ, type GroundMaterial, type Rgb, type Scene, type Terrain } from './scene';

export const SOLID_BOX = 0;
export const SOLID_CROWN = 1;
export const SOLID_CAR = 2;

/** One object in a flat, monomorphic shape (fast property access in the hot loops). */
export interface Solid {
  kind: number;
  owner: string;
  cx: number;
  cy: number;
  cos: number;
  sin: number;
  hw: number;
  hd: number;
  /** Flat top (boxes, cars); crown top for trees. */
  top: number;
  /** Bottom of a box sitting on a roof; the base for ground-standing ones. */
  bottom: number;
  onGround: boolean;
  /** Crown centre height and semi-axes (trees only). */
  cz: number;
  r: number;
  rv: number;
  color: Rgb;
  wall: Rgb;
}

const BIN_SIZE = 4;
/** Ground colour raster cell: fine enough for crisp kerbs in a 0.1 m orthophoto. */
const GROUND_CELL = 0.25;

export class SceneIndex {
  readonly solids: Solid[] = [];
  readonly extent: BBox;
  readonly terrain: Terrain;
  /** Index of the solid found by the last topAt call, −1 for bare ground. */
  hit = -1;

  private readonly binsX: number;
  private readonly binsY: number;
  private readonly binStart: Int32Array;
  private readonly binItems: Int32Array;
  private readonly groundRgb: Uint8Array;
  private readonly groundNx: number;
  private readonly groundNy: number;

  constructor(scene: Scene) {
    this.extent = scene.extent;
    this.terrain = scene.terrain;
    this.collectSolids(scene);

    const width = this.extent.maxX - this.extent.minX;
    const height = this.extent.maxY - this.extent.minY;
    this.binsX = Math.max(1, Math.ceil(width / BIN_SIZE));
    this.binsY = Math.max(1, Math.ceil(height / BIN_SIZE));
    const bounds = this.solids.map((s) => this.binRange(s));
    const counts = new Int32Array(this.binsX * this.binsY + 1);
    for (const [x0, y0, x1, y1] of bounds) {
      for (let by = y0; by <= y1; by++) for (let bx = x0; bx <= x1; bx++) counts[by * this.binsX + bx + 1]++;
    }
    for (let i = 1; i < counts.length; i++) counts[i] += counts[i - 1];
    this.binStart = counts;
    this.binItems = new Int32Array(counts[counts.length - 1]);
    const fill = counts.slice(0, -1);
    bounds.forEach(([x0, y0, x1, y1], index) => {
      for (let by = y0; by <= y1; by++) {
        for (let bx = x0; bx <= x1; bx++) this.binItems[fill[by * this.binsX + bx]++] = index;
      }
    });

    this.groundNx = Math.ceil(width / GROUND_CELL);
    this.groundNy = Math.ceil(height / GROUND_CELL);
    this.groundRgb = this.rasteriseGround(scene);
  }

  groundAt(x: number, y: number): number {
    return groundZ(this.terrain, x, y);
  }

  /** Ground colour (material and stains) at (x, y), written into `out`. */
  groundColorAt(x: number, y: number, out: Rgb): Rgb {
    let ix = Math.floor((x - this.extent.minX) / GROUND_CELL);
    let iy = Math.floor((y - this.extent.minY) / GROUND_CELL);
    ix = ix < 0 ? 0 : ix >= this.groundNx ? this.groundNx - 1 : ix;
    iy = iy < 0 ? 0 : iy >= this.groundNy ? this.groundNy - 1 : iy;
    const o = 3 * (iy * this.groundNx + ix);
    out[0] = this.groundRgb[o];
    out[1] = this.groundRgb[o + 1];
    out[2] = this.groundRgb[o + 2];
    return out;
  }

  /** Height of the topmost surface at (x, y); sets `hit` to the solid's index or −1 for ground. */
  topAt(x: number, y: number): number {
    const z = this.topSolidAt(x, y);
    return this.hit < 0 ? groundZ(this.terrain, x, y) : z;
  }

  /** Like topAt, but −Infinity on bare ground (for callers that need no terrain height). */
  topSolidAt(x: number, y: number): number {
    const bx = Math.floor((x - this.extent.minX) / BIN_SIZE);
    const by = Math.floor((y - this.extent.minY) / BIN_SIZE);
    this.hit = -1;
    if (bx < 0 || by < 0 || bx >= this.binsX || by >= this.binsY) return -Infinity;
    const bin = by * this.binsX + bx;
    let best = -Infinity;
    for (let k = this.binStart[bin], end = this.binStart[bin + 1]; k < end; k++) {
      const index = this.binItems[k];
      const s = this.solids[index];
      const dx = x - s.cx;
      const dy = y - s.cy;
      let z: number;
      if (s.kind === SOLID_CROWN) {
        const q = (dx * dx + dy * dy) / (s.r * s.r);
        if (q >= 1) continue;
        z = s.cz + s.rv * Math.sqrt(1 - q);
      } else {
        const u = dx * s.cos + dy * s.sin;
        const v = dy * s.cos - dx * s.sin;
        if (u > s.hw || u < -s.hw || v > s.hd || v < -s.hd) continue;
        z = s.top;
      }
      if (z > best) {
        best = z;
        this.hit = index;
      }
    }
    return best;
  }

  private collectSolids(scene: Scene): void {
    for (const building of scene.buildings) {
      for (const box of building.boxes) {
        this.solids.push({
          kind: SOLID_BOX,
          owner: building.id,
          cx: box.cx,
          cy: box.cy,
          cos: Math.cos(box.angle),
          sin: Math.sin(box.angle),
          hw: box.hw,
          hd: box.hd,
          top: box.z1,
          bottom: box.z0,
          onGround: box.onGround,
          cz: 0,
          r: 0,
          rv: 0,
          color: box.roof,
          wall: box.wall,
        });
      }
    }
    for (const tree of scene.trees) {
      this.solids.push({
        kind: SOLID_CROWN,
        owner: tree.id,
        cx: tree.cx,
        cy: tree.cy,
        cos: 1,
        sin: 0,
        hw: tree.r,
        hd: tree.r,
        top: crownCenterZ(tree) + tree.rv,
        bottom: crownCenterZ(tree) - tree.rv,
        onGround: false,
        cz: crownCenterZ(tree),
        r: tree.r,
        rv: tree.rv,
        color: tree.color,
        wall: tree.color,
      });
    }
    for (const car of scene.cars) {
      this.solids.push({
        kind: SOLID_CAR,
        owner: car.id,
        cx: car.cx,
        cy: car.cy,
        cos: Math.cos(car.angle),
        sin: Math.sin(car.angle),
        hw: car.hw,
        hd: car.hd,
        top: car.baseZ + car.height,
        bottom: car.baseZ,
        onGround: true,
        cz: 0,
        r: 0,
        rv: 0,
        color: car.color,
        wall: car.color,
      });
    }
  }

  private binRange(s: Solid): [number, number, number, number] {
    const box =
      s.kind === SOLID_CROWN
        ? { minX: s.cx - s.r, minY: s.cy - s.r, maxX: s.cx + s.r, maxY: s.cy + s.r }
        : rectBBox({ cx: s.cx, cy: s.cy, hw: s.hw, hd: s.hd, angle: Math.atan2(s.sin, s.cos) });
    const clampX = (v: number) => Math.min(this.binsX - 1, Math.max(0, v));
    const clampY = (v: number) => Math.min(this.binsY - 1, Math.max(0, v));
    return [
      clampX(Math.floor((box.minX - this.extent.minX) / BIN_SIZE)),
      clampY(Math.floor((box.minY - this.extent.minY) / BIN_SIZE)),
      clampX(Math.floor((box.maxX - this.extent.minX) / BIN_SIZE)),
      clampY(Math.floor((box.maxY - this.extent.minY) / BIN_SIZE)),
    ];
  }

  /** Paints ground patches in order (later ones win; paving elsewhere), then colours every cell. */
  private rasteriseGround(scene: Scene): Uint8Array {
    const nx = this.groundNx;
    const ny = this.groundNy;
    const codes = new Uint8Array(nx * ny);
    const materials: GroundMaterial[] = ['paving'];
    for (const patch of scene.ground) {
      let code = materials.indexOf(patch.material);
      if (code < 0) code = materials.push(patch.material) - 1;
      const x0 = Math.max(0, Math.round((patch.box.minX - this.extent.minX) / GROUND_CELL));
      const x1 = Math.min(nx, Math.round((patch.box.maxX - this.extent.minX) / GROUND_CELL));
      const y0 = Math.max(0, Math.round((patch.box.minY - this.extent.minY) / GROUND_CELL));
      const y1 = Math.min(ny, Math.round((patch.box.maxY - this.extent.minY) / GROUND_CELL));
      for (let iy = y0; iy < y1; iy++) codes.fill(code, iy * nx + x0, iy * nx + Math.max(x0, x1));
    }
    const rgb = new Uint8Array(nx * ny * 3);
    const color: Rgb = [0, 0, 0];
    for (let iy = 0; iy < ny; iy++) {
      const y = this.extent.minY + (iy + 0.5) * GROUND_CELL;
      for (let ix = 0; ix < nx; ix++) {
        const i = iy * nx + ix;
        groundColor(materials[codes[i]], this.extent.minX + (ix + 0.5) * GROUND_CELL, y, scene.groundSeed, color);
        rgb[3 * i] = color[0];
        rgb[3 * i + 1] = color[1];
        rgb[3 * i + 2] = color[2];
      }
    }
    return rgb;
  }
}
