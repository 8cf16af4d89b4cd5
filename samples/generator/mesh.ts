/**
 * One epoch's scene as a photogrammetric mesh would show it: terrain draped as a 2 m grid, boxes
 * (buildings, rooftop rooms, cars) with roofs and walls down to the ground, tree crowns as closed
 * ellipsoids. Surfaces hidden inside a solid (the ground under a building, a roof under a rooftop
 * room) are cut out, as a reconstruction never sees them. Coordinates in EPSG:4547, with the
 * epoch's misregistration shift; colour per vertex (the same palettes the survey samples).
 */
import earcut from 'earcut';
import polygonClipping, { type Polygon } from 'polygon-clipping';
import { rectBBox, rectCorners, type BBox, type OrientedRect } from './geometry';
import { crownCenterZ, type Rgb, type Scene } from './scene';
import { SceneIndex } from './surface';

export interface SceneMesh {
  /** x, y, z per vertex, EPSG:4547. */
  positions: Float64Array;
  indices: Uint32Array;
  /** r, g, b per vertex. */
  colors: Uint8Array;
}

interface Blocker {
  rect: OrientedRect;
  box: BBox;
  /** The blocker covers surfaces from z0 up to z1. */
  z0: number;
  z1: number;
  ring: [number, number][];
}

const TERRAIN_CELL = 2;
/** Walls are cut every 2 m along their length so that their foot follows the terrain. */
const WALL_STEP = 2;

export function meshScene(scene: Scene, shift: [number, number, number] = [0, 0, 0]): SceneMesh {
  const b = new MeshBuilder();
  const index = new SceneIndex(scene);
  const ground = (x: number, y: number) => index.groundAt(x, y);
  const blockers: Blocker[] = [];
  const addBlocker = (rect: OrientedRect, z0: number, z1: number) => {
    const ring = rectCorners(rect);
    blockers.push({ rect, box: rectBBox(rect), z0, z1, ring: [...ring, ring[0]] });
  };
  for (const building of scene.buildings) for (const box of building.boxes) addBlocker(box, box.onGround ? -Infinity : box.z0, box.z1);
  for (const car of scene.cars) addBlocker(car, -Infinity, car.baseZ + car.height);

  // Terrain: a grid of cells, each less the footprints standing on it.
  const { extent } = scene;
  const colour: Rgb = [0, 0, 0];
  const groundColour = (x: number, y: number) => index.groundColorAt(x, y, colour);
  for (let y0 = extent.minY; y0 < extent.maxY - 1e-9; y0 += TERRAIN_CELL) {
    for (let x0 = extent.minX; x0 < extent.maxX - 1e-9; x0 += TERRAIN_CELL) {
      const cell = { minX: x0, minY: y0, maxX: Math.min(extent.maxX, x0 + TERRAIN_CELL), maxY: Math.min(extent.maxY, y0 + TERRAIN_CELL) };
      const hits = blockers.filter((k) => k.z0 === -Infinity && boxesOverlap(k.box, cell));
      b.addFlat(boxRing(cell), hits, ground, groundColour);
    }
  }

  // Boxes: a roof less what stands on it, and walls from the ground (or the roof below) up.
  for (const building of scene.buildings) {
    for (const box of building.boxes) {
      const on = blockers.filter(
        (k) => k.rect !== box && k.z1 > box.z1 + 0.01 && k.z0 <= box.z1 + 0.01 && boxesOverlap(k.box, rectBBox(box)),
      );
      const ring = rectCorners(box);
      b.addFlat(
        [...ring, ring[0]],
        on,
        () => box.z1,
        () => box.roof,
      );
      b.addWalls(box, box.onGround ? ground : () => box.z0, box.z1, box.wall);
    }
  }
  for (const car of scene.cars) {
    const top = car.baseZ + car.height;
    const ring = rectCorners(car);
    b.addFlat(
      [...ring, ring[0]],
      [],
      () => top,
      () => car.color,
    );
    b.addWalls(car, ground, top, car.color);
  }
  for (const tree of scene.trees) b.addEllipsoid(tree.cx, tree.cy, crownCenterZ(tree), tree.r, tree.rv, tree.color);
  return b.finish(shift);
}

class MeshBuilder {
  private xyz: number[] = [];
  private rgb: number[] = [];
  private tri: number[] = [];

  vertex(x: number, y: number, z: number, c: Rgb): number {
    this.xyz.push(x, y, z);
    this.rgb.push(Math.round(c[0]), Math.round(c[1]), Math.round(c[2]));
    return this.xyz.length / 3 - 1;
  }

  /** A horizontal-ish face (ring in x, y) less the blockers' footprints, heights and colours by position. */
  addFlat(ring: [number, number][], blockers: Blocker[], z: (x: number, y: number) => number, c: (x: number, y: number) => Rgb): void {
    let polygons: Polygon[] = [[ring]];
    if (blockers.length > 0) polygons = polygonClipping.difference([ring], ...blockers.map((k) => [k.ring] as Polygon));
    for (const polygon of polygons) {
      const flat: number[] = [];
      const holes: number[] = [];
      for (const r of polygon) {
        if (flat.length > 0) holes.push(flat.length / 2);
        // polygon-clipping closes rings; earcut wants them open.
        for (const [x, y] of r.slice(0, -1)) flat.push(x, y);
      }
      const triangles = earcut(flat, holes);
      const base = this.xyz.length / 3;
      for (let i = 0; i < flat.length; i += 2) this.vertex(flat[i], flat[i + 1], z(flat[i], flat[i + 1]), c(flat[i], flat[i + 1]));
      // earcut's winding follows the input; make every face point up.
      for (let t = 0; t < triangles.length; t += 3) {
        const [a, b, d] = [triangles[t], triangles[t + 1], triangles[t + 2]];
        const cross =
          (flat[2 * b] - flat[2 * a]) * (flat[2 * d + 1] - flat[2 * a + 1]) -
          (flat[2 * b + 1] - flat[2 * a + 1]) * (flat[2 * d] - flat[2 * a]);
        if (cross >= 0) this.tri.push(base + a, base + b, base + d);
        else this.tri.push(base + a, base + d, base + b);
      }
    }
  }

  /** Four walls of an oriented box, cut along their length so their foot follows `bottom`. */
  addWalls(rect: OrientedRect, bottom: (x: number, y: number) => number, top: number, c: Rgb): void {
    const corners = rectCorners(rect);
    for (let s = 0; s < 4; s++) {
      const [ax, ay] = corners[s];
      const [bx, by] = corners[(s + 1) % 4];
      const steps = Math.max(1, Math.ceil(Math.hypot(bx - ax, by - ay) / WALL_STEP));
      for (let k = 0; k < steps; k++) {
        const p = [ax + ((bx - ax) * k) / steps, ay + ((by - ay) * k) / steps];
        const q = [ax + ((bx - ax) * (k + 1)) / steps, ay + ((by - ay) * (k + 1)) / steps];
        const zp = bottom(p[0], p[1]);
        const zq = bottom(q[0], q[1]);
        if (zp >= top && zq >= top) continue;
        const v0 = this.vertex(p[0], p[1], Math.min(zp, top), c);
        const v1 = this.vertex(q[0], q[1], Math.min(zq, top), c);
        const v2 = this.vertex(q[0], q[1], top, c);
        const v3 = this.vertex(p[0], p[1], top, c);
        this.tri.push(v0, v1, v2, v0, v2, v3);
      }
    }
  }

  /** A closed ellipsoid (12 × 8 facets): how a mesh drapes a tree crown. */
  addEllipsoid(cx: number, cy: number, cz: number, r: number, rv: number, c: Rgb): void {
    const around = 12;
    const rings = 8;
    const base = this.xyz.length / 3;
    for (let i = 0; i <= rings; i++) {
      const phi = (Math.PI * i) / rings;
      for (let j = 0; j < around; j++) {
        const theta = (2 * Math.PI * j) / around;
        const shade = 0.75 + 0.25 * Math.cos(phi);
        this.vertex(cx + r * Math.sin(phi) * Math.cos(theta), cy + r * Math.sin(phi) * Math.sin(theta), cz + rv * Math.cos(phi), [
          c[0] * shade,
          c[1] * shade,
          c[2] * shade,
        ]);
      }
    }
    for (let i = 0; i < rings; i++) {
      for (let j = 0; j < around; j++) {
        const a = base + i * around + j;
        const b = base + i * around + ((j + 1) % around);
        const d = a + around;
        const e = b + around;
        this.tri.push(a, d, b, b, d, e);
      }
    }
  }

  finish(shift: [number, number, number]): SceneMesh {
    const positions = Float64Array.from(this.xyz);
    for (let i = 0; i < positions.length; i += 3) {
      positions[i] += shift[0];
      positions[i + 1] += shift[1];
      positions[i + 2] += shift[2];
    }
    return { positions, indices: Uint32Array.from(this.tri), colors: Uint8Array.from(this.rgb) };
  }
}

function boxRing(b: BBox): [number, number][] {
  return [
    [b.minX, b.minY],
    [b.maxX, b.minY],
    [b.maxX, b.maxY],
    [b.minX, b.maxY],
    [b.minX, b.minY],
  ];
}

function boxesOverlap(a: BBox, b: BBox): boolean {
  return a.minX < b.maxX && a.maxX > b.minX && a.minY < b.maxY && a.maxY > b.minY;
}
